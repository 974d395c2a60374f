"""Possible duplicates: the same email, the same passport, or the same name at the same
organisation. Organisers merge two registrations into one or keep both."""

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
    Delegation,
    DuplicateDismissal,
    Participant,
    ParticipantPhoto,
    Status,
)
from eventhub.text import fold, search_text
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
# Copied from the merged-away registration where the kept one has nothing.
FILLABLE = (
    "family_name",
    "native_name",
    "honorific",
    "position",
    "organisation_id",
    "phone",
    "dietary_notes",
    "accessibility_needs",
    "interpretation_language",
    "arrival_date",
    "arrival_at",
    "arrival_flight",
    "arrival_point",
    "departure_date",
    "departure_at",
    "departure_flight",
    "departure_point",
    "hotel",
    "nationality_code",
    "date_of_birth_encrypted",
    "passport_number_encrypted",
    "passport_digest",
    "passport_expiry",
    "delegation_id",
    "user_id",
    "protocol_rank",
)


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


def _pair(event: Event, first_id: int, second_id: int) -> tuple[Participant, Participant]:
    first, second = in_event(Participant, first_id, event), in_event(Participant, second_id, event)
    if first is None or second is None or first.id == second.id:
        raise DomainError(_l("These registrations are not a pair in this event."))
    return first, second


def keep_both(event: Event, first_id: int, second_id: int, *, actor: User) -> None:
    low, high = sorted((first_id, second_id))
    _pair(event, low, high)
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


def merge(event: Event, keep_id: int, drop_id: int, *, actor: User) -> Participant:
    """Keep one registration, fill its gaps from the other, and remove the other."""
    kept, dropped = _pair(event, keep_id, drop_id)
    filled = {}
    for name in FILLABLE:
        if not getattr(kept, name) and getattr(dropped, name):
            filled[name] = [None, str(getattr(dropped, name))[:100]]
            setattr(kept, name, getattr(dropped, name))
    if db.session.get(ParticipantPhoto, kept.id) is None:
        photo = db.session.get(ParticipantPhoto, dropped.id)
        if photo is not None:
            db.session.add(
                ParticipantPhoto(
                    participant_id=kept.id,
                    content=photo.content,
                    content_type=photo.content_type,
                    width=photo.width,
                    height=photo.height,
                )
            )
            filled["photo"] = [None, "copied"]
    # The further along of the two decisions, the visa request and the lock carry over.
    if STATUS_RANK[dropped.status] > STATUS_RANK[kept.status]:
        filled["status"] = [kept.status.value, dropped.status.value]
        kept.status, kept.status_reason = dropped.status, dropped.status_reason
    if dropped.visa_letter_requested and not kept.visa_letter_requested:
        kept.visa_letter_requested = True
        filled["visa_letter_requested"] = [False, True]
    kept.locked_at = kept.locked_at or dropped.locked_at
    kept.search_text = search_text(
        kept.family_name,
        kept.given_name,
        kept.native_name,
        kept.email,
        kept.organisation.name_en if kept.organisation else "",
    )
    audit.record(
        "participant.merge",
        kept,
        actor=actor,
        event_id=event.id,
        changes={
            "merged": [f"#{dropped.id} {dropped.latin_name} <{dropped.email}>", f"#{kept.id}"],
            **filled,
        },
    )
    # A delegation headed by the dropped registration is headed by the kept one.
    # A delegation the dropped registration headed keeps a head only if it is the kept
    # one's own delegation.
    for delegation in db.session.scalars(
        sa.select(Delegation).where(Delegation.head_id == dropped.id)
    ):
        delegation.head_id = kept.id if kept.delegation_id == delegation.id else None
    db.session.delete(dropped)
    db.session.flush()
    return kept
