"""A participant's personal data: their own download, and its erasure once the event is over."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.audit.models import AuditEntry
from eventhub.auth.models import User
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.privacy import persons
from eventhub.privacy.models import ErasureTrigger
from eventhub.privacy.retention import touched
from eventhub.registration.models import ImportBatch, Participant, ParticipantPhoto
from eventhub.registration.own_link import form_values
from eventhub.registration.registering import passport_view
from eventhub.registration.signals import participants_anonymised


def personal_data(participant: Participant) -> dict[str, Any]:
    """Everything stored about a participant, for their own download."""
    data: dict[str, Any] = {
        "event": participant.event.slug,
        "registered_at": participant.created_at.isoformat(),
        "status": participant.status.value,
        "status_reason": participant.status_reason,
        "category": participant.category.value,
        "delegation": participant.delegation.name_en if participant.delegation else "",
        **form_values(participant),
    }
    # Masked: whoever holds the link sees this, and organisers can change where it is sent.
    data.update(passport_view(participant, unmasked=False))
    data["has_photo"] = db.session.get(ParticipantPhoto, participant.id) is not None
    return data


def anonymise_event(event: Event, *, actor: User, today: date) -> int:
    """Erase every participant not yet erased, each as one person's erasure does (every
    domain's part: mails, account, badge and print runs, feeds, agreements), in one erasure
    run (privacy.persons.erase_people); country, category, organisation and status stay for
    the statistics. Returns how many were erased. Flushed; the caller commits, then calls
    privacy.retention.reclaim()."""
    if today <= event.ends_on:
        raise DomainError(_l("Participants can only be anonymised after the event has ended."))
    ids = list(
        db.session.scalars(
            sa.select(Participant.id)
            .where(Participant.event_id == event.id, Participant.erased_at.is_(None))
            .order_by(Participant.id)
        )
    )
    if ids:
        persons.erase_people(
            event,
            ids,
            actor=actor,
            trigger=ErasureTrigger.MANUAL,
            action="participant.anonymise",
        )
    # What else held their names: uploaded lists, and the details kept in the audit log
    # about the event's participants (entries about several at once among them).
    db.session.execute(sa.delete(ImportBatch).where(ImportBatch.event_id == event.id))
    db.session.execute(
        sa.update(AuditEntry)
        .where(AuditEntry.event_id == event.id, AuditEntry.object_type == "Participant")
        .values(changes={})
    )
    participants_anonymised.send(event)  # visa notes, agreements' audit details
    touched("import_batch", "audit_entry")
    db.session.flush()
    return len(ids)
