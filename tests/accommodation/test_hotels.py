"""Hotels and room types: organisers list, create, edit, delete; booked vs contracted."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from eventhub.accommodation.capacity import booked_per_night
from eventhub.accommodation.models import Hotel, HotelRoom, RoomBlock, RoomClass, RoomType
from eventhub.extensions import db


def hotel_with_type(app, event, *, hotel="Guiyang Grand", room="Deluxe twin", **room_kw):
    """A hotel with one room type; returns (hotel id, room type id)."""
    with app.app_context():
        h = Hotel(event_id=event.id, name_en=hotel, name_zh="贵阳大酒店")
        rt = RoomType(hotel=h, name_en=room, name_zh="豪华双床房", **room_kw)
        db.session.add_all([h, rt])
        db.session.commit()
        return h.id, rt.id


def block(app, room_type_id, night, rooms, rate="680.00"):
    with app.app_context():
        db.session.add(
            RoomBlock(room_type_id=room_type_id, night=night, rooms=rooms, rate=Decimal(rate))
        )
        db.session.commit()


def book(app, event, room_type_id, first, last):
    with app.app_context():
        room = HotelRoom(
            event_id=event.id, room_type_id=room_type_id, first_night=first, last_night=last
        )
        db.session.add(room)
        db.session.commit()
        return room.id


def test_booked_per_night_counts_rooms_covering_each_night(app, event):
    _, rt = hotel_with_type(app, event)
    book(app, event, rt, date(2025, 7, 23), date(2025, 7, 25))
    book(app, event, rt, date(2025, 7, 25), date(2025, 7, 25))
    with app.app_context():
        counts = booked_per_night(event)
    assert counts == {
        (rt, date(2025, 7, 23)): 1,
        (rt, date(2025, 7, 24)): 1,
        (rt, date(2025, 7, 25)): 2,
    }


def test_booked_per_night_ignores_other_events(app, make, event):
    other = make.event()
    _, rt = hotel_with_type(app, other, room_class=RoomClass.SUITE)
    book(app, other, rt, date(2025, 7, 23), date(2025, 7, 24))
    with app.app_context():
        assert booked_per_night(event) == {}
