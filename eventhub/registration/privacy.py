"""A participant's personal data: their own download, and its erasure once the event is over."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub import clock
from eventhub.audit import services as audit
from eventhub.audit.models import AuditEntry
from eventhub.auth.models import User
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import ImportBatch, Participant, ParticipantPhoto
from eventhub.registration.own_link import form_values
from eventhub.registration.personal_fields import erased_values
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
    """Erase names, contacts, travel and passport data of every participant once the event
    is over; country, category, organisation and status stay for the statistics."""
    if today <= event.ends_on:
        raise DomainError(_l("Participants can only be anonymised after the event has ended."))
    people = list(
        db.session.scalars(sa.select(Participant).where(Participant.event_id == event.id))
    )
    erased_at = clock.now()
    for person in people:
        for name, value in erased_values(person.id).items():
            setattr(person, name, value)
        person.erased_at = person.erased_at or erased_at
        person.visa_letter_requested = False
    db.session.execute(
        sa.delete(ParticipantPhoto).where(
            ParticipantPhoto.participant_id.in_(
                sa.select(Participant.id).where(Participant.event_id == event.id)
            )
        )
    )
    # What else held their names: uploaded lists, and the details kept in the audit log.
    db.session.execute(sa.delete(ImportBatch).where(ImportBatch.event_id == event.id))
    db.session.execute(
        sa.update(AuditEntry)
        .where(AuditEntry.event_id == event.id, AuditEntry.object_type == "Participant")
        .values(changes={})
    )
    participants_anonymised.send(event)
    audit.record(
        "participant.anonymise",
        event,
        actor=actor,
        event_id=event.id,
        changes={"participants": [None, len(people)]},
    )
    db.session.flush()
    return len(people)
