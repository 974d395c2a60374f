"""Registration capacity and quotas, and the automatic waiting list that moves up.

What takes a place: a registration that is pending review or approved. Pending ones count
because an organiser may approve them at any time, and a place promised by the form must
still be there then; waiting, rejected and withdrawn registrations hold none. A limit is
the event's capacity or a quota of one delegation, country or participant category; a
registration needs a free place in the capacity and in every quota that matches it.

Race safety is enrolment's (scheduling.enrolments): the event's row is locked before the
places are counted, so one transaction at a time counts them on PostgreSQL however many
workers take registrations; SQLite's BEGIN IMMEDIATE serialises them already.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale, gettext

from eventhub.audit import services as audit
from eventhub.auth.models import User
from eventhub.directory.models import Country
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.i18n import localized
from eventhub.mail import send_mail
from eventhub.registration.labels import CATEGORY_LABELS
from eventhub.registration.models import (
    Category,
    Delegation,
    LimitKind,
    Participant,
    RegistrationLimit,
    Status,
    WaitingPlace,
)
from eventhub.registration.own_link import access_key
from eventhub.web import external_url

# The statuses that take a place (see the module's docstring).
HOLDING = (Status.PENDING, Status.APPROVED)

Key = tuple[LimitKind, str]


def keys_of(participant: Participant) -> list[Key]:
    """The limits a registration counts against, whether or not they are set."""
    keys: list[Key] = [(LimitKind.EVENT, ""), (LimitKind.COUNTRY, participant.country_code)]
    keys.append((LimitKind.CATEGORY, participant.category.value))
    if participant.delegation_id is not None:
        keys.append((LimitKind.DELEGATION, str(participant.delegation_id)))
    return keys


def limits_of(event_id: int) -> dict[Key, int]:
    return {
        (kind, value): places
        for kind, value, places in db.session.execute(
            sa.select(
                RegistrationLimit.kind, RegistrationLimit.value, RegistrationLimit.places
            ).where(RegistrationLimit.event_id == event_id)
        )
    }


def lock_places(event_id: int) -> None:
    """Wait for the event's places: taken before counting, held until the commit.

    FOR NO KEY UPDATE on PostgreSQL (key_share): lockers still wait for each other, but not
    for the key-share locks that inserting a participant (its foreign key to the event)
    takes. With FOR UPDATE, two registrations that had each inserted their row deadlocked."""
    db.session.execute(
        sa.select(Event.id).where(Event.id == event_id).with_for_update(key_share=True)
    )


def places_taken(event_id: int) -> Counter[Key]:
    """The places taken in the event and in each delegation, country and category."""
    query = (
        sa.select(
            Participant.delegation_id,
            Participant.country_code,
            Participant.category,
            sa.func.count(),
        )
        .where(Participant.event_id == event_id, Participant.status.in_(HOLDING))
        .group_by(Participant.delegation_id, Participant.country_code, Participant.category)
    )
    taken: Counter[Key] = Counter()
    for delegation_id, country, category, count in db.session.execute(query):
        taken[(LimitKind.EVENT, "")] += count
        taken[(LimitKind.COUNTRY, country)] += count
        taken[(LimitKind.CATEGORY, category.value)] += count
        if delegation_id is not None:
            taken[(LimitKind.DELEGATION, str(delegation_id))] += count
    return taken


def _taken_without(event_id: int, deciding: Iterable[Participant]) -> Counter[Key]:
    """The places taken, less those of registrations whose place is being decided (counted
    as stored, after a flush)."""
    taken = places_taken(event_id)
    for participant in deciding:
        if participant.status in HOLDING:
            for key in keys_of(participant):
                taken[key] -= 1
    return taken


def _full(participant: Participant, limits: dict[Key, int], taken: Counter[Key]) -> list[Key]:
    return [key for key in keys_of(participant) if key in limits and taken[key] >= limits[key]]


def admit(participant: Participant, wanted: Status = Status.PENDING) -> bool:
    """Give a registration the place `wanted` (pending or approved) needs, or put it on the
    waiting list, last. Returns whether it got the place. Call it for a registration that
    holds no place yet (or a new one), once it is in the session."""
    return bool(admit_all([participant], wanted))


def admit_all(
    participants: list[Participant], wanted: Status = Status.PENDING
) -> list[Participant]:
    """`admit` for several registrations of one event, in their order (an imported list):
    the places are counted once. Returns those that got a place."""
    if not participants:
        return []
    event_id = participants[0].event_id
    lock_places(event_id)
    limits = limits_of(event_id)
    if not limits:
        for participant in participants:
            participant.status = wanted
        _leave([p.id for p in participants if p.id is not None])
        return list(participants)
    db.session.flush()
    # Nobody passes someone waiting who fits (a place freed by a change that did not move
    # the list up, such as a participant's new country): they move up first.
    fill_places(event_id, deciding=participants)
    taken = _taken_without(event_id, participants)
    admitted = []
    for participant in participants:
        if _full(participant, limits, taken):
            participant.status = Status.WAITLISTED
            waiting = db.session.get(WaitingPlace, participant.id)
            if waiting is None:
                db.session.add(
                    WaitingPlace(participant_id=participant.id, event_id=event_id, wanted=wanted)
                )
            else:
                waiting.wanted = wanted
            continue
        for key in keys_of(participant):
            taken[key] += 1
        participant.status = wanted
        admitted.append(participant)
    _leave([p.id for p in admitted])
    db.session.flush()
    return admitted


def _leave(ids: list[int]) -> None:
    if ids:
        db.session.execute(sa.delete(WaitingPlace).where(WaitingPlace.participant_id.in_(ids)))


def leave_waiting_list(participant: Participant) -> None:
    """The registration is no longer waiting for a place (decided otherwise)."""
    _leave([participant.id])


def fill_places(
    event_id: int, *, actor: User | None = None, deciding: Iterable[Participant] = ()
) -> list[Participant]:
    """Move people up from the waiting list, in their order, while places are free: after
    a withdrawal, a rejection, or a larger capacity or quota. Someone whose delegation,
    country or category is still full keeps their turn; the next one may move up. Each
    promotion is audited, and the person told by email in their language. `deciding`:
    registrations whose place the caller is deciding, neither counted nor moved up."""
    lock_places(event_id)
    limits = limits_of(event_id)
    waiting = waiting_list(event_id)
    if not waiting:
        return []
    taken = _taken_without(event_id, deciding)
    skip = {p.id for p in deciding}
    promoted = []
    for place, participant in waiting:
        if participant.id in skip or _full(participant, limits, taken):
            continue
        for key in keys_of(participant):
            taken[key] += 1
        audit.record(
            "participant.status",
            participant,
            actor=actor,
            actor_label=None if actor else "waiting list",
            event_id=event_id,
            changes={
                "status": [participant.status.value, place.wanted.value],
                "waiting_list": ["waiting", "moved up"],
            },
        )
        participant.status = place.wanted
        db.session.delete(place)
        promoted.append(participant)
    db.session.flush()
    for participant in promoted:
        if participant.email:
            _tell_promoted(participant)
    return promoted


def _tell_promoted(participant: Participant) -> None:
    link = external_url(
        "registration.own_page", slug=participant.event.slug, key=access_key(participant)
    )
    with force_locale(participant.language):
        send_mail(
            participant.email,
            gettext("A place is yours at %(event)s", event=localized(participant.event, "name")),
            render_template("email/waiting_list_place.txt", participant=participant, link=link),
            event_id=participant.event_id,
        )


def waiting_list(event_id: int) -> list[tuple[WaitingPlace, Participant]]:
    """The automatic waiting list in its order: who came first moves up first."""
    rows = db.session.execute(
        sa.select(WaitingPlace, Participant)
        .join(Participant, Participant.id == WaitingPlace.participant_id)
        .where(WaitingPlace.event_id == event_id, Participant.status == Status.WAITLISTED)
        .order_by(WaitingPlace.since, WaitingPlace.participant_id)
    )
    return [(place, participant) for place, participant in rows]


def waiting_by_hand(event_id: int) -> list[Participant]:
    """People organisers put on the waiting list themselves: never moved up automatically."""
    return list(
        db.session.scalars(
            sa.select(Participant)
            .outerjoin(WaitingPlace, WaitingPlace.participant_id == Participant.id)
            .where(
                Participant.event_id == event_id,
                Participant.status == Status.WAITLISTED,
                WaitingPlace.participant_id.is_(None),
            )
            .order_by(Participant.created_at, Participant.id)
        )
    )


def position_of(participant: Participant) -> int | None:
    """The participant's turn on the automatic waiting list (1 is next), or None."""
    if participant.status != Status.WAITLISTED:
        return None
    own = db.session.get(WaitingPlace, participant.id)
    if own is None:
        return None
    ahead = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(WaitingPlace)
        .join(Participant, Participant.id == WaitingPlace.participant_id)
        .where(
            WaitingPlace.event_id == participant.event_id,
            Participant.status == Status.WAITLISTED,
            sa.or_(
                WaitingPlace.since < own.since,
                sa.and_(
                    WaitingPlace.since == own.since,
                    WaitingPlace.participant_id < own.participant_id,
                ),
            ),
        )
    )
    return (ahead or 0) + 1


@dataclass
class Usage:
    kind: LimitKind
    value: str
    taken: int
    places: int | None  # None: no limit
    waiting: int = 0

    @property
    def full(self) -> bool:
        return self.places is not None and self.taken >= self.places


def usage(event: Event, keys: Iterable[Key] | None = None) -> dict[Key, Usage]:
    """Places taken, the limit and how many wait, for `keys`: by default the event and
    every part that has a limit, in the order event, delegations, countries, categories."""
    limits = limits_of(event.id)
    taken = places_taken(event.id)
    waiting = Counter(
        key for _place, participant in waiting_list(event.id) for key in keys_of(participant)
    )
    if keys is None:
        keys = sorted(
            {(LimitKind.EVENT, "")} | set(limits),
            key=lambda k: (list(LimitKind).index(k[0]), k[1]),
        )
    return {key: Usage(key[0], key[1], taken[key], limits.get(key), waiting[key]) for key in keys}


def save_limits(event: Event, wanted: dict[Key, int | None], *, actor: User) -> list[Participant]:
    """Set the capacity and quotas (None: no limit) and move up whoever now has a place.
    Returns those moved up."""
    lock_places(event.id)
    stored = {
        (limit.kind, limit.value): limit
        for limit in db.session.scalars(
            sa.select(RegistrationLimit).where(RegistrationLimit.event_id == event.id)
        )
    }
    changes: dict[str, list] = {}
    for key, places in wanted.items():
        limit = stored.get(key)
        before = limit.places if limit else None
        if before == places:
            continue
        changes[f"{key[0].value}:{key[1]}" if key[1] else key[0].value] = [before, places]
        if places is None:
            db.session.delete(limit)
        elif limit is None:
            db.session.add(
                RegistrationLimit(event_id=event.id, kind=key[0], value=key[1], places=places)
            )
        else:
            limit.places = places
    if not changes:
        return []
    db.session.flush()
    audit.record("registration.limits", event, actor=actor, event_id=event.id, changes=changes)
    return fill_places(event.id, actor=actor)


def freed_places(participants: Iterable[Participant], before: dict[int, Status]) -> bool:
    """Whether any of these left a place they held (so someone may move up)."""
    return any(before.get(p.id) in HOLDING and p.status not in HOLDING for p in participants)


def limit_names(keys: Iterable[Key]) -> dict[Key, str]:
    """What each limit is called on pages: the event, a delegation, country or category, in
    the reader's language."""
    keys = list(keys)
    delegations = {
        str(d.id): d
        for d in db.session.scalars(
            sa.select(Delegation).where(
                Delegation.id.in_([int(v) for k, v in keys if k == LimitKind.DELEGATION])
            )
        )
    }
    countries = {
        c.code: c
        for c in db.session.scalars(
            sa.select(Country).where(
                Country.code.in_([v for k, v in keys if k == LimitKind.COUNTRY])
            )
        )
    }
    names = {}
    for kind, value in keys:
        if kind == LimitKind.EVENT:
            names[(kind, value)] = gettext("Whole event")
        elif kind == LimitKind.DELEGATION:
            delegation = delegations.get(value)
            names[(kind, value)] = localized(delegation, "name") if delegation else value
        elif kind == LimitKind.COUNTRY:
            country = countries.get(value)
            names[(kind, value)] = localized(country, "name") if country else value
        else:
            names[(kind, value)] = str(CATEGORY_LABELS[Category(value)])
    return names
