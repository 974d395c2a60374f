"""Possible duplicates: the same email, the same passport, or the same name at the same
organisation. Organisers merge two registrations into one (merging) or keep both."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.audit import services as audit
from eventhub.auth.models import User
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import (
    DuplicateDismissal,
    Participant,
    Status,
)
from eventhub.text import fold
from eventhub.web import in_event

STATUS_RANK = {
    Status.WITHDRAWN: 0,
    Status.REJECTED: 1,
    Status.PENDING: 2,
    Status.WAITLISTED: 3,
    Status.APPROVED: 4,
}
REASONS = {
    "email": _l("Same email address"),
    "passport": _l("Same passport number"),
    "name": _l("Same name at the same organisation"),
}


@dataclass
class Pair:
    first: Participant
    second: Participant
    reasons: list[str]


def possible_duplicates(event: Event) -> list[Pair]:
    """Every pair that shares an email, a passport or a name at one organisation, minus the
    pairs organisers dismissed. Grouped in Python: one query, whatever the event's size."""
    people = list(
        db.session.scalars(
            sa.select(Participant)
            .where(Participant.event_id == event.id)
            .options(sa.orm.joinedload(Participant.organisation))
            .order_by(Participant.id)
        )
    )
    keys: dict[tuple[str, Any], list[Participant]] = defaultdict(list)
    for person in people:
        if person.email:
            keys[("email", person.email.lower())].append(person)
        if person.passport_digest:
            keys[("passport", person.passport_digest)].append(person)
        if person.organisation_id:
            name = fold(f"{person.family_name} {person.given_name}")
            keys[("name", (name, person.organisation_id))].append(person)
    dismissed = set(
        db.session.execute(
            sa.select(DuplicateDismissal.first_id, DuplicateDismissal.second_id).where(
                DuplicateDismissal.event_id == event.id
            )
        ).all()
    )
    pairs: dict[tuple[int, int], Pair] = {}
    for (reason, _value), group in keys.items():
        for index, first in enumerate(group):
            for second in group[index + 1 :]:
                key = (first.id, second.id)
                if key in dismissed:
                    continue
                pair = pairs.setdefault(key, Pair(first, second, []))
                pair.reasons.append(reason)
    return sorted(pairs.values(), key=lambda p: (p.first.id, p.second.id))


def pair(event: Event, first_id: int, second_id: int) -> tuple[Participant, Participant]:
    first, second = in_event(Participant, first_id, event), in_event(Participant, second_id, event)
    if first is None or second is None or first.id == second.id:
        raise DomainError(_l("These registrations are not a pair in this event."))
    return first, second


def keep_both(event: Event, first_id: int, second_id: int, *, actor: User) -> None:
    low, high = sorted((first_id, second_id))
    pair(event, low, high)
    exists = db.session.scalar(
        sa.select(DuplicateDismissal.id).where(
            DuplicateDismissal.first_id == low, DuplicateDismissal.second_id == high
        )
    )
    if exists is None:
        db.session.add(DuplicateDismissal(event_id=event.id, first_id=low, second_id=high))
        audit.record(
            "participant.keep_both",
            event,
            actor=actor,
            event_id=event.id,
            changes={"participants": [None, f"#{low} #{high}"]},
        )
    db.session.flush()
