"""A hotel with two room types, blocks for three nights and a few booked rooms, for the tests of
rooming lists, their changes, their PDF and the hotel desk."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

from eventhub.accommodation.models import (
    Hotel,
    HotelRoom,
    RoomBlock,
    RoomClass,
    RoomGuest,
    RoomType,
)
from eventhub.extensions import db

NIGHTS = [date(2025, 7, 24), date(2025, 7, 25), date(2025, 7, 26)]


def book(type_id: int, first: date, last: date, *people, event_id: int, number: str = "") -> int:
    """A room of `type_id` for first..last with `people` in it (inside an app context)."""
    room = HotelRoom(
        event_id=event_id, room_type_id=type_id, first_night=first, last_night=last, number=number
    )
    room.guests = [RoomGuest(participant_id=person.id) for person in people]
    db.session.add(room)
    db.session.flush()
    return room.id


def rooming_week(app, make, event, *, cut_off: date | None = None) -> SimpleNamespace:
    """Laos (protocol order 2) and Cambodia (order 1): a Cambodian minister in a suite, Lao
    delegates sharing a twin, a Myanmar delegate alone; blocks of 1 suite and 2 twins a
    night."""
    kh = make.delegation(event, name_en="Cambodia", country_code="KH", protocol_order=1)
    la = make.delegation(event, name_en="Laos", country_code="LA", protocol_order=2)
    minister = make.participant(
        event,
        family_name="HUN",
        given_name="Manet",
        native_name="ហ៊ុន ម៉ាណែត",
        country_code="KH",
        delegation_id=kh.id,
        protocol_rank=1,
        arrival_at=datetime(2025, 7, 24, 2, 30, tzinfo=UTC),  # 10:30 in Guiyang
        arrival_flight="KR 945",
        departure_date=date(2025, 7, 27),
    )
    lao_a = make.participant(
        event,
        delegation_id=la.id,
        protocol_rank=5,
        arrival_date=date(2025, 7, 24),
        departure_date=date(2025, 7, 27),
    )
    lao_b = make.participant(
        event,
        family_name="PHOMMACHAN",
        given_name="Bounthavy",
        native_name="ບຸນທະວີ ພົມມະຈັນ",
        delegation_id=la.id,
        protocol_rank=6,
        arrival_date=date(2025, 7, 24),
        departure_date=date(2025, 7, 26),
    )
    burmese = make.participant(
        event,
        family_name="",
        given_name="Kyi",
        native_name="အောင်ဆန်းစုကြည်",
        country_code="MM",
        arrival_date=date(2025, 7, 25),
        departure_date=date(2025, 7, 27),
    )
    with app.app_context():
        hotel = Hotel(event_id=event.id, name_en="Guiyang Grand Hotel", name_zh="贵阳大酒店")
        suite = RoomType(hotel=hotel, name_en="Executive suite", room_class=RoomClass.SUITE, beds=1)
        twin = RoomType(hotel=hotel, name_en="Deluxe twin", beds=2, accessible=True)
        db.session.add_all([hotel, suite, twin])
        for night in NIGHTS:
            db.session.add(RoomBlock(room_type=suite, night=night, rooms=1, cut_off=cut_off))
            db.session.add(RoomBlock(room_type=twin, night=night, rooms=2, cut_off=cut_off))
        db.session.flush()
        rooms = SimpleNamespace(
            minister=book(suite.id, NIGHTS[0], NIGHTS[2], minister, event_id=event.id),
            lao=book(twin.id, NIGHTS[0], NIGHTS[2], lao_a, lao_b, event_id=event.id),
            burmese=book(twin.id, NIGHTS[1], NIGHTS[2], burmese, event_id=event.id),
        )
        db.session.commit()
        return SimpleNamespace(
            hotel_id=hotel.id,
            suite_id=suite.id,
            twin_id=twin.id,
            rooms=rooms,
            minister=minister,
            lao_a=lao_a,
            lao_b=lao_b,
            burmese=burmese,
            kh=kh,
            la=la,
        )
