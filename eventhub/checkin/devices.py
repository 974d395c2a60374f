"""The devices that scan: the phones the event's staff are logged in on (for an organiser
to sign out a lost one), the gate devices enrolled with a token of their own for the whole
event, and the checkpoints an API token may be limited to."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import jsonify, url_for

from eventhub.auth import services as auth_services
from eventhub.auth.models import ApiToken, EventMembership, Role, User, UserSession
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


# A gate device keeps working through the last evening's events and the morning after.
DEVICE_MARGIN = timedelta(hours=12)


def device_token_end(event: Event) -> datetime:
    """When a gate device's token stops: the end of the event's last day where it is held,
    plus a margin."""
    zone = ZoneInfo(event.timezone or "UTC")
    midnight = datetime.combine(event.ends_on + timedelta(days=1), time(0), tzinfo=zone)
    return midnight + DEVICE_MARGIN


def enrol_device(
    event: Event, label: str, checkpoint_ids: Iterable[int] | None, *, actor: User
) -> tuple[ApiToken, str]:
    """A gate device's token (a staff scanner belonging to no one) and its text, shown once.
    `checkpoint_ids`: the event's checkpoints it scans at (checked here); None for all."""
    if checkpoint_ids is not None:
        mine = set(
            db.session.scalars(sa.select(Checkpoint.id).where(Checkpoint.event_id == event.id))
        )
        checkpoint_ids = [i for i in checkpoint_ids if i in mine]
    return auth_services.issue_api_token(
        event,
        Role.STAFF,
        label=label,
        actor=actor,
        checkpoint_ids=checkpoint_ids,
        expires_at=device_token_end(event),
    )


def _device_tokens(event: Event) -> sa.Select:
    return sa.select(ApiToken).where(
        ApiToken.event_id == event.id,
        ApiToken.user_id.is_(None),
        ApiToken.expires_at.is_not(None),
        ApiToken.revoked_at.is_(None),
    )


def gate_devices(event: Event) -> list[ApiToken]:
    """The event's enrolled gate devices not revoked, most recently used first."""
    return list(
        db.session.scalars(
            _device_tokens(event).order_by(
                ApiToken.last_used_at.desc().nulls_last(), ApiToken.created_at.desc()
            )
        )
    )


def gate_device(event: Event, token_id: int) -> ApiToken | None:
    """One token of this event that belongs to no one (a gate device's, or one from the
    event's API tokens page), revoked or not; None for another event's or a person's."""
    return db.session.scalar(
        sa.select(ApiToken).where(
            ApiToken.id == token_id, ApiToken.event_id == event.id, ApiToken.user_id.is_(None)
        )
    )


def checkpoint_names(event: Event, tokens: Iterable[ApiToken]) -> dict[int, list[str]]:
    """The names of the checkpoints each token is limited to (absent: all)."""
    names = dict(_token_checkpoints(event))
    scopes = auth_services.token_checkpoints(t.id for t in tokens)
    return {token_id: [names[c] for c in ids if c in names] for token_id, ids in scopes.items()}


@token_checkpoint_choices.connect
def _token_checkpoints(event: Event, **_kwargs) -> list[tuple[int, str]]:
    """The event's checkpoints, for limiting an API token to some of them."""
    query = sa.select(Checkpoint).where(Checkpoint.event_id == event.id)
    return [
        (checkpoint.id, localized(checkpoint, "name"))
        for checkpoint in db.session.scalars(query.order_by(Checkpoint.name_en))
    ]


def manifest_response(*, name: str, short_name: str, start_url: str, scope: str):
    """A web app manifest: the staff scanner's and a gate device's. PNGs of the sizes
    browsers require to install an app (an SVG alone is not)."""
    response = jsonify(
        {
            "name": name,
            "short_name": short_name[:12],
            "start_url": start_url,
            "scope": scope,
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#0b5d7a",
            "icons": [
                {
                    "src": url_for("static", filename=f"img/icon-{size}.png"),
                    "sizes": f"{size}x{size}",
                    "type": "image/png",
                    "purpose": "any",
                }
                for size in (192, 512)
            ],
        }
    )
    response.mimetype = "application/manifest+json"
    return response
