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
from eventhub.audit.services import ACTION_LABELS
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.i18n import country_name, language_name
from eventhub.privacy.readable import Reading
from eventhub.privacy.signals import person_data, person_erase, person_reading
from eventhub.registration import personal_records
from eventhub.registration.forms import DIET_LABELS, HISTORY_LABELS
from eventhub.registration.labels import CATEGORY_LABELS, STATUS_LABELS
from eventhub.registration.models import (
    Delegation,
    DuplicateDismissal,
    Participant,
    ParticipantPhoto,
    Source,
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


def _photo(held: str) -> str:
    """'held: yes, 300x400' (the JSON's words) -> 'Yes, 300 × 400 pixels'."""
    if not held.startswith("held: yes"):
        return str(_l("No"))
    size = held.partition(", ")[2]
    width, _x, height = size.partition("x")
    if not (width.isdigit() and height.isdigit()):
        return str(_l("Yes"))
    return str(_l("Yes, %(width)s × %(height)s pixels", width=width, height=height))


# The participant section as its reader sees it (privacy.readable): ids stay in the JSON.
PARTICIPANT = Reading(
    title=_l("Registration"),
    order=10,
    labels={
        **HISTORY_LABELS,
        "fields": _l("Data held"),
        "category": _l("Category"),
        "status_reason": _l("Reason for the status"),
        "withdrawn_from": _l("Status before withdrawing"),
        "needs_attention": _l("Marked for an organiser's attention"),
        "locked_at": _l("Locked against changes since"),
        "erased_at": _l("Erased at"),
        "locale": _l("Language of the pages and mails"),
        "created_at": _l("Registered at"),
        "updated_at": _l("Last changed at"),
        "source": _l("Registered through"),
        "visa_letter_requested": _l("Visa letter requested"),
        "own_link": _l("Link to their own page"),
        "photo": _l("Photo"),
        "delegation": _l("Delegation"),
        "organisation": _l("Organisation"),
        "name_en": _l("Name in English"),
        "name_zh": _l("Name in Chinese"),
        "country": _l("Country"),
        "head": _l("Head of delegation"),
        "waiting_since": _l("On the waiting list since"),
    },
    values={
        "category": CATEGORY_LABELS,
        "status": STATUS_LABELS,
        "withdrawn_from": STATUS_LABELS,
        "diet": DIET_LABELS,
        "country_code": country_name,
        "nationality_code": country_name,
        "country": country_name,
        "locale": language_name,
        "interpretation_language": language_name,
        "name_order": {
            "given": _l("Given name first (Somchai JAIDEE)"),
            "family": _l("Family name first (YANG Ming)"),
        },
        "source": {
            Source.FORM: _l("The registration form"),
            Source.DELEGATION: _l("Their head of delegation"),
            Source.IMPORT: _l("An imported list"),
            Source.API: _l("A partner's system (API)"),
            Source.ORGANISER: _l("An organiser"),
        },
        "own_link": {"held": _l("Yes")},
        "photo": _photo,
    },
    hidden=frozenset({"id", "event_id", "delegation_id", "organisation_id", "user_id", "event"}),
)
# What core holds about them (personal_records.export).
MAIL_STATES = {  # as the delivery log names them (outbox)
    "queued": _l("Waiting"),
    "sending": _l("Sending"),
    "sent": _l("Sent"),
    "failed": _l("Failed"),
}
RECORDS = Reading(
    title=_l("Mails, account and history"),
    order=90,
    labels={
        "mails": _l("Mails sent"),
        "subject": _l("Subject"),
        "queued_at": _l("Queued at"),
        "finished_at": _l("Delivered or given up at"),
        "state": _l("Delivery"),
        "account": _l("User account"),
        "email": _l("Email"),
        "display_name": _l("Name shown"),
        "created_at": _l("Created at"),
        "last_login_at": _l("Last login at"),
        "audit": _l("Changes recorded"),
        "action": _l("What"),
        "at": _l("When"),
        "by": _l("By"),
    },
    values={"state": MAIL_STATES, "action": ACTION_LABELS},
)


@person_reading.connect
def participant_reading(event, **kwargs):
    return ("participant", PARTICIPANT)


@person_reading.connect
def records_reading(event, **kwargs):
    return ("records", RECORDS)


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
