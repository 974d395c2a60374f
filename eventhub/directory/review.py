"""Reviewing an organisation named on a public form: accepted (renamed first if need be),
merged into a known one, or rejected. Every table that points at organisations is found
from the schema, so a reference added by a later module is moved too."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from eventhub.audit import services as audit
from eventhub.directory.models import Organisation, OrganisationStatus
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.text import clean

NOT_PENDING = _l("This organisation has already been reviewed.")


def references() -> Iterator[sa.Column]:
    """Every column holding an organisation's id (participants, delegations, agreement
    parties...)."""
    target = Organisation.__table__.c.id
    for table in db.metadata.sorted_tables:
        for key in table.foreign_keys:
            if key.column is target:
                yield key.parent


def reference_count(organisation: Organisation) -> int:
    return sum(
        db.session.scalar(
            sa.select(sa.func.count()).select_from(column.table).where(column == organisation.id)
        )
        for column in references()
    )


def _pending(organisation: Organisation) -> None:
    if organisation.status != OrganisationStatus.PENDING:
        raise DomainError(NOT_PENDING)


def accept(
    organisation: Organisation, name_en: str, name_zh: str, *, actor, event_id: int
) -> Organisation:
    """Accept it, under the name given (the typed one tidied, or the organiser's)."""
    _pending(organisation)
    name_en, name_zh = clean(name_en), clean(name_zh)
    if not name_en:
        raise DomainError(_l("Give the organisation's name in English."), field="name_en")
    if len(name_en) > 300 or len(name_zh) > 300:
        raise DomainError(_l("Names are limited to 300 characters."), field="name_en")
    twin = db.session.scalar(
        sa.select(Organisation).where(
            Organisation.country_code == organisation.country_code,
            sa.func.lower(Organisation.name_en) == name_en.lower(),
            Organisation.id != organisation.id,
        )
    )
    if twin is not None:
        raise DomainError(
            _l(
                "%(name)s is already in the directory for this country: merge into it instead.",
                name=twin.name_en,
            ),
            field="name_en",
        )
    before = {"name_en": organisation.name_en, "name_zh": organisation.name_zh}
    organisation.name_en, organisation.name_zh = name_en, name_zh
    organisation.status = OrganisationStatus.ACCEPTED
    db.session.flush()
    changes = audit.changed(before, {"name_en": name_en, "name_zh": name_zh})
    changes["status"] = [OrganisationStatus.PENDING.value, OrganisationStatus.ACCEPTED.value]
    audit.record(
        "organisation.accept", organisation, actor=actor, event_id=event_id, changes=changes
    )
    return organisation


def merge(organisation: Organisation, into: Organisation, *, actor, event_id: int) -> int:
    """Point every reference at `into` and remove the pending one; returns how many moved."""
    _pending(organisation)
    if into.id == organisation.id or into.status != OrganisationStatus.ACCEPTED:
        raise DomainError(_l("Choose an accepted organisation to merge into."), field="into")
    moved = 0
    try:
        with db.session.begin_nested():
            for column in references():
                moved += db.session.execute(
                    sa.update(column.table)
                    .where(column == organisation.id)
                    .values({column.name: into.id})
                ).rowcount
    except IntegrityError as exc:
        raise DomainError(
            _l("Both organisations are parties to the same agreement; remove one party first.")
        ) from exc
    # What the session holds still names the old row: read it again.
    db.session.expire_all()
    audit.record(
        "organisation.merge",
        organisation,
        actor=actor,
        event_id=event_id,
        changes={"name_en": [organisation.name_en, into.name_en], "moved": [None, moved]},
    )
    db.session.delete(organisation)
    db.session.flush()
    return moved


def reject(organisation: Organisation, *, actor, event_id: int) -> int:
    """Remove it; the people and delegations that named it are left without an
    organisation (the audit entry keeps the name). Returns how many were."""
    _pending(organisation)
    detached = 0
    for column in references():
        if not column.nullable:
            if db.session.scalar(
                sa.select(sa.func.count())
                .select_from(column.table)
                .where(column == organisation.id)
            ):
                raise DomainError(
                    _l("This organisation is a party to an agreement: merge it instead.")
                )
            continue
        detached += db.session.execute(
            sa.update(column.table).where(column == organisation.id).values({column.name: None})
        ).rowcount
    db.session.expire_all()
    audit.record(
        "organisation.reject",
        organisation,
        actor=actor,
        event_id=event_id,
        changes={"name_en": [organisation.name_en, None], "detached": [None, detached]},
    )
    db.session.delete(organisation)
    db.session.flush()
    return detached
