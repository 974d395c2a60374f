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
    shown: Mapping[Purpose, notices.Shown] | None = None,
    with_notice: bool = True,
) -> list[Consent]:
    """One row per answered purpose, with the notice shown (`shown`, else the current one in
    `language`); `with_notice=False` when the person read no notice of ours (a partner's
    system or an imported list asked them). Flushed, with an audit entry; the caller commits."""
    source = ConsentSource(source)
    rows = []
    for purpose, given in answers.items():
        row = Consent(
            event_id=event.id,
            participant_id=participant_id,
            purpose=purpose,
            given=bool(given),
            language=language,
            source=source,
            recorded_by_id=getattr(actor, "id", None),
        )
        if with_notice:
            notice = notices.stored(
                event, (shown or {}).get(purpose) or notices.current(event, purpose, language)
            )
            row.notice_id, row.notice_version = notice.id, notice.version
            row.language = notice.language
        rows.append(row)
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
    """Who of these people has not agreed to `purpose`: their last answer is no, or they gave
    answers but none to it. Someone with no answer at all registered before consents were
    asked: not declined, as before."""
    ids = list(participant_ids)
    found: set[int] = set()
    for start in range(0, len(ids), 900):  # SQLite's bound on parameters
        chunk = ids[start : start + 900]
        agreed = sa.select(Consent.participant_id).where(
            Consent.id.in_(_latest_ids(chunk, [purpose])), Consent.given.is_(True)
        )
        found.update(
            db.session.scalars(
                sa.select(Consent.participant_id)
                .where(Consent.participant_id.in_(chunk), Consent.participant_id.not_in(agreed))
                .distinct()
            )
        )
    return found


def asked(participant_id: int) -> bool:
    """Whether the person was asked for consents (no: registered before they were)."""
    return (
        db.session.scalar(
            sa.select(Consent.id).where(Consent.participant_id == participant_id).limit(1)
        )
        is not None
    )


def record_many(
    event, participant_ids: list[int], answers: Mapping[Purpose, bool], *, source, actor
) -> None:
    """The same answers for many people at once (an imported list the organiser vouched
    for), without a notice of ours; one audit entry. Flushed; the caller commits."""
    source = ConsentSource(source)
    if not participant_ids:
        return
    db.session.execute(
        sa.insert(Consent),
        [
            {
                "event_id": event.id,
                "participant_id": participant_id,
                "purpose": purpose,
                "given": bool(given),
                "language": "",
                "source": source,
                "recorded_by_id": getattr(actor, "id", None),
            }
            for participant_id in participant_ids
            for purpose, given in answers.items()
        ],
    )
    audit.record(
        "consent.record",
        event,
        actor=actor,
        event_id=event.id,
        changes={"people": [None, len(participant_ids)], "source": [None, source.value]}
        | {p.value: [None, "given" if yes else "declined"] for p, yes in answers.items()},
    )


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
