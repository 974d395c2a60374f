"""Accounts, their roles in each event, and API tokens."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.db import TimestampMixin, enum_column, utcnow
from eventhub.extensions import db

if TYPE_CHECKING:
    from eventhub.events.models import Event


class Role(enum.StrEnum):
    """A person's role in one event. A person may hold several."""

    ORGANISER = "organiser"
    STAFF = "staff"  # on-site scanning
    DELEGATE = "delegate"
    HEAD_OF_DELEGATION = "head_of_delegation"
    # An organiser-side role that may see passport numbers and dates of birth unmasked.
    VISA_OFFICER = "visa_officer"
    # A partner (embassy, university) registering its people through the API.
    PARTNER = "partner"


# Roles that open personal data (passport numbers): given only by an installation
# administrator, and never by anyone to themselves.
SENSITIVE_ROLES = frozenset({Role.VISA_OFFICER})


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased and unique: people type their address in any case.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(200), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(256), default="")
    locale: Mapped[str | None] = mapped_column(sa.String(16))
    # Installation administrators create events and may act as organiser of any event.
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime | None]
    # Two-step login: the TOTP secret, encrypted with the data keys (see crypto.py); set
    # while enrolling, in force once totp_enabled_at is set. The last accepted time step
    # refuses a code seen over a shoulder from being used a second time.
    totp_secret_encrypted: Mapped[str | None] = mapped_column(sa.Text)
    totp_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)

    memberships: Mapped[list[EventMembership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class EventMembership(db.Model):
    """One role held by one user in one event."""

    __tablename__ = "event_membership"
    __table_args__ = (sa.UniqueConstraint("event_id", "user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships")


class RecoveryCode(db.Model):
    """A one-time code to log in without the phone; only its SHA-256 is kept (the codes are
    long and random, as API tokens are)."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]


class ApiToken(db.Model):
    """A bearer token for the JSON API, bound to one event and one role.

    Only a SHA-256 of the token is stored: the tokens are long and random, so a slow hash
    buys nothing, and a fast one keeps every API request cheap.
    """

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    label: Mapped[str] = mapped_column(sa.String(200), default="")
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The first characters, to recognise a token in lists without revealing it.
    prefix: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    # Scopes: a read-only token reads (a roster, the programme) but never scans or writes;
    # a token not for all checkpoints scans only at those of api_token_checkpoint.
    may_write: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    all_checkpoints: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # A gate device's token ends with its event (plus a margin); None: until revoked.
    expires_at: Mapped[datetime | None]

    event: Mapped[Event] = relationship()
    user: Mapped[User | None] = relationship()


class ApiTokenCheckpoint(db.Model):
    """A checkpoint a token may scan at and read the roster of, when the token is not for
    all of them. The checkpoint is named by its table only: core imports no domain."""

    __tablename__ = "api_token_checkpoint"

    token_id: Mapped[int] = mapped_column(
        sa.ForeignKey("api_token.id", ondelete="CASCADE"), primary_key=True
    )
    checkpoint_id: Mapped[int] = mapped_column(
        sa.ForeignKey("checkpoint.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class UserSession(db.Model):
    """One login on one browser: the cookies carry its random key, so logging out (or an
    organiser revoking a lost phone) ends it on the server whatever copy of the cookie is
    still around. Only a SHA-256 of the key is stored, as for API tokens."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Kept to the nearest few minutes: a write on every page would cost more than it tells.
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ip_address: Mapped[str] = mapped_column(sa.String(45), default="")
    user_agent: Mapped[str] = mapped_column(sa.String(300), default="")
    remember: Mapped[bool] = mapped_column(default=False)
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
