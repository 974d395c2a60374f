"""Login sessions kept on the server: a browser's cookies (the session and "remember me")
carry only a random key of a user_session row, so logging out, a password change or an
organiser's revocation ends the session everywhere the cookie was copied to, in every worker.

Every login_user() makes its row (see `_on_login`): the login view, a password reset and
any later login step need no call of their own. Functions add and flush; the caller commits.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask, current_app, flash, g, redirect, request, session
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_url, user_logged_in

from eventhub.audit import services as audit
from eventhub.auth.models import EventMembership, User, UserSession
from eventhub.db import utcnow
from eventhub.errors import error_response, wants_json
from eventhub.events.models import Event
from eventhub.extensions import db

KEY_PREFIX = "s."
# The last-seen time is written at most this often per session.
TOUCH_INTERVAL = timedelta(minutes=5)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start(user: User, *, remember: bool) -> str:
    """A new session row for `user` on this browser; returns the key for the cookies."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            key_hash=_digest(key),
            user_id=user.id,
            ip_address=(request.remote_addr or "")[:45],
            user_agent=request.user_agent.string[:300],
            remember=remember,
        )
    )
    db.session.flush()
    return key


def _on_login(_app: Flask, user: User, **_extra) -> None:
    """Flask-Login has just put user.get_id() in the session; put this login's own key
    there instead (the remember-me cookie is written from it after the request)."""
    session["_user_id"] = start(user, remember=session.get("_remember") == "set")


def current() -> UserSession | None:
    """This browser's live session row, if it is logged in."""
    key = session.get("_user_id")
    if not isinstance(key, str) or not key.startswith(KEY_PREFIX):
        return None
    return db.session.scalar(
        sa.select(UserSession).where(
            UserSession.key_hash == _digest(key), UserSession.revoked_at.is_(None)
        )
    )


def idle_limit(*, remember: bool) -> timedelta:
    """How long a session unused stays valid: as long as its cookie would live."""
    name = "REMEMBER_COOKIE_DURATION" if remember else "PERMANENT_SESSION_LIFETIME"
    value = current_app.config.get(name) or timedelta(days=365 if remember else 31)
    return value if isinstance(value, timedelta) else timedelta(seconds=value)


def load_user(key: str) -> User | None:
    """Flask-Login's user loader, for the session cookie and the remember-me cookie alike.

    A revoked session is marked in g.session_revoked (the scanner page is told to wipe what
    it keeps) and its cookies are cleared."""
    if not isinstance(key, str) or not key.startswith(KEY_PREFIX):
        return None  # a cookie from before sessions were kept, or forged
    row = db.session.execute(
        sa.select(
            UserSession.id,
            UserSession.revoked_at,
            UserSession.last_seen_at,
            UserSession.remember,
            User,
        )
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.key_hash == _digest(key))
    ).first()
    if row is None:
        return None
    session_id, revoked_at, last_seen_at, remember, user = row
    now = utcnow()
    if now - last_seen_at > idle_limit(remember=remember):
        return None  # the cookies would have expired by now: a copy kept longer is refused
    if revoked_at is not None or not user.active:
        g.session_revoked = True
        session.pop("_user_id", None)
        session["_remember"] = "clear"  # and Flask-Login deletes the remember-me cookie
        return None
    if now - last_seen_at > TOUCH_INTERVAL:
        db.session.execute(
            sa.update(UserSession)
            .where(UserSession.id == session_id)
            .values(last_seen_at=now, ip_address=(request.remote_addr or "")[:45])
        )
        g.session_touched = True
    g.user_session_id = session_id
    return user


def live_sessions(user: User) -> list[UserSession]:
    """The user's sessions that still work, the most recently used first."""
    now = utcnow()
    return [
        row
        for row in db.session.scalars(
            sa.select(UserSession)
            .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
        )
        if now - row.last_seen_at <= idle_limit(remember=row.remember)
    ]


def home_timezone(user: User) -> str:
    """The time zone of the events `user` has a role in, when they share one; else UTC."""
    zones = db.session.scalars(
        sa.select(Event.timezone)
        .join(EventMembership, EventMembership.event_id == Event.id)
        .where(EventMembership.user_id == user.id)
        .distinct()
        .limit(2)
    ).all()
    return zones[0] if len(zones) == 1 else "UTC"


def revoke(
    user_session: UserSession,
    *,
    actor: User | None = None,
    event_id: int | None = None,
    ip_address: str = "",
) -> None:
    """End one session: its cookies no longer log anyone in, wherever they are."""
    if user_session.revoked_at is None:
        user_session.revoked_at = utcnow()
        audit.record(
            "session.revoke",
            user_session,
            actor=actor,
            event_id=event_id,
            changes={"user": [user_session.user.email, None]},
            ip_address=ip_address,
        )


def revoke_current() -> None:
    """Logging out: this browser's session ends on the server too."""
    row = current()
    if row is not None:
        row.revoked_at = utcnow()


def revoke_all(user: User, *, keep: UserSession | None = None) -> int:
    """End every session of `user` but `keep`; how many were ended."""
    query = sa.update(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None)
    )
    if keep is not None:
        query = query.where(UserSession.id != keep.id)
    ended = db.session.execute(query.values(revoked_at=utcnow())).rowcount
    db.session.flush()
    return ended


_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"))
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def describe_device(user_agent: str) -> str:
    """'Chrome on Android' from a user-agent string, enough to recognise one's own phone."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), None)
    if browser is None and "Safari/" in user_agent:
        browser = "Safari"
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), None)
    if browser and system:
        return f"{browser} · {system}"
    return browser or system or re.sub(r"\s+", " ", user_agent)[:40] or "?"


def _unauthorized(manager: LoginManager):
    """Flask-Login's answer to a visitor who must log in: the login page, as before; a
    script asking for JSON gets a 401 it can read, with `wipe` when its session was revoked
    (the scanner page then clears the roster and everything else it keeps)."""
    if wants_json():
        revoked = bool(g.get("session_revoked"))
        message = (
            _l("This device has been signed out. Log in again to continue.")
            if revoked
            else _l("You need to log in to do this.")
        )
        return error_response(401, str(message), wipe=revoked)
    flash(str(manager.login_message), manager.login_message_category)
    return redirect(login_url(manager.login_view, next_url=request.url))


def configure(manager: LoginManager, app: Flask) -> None:
    manager.user_loader(load_user)
    manager.unauthorized_handler(lambda: _unauthorized(manager))
    user_logged_in.connect(_on_login, app)

    @app.before_request
    def note_last_seen() -> None:
        """Load the user before the view, so that a due last-seen write is committed on
        its own, never together with (or instead of) what a view left uncommitted."""
        remembered = app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
        if request.endpoint == "static" or ("_user_id" not in session and not remembered):
            return
        current_user._get_current_object()  # noqa: SLF001 (loads the user now)
        if g.pop("session_touched", False):
            db.session.commit()

    @app.after_request
    def wipe_signed_out_browser(response):
        """Whatever a revoked session's browser asked for (a reload of the scanner, any
        page, the login redirect), it is told to forget what it keeps: a lost phone's guest
        list, its cached pages and the offline scanner's service worker."""
        if g.get("session_revoked"):
            response.headers["Clear-Site-Data"] = '"cache", "storage"'
        return response
