"""Tells the modules that plan rooms and rides when a participant's travel or status changes,
whichever path changed it (a form, a head of delegation, an import, the API)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventhub.registration.models import Participant
from eventhub.registration.signals import travel_changed

# What pick-ups, rooms and seating plans are planned from.
WATCHED = (
    "arrival_date",
    "arrival_at",
    "arrival_flight",
    "arrival_point",
    "departure_date",
    "departure_at",
    "departure_flight",
    "departure_point",
    "hotel",
    "status",
    "protocol_rank",
    "category",  # seating: staff, volunteers and media are seated only when invited
    "delegation_id",
    "erased_at",
)


@sa.event.listens_for(Session, "before_flush")
def _watch(session: Session, _context, _instances) -> None:
    for record in list(session.dirty):
        if not isinstance(record, Participant) or not session.is_modified(record):
            continue
        state = sa.inspect(record)
        fields = {name for name in WATCHED if state.attrs[name].history.has_changes()}
        if fields:
            travel_changed.send(record, fields=fields)
