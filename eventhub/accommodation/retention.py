"""Accommodation's answer to privacy's retention signals: who slept where is travel data;
once it is due, the guests leave their rooms, the rooms' notes go and their wishes are
forgotten. Hotels, room types, blocks and the rooms booked each night stay: the hotel's bill
is checked against them."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.accommodation.models import HotelRoom, RoomGuest, RoomingPreference
from eventhub.extensions import db
from eventhub.privacy import kinds
from eventhub.privacy.kinds import Kind
from eventhub.privacy.retention import touched
from eventhub.privacy.signals import retention_due, retention_erase
from eventhub.registration.models import Participant


def _guests(event) -> sa.Select:
    return sa.select(RoomGuest.participant_id).where(
        RoomGuest.room_id.in_(sa.select(HotelRoom.id).where(HotelRoom.event_id == event.id))
    )


def _wishes(event) -> sa.Select:
    return sa.select(RoomingPreference.participant_id).where(
        RoomingPreference.participant_id.in_(
            sa.select(Participant.id).where(Participant.event_id == event.id)
        )
    )


def _count(query: sa.Select) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0


@retention_due.connect
def due(event, *, kind: Kind, days: int, **kwargs) -> int:
    if kind != Kind.TRAVEL or not kinds.is_due(event, days):
        return 0
    return _count(_guests(event)) + _count(_wishes(event))


@retention_erase.connect
def erase(event, *, kind: Kind, days: int, **kwargs) -> int:
    if kind != Kind.TRAVEL or not kinds.is_due(event, days):
        return 0
    erased = _count(_guests(event)) + _count(_wishes(event))
    db.session.execute(
        sa.delete(RoomingPreference).where(
            RoomingPreference.participant_id.in_(_wishes(event).scalar_subquery())
        ),
        execution_options={"synchronize_session": False},
    )
    db.session.execute(
        sa.delete(RoomGuest).where(RoomGuest.participant_id.in_(_guests(event).scalar_subquery())),
        execution_options={"synchronize_session": False},
    )
    db.session.execute(
        sa.update(HotelRoom)
        .where(HotelRoom.event_id == event.id, HotelRoom.note != "")
        .values(note=""),
        execution_options={"synchronize_session": False},
    )
    touched("room_guest", "rooming_preference", "hotel_room")
    return erased
