"""Consents per purpose: recorded as new rows, never updated, each naming the notice (id,
version, language) the person was shown. The latest row per purpose is the answer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import sqlalchemy as sa

from eventhub.audit import services as audit
from eventhub.extensions import db
from eventhub.privacy import notices
from eventhub.privacy.kinds import Purpose
from eventhub.privacy.models import Consent, ConsentSource


def record(
    event,
    participant_id: int,
    answers: Mapping[Purpose, bool],
    *,
    language: str,
    source: ConsentSource,
    actor=None,
) -> list[Consent]:
    """One row per answered purpose, with the notice shown in `language`; flushed, with an
    audit entry. The caller commits."""
    source = ConsentSource(source)
    rows = []
    for purpose, given in answers.items():
        shown = notices.current(event, purpose, language)
        notice = notices.stored(event, shown)
        rows.append(
            Consent(
                event_id=event.id,
                participant_id=participant_id,
                purpose=purpose,
                given=bool(given),
                notice_id=notice.id,
                notice_version=notice.version,
                language=notice.language,
                source=source,
                recorded_by_id=getattr(actor, "id", None),
            )
        )
    if not rows:
        return rows
    db.session.add_all(rows)
    db.session.flush()
    audit.record(
        "consent.record",
        rows[0],
        actor=actor,
        actor_label=None if actor else f"participant ({source.value})",
        event_id=event.id,
        changes={"participant": [None, participant_id], "source": [None, source.value]}
        | {row.purpose.value: [None, "given" if row.given else "declined"] for row in rows},
    )
    return rows


def _latest_ids(participant_ids: Iterable[int], purposes: Iterable[Purpose] | None = None):
    """The id of the latest row per person and purpose (a subquery)."""
    query = sa.select(sa.func.max(Consent.id)).where(
        Consent.participant_id.in_(list(participant_ids))
    )
    if purposes is not None:
        query = query.where(Consent.purpose.in_(list(purposes)))
    return query.group_by(Consent.participant_id, Consent.purpose)


def current(participant_id: int) -> dict[Purpose, Consent]:
    """The person's latest answer per purpose (purposes never answered are absent)."""
    rows = db.session.scalars(
        sa.select(Consent).where(Consent.id.in_(_latest_ids([participant_id])))
    )
    return {row.purpose: row for row in rows}


def declined(participant_ids: Iterable[int], purpose: Purpose) -> set[int]:
    """Who of these people last said no to `purpose` (no row: not declined, as before)."""
    ids = list(participant_ids)
    found: set[int] = set()
    for start in range(0, len(ids), 900):  # SQLite's bound on parameters
        chunk = ids[start : start + 900]
        found.update(
            db.session.scalars(
                sa.select(Consent.participant_id).where(
                    Consent.id.in_(_latest_ids(chunk, [purpose])), Consent.given.is_(False)
                )
            )
        )
    return found


def answered(participant_ids: Iterable[int], purpose: Purpose) -> dict[int, bool]:
    """The latest answer to `purpose` by person, for those who gave one."""
    ids = list(participant_ids)
    found: dict[int, bool] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        rows = db.session.execute(
            sa.select(Consent.participant_id, Consent.given).where(
                Consent.id.in_(_latest_ids(chunk, [purpose]))
            )
        )
        found.update((pid, given) for pid, given in rows)
    return found


def history(participant_id: int) -> list[Consent]:
    """Every answer the person gave, newest first."""
    return list(
        db.session.scalars(
            sa.select(Consent)
            .where(Consent.participant_id == participant_id)
            .order_by(Consent.recorded_at.desc(), Consent.id.desc())
        )
    )


def changed(participant_id: int, answers: Mapping[Purpose, bool]) -> dict[Purpose, bool]:
    """The answers that differ from the person's latest (or were never given)."""
    now = current(participant_id)
    return {
        purpose: given
        for purpose, given in answers.items()
        if purpose not in now or now[purpose].given != given
    }
