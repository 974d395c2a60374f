"""Check-in's answers about one person (privacy.signals): their scans in the export. On
erasure scans and admissions stay — the attendance count and each door's figures — and
point at the nameless participant row; nothing in them names the person."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.checkin.models import Admission, Checkpoint, Scan
from eventhub.extensions import db
from eventhub.privacy.signals import person_data, person_erase


@person_data.connect
def scans_export(event, *, participant_id: int, **kwargs):
    rows = db.session.execute(
        sa.select(Scan.scanned_at, Checkpoint.name_en, Scan.result, Scan.reason, Scan.undone_at)
        .join(Checkpoint, Scan.checkpoint_id == Checkpoint.id)
        .where(Scan.event_id == event.id, Scan.participant_id == participant_id)
        .order_by(Scan.scanned_at)
    ).all()
    if not rows:
        return None
    return (
        "scans",
        [
            {
                "when": when.isoformat(),
                "where": where,
                "result": result.value,
                "reason": reason,
                "undone": bool(undone),
            }
            for when, where, result, reason, undone in rows
        ],
    )


@person_erase.connect
def scans_kept(event, *, participant_id: int, **kwargs) -> dict[str, int]:
    """Nothing erased: says how many admissions were kept, for the erasure's record."""
    kept = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Admission)
        .where(Admission.participant_id == participant_id)
    )
    return {"admissions_kept": kept} if kept else {}
