"""Heads of delegation: the delegations they head, their members, withdrawals and logins."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.audit import services as audit
from eventhub.auth import services as auth_services
from eventhub.auth.models import EventMembership, Role, User
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration import account_links, quotas
from eventhub.registration.models import Delegation, Participant, Status


def delegations_headed_by(event: Event, user: User) -> list[tuple[Delegation, dict[Status, int]]]:
    """Delegations whose head is this account's participant, each with member counts."""
    delegations = list(
        db.session.scalars(
            sa.select(Delegation)
            .join(Participant, Delegation.head_id == Participant.id)
            .where(Delegation.event_id == event.id, Participant.user_id == user.id)
        )
    )
    result = []
    for delegation in delegations:
        counts = dict(
            db.session.execute(
                sa.select(Participant.status, sa.func.count())
                .where(Participant.delegation_id == delegation.id)
                .group_by(Participant.status)
            ).all()
        )
        result.append((delegation, counts))
    return result


def may_manage_delegation(user: User, roles: set, delegation: Delegation) -> bool:
    """Organisers manage every delegation; a head of delegation manages their own."""
    if Role.ORGANISER in roles:
        return True
    return (
        Role.HEAD_OF_DELEGATION in roles
        and delegation.head is not None
        and delegation.head.user_id == user.id
    )


def default_organisation(delegation: Delegation) -> str:
    """What a head's new member's organisation starts as: the delegation's, else the head's."""
    organisation = delegation.organisation or (
        delegation.head.organisation if delegation.head else None
    )
    return organisation.name_en if organisation else ""


def delegation_members(delegation: Delegation) -> list[Participant]:
    return list(
        db.session.scalars(
            sa.select(Participant)
            .where(Participant.delegation_id == delegation.id)
            .options(sa.orm.joinedload(Participant.organisation))
            .order_by(
                Participant.protocol_rank.is_(None),
                Participant.protocol_rank,
                Participant.sort_name,
                Participant.id,
            )
        )
    )


def withdraw(participant: Participant, *, actor: User) -> None:
    """Withdraw a member, remembering their status for an undo (restore)."""
    if participant.status == Status.WITHDRAWN:
        return
    quotas.lock_places(participant.event_id)  # before the row it counts (see lists)
    audit.record(
        "participant.status",
        participant,
        actor=actor,
        event_id=participant.event_id,
        changes={"status": [participant.status.value, Status.WITHDRAWN.value]},
    )
    participant.withdrawn_from = participant.status
    held_place = participant.status in quotas.HOLDING
    participant.status = Status.WITHDRAWN
    quotas.leave_waiting_list(participant)
    db.session.flush()
    if held_place:
        quotas.fill_places(participant.event_id, actor=actor)


def restored_status(participant: Participant) -> Status:
    """The status an undone withdrawal returns to: the one before it, except that someone
    approved comes back pending review. Their place may have gone to the waiting list
    meanwhile, and an approval is the organisers' to give again (one click for them)."""
    before = participant.withdrawn_from
    if before is None or before in (Status.APPROVED, Status.WITHDRAWN):
        return Status.PENDING
    return before


def restore(participant: Participant, *, actor: User) -> Status:
    """Undo a withdrawal (see restored_status); returns the status given back. A withdrawal
    gave the place up: when the capacity or a quota is full by now, the person waits in
    turn on the waiting list like a newcomer."""
    if participant.status != Status.WITHDRAWN:
        raise DomainError(_l("%(name)s is not withdrawn.", name=participant.latin_name))
    if participant.erased_at is not None:
        raise DomainError(_l("This person's data was erased: their withdrawal cannot be undone."))
    status = restored_status(participant)
    if status in quotas.HOLDING:
        quotas.admit(participant, status)  # sets the status: this one, or waiting
        status = participant.status
    audit.record(
        "participant.status",
        participant,
        actor=actor,
        event_id=participant.event_id,
        changes={"status": [Status.WITHDRAWN.value, status.value], "restored": [None, True]},
    )
    participant.status = status
    participant.withdrawn_from = None
    db.session.flush()
    return status


def organisers(event: Event) -> list[User]:
    """Who hears of what heads of delegation do that needs a decision: the event's organisers."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(EventMembership, EventMembership.user_id == User.id)
            .where(EventMembership.event_id == event.id, EventMembership.role == Role.ORGANISER)
            .order_by(User.email)
        )
    )


@dataclass(frozen=True)
class LoginGiven:
    """What `give_login` did: the account, whether it is new (it needs an invitation to set
    a password), and, for someone else's existing account, the confirmation asked of its
    owner (nothing is linked until then)."""

    user: User
    created: bool = False
    asked: account_links.Asked | None = None


def give_login(participant: Participant, *, actor: User, ip: str = "") -> LoginGiven:
    """An account for a member, with the delegate role, linked to their registration; an
    account that exists already is only asked to confirm (see account_links)."""
    if not participant.email:
        raise DomainError(_l("This member has no email address."))
    user = auth_services.get_user_by_email(participant.email)
    created = user is None
    if created:
        user = auth_services.create_user(
            participant.email, None, display_name=participant.latin_name
        )
    elif user.is_admin or auth_services.roles_for(user, participant.event) - {Role.DELEGATE}:
        # A head must not attach a registration to a team member's or another head's account.
        raise DomainError(
            _l(
                "An account with this email address already exists with other "
                "roles; ask the organisers to link it."
            )
        )
    if not created and participant.user_id != user.id:
        # The address may have just been edited to someone else's: its owner decides.
        asked = account_links.ask_owner(participant, user, actor=actor, by="head", ip=ip)
        return LoginGiven(user, asked=asked)
    auth_services.grant_role(user, participant.event, Role.DELEGATE, actor=actor)
    participant.user_id = user.id
    db.session.flush()
    return LoginGiven(user, created=created)
