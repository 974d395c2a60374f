"""Registration's answers to privacy's questions about one person: the participant row in
the export, and its erasure (privacy.signals.person_data, person_erase).

The row stays, without what identifies the person (personal_fields.erased_values): its id
keeps attendance counts and certificate serials pointing at someone nameless. Country,
category, organisation and status stay for the statistics."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub import clock
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.privacy.signals import person_data, person_erase
from eventhub.registration import personal_records
from eventhub.registration.models import (
    Delegation,
    DuplicateDismissal,
    Participant,
    ParticipantPhoto,
    Submission,
    WaitingPlace,
)
from eventhub.registration.personal_fields import erased_values
from eventhub.registration.registering import passport_view

# Held only to find or protect the row, never shown: the export says the secret exists.
_HIDDEN = {
    "date_of_birth_encrypted",
    "passport_number_encrypted",
    "passport_digest",
    "access_key_hash",
    "access_key_encrypted",
    "search_text",
    "sort_name",
}
ALREADY_ERASED = _l("This person's data has already been erased: nothing was changed.")


def plain(value: Any) -> Any:
    """A column's value as JSON: dates as ISO text, enums as their value."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def _person(event, participant_id: int) -> Participant | None:
    return db.session.scalar(
        sa.select(Participant).where(
            Participant.id == participant_id, Participant.event_id == event.id
        )
    )


def participant_fields(person: Participant) -> dict[str, Any]:
    """Every column held about the person, the encrypted ones decrypted."""
    fields = {
        column.key: plain(getattr(person, column.key))
        for column in Participant.__table__.columns
        if column.key not in _HIDDEN
    }
    fields.update(passport_view(person, unmasked=True))
    fields["own_link"] = "held" if person.access_key_hash else ""
    return fields


@person_data.connect
def participant_export(event, *, participant_id: int, **kwargs):
    """The row, its photo (described, not its bytes), delegation, organisation, waiting."""
    person = _person(event, participant_id)
    if person is None:
        return None
    photo = db.session.get(ParticipantPhoto, person.id)
    waiting = db.session.get(WaitingPlace, person.id)
    delegation = person.delegation
    return (
        "participant",
        {
            "event": " / ".join(n for n in (event.name_en, event.name_zh) if n),
            "fields": participant_fields(person),
            "photo": f"held: yes, {photo.width}x{photo.height}" if photo else "held: no",
            "delegation": (
                {
                    "name_en": delegation.name_en,
                    "name_zh": delegation.name_zh,
                    "country": delegation.country_code,
                    "head": delegation.head_id == person.id,
                }
                if delegation
                else None
            ),
            "organisation": (
                {"name_en": person.organisation.name_en, "name_zh": person.organisation.name_zh}
                if person.organisation
                else None
            ),
            "waiting_since": plain(waiting.since) if waiting else None,
            "erased_at": plain(person.erased_at),
        },
    )


@person_data.connect
def records_export(event, *, participant_id: int, **kwargs):
    """The mails sent to the person, their account and the audit log about them."""
    person = _person(event, participant_id)
    if person is None:
        return None
    return ("records", personal_records.export(event, person))


@person_erase.connect
def participant_erase(event, *, participant_id: int, actor=None, **kwargs) -> dict[str, int]:
    """Erase the row's personal columns, its photos and the registration's side rows, then
    what core holds about the person (mails, account, audit details). The row is read
    afresh and locked: a second erasure submitted meanwhile finds it erased."""
    person = db.session.scalar(
        sa.select(Participant)
        .where(Participant.id == participant_id, Participant.event_id == event.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if person is None:
        return {}
    if person.erased_at is not None:
        raise DomainError(ALREADY_ERASED)
    counts = personal_records.erase(event, person)
    photos = db.session.execute(
        sa.delete(ParticipantPhoto).where(ParticipantPhoto.participant_id == person.id)
    ).rowcount
    # A photo kept for a re-shown form (PendingPhoto) names nobody: its token is in the
    # browser only, and registering.py deletes every one within the hour.
    counts["head_of"] = db.session.execute(
        sa.update(Delegation).where(Delegation.head_id == person.id).values(head_id=None)
    ).rowcount
    counts["submissions"] = db.session.execute(
        sa.delete(Submission).where(Submission.participant_id == person.id)
    ).rowcount
    counts["duplicate_dismissals"] = db.session.execute(
        sa.delete(DuplicateDismissal).where(
            sa.or_(
                DuplicateDismissal.first_id == person.id, DuplicateDismissal.second_id == person.id
            )
        )
    ).rowcount
    counts["waiting_places"] = db.session.execute(
        sa.delete(WaitingPlace).where(WaitingPlace.participant_id == person.id)
    ).rowcount
    for name, value in erased_values(person.id).items():
        setattr(person, name, value)
    person.visa_letter_requested = False
    person.needs_attention = False
    person.erased_at = clock.now()
    counts.update({"participant": 1, "photos": photos})
    db.session.flush()
    return counts
