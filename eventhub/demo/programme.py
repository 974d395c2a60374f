"""The demo week's venues, rooms and about 116 activities, idempotently."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Category, Delegation, Participant, Status
from eventhub.scheduling.activities import local_to_utc
from eventhub.scheduling.models import (
    Access,
    Activity,
    ActivityPerson,
    ActivityRole,
    ActivityState,
    ActivityType,
    ActivityVisibility,
    Enrolment,
    EnrolmentStatus,
    Room,
    TravelTime,
    Venue,
)

MAIN = "Guiyang International Eco-Conference Center"
UNIVERSITY = "Guizhou University, Huaxi Campus"
COLLEGE = "Guizhou Light Industry Technical College"
VENUES = [
    (
        MAIN,
        "贵阳国际生态会议中心",
        True,
        time(7, 30),
        time(22, 30),
        [
            ("Grand Hall", "大会堂", 2000, "theatre", "interpretation booths, stage, video"),
            ("Hall 1", "第一会议厅", 600, "theatre", "interpretation booths, stage"),
            ("Hall 2", "第二会议厅", 400, "theatre", "interpretation booths, stage"),
            ("Hall 3", "第三会议厅", 300, "theatre", "interpretation booths"),
            ("Signing Hall", "签约厅", 300, "theatre", "stage, flags, video"),
            ("Banquet Hall", "宴会厅", 1200, "banquet", "stage"),
            ("VIP Room", "贵宾室", 30, "boardroom", "flags"),
            *[
                (f"Meeting Room {n}", f"{n}号会议室", 60 + 20 * (n % 4), "classroom", "projector")
                for n in range(1, 9)
            ],
        ],
    ),
    (
        UNIVERSITY,
        "贵州大学花溪校区",
        False,
        time(8, 0),
        time(21, 0),
        [
            ("University Auditorium", "大学礼堂", 500, "theatre", "stage"),
            *[(f"Room A10{n}", f"A10{n}教室", 80, "classroom", "projector") for n in range(1, 5)],
        ],
    ),
    (
        COLLEGE,
        "贵州轻工职业技术学院",
        False,
        time(8, 0),
        time(18, 0),
        [
            ("Training Centre", "实训中心", 150, "classroom", "workshop benches"),
            ("Workshop Lab 1", "实训室1", 40, "classroom", "workshop benches"),
        ],
    ),
]
TRAVEL = [(MAIN, UNIVERSITY, 40), (MAIN, COLLEGE, 50), (UNIVERSITY, COLLEGE, 30)]
THEMES = [
    ("Digital Economy and Smart Education", "数字经济与智慧教育"),
    ("Vocational Education and Skills Development", "职业教育与技能发展"),
    ("Quality Assurance and Mutual Recognition in Higher Education", "高等教育质量保障与学历互认"),
    ("New-Energy Vehicle Talent Training", "新能源汽车人才培养"),
    ("Rail and Aviation Skills", "轨道交通与航空技能"),
    ("E-commerce and Cross-border Trade Education", "电子商务与跨境贸易教育"),
    ("Big Data and Artificial Intelligence in Education", "大数据与人工智能教育"),
    ("Language and Cultural Exchange", "语言与文化交流"),
    ("Youth Exchange and Student Mobility", "青年交流与学生流动"),
    ("Medical Education Cooperation", "医学教育合作"),
    ("Agriculture and Rural Revitalisation", "农业与乡村振兴"),
    ("Teacher Development", "教师发展"),
]
FORMATS = [
    ("Forum", "论坛", ActivityType.FORUM),
    ("Workshop", "工作坊", ActivityType.WORKSHOP),
    ("Roundtable", "圆桌会议", ActivityType.FORUM),
    ("Matchmaking Session", "对接洽谈会", ActivityType.WORKSHOP),
]
DAYS = [date(2025, 7, 24) + timedelta(days=n) for n in range(4)]
SLOTS = [
    (time(9, 0), time(10, 30)),
    (time(10, 45), time(12, 15)),
    (time(14, 0), time(15, 30)),
    (time(15, 45), time(17, 15)),
]
MEETING_ROOMS = [f"Meeting Room {n}" for n in range(1, 9)] + ["Hall 1", "Hall 2", "Hall 3"]


def _fixed(
    day: int,
    start: time,
    end: time,
    title: tuple[str, str],
    kind: ActivityType,
    room: str | None,
    access: Access = Access.OPEN,
    track: str = "",
) -> dict:
    return {
        "day": DAYS[day],
        "start": start,
        "end": end,
        "title_en": title[0],
        "title_zh": title[1],
        "type": kind,
        "room": room,
        "access": access,
        "track": track,
        "track_zh": dict(THEMES).get(track, ""),
    }


def activity_plan() -> list[dict]:
    """About 116 activities: ceremonies, plenaries, parallel forums, tours and banquets."""
    plan = [
        _fixed(
            0,
            time(9, 0),
            time(10, 30),
            ("Opening Ceremony", "开幕式"),
            ActivityType.OPENING_CEREMONY,
            "Grand Hall",
        ),
        _fixed(
            0,
            time(10, 45),
            time(12, 15),
            ("High-level Plenary: Education for a Shared Future", "高级别全体会议：教育共创未来"),
            ActivityType.PLENARY,
            "Grand Hall",
        ),
        _fixed(
            0,
            time(18, 30),
            time(20, 30),
            ("Welcome Banquet", "欢迎晚宴"),
            ActivityType.BANQUET,
            "Banquet Hall",
            Access.INVITATION,
        ),
        _fixed(
            1,
            time(16, 0),
            time(17, 30),
            ("Signing Ceremony I: University Partnerships", "签约仪式（一）：高校合作"),
            ActivityType.SIGNING_CEREMONY,
            "Signing Hall",
            Access.INVITATION,
        ),
        _fixed(
            2,
            time(16, 0),
            time(17, 30),
            ("Signing Ceremony II: Enterprises and Industry", "签约仪式（二）：企业与产业合作"),
            ActivityType.SIGNING_CEREMONY,
            "Signing Hall",
            Access.INVITATION,
        ),
        _fixed(
            3,
            time(10, 0),
            time(11, 30),
            (
                "Signing Ceremony III: Vocational Education and Industry",
                "签约仪式（三）：职业教育与产业合作",
            ),
            ActivityType.SIGNING_CEREMONY,
            "Signing Hall",
            Access.INVITATION,
        ),
        _fixed(
            3,
            time(14, 0),
            time(15, 30),
            ("Closing Plenary and Guiyang Initiative", "闭幕全体会议暨贵阳倡议发布"),
            ActivityType.PLENARY,
            "Grand Hall",
        ),
        _fixed(
            3,
            time(18, 0),
            time(20, 0),
            ("Farewell Dinner", "告别晚宴"),
            ActivityType.BANQUET,
            "Banquet Hall",
            Access.INVITATION,
        ),
    ]
    lunch = [
        (time(12, 20), time(12, 55)),
        (time(13, 0), time(13, 35)),
        (time(13, 40), time(14, 15)),
    ]
    for n, (country, zh) in enumerate(
        [
            ("Lao PDR", "老挝"),
            ("Cambodia", "柬埔寨"),
            ("Thailand", "泰国"),
            ("Viet Nam", "越南"),
            ("Indonesia", "印度尼西亚"),
            ("Malaysia", "马来西亚"),
        ]
    ):
        plan.append(
            _fixed(
                1 + n // 3,
                *lunch[n % 3],
                (f"Bilateral Meeting: China and {country}", f"中国—{zh}双边会谈"),
                ActivityType.BILATERAL_MEETING,
                "VIP Room",
                Access.INVITATION,
            )
        )
    tours = [
        ("Study Tour: Guizhou Big Data Exhibition Center", "考察：贵州大数据展示中心"),
        ("Study Tour: Guiyang High-speed Rail Training Base", "考察：贵阳高铁实训基地"),
        ("Cultural Visit: Qingyan Ancient Town", "文化考察：青岩古镇"),
        ("Cultural Visit: Huaxi Wetland Park", "文化考察：花溪湿地公园"),
    ]
    for n, title in enumerate(tours):
        kind = ActivityType.STUDY_TOUR if n < 2 else ActivityType.CULTURAL_VISIT
        plan.append(
            _fixed(
                2,
                time(9, 0) if n % 2 == 0 else time(14, 0),
                time(12, 0) if n % 2 == 0 else time(17, 0),  # three hours out
                title,
                kind,
                None,
                Access.REGISTRATION,
            )
        )
    for n in range(4):
        theme = THEMES[n]
        plan.append(
            _fixed(
                2,
                SLOTS[n][0],
                SLOTS[n][1],
                (f"Campus Workshop: {theme[0]}", f"校园工作坊：{theme[1]}"),
                ActivityType.WORKSHOP,
                f"Room A10{n + 1}",
                Access.REGISTRATION,
                theme[0],
            )
        )
    plan.append(
        _fixed(
            2,
            time(9, 30),
            time(12, 0),
            ("Skills Demonstration: Smart Manufacturing", "技能展示：智能制造"),
            ActivityType.WORKSHOP,
            "Training Centre",
            Access.REGISTRATION,
            THEMES[1][0],
        )
    )
    # Parallel sessions fill the rest: theme x format, one room each, no room twice at once.
    counter = 0
    for day_index, slots in ((0, SLOTS[2:]), (1, SLOTS[:3]), (2, SLOTS), (3, SLOTS[:1])):
        for start, end in slots:
            rooms = MEETING_ROOMS if day_index != 2 else MEETING_ROOMS[:8]
            for room in rooms:
                if len(plan) >= 116:
                    return plan
                theme = THEMES[counter % len(THEMES)]
                fmt = FORMATS[(counter // len(THEMES)) % len(FORMATS)]
                counter += 1
                plan.append(
                    _fixed(
                        day_index,
                        start,
                        end,
                        (f"{theme[0]} {fmt[0]} {counter}", f"{theme[1]}{fmt[1]}（{counter}）"),
                        fmt[2],
                        room,
                        Access.REGISTRATION,
                        theme[0],
                    )
                )
    return plan


def build_programme(event: Event, report: list[str]) -> None:
    venues = {
        v.name_en: v for v in db.session.scalars(sa.select(Venue).where(Venue.event_id == event.id))
    }
    rooms: dict[str, Room] = {}
    for name, name_zh, on_site, opens, closes, room_rows in VENUES:
        venue = venues.get(name)
        if venue is None:
            venue = Venue(
                event_id=event.id,
                name_en=name,
                name_zh=name_zh,
                on_site=on_site,
                opens_at=opens,
                closes_at=closes,
                address="Guiyang, Guizhou",
            )
            db.session.add(venue)
            db.session.flush()
            venues[name] = venue
        existing = {r.name_en: r for r in venue.rooms}
        for room_name, room_zh, capacity, layout, equipment in room_rows:
            room = existing.get(room_name)
            if room is None:
                room = Room(
                    venue_id=venue.id,
                    name_en=room_name,
                    name_zh=room_zh,
                    capacity=capacity,
                    layout=layout,
                    equipment=equipment,
                )
                db.session.add(room)
            rooms[room_name] = room
    db.session.flush()
    for origin, destination, minutes in TRAVEL:
        key = (venues[origin].id, venues[destination].id)
        if not db.session.scalar(
            sa.select(TravelTime.id).where(
                TravelTime.from_venue_id == key[0], TravelTime.to_venue_id == key[1]
            )
        ):
            db.session.add(TravelTime(from_venue_id=key[0], to_venue_id=key[1], minutes=minutes))

    titles = set(
        db.session.scalars(sa.select(Activity.title_en).where(Activity.event_id == event.id))
    )
    added = []
    for index, item in enumerate(activity_plan()):
        if item["title_en"] in titles:
            continue
        activity = Activity(
            event_id=event.id,
            title_en=item["title_en"],
            title_zh=item["title_zh"],
            type=item["type"],
            track=item["track"],
            track_zh=item["track_zh"],
            access=item["access"],
            # Who meets whom, when and where, is for the two delegations and the organisers.
            visibility=ActivityVisibility.PRIVATE
            if item["type"] == ActivityType.BILATERAL_MEETING
            else ActivityVisibility.PUBLIC,
            starts_at=local_to_utc(event, item["day"], item["start"]),
            ends_at=local_to_utc(event, item["day"], item["end"]),
            # What the scheduler places again if the day is cleared: the real length.
            duration_minutes=(
                datetime.combine(item["day"], item["end"])
                - datetime.combine(item["day"], item["start"])
            ).seconds
            // 60,
            room=rooms.get(item["room"]) if item["room"] else None,
            capacity=40 if item["room"] is None else None,
            state=ActivityState.DRAFT if index % 37 == 36 else ActivityState.PUBLISHED,
            description_en=f"Part of the {event.name_en}.",
            description_zh=f"{event.name_zh}活动。",
        )
        db.session.add(activity)
        added.append(activity)
    db.session.flush()
    _speakers(event, added)
    _invite_to_bilaterals(event, added)
    total = db.session.scalar(sa.select(sa.func.count()).where(Activity.event_id == event.id))
    report.append(
        f"Venues: {len(venues)}, rooms: {len(rooms)}; activities: {len(added)} "
        f"added, {total} in all."
    )


BILATERAL_COUNTRIES = {
    "Lao PDR": "LA",
    "Cambodia": "KH",
    "Thailand": "TH",
    "Viet Nam": "VN",
    "Indonesia": "ID",
    "Malaysia": "MY",
}


def _invite_to_bilaterals(event: Event, activities: list[Activity]) -> None:
    """The heads of the country's delegations are invited to its bilateral meeting: the
    private meeting is then in their agenda, and in nobody else's programme."""
    for activity in activities:
        if activity.type != ActivityType.BILATERAL_MEETING:
            continue
        country = BILATERAL_COUNTRIES.get(activity.title_en.rsplit(" and ", 1)[-1])
        heads = db.session.scalars(
            sa.select(Delegation.head_id)
            .join(Participant, Participant.id == Delegation.head_id)
            .where(
                Delegation.event_id == event.id,
                Delegation.country_code == country,
                Participant.status == Status.APPROVED,
            )
            .order_by(Delegation.protocol_order)
            .limit(activity.seats or 10)
        )
        db.session.add_all(
            Enrolment(
                activity_id=activity.id,
                participant_id=head,
                status=EnrolmentStatus.ENROLLED,
                invited=True,
            )
            for head in heads
        )
    db.session.flush()


def _speakers(event: Event, activities: list[Activity]) -> None:
    """One or two speakers and a moderator per forum, never two places at once; the
    ministers are required at the opening."""
    if not activities:
        return
    speakers = list(
        db.session.scalars(
            sa.select(Participant.id)
            .where(
                Participant.event_id == event.id,
                Participant.category == Category.SPEAKER,
                Participant.status == Status.APPROVED,
            )
            .order_by(Participant.id)
        )
    )
    vips = list(
        db.session.scalars(
            sa.select(Participant.id)
            .where(Participant.event_id == event.id, Participant.protocol_rank <= 2)
            .order_by(Participant.protocol_rank, Participant.id)
        )
    )
    busy: dict[int, list[Activity]] = {}
    cursor = 0

    def free(person: int, activity: Activity) -> bool:
        # An hour between two of a person's activities covers the trip between venues.
        gap = timedelta(hours=1)
        return all(
            activity.starts_at >= other.ends_at + gap or other.starts_at >= activity.ends_at + gap
            for other in busy.get(person, [])
        )

    for activity in activities:
        if activity.type == ActivityType.OPENING_CEREMONY:
            for vip in vips[:8]:
                db.session.add(
                    ActivityPerson(
                        activity_id=activity.id, participant_id=vip, role=ActivityRole.REQUIRED_VIP
                    )
                )
                busy.setdefault(vip, []).append(activity)
        elif activity.type in (ActivityType.FORUM, ActivityType.WORKSHOP) and speakers:
            for role in (ActivityRole.SPEAKER, ActivityRole.SPEAKER, ActivityRole.MODERATOR):
                for _attempt in range(len(speakers)):
                    person = speakers[cursor % len(speakers)]
                    cursor += 1
                    if free(person, activity):
                        db.session.add(
                            ActivityPerson(
                                activity_id=activity.id, participant_id=person, role=role
                            )
                        )
                        busy.setdefault(person, []).append(activity)
                        break
    db.session.flush()
