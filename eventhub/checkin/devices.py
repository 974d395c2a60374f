"""The phones the event's staff are logged in on, for an organiser to sign out a lost one."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.auth.models import EventMembership, Role, User, UserSession
from eventhub.events.models import Event
from eventhub.extensions import db


def _staff_ids(event: Event) -> sa.Select:
    """The event's staff, but not its organisers or administrators: their logins are
    not a scanner to be signed out by a fellow organiser."""
    organisers = sa.select(EventMembership.user_id).where(
        EventMembership.event_id == event.id, EventMembership.role == Role.ORGANISER
    )
    return (
        sa.select(EventMembership.user_id)
        .join(User, User.id == EventMembership.user_id)
        .where(
            EventMembership.event_id == event.id,
            EventMembership.role == Role.STAFF,
            EventMembership.user_id.not_in(organisers),
            User.is_admin.is_(False),
        )
    )


def staff_sessions(event: Event) -> list[UserSession]:
    """The live sessions of the event's staff, by person then most recent use."""
    return list(
        db.session.scalars(
            sa.select(UserSession)
            .join(User, User.id == UserSession.user_id)
            .where(UserSession.user_id.in_(_staff_ids(event)), UserSession.revoked_at.is_(None))
            .order_by(User.display_name, User.email, UserSession.last_seen_at.desc())
        )
    )


def staff_session(event: Event, session_id: int) -> UserSession | None:
    """One live session of the event's staff, or None (another event's, or anyone else's)."""
    return db.session.scalar(
        sa.select(UserSession).where(
            UserSession.id == session_id,
            UserSession.user_id.in_(_staff_ids(event)),
            UserSession.revoked_at.is_(None),
        )
    )
