"""One person's data: everything held about them, collected from every domain, and its
erasure. Each domain answers for its own tables (signals.person_data, person_erase)."""

from __future__ import annotations

from typing import Any

from eventhub import clock
from eventhub.audit import services as audit
from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.privacy.models import ErasureRun, ErasureTrigger
from eventhub.privacy.retention import touched
from eventhub.privacy.signals import person_data, person_erase
from eventhub.privacy.tombstones import remember_erased

PERSON_TABLES = (
    "participant",
    "participant_photo",
    "audit_entry",
    "outbox_message",
    "user",
    "user_session",
    "visa_case",
    "agreement_party",
    "agreement_witness",
    "agenda_feed",
    "activity_person",
    "withdrawn_card",
)


def export_person(event, participant_id: int) -> dict[str, Any]:
    """Everything held about the person, by section, JSON-ready (passport data included:
    the caller decides who may download it, and records that it did)."""
    sections: dict[str, Any] = {}
    for _receiver, answer in person_data.send(event, participant_id=participant_id):
        if answer is None:
            continue
        key, data = answer
        sections[key] = data
    return {
        "event": event.slug,
        "participant_id": participant_id,
        "exported_at": clock.now().isoformat(timespec="seconds"),
        "sections": dict(sorted(sections.items())),
    }


def erase_person(
    event, participant_id: int, *, actor=None, trigger: ErasureTrigger = ErasureTrigger.PERSON
) -> ErasureRun:
    """Erase what identifies the person in every domain; keep (pseudonymised) what law or
    accounting requires. Flushed, with its run and an audit entry; the caller commits."""
    return _erase(
        event, [participant_id], actor=actor, trigger=trigger, action="person.erase", one=True
    )


def erase_people(
    event,
    participant_ids: list[int],
    *,
    actor=None,
    trigger: ErasureTrigger = ErasureTrigger.MANUAL,
    action: str = "people.erase",
) -> ErasureRun:
    """Erase each of these people as `erase_person` does, in one run with one audit entry
    (`action`) holding the counts of all. Flushed; the caller commits, then reclaims."""
    return _erase(event, participant_ids, actor=actor, trigger=trigger, action=action, one=False)


def _erase(
    event, participant_ids: list[int], *, actor, trigger, action: str, one: bool
) -> ErasureRun:
    """The erasure of one person (`one`: the run and its entry name them) or of several."""
    person = participant_ids[0] if one else None
    run = ErasureRun(
        event_id=event.id,
        trigger=trigger,
        participant_id=person,
        actor_id=getattr(actor, "id", None),
        started_at=utcnow(),
    )
    db.session.add(run)
    counts: dict[str, int] = {}
    for participant_id in participant_ids:
        for _receiver, answer in person_erase.send(
            event, participant_id=participant_id, actor=actor
        ):
            for what, count in (answer or {}).items():
                counts[what] = counts.get(what, 0) + int(count)
        remember_erased(event.slug, participant_id)  # an older archive must not bring them back
    run.counts, run.finished_at = counts, utcnow()
    # The tables one person's erasure writes: retention.reclaim() cleans their files after
    # the commit, so no old copy stays readable.
    touched(*PERSON_TABLES)
    audit.record(
        action,
        run,
        actor=actor,
        actor_label=None if actor else "erasure",
        event_id=event.id,
        changes=(
            {"participant": [person, None]}
            if one
            else {"participants": [None, len(participant_ids)]}
        )
        | {what: [None, count] for what, count in counts.items()},
    )
    db.session.flush()
    return run
