"""A banquet seated by hand for the print tests: guests of every script of the region at two
tables, an interpreter behind her minister. Rows made directly (the planner is not needed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from eventhub.extensions import db
from eventhub.registration.models import Category
from eventhub.scheduling.models import ActivityState, ActivityType
from eventhub.seating.models import SeatAssignment, SeatingPlan, SeatingTable, TableShape

# (family, given, native, name_zh, country, order)
GUESTS = [
    ("WANG", "Jianhua", "", "王建华", "CN", "family"),
    ("CHANTHAVONG", "Somphone", "ສົມພອນ ຈັນທະວົງ", "宋蓬·占塔翁", "LA", "given"),
    ("JAIDEE", "Somchai", "สมชาย ใจดี", "", "TH", "given"),
    ("HUN", "Manet", "ហ៊ុន ម៉ាណែត", "洪玛奈", "KH", "family"),
    ("AUNG", "Kyaw", "ကျော်အောင်", "", "MM", "given"),
    ("NGUYEN", "Thi Huong", "Nguyễn Thị Hương", "", "VN", "family"),
]


@dataclass
class Seated:
    plan_id: int
    activity_id: int
    participants: list  # in GUESTS order, then the interpreter
    places: dict  # participant id -> (table number, seat, behind)


def seat_banquet(app, make, event, *, published: bool = True) -> Seated:
    """The banquet seated; `published` (the default): its guests see their places."""
    activity = make.activity(
        event,
        title_en="Welcome Banquet",
        title_zh="欢迎晚宴",
        type=ActivityType.BANQUET,
        state=ActivityState.PUBLISHED,
        starts_at=datetime(2025, 7, 24, 11, 0, tzinfo=UTC),
        ends_at=datetime(2025, 7, 24, 13, 0, tzinfo=UTC),
    )
    people = [
        make.participant(
            event,
            family_name=family,
            given_name=given,
            native_name=native,
            name_zh=zh,
            country_code=country,
            name_order=order,
            honorific="Dr." if country == "LA" else "",
        )
        for family, given, native, zh, country, order in GUESTS
    ]
    interpreter = make.participant(
        event,
        family_name="PHOMMA",
        given_name="Noy",
        native_name="ນ້ອຍ ພົມມາ",
        category=Category.INTERPRETER,
    )
    places = {}
    with app.app_context():
        plan = SeatingPlan(
            event_id=event.id,
            activity_id=activity.id,
            version=3,
            published_at=datetime(2025, 7, 20, 8, 0, tzinfo=UTC) if published else None,
        )
        head = SeatingTable(
            number=1, name_en="Mekong", name_zh="湄公", shape=TableShape.HEAD, seats=8, x=50, y=10
        )
        round_ = SeatingTable(number=2, name_en="Lancang", name_zh="澜沧", seats=10, x=30, y=60)
        plan.tables = [head, round_]
        db.session.add(plan)
        db.session.flush()
        for index, person in enumerate(people):
            table = head if index < 3 else round_
            seat = index % 3 + 1
            db.session.add(
                SeatAssignment(
                    plan_id=plan.id, table_id=table.id, seat=seat, participant_id=person.id
                )
            )
            places[person.id] = (table.number, seat, False)
        # The Lao guest's interpreter, on a chair behind her: no card of her own.
        db.session.add(
            SeatAssignment(
                plan_id=plan.id,
                table_id=head.id,
                seat=2,
                behind=True,
                participant_id=interpreter.id,
            )
        )
        places[interpreter.id] = (1, 2, True)
        db.session.commit()
        return Seated(plan.id, activity.id, [*people, interpreter], places)
