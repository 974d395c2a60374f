"""What an erased person leaves in core beyond their registration: the account they were
given or linked (which holds the event's DELEGATE role) and the audit log's mentions of
them. Called by personal_records.erase, in the erasure's transaction.

The account loses this event's roles and API tokens; when it then serves nothing else (no
role, no other registration, no administrator), it is closed: no address, no password, no
two-step secret or recovery codes, no session. The audit log keeps every entry (who did
what stays, for the organisers' actions) but names the person by a pseudonym only."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.auth import sessions
from eventhub.auth.models import ApiToken, EventMembership, RecoveryCode, Role, User, UserSession
from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.registration.models import Participant

# The roles a registration brings (account_links.confirm_link, delegations' logins).
REGISTRATION_ROLES = (Role.DELEGATE, Role.HEAD_OF_DELEGATION)


def pseudonym(person: Participant) -> str:
    """How the audit log names an erased person from now on (not translated: stored)."""
    return f"erased person #{person.id}"


@dataclass
class Account:
    roles: int = 0  # this event's registration roles removed
    tokens: int = 0  # API tokens revoked
    closed: User | None = None  # the account, when closed
    email: str = ""  # its address before it was erased


def close_account(event, person: Participant) -> Account:
    """Unlink the account; take this event's registration roles and tokens away unless
    another registration of the event is theirs; close it when it serves nothing else."""
    done = Account()
    user = person.user
    if user is None:
        return done
    person.user_id = None
    others = sa.select(sa.func.count()).where(
        Participant.user_id == user.id, Participant.id != person.id
    )
    if not db.session.scalar(others.where(Participant.event_id == event.id)):
        done.roles = db.session.execute(
            sa.delete(EventMembership).where(
                EventMembership.user_id == user.id,
                EventMembership.event_id == event.id,
                EventMembership.role.in_(REGISTRATION_ROLES),
            )
        ).rowcount
        done.tokens = _revoke_tokens(
            ApiToken.event_id == event.id, ApiToken.role.in_(REGISTRATION_ROLES), user=user
        )
    db.session.expire(user, ["memberships"])
    roles = db.session.scalar(sa.select(sa.func.count()).where(EventMembership.user_id == user.id))
    if db.session.scalar(others) or roles or user.is_admin:
        return done
    done.email, done.closed = user.email.lower(), user
    user.email = f"erased-{user.id}@invalid"
    user.display_name, user.password_hash, user.active, user.locale = "", "", False, None
    user.totp_secret_encrypted, user.totp_enabled_at, user.totp_last_step = None, None, None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    done.tokens += _revoke_tokens(user=user)
    sessions.revoke_all(user)
    db.session.execute(
        sa.update(UserSession)
        .where(UserSession.user_id == user.id)
        .values(ip_address="", user_agent="")
    )
    return done


def _revoke_tokens(*where, user: User) -> int:
    return db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), *where)
        .values(revoked_at=utcnow())
    ).rowcount


def _like(address: str) -> list[str]:
    escaped = [address, json.dumps(address)[1:-1].lower()]  # as stored: JSON escapes
    return [
        "%" + a.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        for a in dict.fromkeys(escaped)
    ]


def scrub_audit(person: Participant, account: User | None, addresses: set[str]) -> int:
    """Entries about the person lose their details and address; entries they made (as the
    closed account, or under an erased address) name the pseudonym; entries whose details
    hold an erased address (a role given to it, a failed login) hold the pseudonym
    instead. `addresses`: lower-cased, held by no live account. How many were touched."""
    name = pseudonym(person)
    about = sa.and_(AuditEntry.object_type == "Participant", AuditEntry.object_id == str(person.id))
    found = [about]
    if account is not None:
        found += [
            AuditEntry.user_id == account.id,
            sa.and_(AuditEntry.object_type == "User", AuditEntry.object_id == str(account.id)),
        ]
    text = sa.func.lower(sa.cast(AuditEntry.changes, sa.Text))
    if addresses:
        found.append(sa.func.lower(AuditEntry.actor).in_(addresses))
        found += [text.like(p, escape="\\") for a in addresses for p in _like(a)]
    patterns = [re.compile(re.escape(a), re.IGNORECASE) for a in addresses]
    touched = 0
    for entry in db.session.scalars(sa.select(AuditEntry).where(sa.or_(*found))):
        touched += 1
        is_about = entry.object_type == "Participant" and entry.object_id == str(person.id)
        by_them = (account is not None and entry.user_id == account.id) or (
            entry.actor or ""
        ).lower() in addresses
        if (
            is_about
            or by_them
            or (
                account is not None
                and entry.object_type == "User"
                and entry.object_id == str(account.id)
            )
        ):
            entry.ip_address = ""
        if by_them:
            entry.actor, entry.user_id = name, None
        entry.changes = {} if is_about else _replaced(entry.changes or {}, patterns, name)
    db.session.flush()
    return touched


def _replaced(value: Any, patterns: list[re.Pattern], name: str) -> Any:
    """`value` (JSON) with every erased address in its strings replaced by `name`."""
    if isinstance(value, str):
        for pattern in patterns:
            value = pattern.sub(name, value)
        return value
    if isinstance(value, dict):
        return {key: _replaced(item, patterns, name) for key, item in value.items()}
    if isinstance(value, list):
        return [_replaced(item, patterns, name) for item in value]
    return value
