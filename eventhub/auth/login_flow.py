"""The steps of logging in that the password form and the two-step code form share:
finishing a login, recording a failure, and the rate limits that count failures only."""

from __future__ import annotations

import functools
import hashlib
import time

from flask import current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user
from limits.strategies import FixedWindowRateLimiter

from eventhub.audit import services as audit
from eventhub.auth import services as auth_services
from eventhub.auth.models import User
from eventhub.extensions import db, limiter
from eventhub.web import commit, safe_next

PENDING = "eventhub_2fa_pending"  # the session key of a password accepted, code awaited
PENDING_SECONDS = 300


def failed(_response=None) -> bool:
    """Whether this request's attempt failed (a wrong password or code)."""
    return bool(g.get("login_failed"))


def _give_back() -> None:
    """Return this request's hits on the login limits: only failed attempts spend the
    budget, so people logging in many times a day (organisers testing, shared desks) are
    never locked out."""
    if not limiter.enabled:
        return  # limits switched off (RATELIMIT_ENABLED): nothing was spent
    strategy = limiter.limiter
    if not isinstance(strategy, FixedWindowRateLimiter):
        return  # other strategies cannot take a hit back: successes count there
    for spent in limiter.current_limits:
        key = spent.limit.key_for(*spent.request_args)
        if not spent.breached and strategy.storage.get(key) > 0:
            strategy.storage.incr(key, spent.limit.get_expiry(), amount=-1)


def _address_and_account() -> str:
    """Guesses at one account from one address are counted apart from a venue's other
    people, who often share one public address behind the venue's router."""
    pending = session.get(PENDING) or {}
    if pending.get("e"):
        account = pending["e"]  # the code step
    elif current_user.is_authenticated:
        account = current_user.email  # turning two-step login on or off
    else:
        account = auth_services.normalise_email(request.form.get("email", ""))
    return f"{get_remote_address()}|{account}"


def limited(view):
    """The login limits on `view`'s POSTs, spent by failures only.

    Each attempt is counted as it arrives, before its password is checked (counting after
    let a burst of guesses sent at once all through), and given back when it did not fail."""

    @functools.wraps(view)
    def counted(*args, **kwargs):
        response = view(*args, **kwargs)
        if request.method == "POST" and not failed():
            _give_back()
        return response

    counted = limiter.limit(
        lambda: current_app.config["LOGIN_RATE_LIMIT"],
        key_func=_address_and_account,
        methods=["POST"],
    )(counted)
    return limiter.limit(lambda: current_app.config["LOGIN_ADDRESS_RATE_LIMIT"], methods=["POST"])(
        counted
    )


def record_failure(action: str, email: str, user: User | None = None) -> None:
    """Count the failure against the limits and audit it (the address tried, never the
    password or the code)."""
    g.login_failed = True
    email = auth_services.normalise_email(email)[:254]
    audit.record(action, user, actor_label=email or "?", changes={"email": [None, email]})
    commit()


def finish(user: User, *, remember: bool, next_url: str | None):
    """Log `user` in (the password, and the code when asked, are checked), audited."""
    session.pop(PENDING, None)
    login_user(user, remember=remember)
    if session.get("locale") and not user.locale:
        user.locale = session["locale"]  # keep the language chosen before login
    audit.record("auth.login", user, actor=user)
    commit()
    flash(_("Welcome, %(name)s.", name=user.display_name or user.email), "success")
    return redirect(safe_next(next_url, url_for("events.index")))


def _password_fingerprint(user: User) -> str:
    """Changes with the password: a reset between the two steps voids the pending one."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def await_code(user: User, *, remember: bool, next_url: str | None):
    """The password was right and the account asks for a code: not logged in yet."""
    commit()  # the last login time noted by authenticate()
    session[PENDING] = {
        "u": user.id,
        "e": user.email,
        "s": _password_fingerprint(user),  # a password change meanwhile voids it
        "r": bool(remember),
        "n": next_url,
        "t": int(time.time()),
    }
    return redirect(url_for("auth.login_code"))


def pending_user() -> tuple[User, dict] | None:
    """The account whose password was accepted in this browser moments ago, or None."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("t", 0) > PENDING_SECONDS:
        session.pop(PENDING, None)
        return None
    user = db.session.get(User, pending.get("u"))
    if user is None or not user.active or _password_fingerprint(user) != pending.get("s"):
        session.pop(PENDING, None)
        return None
    return user, pending
