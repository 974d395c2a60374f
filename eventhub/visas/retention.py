"""The visa desk's answer to privacy's retention signals: its notes may name a person and
their passport details; the steps and their dates stay for the statistics."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.privacy import kinds
from eventhub.privacy.kinds import Kind
from eventhub.privacy.retention import touched
from eventhub.privacy.signals import retention_due, retention_erase
from eventhub.visas.models import VisaCase


def _noted(event) -> sa.ColumnElement[bool]:
    return sa.and_(VisaCase.event_id == event.id, VisaCase.note != "")


@retention_due.connect
def due(event, *, kind: Kind, days: int, **kwargs) -> int:
    if kind != Kind.PASSPORT or not kinds.is_due(event, days):
        return 0
    return db.session.scalar(sa.select(sa.func.count(VisaCase.id)).where(_noted(event))) or 0


@retention_erase.connect
def erase(event, *, kind: Kind, days: int, **kwargs) -> int:
    if kind != Kind.PASSPORT or not kinds.is_due(event, days):
        return 0
    erased = db.session.execute(
        sa.update(VisaCase).where(_noted(event)).values(note=""),
        execution_options={"synchronize_session": False},
    ).rowcount
    touched("visa_case")
    return erased or 0
