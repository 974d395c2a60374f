"""Registration's answers to privacy's retention signals: the participants' columns of each
kind (personal_fields), their photos, uploaded lists, and the whole person once IDENTITY is
due. Connected on import (see the package's __init__)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from eventhub import clock
from eventhub.audit.models import AuditEntry
from eventhub.extensions import db
from eventhub.privacy import kinds
from eventhub.privacy.kinds import Kind
from eventhub.privacy.retention import touched
from eventhub.privacy.signals import person_erase, retention_due, retention_erase
from eventhub.registration import personal_fields
from eventhub.registration.models import (
    ImportBatch,
    ImportState,
    Participant,
    ParticipantPhoto,
    PendingPhoto,
)
from eventhub.registration.registering import PENDING_PHOTO_HOURS
from eventhub.registration.signals import participants_anonymised

# What the audit log's details call a kind's data besides its columns (registering._snapshot).
_AUDIT_KEYS = {
    Kind.PASSPORT: {"passport", "passport_number", "date_of_birth", "nationality"},
    Kind.HEALTH: set(),
    Kind.TRAVEL: set(),
}


def _held(columns: dict[str, Any]) -> sa.ColumnElement[bool]:
    """A participant still holds a value of these columns."""
    return sa.or_(
        *(
            getattr(Participant, name).is_not(None)
            if erased is None
            else getattr(Participant, name) != erased
            for name, erased in columns.items()
        )
    )


def _holding(event, kind: Kind) -> sa.Select:
    return sa.select(Participant.id).where(
        Participant.event_id == event.id, _held(personal_fields.BY_KIND[kind])
    )


def _photos(event) -> sa.Select:
    return sa.select(ParticipantPhoto.participant_id).where(
        ParticipantPhoto.participant_id.in_(
            sa.select(Participant.id).where(Participant.event_id == event.id)
        )
    )


def _uploads(event, days: int) -> sa.Select:
    """Uploaded lists still holding their content past their date (not one being imported)."""
    return sa.select(ImportBatch.id).where(
        ImportBatch.event_id == event.id,
        ImportBatch.created_at < kinds.uploaded_before(days),
        sa.func.length(ImportBatch.content) > 0,
        sa.or_(
            ImportBatch.state.is_(None),
            ImportBatch.state.not_in([ImportState.QUEUED, ImportState.RUNNING]),
        ),
    )


def _not_erased(event) -> sa.Select:
    return sa.select(Participant.id).where(
        Participant.event_id == event.id, Participant.erased_at.is_(None)
    )


def _count(query: sa.Select) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0


@retention_due.connect
def due(event, *, kind: Kind, days: int, **kwargs) -> int:
    if kind == Kind.IMPORTS:
        return _count(_uploads(event, days))
    if not kinds.is_due(event, days):
        return 0
    if kind in personal_fields.BY_KIND:
        return _count(_holding(event, kind))
    if kind == Kind.PHOTOS:
        return _count(_photos(event))
    if kind == Kind.IDENTITY:
        return _count(_not_erased(event))
    return 0


@retention_erase.connect
def erase(event, *, kind: Kind, days: int, **kwargs) -> int:
    if kind == Kind.IMPORTS:
        return _erase_uploads(event, days)
    if not kinds.is_due(event, days):
        return 0
    if kind in personal_fields.BY_KIND:
        return _erase_columns(event, kind)
    if kind == Kind.PHOTOS:
        return _erase_photos(event)
    if kind == Kind.IDENTITY:
        return _erase_people(event)
    return 0


def _erase_columns(event, kind: Kind) -> int:
    columns = personal_fields.BY_KIND[kind]
    values = dict(columns)
    if kind == Kind.PASSPORT:
        values["visa_letter_requested"] = False  # no letter without a passport
    erased = db.session.execute(
        sa.update(Participant)
        .where(Participant.event_id == event.id, _held(columns))
        .values(**values),
        execution_options={"synchronize_session": "fetch"},
    ).rowcount
    if erased:
        _scrub_audit(event, set(columns) | _AUDIT_KEYS[kind])
        touched("participant", "audit_entry")
    return erased or 0


def _scrub_audit(event, keys: set[str]) -> None:
    """The old and new values of these fields, in the participants' audit details."""
    entries = db.session.scalars(
        sa.select(AuditEntry).where(
            AuditEntry.event_id == event.id, AuditEntry.object_type == "Participant"
        )
    )
    for entry in entries:
        if entry.changes and keys & set(entry.changes):
            entry.changes = {k: v for k, v in entry.changes.items() if k not in keys}


def _erase_photos(event) -> int:
    erased = db.session.execute(
        sa.delete(ParticipantPhoto).where(ParticipantPhoto.participant_id.in_(_photos(event))),
        execution_options={"synchronize_session": False},
    ).rowcount
    # Photos kept for a form sent again belong to no event yet: gone after their day anyway.
    cutoff = clock.now() - timedelta(hours=PENDING_PHOTO_HOURS)
    db.session.execute(sa.delete(PendingPhoto).where(PendingPhoto.created_at < cutoff))
    touched("participant_photo", "pending_photo")
    return erased or 0


def _erase_uploads(event, days: int) -> int:
    ids = list(db.session.scalars(_uploads(event, days)))
    if not ids:
        return 0
    # Never confirmed: gone (its page says to upload the file again). Imported ones keep
    # their line (file name, count) without the content.
    db.session.execute(
        sa.delete(ImportBatch).where(ImportBatch.id.in_(ids), ImportBatch.imported_at.is_(None)),
        execution_options={"synchronize_session": False},
    )
    db.session.execute(
        sa.update(ImportBatch).where(ImportBatch.id.in_(ids)).values(content=b"", error=""),
        execution_options={"synchronize_session": False},
    )
    touched("import_batch")
    return len(ids)


def _erase_people(event) -> int:
    """Everyone of the event not yet erased, each as one person's erasure leaves them (every
    domain's part: mails, account, badge, feeds, agreements not signed): the row stays
    (attendance counts, certificate serials), nothing in it names the person."""
    ids = list(
        db.session.scalars(
            sa.select(Participant.id).where(
                Participant.event_id == event.id, Participant.erased_at.is_(None)
            )
        )
    )
    for participant_id in ids:
        person_erase.send(event, participant_id=participant_id, actor=None)
    if not ids:
        return 0
    _erase_photos(event)
    participants_anonymised.send(event)  # visa notes, agreements' audit details
    touched(
        "participant", "participant_photo", "audit_entry", "visa_case", "outbox_message", "user"
    )
    return len(ids)
