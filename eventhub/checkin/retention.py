"""Check-in's answer to privacy's retention signals: who passed which gate. The scans stay,
without the person, so the counts per checkpoint do too; admissions and attention alerts
(each names a person) go."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.checkin.models import Admission, AttentionAlert, Checkpoint, Scan
from eventhub.extensions import db
from eventhub.privacy import kinds
from eventhub.privacy.kinds import Kind
from eventhub.privacy.retention import touched
from eventhub.privacy.signals import retention_due, retention_erase


def _naming(event) -> sa.ColumnElement[bool]:
    """Scans of the event that still say who was scanned."""
    return sa.and_(
        Scan.event_id == event.id,
        sa.or_(Scan.participant_id.is_not(None), Scan.code != "", Scan.detail != ""),
    )


@retention_due.connect
def due(event, *, kind: Kind, days: int, **kwargs) -> int:
    if kind != Kind.SCANS or not kinds.is_due(event, days):
        return 0
    return db.session.scalar(sa.select(sa.func.count(Scan.id)).where(_naming(event))) or 0


@retention_erase.connect
def erase(event, *, kind: Kind, days: int, **kwargs) -> int:
    if kind != Kind.SCANS or not kinds.is_due(event, days):
        return 0
    gates = sa.select(Checkpoint.id).where(Checkpoint.event_id == event.id)
    db.session.execute(
        sa.delete(Admission).where(Admission.checkpoint_id.in_(gates)),
        execution_options={"synchronize_session": False},
    )
    db.session.execute(
        sa.delete(AttentionAlert).where(AttentionAlert.event_id == event.id),
        execution_options={"synchronize_session": False},
    )
    erased = db.session.execute(
        sa.update(Scan).where(_naming(event)).values(participant_id=None, code="", detail=""),
        execution_options={"synchronize_session": False},
    ).rowcount
    touched("scan", "admission", "attention_alert")
    return erased or 0
