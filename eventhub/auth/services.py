"""Accounts, passwords, per-event roles, API tokens and password-reset links.

Plain functions over the session: they add and flush, the caller commits.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from eventhub.audit import services as audit
from eventhub.auth.models import (
    SENSITIVE_ROLES,
    ApiToken,
    ApiTokenCheckpoint,
    EventMembership,
    Role,
    User,
)
from eventhub.db import HotStatement, utcnow
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db

TOKEN_PREFIX = "ehk_"  # noqa: S105  (a marker, not a secret)
# Written at most this often: the API is hot (scanning), the timestamp is only a hint.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=5)


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def password_problems(password: str, email: str = "") -> list[str]:
    """What is wrong with a new password, as messages for the person choosing it."""
    problems = []
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        problems.append(str(_l("Use at least %(n)d characters.", n=minimum)))
    if email and password.strip().lower() == normalise_email(email):
        problems.append(str(_l("Do not use your email address as your password.")))
    if password and len(set(password)) < 4:
        problems.append(str(_l("Use more different characters.")))
    return problems


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def create_user(
    email: str, password: str | None, *, display_name: str = "", is_admin: bool = False
) -> User:
    """A new account. Without a password it can only be entered through a reset link."""
    email = normalise_email(email)
    if not email or "@" not in email:
        raise DomainError(_l("A valid email address is required."), field="email")
    if get_user_by_email(email) is not None:
        raise DomainError(_l("An account with this email address already exists."), field="email")
    user = User(email=email, display_name=display_name.strip(), is_admin=is_admin)
    if password is not None:
        set_password(user, password)
    db.session.add(user)
    db.session.flush()
    return user


def make_admin(user: User, *, actor: User | None = None) -> None:
    """Make `user` an installation administrator, audited. Nobody makes themselves one."""
    if actor is not None and (not actor.is_admin or actor.id == user.id):
        raise DomainError(_l("Only another administrator can make someone an administrator."))
    if not user.is_admin:
        user.is_admin = True
        audit.record("user.admin", user, actor=actor, changes={"is_admin": [False, True]})
        db.session.flush()


def set_password(user: User, password: str) -> None:
    problems = password_problems(password, user.email)
    if problems:
        raise DomainError(" ".join(problems), field="password")
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()


# A hash to check against when the account does not exist, so a wrong email takes as long
# as a wrong password and does not reveal which addresses have accounts.
_DUMMY_HASH: dict[str, str] = {}


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None."""
    user = get_user_by_email(email)
    if user is None or not user.password_hash:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        dummy = _DUMMY_HASH.setdefault(method, generate_password_hash("x", method=method))
        check_password_hash(dummy, password or "")
        return None
    if not check_password_hash(user.password_hash, password or ""):
        return None
    if not user.active:
        return None
    user.last_login_at = utcnow()
    return user


def configure_login(manager: LoginManager) -> None:
    manager.login_view = "auth.login"
    manager.login_message = _l("Please log in to see this page.")
    manager.login_message_category = "info"
    manager.session_protection = "basic"
    # The user loader is eventhub.auth.sessions.load_user: cookies name a session, not a user.


# --- roles -----------------------------------------------------------------------------


def roles_for(user: User | None, event: Event) -> set[Role]:
    """The roles `user` holds in `event`; an administrator is an organiser of every event."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    roles = set(
        db.session.scalars(
            sa.select(EventMembership.role).where(
                EventMembership.event_id == event.id, EventMembership.user_id == user.id
            )
        )
    )
    if user.is_admin:
        roles.add(Role.ORGANISER)
    return roles


def may_grant(actor: User | None, role: Role) -> bool:
    """Whether `actor` may give `role` to someone else; None is the command line."""
    return role not in SENSITIVE_ROLES or actor is None or actor.is_admin


def check_grant(actor: User | None, role: Role, user: User | None = None) -> None:
    """DomainError (on the role field) when `actor` may not give `role` to `user`."""
    if not may_grant(actor, role):
        raise DomainError(
            _l("Only an installation administrator can give this role."), field="role"
        )
    if role in SENSITIVE_ROLES and actor is not None and user is not None and actor.id == user.id:
        raise DomainError(
            _l("Nobody can give this role to themselves: ask another administrator."),
            field="role",
        )


def grant_role(user: User, event: Event, role: Role, *, actor: User | None = None) -> bool:
    """Give `user` the `role` in `event`; False when they already had it."""
    check_grant(actor, role, user)
    exists = db.session.scalar(
        sa.select(EventMembership.id).where(
            EventMembership.event_id == event.id,
            EventMembership.user_id == user.id,
            EventMembership.role == role,
        )
    )
    if exists:
        return False
    membership = EventMembership(event_id=event.id, user_id=user.id, role=role)
    try:
        with db.session.begin_nested():  # another organiser may add the same at once
            db.session.add(membership)
    except IntegrityError:
        return False
    audit.record(
        "role.grant",
        membership,
        actor=actor,
        event_id=event.id,
        changes={"user": [None, user.email], "role": [None, role.value]},
    )
    return True


def revoke_role(membership: EventMembership, *, actor: User | None = None) -> None:
    # Lock the event row: two organisers removing each other at once must not leave none.
    db.session.execute(sa.select(Event.id).where(Event.id == membership.event_id).with_for_update())
    remaining_organisers = db.session.scalar(
        sa.select(sa.func.count()).where(
            EventMembership.event_id == membership.event_id,
            EventMembership.role == Role.ORGANISER,
            EventMembership.id != membership.id,
        )
    )
    if membership.role == Role.ORGANISER and not remaining_organisers:
        raise DomainError(_l("An event needs at least one organiser."))
    audit.record(
        "role.revoke",
        membership,
        actor=actor,
        event_id=membership.event_id,
        changes={"user": [membership.user.email, None], "role": [membership.role.value, None]},
    )
    db.session.delete(membership)
    db.session.flush()


# --- API tokens ------------------------------------------------------------------------


def _token_digest(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def issue_api_token(
    event: Event,
    role: Role,
    *,
    label: str = "",
    user: User | None = None,
    actor: User | None = None,
    may_write: bool = True,
    checkpoint_ids: Iterable[int] | None = None,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new token; the plaintext is returned once and never stored.

    `may_write`: False for a token that only reads (a roster, the programme).
    `checkpoint_ids`: the checkpoints (of `event`, checked by the caller) it scans at and
    reads the rosters of; None for all of them. A token issued to a person is limited to
    where that person is assigned as well.
    `expires_at`: when it stops working (a gate device's, after its event); None: never.
    """
    check_grant(actor, role)
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    scope = None if checkpoint_ids is None else sorted(set(checkpoint_ids))
    token = ApiToken(
        event=event,
        role=role,
        label=label.strip(),
        user=user,
        token_hash=_token_digest(plaintext),
        prefix=plaintext[: len(TOKEN_PREFIX) + 6],
        may_write=may_write,
        all_checkpoints=scope is None,
        expires_at=expires_at,
    )
    db.session.add(token)
    db.session.flush()
    db.session.add_all(
        ApiTokenCheckpoint(token_id=token.id, checkpoint_id=checkpoint_id)
        for checkpoint_id in scope or ()
    )
    db.session.flush()
    audit.record(
        "token.create",
        token,
        actor=actor,
        event_id=event.id,
        changes={
            "role": [None, role.value],
            "label": [None, token.label],
            "may_write": [None, may_write],
            "checkpoints": [None, "all" if scope is None else scope],
            **({"expires_at": [None, expires_at.isoformat()]} if expires_at else {}),
        },
    )
    return token, plaintext


def token_checkpoints(token_ids: Iterable[int]) -> dict[int, list[int]]:
    """The checkpoints each of these tokens is limited to (absent: all or none given)."""
    scopes: dict[int, list[int]] = {}
    for token_id, checkpoint_id in db.session.execute(
        sa.select(ApiTokenCheckpoint.token_id, ApiTokenCheckpoint.checkpoint_id).where(
            ApiTokenCheckpoint.token_id.in_(list(token_ids))
        )
    ):
        scopes.setdefault(token_id, []).append(checkpoint_id)
    return scopes


def token_covers(grant: TokenGrant, checkpoint_id: int) -> bool:
    """Whether the token's checkpoint scope includes this checkpoint."""
    return grant.all_checkpoints or (
        db.session.get(ApiTokenCheckpoint, (grant.id, checkpoint_id)) is not None
    )


@dataclass(frozen=True, slots=True)
class TokenGrant:
    """What a presented API token allows: read as plain columns, because scanners present
    one with every scan."""

    id: int
    event_id: int
    user_id: int | None
    role: Role
    label: str
    prefix: str
    created_at: datetime
    may_write: bool
    all_checkpoints: bool
    expires_at: datetime | None = None

    def expired(self, now: datetime | None = None) -> bool:
        """Whether a token with an end (a gate device's: its event's) is past it."""
        if self.expires_at is None:
            return False
        end = self.expires_at
        end = end if end.tzinfo else end.replace(tzinfo=UTC)
        return (now or utcnow()) >= end


_TOKEN_TABLE = ApiToken.__table__


def token_query() -> sa.Select:
    """A live token's columns (a TokenGrant's, then its last use) by its :digest; callers
    reading more in the same round trip add columns and joins."""
    return sa.select(
        *(_TOKEN_TABLE.c[name] for name in TokenGrant.__slots__),
        _TOKEN_TABLE.c.last_used_at,
    ).where(
        _TOKEN_TABLE.c.token_hash == sa.bindparam("digest"), _TOKEN_TABLE.c.revoked_at.is_(None)
    )


TOKEN_COLUMNS = len(TokenGrant.__slots__) + 1  # the columns of token_query(), in a row
_FIND_TOKEN = HotStatement(token_query())
_TOUCH_TOKEN = (
    sa.update(_TOKEN_TABLE)
    .where(_TOKEN_TABLE.c.id == sa.bindparam("token_id"))
    .values(last_used_at=sa.bindparam("now"))
)


def token_digest(plaintext: str) -> str | None:
    """How a token is looked up; None for text that cannot be one of ours."""
    return _token_digest(plaintext) if plaintext.startswith(TOKEN_PREFIX) else None


def grant_of(row: Sequence) -> TokenGrant:
    """The token in a row starting with token_query()'s columns. Its last use is kept to
    the nearest few minutes (a write on every scan would cost more than it tells)."""
    *fields, last_used_at = row[:TOKEN_COLUMNS]
    token_id, _event_id, _user_id, role, *_rest = fields
    now = utcnow()
    if last_used_at is None or now - last_used_at > TOKEN_TOUCH_INTERVAL:
        db.session.execute(_TOUCH_TOKEN, {"token_id": token_id, "now": now})
    fields[3] = Role(role)
    fields[-3:-1] = [bool(value) for value in fields[-3:-1]]
    return TokenGrant(*fields)


def find_api_token(plaintext: str) -> TokenGrant | None:
    """The live token with this text, or None for unknown and revoked ones."""
    digest = token_digest(plaintext)
    row = None if digest is None else _FIND_TOKEN.first({"digest": digest})
    return None if row is None else grant_of(row)


def is_revoked(plaintext: str) -> bool:
    """Whether this is the text of a token that was revoked (not merely unknown)."""
    digest = token_digest(plaintext)
    return digest is not None and bool(
        db.session.scalar(
            sa.select(ApiToken.id).where(
                ApiToken.token_hash == digest, ApiToken.revoked_at.is_not(None)
            )
        )
    )


# How long a revoked or expired token may still hand in the scans its device made before.
ENDED_TOKEN_GRACE = timedelta(hours=24)


def ended_api_token(plaintext: str) -> tuple[TokenGrant, datetime] | None:
    """A token revoked or expired less than ENDED_TOKEN_GRACE ago, with the moment it
    ended: its device, offline meanwhile, may still hand in what it scanned before."""
    digest = token_digest(plaintext)
    if digest is None:
        return None
    row = db.session.execute(
        sa.select(
            *(_TOKEN_TABLE.c[name] for name in TokenGrant.__slots__),
            _TOKEN_TABLE.c.last_used_at,
            _TOKEN_TABLE.c.revoked_at,
        ).where(_TOKEN_TABLE.c.token_hash == digest)
    ).first()
    if row is None:
        return None
    grant = grant_of(row)
    ends = [moment for moment in (row.revoked_at, grant.expires_at) if moment is not None]
    ended = min((m if m.tzinfo else m.replace(tzinfo=UTC) for m in ends), default=None)
    now = utcnow()
    if ended is None or ended > now or now - ended >= ENDED_TOKEN_GRACE:
        return None
    return grant, ended


def revoke_api_token(token: ApiToken, *, actor: User | None = None) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record("token.revoke", token, actor=actor, event_id=token.event_id)


# --- password reset links --------------------------------------------------------------


class ResetLinkError(DomainError):
    pass


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def make_reset_token(user: User, *, invitation: bool = False) -> str:
    """A signed link token to set a password. Invitations stay valid longer than resets.

    Bound to the current password hash: once the password changes, the link is spent.
    """
    payload = {"u": user.id, "p": _reset_fingerprint(user), "k": "i" if invitation else "r"}
    return _reset_serializer().dumps(payload)


def _reset_fingerprint(user: User) -> str:
    return hashlib.sha256(("reset:" + user.password_hash).encode()).hexdigest()[:16]


def user_for_reset_token(token: str) -> User:
    """The user a reset link was made for; ResetLinkError when expired, used or forged."""
    config = current_app.config
    longest = max(config["PASSWORD_RESET_MAX_AGE"], config["INVITATION_MAX_AGE"])
    try:
        data, issued = _reset_serializer().loads(token, max_age=longest, return_timestamp=True)
    except SignatureExpired as exc:
        raise ResetLinkError(_l("This link has expired. Ask for a new one.")) from exc
    except BadSignature as exc:
        raise ResetLinkError(_l("This link is not valid. Ask for a new one.")) from exc
    if not isinstance(data, dict):
        raise ResetLinkError(_l("This link is not valid. Ask for a new one."))
    max_age = config["INVITATION_MAX_AGE" if data.get("k") == "i" else "PASSWORD_RESET_MAX_AGE"]
    if utcnow() - issued > timedelta(seconds=max_age):
        raise ResetLinkError(_l("This link has expired. Ask for a new one."))
    user = db.session.get(User, data.get("u"))
    if user is None or not user.active or data.get("p") != _reset_fingerprint(user):
        raise ResetLinkError(_l("This link has already been used. Ask for a new one."))
    return user
