"""Registering the rows of a checked upload: every row, or none. A row naming someone
already registered (same email or passport number) updates that person."""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.audit import services as audit
from eventhub.auth.models import User
from eventhub.db import utcnow
from eventhub.directory.models import Organisation
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.privacy import consents
from eventhub.privacy.kinds import Purpose
from eventhub.privacy.models import ConsentSource
from eventhub.registration import importer, quotas
from eventhub.registration.models import ImportBatch, Participant, Source, Status
from eventhub.registration.nationalities import fold
from eventhub.registration.own_link import new_access_key
from eventhub.registration.registering import _snapshot, apply_values

# What the organiser confirms the sender of a list collected, per person (the confirm step).
ATTESTED = (Purpose.REGISTRATION, Purpose.PHOTO, Purpose.TRANSFER_ABROAD)
NOT_ATTESTED = _l(
    "Confirm that the sender collected these people's consent to their registration: "
    "nothing is imported without it."
)


def import_participants(
    event: Event,
    batch: ImportBatch,
    preview: importer.Preview,
    *,
    actor: User,
    attested: Mapping[Purpose, bool] | None = None,
) -> int:
    """Register every row of a checked upload, or none: one flush, one audit entry.

    The upload is claimed first, so two organisers confirming at once import it once; its
    content (names, perhaps passport numbers) is then no longer kept. `attested`: the
    consents the organiser confirms the sender collected (registration required), recorded
    for each person added; people already registered keep their own answers.
    """
    if not preview.ok:
        raise DomainError(_l("The file has errors; nothing was imported."))
    if not (attested or {}).get(Purpose.REGISTRATION):
        raise DomainError(NOT_ATTESTED)
    claimed = db.session.execute(
        sa.update(ImportBatch)
        .where(ImportBatch.id == batch.id, ImportBatch.imported_at.is_(None))
        .values(imported_at=utcnow(), content=b"", imported_count=len(preview.rows))
    )
    if claimed.rowcount != 1:
        raise DomainError(_l("This file has already been imported."))
    organisations = _known_organisations(preview)
    existing_ids = [existing for _row, _values, existing in preview.rows if existing]
    existing = {
        p.id: p
        for p in db.session.scalars(
            sa.select(Participant).where(
                Participant.event_id == event.id, Participant.id.in_(existing_ids)
            )
        )
    }
    added = []
    for _row, values, person_id in preview.rows:
        values = dict(values)
        if person_id is not None:
            participant = existing[person_id]
            if "organisation" not in values and participant.organisation is not None:
                values["organisation"] = participant.organisation.name_en  # kept, searchable
        else:
            participant = Participant(
                event_id=event.id, status=Status.PENDING, source=Source.IMPORT
            )
            new_access_key(participant)
            added.append(participant)
        before = _snapshot(participant) if person_id is not None else None
        apply_values(participant, values, organisations, by_organiser=True)
        if before is not None and (changes := audit.changed(before, _snapshot(participant))):
            # Each person's history shows what the list changed (the import does not send an
            # approved person back to review: organisers imported it).
            audit.record(
                "participant.update",
                participant,
                actor=actor,
                event_id=event.id,
                changes={**changes, "source": [None, batch.filename]},
            )
    db.session.add_all(added)
    db.session.flush()
    consents.record_many(
        event,
        [participant.id for participant in added],
        {purpose: bool(attested.get(purpose)) for purpose in ATTESTED},
        source=ConsentSource.IMPORT,
        actor=actor,
    )
    changes = {"rows": [None, len(preview.rows)], "file": [None, batch.filename]}
    if existing_ids:
        changes["updated"] = [None, len(existing_ids)]
    # In the list's order: new people beyond the capacity or a quota go on the waiting list.
    admitted = quotas.admit_all(added, Status.PENDING)
    if len(admitted) < len(added):
        changes["waiting_list"] = [None, len(added) - len(admitted)]
    audit.record("participant.import", event, actor=actor, event_id=event.id, changes=changes)
    return len(preview.rows)


def _known_organisations(preview: importer.Preview) -> dict[tuple[str, str], Organisation]:
    """The organisations the rows name that already exist, whatever the case, spacing or
    language of the name (English, Chinese or their own): apply_values's cache."""
    wanted = {
        (values.get("country_code"), values["organisation"])
        for _row, values, _existing in preview.rows
        if values.get("organisation") and values.get("country_code")
    }
    countries = {country for country, _name in wanted}
    by_name: dict[tuple[str, str], Organisation] = {}
    for organisation in db.session.scalars(
        sa.select(Organisation)
        .where(Organisation.country_code.in_(countries))
        .order_by(Organisation.id)
    ):
        for name in (organisation.name_en, organisation.name_zh, organisation.name_native):
            if name:
                by_name.setdefault((organisation.country_code, _squeezed(name)), organisation)
    found = {}
    for country, name in wanted:
        organisation = by_name.get((country, _squeezed(name)))
        if organisation is not None:
            found[(country, name.lower())] = organisation
    return found


def _squeezed(name: str) -> str:
    return fold(name).replace(" ", "")
