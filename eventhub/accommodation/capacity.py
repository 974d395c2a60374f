"""Rooms booked against rooms contracted, per room type and night: the one count the hotels
page, the blocks grid, the proposal and the rooming lists all read."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import sqlalchemy as sa

from eventhub.accommodation.models import HotelRoom
from eventhub.extensions import db


def booked_per_night(event) -> dict[tuple[int, date], int]:
    """(room type id, night) -> rooms of that type booked for the event covering that night
    (a room covers first_night..last_night inclusive). Nights with nothing booked are absent."""
    counts: Counter[tuple[int, date]] = Counter()
    rows = db.session.execute(
        sa.select(HotelRoom.room_type_id, HotelRoom.first_night, HotelRoom.last_night).where(
            HotelRoom.event_id == event.id
        )
    )
    for room_type_id, first, last in rows:
        for n in range((last - first).days + 1):
            counts[(room_type_id, first + timedelta(days=n))] += 1
    return dict(counts)
