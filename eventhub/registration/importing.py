"""Registering the rows of a checked upload: every row, or none."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.audit import services as audit
from eventhub.auth.models import User
from eventhub.db import utcnow
from eventhub.directory.models import Organisation
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration import importer, quotas
from eventhub.registration.models import ImportBatch, Participant, Source, Status
from eventhub.registration.own_link import new_access_key
from eventhub.registration.registering import apply_values


def import_participants(
    event: Event,
    batch: ImportBatch,
    preview: importer.Preview,
    *,
    actor: User,
) -> int:
    """Register every row of a checked upload, or none: one flush, one audit entry.

    The upload is claimed first, so two organisers confirming at once import it once; its
    content (names, perhaps passport numbers) is then no longer kept.
    """
    if not preview.ok:
        raise DomainError(_l("The file has errors; nothing was imported."))
    claimed = db.session.execute(
        sa.update(ImportBatch)
        .where(ImportBatch.id == batch.id, ImportBatch.imported_at.is_(None))
        .values(imported_at=utcnow(), content=b"", imported_count=len(preview.rows))
    )
    if claimed.rowcount != 1:
        raise DomainError(_l("This file has already been imported."))
    organisations: dict[tuple[str, str], Organisation] = {}
    participants = []
    for _row, values in preview.rows:
        participant = Participant(event_id=event.id, status=Status.PENDING, source=Source.IMPORT)
        apply_values(participant, dict(values), organisations)
        new_access_key(participant)
        participants.append(participant)
    db.session.add_all(participants)
    db.session.flush()
    # In the list's order: rows beyond the capacity or a quota go on the waiting list.
    admitted = quotas.admit_all(participants, Status.PENDING)
    changes = {"rows": [None, len(participants)], "file": [None, batch.filename]}
    if len(admitted) < len(participants):
        changes["waiting_list"] = [None, len(participants) - len(admitted)]
    audit.record("participant.import", event, actor=actor, event_id=event.id, changes=changes)
    return len(participants)
