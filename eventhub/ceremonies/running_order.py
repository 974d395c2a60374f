"""In what order a ceremony's agreements are signed: by protocol precedence, or moved by hand."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.audit import services as audit
from eventhub.auth.models import User
from eventhub.ceremonies.models import (
    Agreement,
    AgreementParty,
    AgreementWitness,
    CeremonySettings,
)
from eventhub.directory.models import Organisation
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.registration import precedence
from eventhub.scheduling.models import Activity


def ceremony_agreements(ceremony: Activity) -> list[Agreement]:
    return list(
        db.session.scalars(
            sa.select(Agreement)
            .where(Agreement.ceremony_id == ceremony.id)
            .options(
                sa.orm.selectinload(Agreement.parties).joinedload(AgreementParty.signatory),
                sa.orm.selectinload(Agreement.parties)
                .joinedload(AgreementParty.organisation)
                .joinedload(Organisation.country),
                sa.orm.selectinload(Agreement.parties).joinedload(AgreementParty.assistant),
                sa.orm.selectinload(Agreement.witnesses).joinedload(AgreementWitness.participant),
                sa.orm.selectinload(Agreement.amendments),  # the register prints them
            )
            .order_by(Agreement.running_order.nulls_last(), Agreement.id)
        )
    )


def _precedence(agreement: Agreement, tie_break: str) -> tuple:
    """The most senior person signing or witnessing goes first: lower ranks first, people of
    the same rank in the ceremony's chosen order (registration.precedence.TieBreak)."""
    people = [p.signatory for p in agreement.parties if p.signatory]
    people += [w.participant for w in agreement.witnesses]
    keys = [precedence.precedence_key(person, tie_break) for person in people]
    return (min(keys) if keys else (precedence.UNRANKED,), agreement.id)


def settings_of(ceremony: Activity) -> CeremonySettings:
    """The ceremony's settings, or the defaults (not saved) when none were set."""
    found = db.session.get(CeremonySettings, ceremony.id)
    if found is not None:
        return found
    defaults = CeremonySettings(ceremony_id=ceremony.id)
    for column in CeremonySettings.__table__.columns:
        if column.default is not None and getattr(defaults, column.key) is None:
            setattr(defaults, column.key, column.default.arg)
    return defaults


def tie_break_of(ceremony: Activity) -> str:
    """How the ceremony orders people of the same rank (the default until chosen)."""
    return settings_of(ceremony).tie_break


def _renumber(ceremony: Activity, items: list[Agreement], changes: dict, actor: User) -> None:
    for position, agreement in enumerate(items, start=1):
        agreement.running_order = position
    db.session.flush()
    audit.record(
        "ceremony.order", ceremony, actor=actor, event_id=ceremony.event_id, changes=changes
    )


def order_by_precedence(ceremony: Activity, *, actor: User) -> list[Agreement]:
    """Propose the running order: highest-ranking witness or signatory first."""
    tie_break = tie_break_of(ceremony)
    items = sorted(ceremony_agreements(ceremony), key=lambda a: _precedence(a, tie_break))
    _renumber(ceremony, items, {"order": [None, f"protocol precedence, ties: {tie_break}"]}, actor)
    return items


def move_in_order(ceremony: Activity, agreement: Agreement, offset: int, *, actor: User) -> None:
    """Move an agreement one place up (-1) or down (+1) in the running order."""
    items = ceremony_agreements(ceremony)
    if agreement not in items:
        raise DomainError(_l("This agreement is not in this ceremony."))
    index = items.index(agreement)
    target = index + offset
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    _renumber(ceremony, items, {"moved": [None, agreement.title_en]}, actor)
