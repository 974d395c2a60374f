"""Where a guest sleeps, for the other domains (transport drives them there)."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.accommodation.models import Hotel, HotelRoom, RoomGuest, RoomType
from eventhub.extensions import db


def hotels_of(participant_ids) -> dict[int, Hotel]:
    """participant id -> the hotel of their room, for those who have one."""
    ids = list(participant_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(RoomGuest.participant_id, Hotel)
        .join(HotelRoom, HotelRoom.id == RoomGuest.room_id)
        .join(RoomType, RoomType.id == HotelRoom.room_type_id)
        .join(Hotel, Hotel.id == RoomType.hotel_id)
        .where(RoomGuest.participant_id.in_(ids))
    )
    return {participant_id: hotel for participant_id, hotel in rows}  # noqa: C416


def hotel_of(participant_id: int) -> Hotel | None:
    return hotels_of([participant_id]).get(participant_id)
