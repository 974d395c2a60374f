"""Check-in's answers about one person (privacy.signals): their scans in the export. On
erasure scans and admissions stay — the attendance count and each door's figures — and
point at the nameless participant row; nothing in them names the person."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.checkin.models import Admission, Checkpoint, Scan, ScanResult
from eventhub.checkin.rules import REASONS
from eventhub.extensions import db
from eventhub.privacy.readable import Reading
from eventhub.privacy.signals import person_data, person_erase, person_reading


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


SCAN_RESULTS = {
    ScanResult.ADMITTED: _l("Admitted"),
    ScanResult.ALREADY_ADMITTED: _l("Already admitted"),
    ScanResult.EXITED: _l("Left through an exit"),
    ScanResult.DENIED: _l("Not admitted"),
    ScanResult.INVALID: _l("Code not recognised"),
}
# Reasons whose gate message needs the moment's details (a time, a place): their gist.
_GIST = {
    "too_early": _l("Outside the time window"),
    "too_late": _l("Outside the time window"),
    "daily_early": _l("Outside the daily hours"),
    "daily_late": _l("Outside the daily hours"),
    "full": _l("The place was full"),
    "category": _l("Not allowed here"),
    "zone": _l("Wrong zone"),
    "already": _l("Already checked in"),
}


def _reason(code: str) -> str:
    """A scan's reason as the gate's message said it; none where the result says it all."""
    if code in ("admitted", "exit"):
        return ""
    if code in _GIST:
        return str(_GIST[code])
    return str(REASONS[code]) if code in REASONS else code


SCANS = Reading(
    title=_l("Gate scans"),
    order=50,
    labels={
        "when": _l("When"),
        "where": _l("Gate"),
        "result": _l("Result"),
        "reason": _l("Reason"),
        "undone": _l("Undone"),
    },
    values={"result": SCAN_RESULTS, "reason": _reason},
)


@person_reading.connect
def scans_reading(event, **kwargs):
    return ("scans", SCANS)
