"""The devices that scan: the phones the event's staff are logged in on (for an organiser
to sign out a lost one), and the checkpoints an API token may be limited to."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.auth.models import EventMembership, Role, User, UserSession
from eventhub.checkin.models import Checkpoint
from eventhub.events.models import Event
from eventhub.events.signals import token_checkpoint_choices
from eventhub.extensions import db
from eventhub.i18n import localized


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


@token_checkpoint_choices.connect
def _token_checkpoints(event: Event, **_kwargs) -> list[tuple[int, str]]:
    """The event's checkpoints, for limiting an API token to some of them."""
    return [
        (checkpoint.id, localized(checkpoint, "name"))
        for checkpoint in db.session.scalars(
            sa.select(Checkpoint)
            .where(Checkpoint.event_id == event.id)
            .order_by(Checkpoint.name_en)
        )
    ]
