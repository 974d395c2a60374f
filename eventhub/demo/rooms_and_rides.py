"""Beds and cars for the demo week: the three hotels the guests' registrations name, their
room types and the rooms contracted each night, a fleet with drivers and shifts, protocol
escorts, a few guests who share a room or need an accessible one."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from eventhub.accommodation import solver
from eventhub.accommodation.models import (
    AccommodationSettings,
    Hotel,
    RoomBlock,
    RoomClass,
    RoomingPreference,
    RoomType,
)
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Participant, Status
from eventhub.transport import planner, trips
from eventhub.transport.models import (
    DriverShift,
    Escort,
    TransportSettings,
    Vehicle,
    VehicleKind,
)

# name_en, name_zh, address, minutes from the airport, {room type: rooms a night}
HOTELS = [
    (
        "Eco-Conference Center Hotel",
        "生态会议中心酒店",
        "1 Huaxi Avenue, Huaxi District, Guiyang",
        35,
        {"suite": 14, "executive": 80, "twin": 320, "king": 420, "accessible": 10},
    ),
    (
        "Guiyang Lakeside Hotel",
        "贵阳湖畔酒店",
        "88 Guanshanhu Road, Guanshanhu District, Guiyang",
        40,
        {"suite": 4, "executive": 40, "twin": 300, "king": 460, "accessible": 8},
    ),
    (
        "Huaxi Garden Hotel",
        "花溪花园酒店",
        "16 Pingqiao Road, Huaxi District, Guiyang",
        50,
        {"suite": 2, "executive": 20, "twin": 260, "king": 420, "accessible": 6},
    ),
]
# key: name_en, name_zh, class, beds, accessible, rate (CNY a night)
ROOM_TYPES = {
    "suite": ("Executive suite", "行政套房", RoomClass.SUITE, 1, False, 1880),
    "executive": ("Executive king", "行政大床房", RoomClass.EXECUTIVE, 1, False, 980),
    "twin": ("Deluxe twin", "豪华双床房", RoomClass.STANDARD, 2, False, 620),
    "king": ("Deluxe king", "豪华大床房", RoomClass.STANDARD, 1, False, 620),
    "accessible": ("Accessible king", "无障碍大床房", RoomClass.STANDARD, 1, True, 620),
}
# label, kind, seats, how many
FLEET = [
    ("贵A·D10{:02d}", VehicleKind.CAR, 3, 10),
    ("贵A·S20{:02d}", VehicleKind.VAN, 6, 10),
    ("贵A·M30{:02d}", VehicleKind.MINIBUS, 18, 12),
    ("贵A·K40{:02d}", VehicleKind.COACH, 49, 8),
]
DRIVERS = [
    "Wang Jun 王军", "Li Qiang 李强", "Zhang Wei 张伟", "Liu Yang 刘洋", "Chen Gang 陈刚",
    "Yang Fan 杨帆", "Zhao Lei 赵磊", "Huang Bo 黄波", "Zhou Tao 周涛", "Wu Hao 吴昊",
]  # fmt: skip
ESCORTS = [
    ("LONG Xiaoyu 龙晓雨", "lo en"),
    ("TIAN Mei 田梅", "th en"),
    ("PAN Li 潘丽", "vi en"),
    ("WU Min 吴敏", "km en"),
    ("SHI Hua 石华", "my en"),
    ("LUO Jing 罗静", "id ms en"),
    ("YANG Xue 杨雪", "en"),
    ("ZHANG Yi 张怡", "en"),
]


def _nights(event: Event) -> list:
    first = event.starts_on - timedelta(days=2)
    return [first + timedelta(days=n) for n in range((event.ends_on - first).days + 1)]


def build_rooms_and_rides(event: Event, report: list[str]) -> None:
    """Hotels, blocks, fleet and escorts, each found first (a next edition copied its hotels
    and room types, not their blocks): a second run adds nothing."""
    if db.session.scalar(sa.select(Vehicle.id).where(Vehicle.event_id == event.id)):
        return
    zone = ZoneInfo(event.timezone)
    if db.session.get(AccommodationSettings, event.id) is None:
        db.session.add(AccommodationSettings(event_id=event.id, suite_up_to=2, executive_up_to=4))
    if db.session.get(TransportSettings, event.id) is None:
        db.session.add(TransportSettings(event_id=event.id))
    cut_off = event.starts_on - timedelta(days=21)
    rooms = 0
    for index, (name_en, name_zh, address, minutes, sizes) in enumerate(HOTELS, start=1):
        hotel = db.session.scalar(
            sa.select(Hotel).where(Hotel.event_id == event.id, Hotel.name_en == name_en)
        )
        if hotel is None:
            hotel = Hotel(
                event_id=event.id,
                name_en=name_en,
                name_zh=name_zh,
                address=address,
                phone=f"+86 851 8800 {index:02d}00",
                email=f"reservations{index}@hotels.caecw.example",
                drive_minutes=minutes,
            )
            db.session.add(hotel)
        types = {room_type.name_en: room_type for room_type in hotel.room_types}
        for key, count in sizes.items():
            type_en, type_zh, room_class, beds, accessible, rate = ROOM_TYPES[key]
            room_type = types.get(type_en)
            if room_type is None:
                room_type = RoomType(
                    name_en=type_en,
                    name_zh=type_zh,
                    room_class=room_class,
                    beds=beds,
                    accessible=accessible,
                )
                hotel.room_types.append(room_type)
            if room_type.blocks:
                continue
            for night in _nights(event):
                # The two nights before the week hold a few rooms for early arrivals only.
                held = count if night >= event.starts_on - timedelta(days=1) else count // 10
                room_type.blocks.append(
                    RoomBlock(night=night, rooms=held, rate=Decimal(rate), cut_off=cut_off)
                )
                rooms += held
    db.session.flush()
    _preferences(event)
    _fleet(event, zone)
    _shuttles(event)
    proposal = solver.propose(event)
    plan = planner.plan(event)
    report.append(
        f"Rooms and rides of {event.slug}: {len(HOTELS)} hotels, {rooms} room-nights "
        f"contracted, {proposal.placed} guests in rooms ({len(proposal.unplaced)} without); "
        f"{sum(n for *_, n in FLEET)} vehicles, {len(ESCORTS)} escorts, {plan.trips} trips "
        f"planned with {plan.placed} pick-ups and drop-offs ({len(plan.not_placed)} not placed)."
    )


def _preferences(event: Event) -> None:
    """Colleagues of a delegation who asked to share a twin room, and one wheelchair user."""
    people = db.session.scalars(
        sa.select(Participant)
        .where(
            Participant.event_id == event.id,
            Participant.status == Status.APPROVED,
            Participant.protocol_rank.is_(None),
            Participant.delegation_id.is_not(None),
            Participant.arrival_at.is_not(None),
        )
        .order_by(Participant.delegation_id, Participant.id)
    ).all()
    by_delegation: dict[int, list[Participant]] = {}
    for person in people:
        by_delegation.setdefault(person.delegation_id, []).append(person)
    paired: set[int] = set()
    for members in by_delegation.values():
        for first, second in zip(members[1:5:2], members[2:6:2], strict=False):
            db.session.add(RoomingPreference(participant_id=first.id, share_with_id=second.id))
            db.session.add(RoomingPreference(participant_id=second.id, share_with_id=first.id))
            paired.update((first.id, second.id))
    alone = [person for person in people if person.id not in paired]
    if alone:
        person = alone[-1]
        person.accessibility_needs = person.accessibility_needs or "Wheelchair user"
        db.session.add(RoomingPreference(participant_id=person.id, accessible=True))
    db.session.flush()


def _fleet(event: Event, zone: ZoneInfo) -> None:
    number = 0
    for label, kind, seats, count in FLEET:
        for n in range(1, count + 1):
            driver = DRIVERS[number % len(DRIVERS)]
            number += 1
            vehicle = Vehicle(
                event_id=event.id,
                label=label.format(n),
                kind=kind,
                seats=seats,
                driver_name=driver,
                driver_phone=f"+86 139 0851 {number:04d}",
                driver_email=f"driver{number}@fleet.caecw.example",
                driver_locale="zh_Hans",
            )
            db.session.add(vehicle)
            if kind == VehicleKind.COACH:
                # Coaches are hired by the day: two drivers, early and late.
                for day in _nights(event):
                    for start, end, who in ((6, 15, driver), (15, 24, DRIVERS[-1 - n])):
                        vehicle.shifts.append(
                            DriverShift(
                                starts_at=_at(day, start, zone),
                                ends_at=_at(day, end, zone),
                                driver_name=who,
                                driver_phone=f"+86 139 0851 {number + 100 * (start > 6):04d}",
                            )
                        )
    for index, (name, languages) in enumerate(ESCORTS, start=1):
        db.session.add(
            Escort(
                event_id=event.id,
                name=name,
                phone=f"+86 138 0851 70{index:02d}",
                languages=languages,
            )
        )
    db.session.flush()


def _shuttles(event: Event) -> None:
    """Morning and evening coaches between the two outer hotels and the conference centre on
    each day of the week."""
    venue = "Guiyang International Eco-Conference Center"
    days = [
        event.starts_on + timedelta(days=n)
        for n in range((event.ends_on - event.starts_on).days + 1)
    ]
    for label, (name_en, *_), morning, evening in (
        ("贵A·K4007", HOTELS[1], time(7, 30), time(18, 0)),
        ("贵A·K4008", HOTELS[2], time(7, 20), time(18, 10)),
    ):
        coach = db.session.scalar(
            sa.select(Vehicle).where(Vehicle.event_id == event.id, Vehicle.label == label)
        )
        minutes = next(m for name, _, _, m, _ in HOTELS if name == name_en)
        for origin, destination, first in ((name_en, venue, morning), (venue, name_en, evening)):
            trips.create_shuttles(
                event,
                origin=origin,
                destination=destination,
                days=days,
                first=first,
                last=first,
                every=60,
                minutes=minutes,
                vehicle=coach,
                actor=None,
            )


def _at(day, hour: int, zone: ZoneInfo) -> datetime:
    moment = datetime.combine(day, time.min, zone) + timedelta(hours=hour)
    return moment.astimezone(UTC)
