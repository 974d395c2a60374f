"""The hotel desk: the guests due at a hotel on a day (their first night), checked in or not,
with the room number the hotel gives; and the same figures for the arrivals dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from eventhub.accommodation.models import Hotel, HotelRoom, RoomGuest, RoomType
from eventhub.audit import services as audit
from eventhub.db import utcnow
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.registration.models import Participant

audit.ACTION_LABELS.setdefault("hotel.check_in", _l("Guest checked in at the hotel"))
audit.ACTION_LABELS.setdefault("hotel.check_in_undo", _l("Hotel check-in undone"))
audit.ACTION_LABELS.setdefault("hotel.room_number", _l("Hotel room number entered"))

NUMBER_LENGTH = 20


@dataclass
class DeskRow:
    """One guest due: their room, and whether the desk has checked them in."""

    guest: RoomGuest
    room: HotelRoom
    person: Participant

    @property
    def checked_in(self) -> bool:
        return self.guest.checked_in_at is not None


def due(hotel: Hotel, day: date) -> list[DeskRow]:
    """The guests whose first night at `hotel` is `day` (a guest landing before dawn has
    the night before: they are due that evening's list), by arrival then name."""
    guests = db.session.scalars(
        sa.select(RoomGuest)
        .join(HotelRoom, HotelRoom.id == RoomGuest.room_id)
        .join(RoomType, RoomType.id == HotelRoom.room_type_id)
        .where(
            RoomType.hotel_id == hotel.id,
            HotelRoom.event_id == hotel.event_id,
            HotelRoom.first_night == day,
        )
        .options(
            selectinload(RoomGuest.room).selectinload(HotelRoom.room_type),
            # The desk shows "shared" per row: the room's guests in one query, not one a row.
            selectinload(RoomGuest.room).selectinload(HotelRoom.guests),
            selectinload(RoomGuest.participant).selectinload(Participant.delegation),
        )
    )
    rows = [DeskRow(guest, guest.room, guest.participant) for guest in guests]

    def key(row: DeskRow):
        person = row.person
        arrival = person.arrival_at.isoformat() if person.arrival_at else "~"
        return (arrival, person.sort_name, person.id)

    return sorted(rows, key=key)


def counts(event, day: date) -> list[tuple[Hotel, list[DeskRow]]]:
    """Each hotel of the event with guests due on `day`, and those guests."""
    hotels = db.session.scalars(
        sa.select(Hotel).where(Hotel.event_id == event.id).order_by(Hotel.name_en, Hotel.id)
    )
    found = [(hotel, due(hotel, day)) for hotel in hotels]
    return [(hotel, rows) for hotel, rows in found if rows]


def guest_in_event(event, participant_id: int | None) -> RoomGuest | None:
    if participant_id is None:
        return None
    return db.session.scalar(
        sa.select(RoomGuest)
        .join(HotelRoom, HotelRoom.id == RoomGuest.room_id)
        .where(RoomGuest.participant_id == participant_id, HotelRoom.event_id == event.id)
    )


def check_in(guest: RoomGuest, actor, *, undo: bool = False) -> bool:
    """Mark the guest checked in (or not, undo); False when it already was so."""
    if (guest.checked_in_at is None) == undo:
        return False
    guest.checked_in_at = None if undo else utcnow()
    audit.record(
        "hotel.check_in_undo" if undo else "hotel.check_in",
        guest.participant,
        actor=actor,
        event_id=guest.room.event_id,
    )
    db.session.flush()
    return True


def set_number(room: HotelRoom, number: str, actor) -> None:
    """The hotel's room number, as the desk types it."""
    number = " ".join(number.split())
    if len(number) > NUMBER_LENGTH:
        raise DomainError(
            _l("A room number has at most %(n)d characters.", n=NUMBER_LENGTH), field="number"
        )
    if number == room.number:
        return
    audit.record(
        "hotel.room_number",
        room,
        actor=actor,
        event_id=room.event_id,
        changes={"number": [room.number, number]},
    )
    room.number = number
    db.session.flush()
