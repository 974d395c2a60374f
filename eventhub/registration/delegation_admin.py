"""The organisers' delegations: creating and editing them, their protocol order, their head,
moving people between them, deleting an empty one. Used by the web pages and the commands."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.audit import services as audit
from eventhub.auth import services as auth_services
from eventhub.auth.models import EventMembership, Role, User
from eventhub.directory.models import Country
from eventhub.directory.services import find_or_add_organisation
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration import account_links, quotas
from eventhub.registration.models import Delegation, Participant
from eventhub.text import clean

NAME_LENGTH = 200


class DelegationInvalid(DomainError):
    """`errors` maps each field of the delegation form to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(_l("Please correct the fields marked below."))
        self.errors = errors


def in_order(event: Event) -> list[Delegation]:
    """The event's delegations in protocol order (then by name)."""
    return list(db.session.scalars(ordered_query(event)))


def ordered_query(event: Event) -> sa.Select:
    return (
        sa.select(Delegation)
        .where(Delegation.event_id == event.id)
        .order_by(Delegation.protocol_order, Delegation.name_en, Delegation.id)
    )


def member_counts(event: Event) -> dict[int, int]:
    """How many people each delegation holds (withdrawn ones too)."""
    return dict(
        db.session.execute(
            sa.select(Participant.delegation_id, sa.func.count())
            .where(Participant.event_id == event.id, Participant.delegation_id.is_not(None))
            .group_by(Participant.delegation_id)
        ).all()
    )


def find(event: Event, ref: str) -> Delegation | None:
    """A delegation by its number or its English name (for the commands)."""
    ref = ref.strip()
    return db.session.scalar(
        sa.select(Delegation).where(
            Delegation.event_id == event.id,
            sa.or_(
                Delegation.id == (int(ref) if ref.isascii() and ref.isdigit() else -1),
                sa.func.lower(Delegation.name_en) == ref.lower(),
            ),
        )
    )


def _checked(event: Event, raw: Mapping[str, Any], delegation: Delegation | None) -> dict:
    """The values of the delegation form, or DelegationInvalid naming each field at fault."""
    errors: dict[str, list[str]] = {}
    name_en = clean(str(raw.get("name_en") or ""))
    name_zh = clean(str(raw.get("name_zh") or ""))
    country = clean(str(raw.get("country") or "")).upper()
    organisation = clean(str(raw.get("organisation") or ""))
    if not name_en:
        errors["name_en"] = [str(_l("Give the delegation a name in English."))]
    for field, value in (("name_en", name_en), ("name_zh", name_zh)):
        if len(value) > NAME_LENGTH:
            errors.setdefault(field, []).append(
                str(_l("Use at most %(n)d characters.", n=NAME_LENGTH))
            )
    if not country or db.session.get(Country, country) is None:
        errors["country"] = [str(_l("Choose a country from the list."))]
    if len(organisation) > NAME_LENGTH:
        errors["organisation"] = [str(_l("Use at most %(n)d characters.", n=NAME_LENGTH))]
    others = sa.select(Delegation).where(Delegation.event_id == event.id)
    if delegation is not None:
        others = others.where(Delegation.id != delegation.id)
    for field, column, value in (
        ("name_en", Delegation.name_en, name_en),
        ("name_zh", Delegation.name_zh, name_zh),
    ):
        if value and field not in errors:
            twin = db.session.scalar(others.where(sa.func.lower(column) == value.lower()))
            if twin is not None:
                errors[field] = [
                    str(
                        _l(
                            "The delegation %(name)s already has this name in this event; "
                            "choose another.",
                            name=twin.name_en,
                        )
                    )
                ]
    if errors:
        raise DelegationInvalid(errors)
    return {
        "name_en": name_en,
        "name_zh": name_zh,
        "country_code": country,
        "organisation": organisation,
    }


def _apply(delegation: Delegation, values: dict) -> None:
    delegation.name_en = values["name_en"]
    delegation.name_zh = values["name_zh"]
    delegation.country_code = values["country_code"]
    delegation.organisation = (
        # The organisers' own page (and command line): what they type is accepted.
        find_or_add_organisation(values["organisation"], values["country_code"], pending=False)
        if values["organisation"]
        else None
    )


def _snapshot(delegation: Delegation) -> dict[str, Any]:
    return {
        "name_en": delegation.name_en,
        "name_zh": delegation.name_zh,
        "country_code": delegation.country_code,
        "organisation": delegation.organisation.name_en if delegation.organisation else "",
    }


def create(event: Event, raw: Mapping[str, Any], *, actor: User | None) -> Delegation:
    """A new delegation, last in the protocol order."""
    values = _checked(event, raw, None)
    last = db.session.scalar(
        sa.select(sa.func.max(Delegation.protocol_order)).where(Delegation.event_id == event.id)
    )
    delegation = Delegation(event_id=event.id, protocol_order=(last or 0) + 1)
    _apply(delegation, values)
    db.session.add(delegation)
    db.session.flush()
    audit.record(
        "delegation.create",
        delegation,
        actor=actor,
        event_id=event.id,
        changes={key: [None, value] for key, value in _snapshot(delegation).items() if value},
    )
    return delegation


def update(delegation: Delegation, raw: Mapping[str, Any], *, actor: User | None) -> dict:
    """Apply an edit; returns the changes (recorded in the audit log)."""
    values = _checked(delegation.event, raw, delegation)
    before = _snapshot(delegation)
    _apply(delegation, values)
    db.session.flush()
    changes = audit.changed(before, _snapshot(delegation))
    if changes:
        audit.record(
            "delegation.update",
            delegation,
            actor=actor,
            event_id=delegation.event_id,
            changes=changes,
        )
    return changes


def move_in_order(delegation: Delegation, steps: int, *, actor: User | None) -> bool:
    """Move a delegation up (negative) or down the protocol order; numbers them 1, 2, ...
    again, so that gaps and ties left by older data disappear. False when already at an end."""
    delegations = in_order(delegation.event)
    index = delegations.index(delegation)
    target = max(0, min(len(delegations) - 1, index + steps))
    if target == index:
        return False
    delegations.insert(target, delegations.pop(index))
    return _renumber(delegations, delegation, actor=actor)


def place_at(delegation: Delegation, position: int, *, actor: User | None) -> bool:
    """Put a delegation at a position (1 first) of the protocol order."""
    delegations = in_order(delegation.event)
    index = delegations.index(delegation)
    target = max(0, min(len(delegations) - 1, position - 1))
    if target == index:
        return False
    delegations.insert(target, delegations.pop(index))
    return _renumber(delegations, delegation, actor=actor)


def _renumber(delegations: list[Delegation], moved: Delegation, *, actor: User | None) -> bool:
    before = moved.protocol_order
    for number, delegation in enumerate(delegations, start=1):
        delegation.protocol_order = number
    audit.record(
        "delegation.order",
        moved,
        actor=actor,
        event_id=moved.event_id,
        changes={"protocol_order": [before, moved.protocol_order]},
    )
    db.session.flush()
    return True


def delete(delegation: Delegation, *, actor: User | None) -> None:
    """Remove an empty delegation; one with members is refused, saying how many."""
    members = db.session.scalar(
        sa.select(sa.func.count()).where(Participant.delegation_id == delegation.id)
    )
    if members:
        raise DomainError(
            _l(
                "%(name)s still has %(n)d members (withdrawn ones count): move them to "
                "another delegation first.",
                name=delegation.name_en,
                n=members,
            )
        )
    audit.record(
        "delegation.delete",
        delegation,
        actor=actor,
        event_id=delegation.event_id,
        changes={"name_en": [delegation.name_en, None]},
    )
    db.session.delete(delegation)
    db.session.flush()


@dataclass(frozen=True)
class HeadSet:
    """What `set_head` did about the head's account: a new one that needs an invitation to
    set its password, or a confirmation asked of an existing one's owner."""

    invited: User | None = None
    asked: account_links.Asked | None = None


def set_head(
    delegation: Delegation,
    participant: Participant | None,
    *,
    actor: User | None,
    ip: str = "",
    confirm_existing: bool = True,
) -> HeadSet:
    """Make a member the head (None: no head). The head's account, made for them, gets the
    head-of-delegation role; an account that already has their address gets it only once
    its owner confirms (account_links), unless `confirm_existing` is False. A former head
    who heads nothing else loses the role."""
    if participant is not None and participant.delegation_id != delegation.id:
        raise DomainError(_l("Choose the head among the members of the delegation."), field="head")
    previous = delegation.head
    if previous is participant:
        if participant is None or participant.user_id is not None:
            return HeadSet()
        # Chosen again while its owner has not confirmed: asked again (ask_owner says so
        # instead when a confirmation went out a moment ago).
        return _give_head_role(
            participant, delegation.event, actor=actor, ip=ip, confirm_existing=confirm_existing
        )
    delegation.head = participant
    db.session.flush()
    audit.record(
        "delegation.head",
        delegation,
        actor=actor,
        event_id=delegation.event_id,
        changes={
            "head": [
                previous.latin_name if previous else None,
                participant.latin_name if participant else None,
            ]
        },
    )
    done = HeadSet()
    if participant is not None:
        done = _give_head_role(
            participant, delegation.event, actor=actor, ip=ip, confirm_existing=confirm_existing
        )
    if previous is not None and previous.user_id is not None:
        _drop_head_role(previous, delegation.event, actor=actor)
    db.session.flush()
    return done


def _give_head_role(
    participant: Participant,
    event: Event,
    *,
    actor: User | None,
    ip: str,
    confirm_existing: bool,
) -> HeadSet:
    user = participant.user
    created = None
    if user is None and participant.email:
        user = auth_services.get_user_by_email(participant.email)
        if user is None:
            user = created = auth_services.create_user(
                participant.email, None, display_name=participant.latin_name
            )
        elif confirm_existing:
            # The address may be someone else's (a typo, an edited email): heading this
            # delegation, and seeing its members, waits for that account's owner.
            asked = account_links.ask_owner(participant, user, actor=actor, by="organisers", ip=ip)
            return HeadSet(asked=asked)
        participant.user_id = user.id
    if user is None:
        return HeadSet()  # no email: the organisers give them a login once they have one
    auth_services.grant_role(user, event, Role.DELEGATE, actor=actor)
    auth_services.grant_role(user, event, Role.HEAD_OF_DELEGATION, actor=actor)
    return HeadSet(invited=created if created is not None or not user.password_hash else None)


def _drop_head_role(former: Participant, event: Event, *, actor: User | None) -> None:
    still_heads = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Delegation)
        .join(Participant, Delegation.head_id == Participant.id)
        .where(Delegation.event_id == event.id, Participant.user_id == former.user_id)
    )
    if still_heads:
        return
    membership = db.session.scalar(
        sa.select(EventMembership).where(
            EventMembership.event_id == event.id,
            EventMembership.user_id == former.user_id,
            EventMembership.role == Role.HEAD_OF_DELEGATION,
        )
    )
    if membership is not None:
        auth_services.grant_role(membership.user, event, Role.DELEGATE, actor=actor)
        auth_services.revoke_role(membership, actor=actor)


def move_people(
    people: list[Participant], delegation: Delegation | None, *, actor: User | None
) -> int:
    """Put people in a delegation (None: in none). A head who leaves their delegation stops
    heading it. Returns how many moved."""
    moved = 0
    for person in people:
        if person.erased_at is not None:  # erased: their row no longer changes
            continue
        if person.delegation_id == (delegation.id if delegation else None):
            continue
        old = person.delegation
        audit.record(
            "participant.delegation",
            person,
            actor=actor,
            event_id=person.event_id,
            changes={
                "delegation": [
                    old.name_en if old else None,
                    delegation.name_en if delegation else None,
                ]
            },
        )
        person.delegation = delegation
        moved += 1
        if old is not None and old.head_id == person.id:
            set_head(old, None, actor=actor)
    db.session.flush()
    if moved and people:
        # A place freed in the delegation left goes to the next one waiting for it. Moving
        # into a full delegation is the organiser's decision and is not refused.
        quotas.fill_places(people[0].event_id, actor=actor)
    return moved
