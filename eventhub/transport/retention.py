"""Transport's answer to privacy's retention signals: who rode which trip is travel data;
once it is due, the passengers leave the trips. The trips stay (the fleet's use, counted)."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.privacy import kinds
from eventhub.privacy.kinds import Kind
from eventhub.privacy.retention import touched
from eventhub.privacy.signals import retention_due, retention_erase
from eventhub.transport.models import Trip, TripPassenger


def _riders(event) -> sa.ColumnElement[bool]:
    return TripPassenger.trip_id.in_(sa.select(Trip.id).where(Trip.event_id == event.id))


@retention_due.connect
def due(event, *, kind: Kind, days: int, **kwargs) -> int:
    if kind != Kind.TRAVEL or not kinds.is_due(event, days):
        return 0
    return (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(TripPassenger).where(_riders(event))
        )
        or 0
    )


@retention_erase.connect
def erase(event, *, kind: Kind, days: int, **kwargs) -> int:
    if kind != Kind.TRAVEL or not kinds.is_due(event, days):
        return 0
    erased = db.session.execute(
        sa.delete(TripPassenger).where(_riders(event)),
        execution_options={"synchronize_session": False},
    ).rowcount
    touched("trip_passenger")
    return erased or 0
