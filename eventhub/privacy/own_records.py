"""Privacy's own answers about one person: the consents they gave (with the version and
language of the notice shown), the requests made about their data and its erasures.

Consents and requests stay on erasure, as proof of what the person agreed to and asked
for: they hold no name, only the participant's id, purposes, versions and times (a
request's reason and note, free text that may name them, are cleared). What core
holds that names the person (mails to their address, their account, the audit log's
details) is answered by registration (personal_records), which alone can read the address."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.privacy.models import Consent, DataRequest, ErasureRun, Notice
from eventhub.privacy.signals import person_data, person_erase


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


@person_data.connect
def privacy_export(event, *, participant_id: int, **kwargs):
    consents = db.session.execute(
        sa.select(Consent, Notice.text)
        .outerjoin(Notice, Notice.id == Consent.notice_id)
        .where(Consent.event_id == event.id, Consent.participant_id == participant_id)
        .order_by(Consent.recorded_at, Consent.id)
    ).all()
    requests = db.session.scalars(
        sa.select(DataRequest)
        .where(DataRequest.event_id == event.id, DataRequest.participant_id == participant_id)
        .order_by(DataRequest.requested_at)
    ).all()
    runs = db.session.scalars(
        sa.select(ErasureRun)
        .where(ErasureRun.event_id == event.id, ErasureRun.participant_id == participant_id)
        .order_by(ErasureRun.started_at)
    ).all()
    return (
        "privacy",
        {
            "consents": [
                {
                    "purpose": c.purpose.value,
                    "given": c.given,
                    "notice_version": c.notice_version,
                    "language": c.language,
                    "source": c.source.value,
                    "recorded_at": _iso(c.recorded_at),
                    "notice_text": text or "",
                }
                for c, text in consents
            ],
            "requests": [
                {
                    "kind": r.kind.value,
                    "state": r.state.value,
                    "requested_at": _iso(r.requested_at),
                    "decided_at": _iso(r.decided_at),
                    "reason": r.reason,
                    "decision_note": r.decision_note,
                }
                for r in requests
            ],
            "erasures": [{"at": _iso(r.finished_at), "counts": r.counts} for r in runs],
        },
    )


@person_erase.connect
def privacy_kept(event, *, participant_id: int, **kwargs) -> dict[str, int]:
    """Consents stay: the proof of what was agreed (no names in them). Requests keep their
    kind, state and times, not their free text (a reason, a note may name the person)."""
    kept = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Consent)
        .where(Consent.event_id == event.id, Consent.participant_id == participant_id)
    )
    cleared = db.session.execute(
        sa.update(DataRequest)
        .where(DataRequest.event_id == event.id, DataRequest.participant_id == participant_id)
        .values(reason="", decision_note="")
        .execution_options(synchronize_session="fetch")
    ).rowcount
    return ({"consents_kept": kept} if kept else {}) | (
        {"requests_cleared": cleared} if cleared else {}
    )
