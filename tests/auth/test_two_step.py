"""Two-step login: turning it on with a code, the code asked after the password, recovery
codes, turning it off, and the limits and audit around each."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.auth import twofactor
from eventhub.auth.models import RecoveryCode, User
from eventhub.extensions import db

from ..factories import PASSWORD

START = datetime(2026, 7, 23, 9, 0, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    """The time the server reads codes at; tests move it on by whole 30-second steps."""
    now = {"t": START}
    monkeypatch.setattr(twofactor, "utcnow", lambda: now["t"])

    def tick(steps: int = 1) -> None:
        now["t"] += timedelta(seconds=30 * steps)

    tick.now = lambda: now["t"]
    return tick


def _code(secret: str, clock) -> str:
    return pyotp.TOTP(secret).at(clock.now())


def _enrol(client, clock) -> tuple[str, list[str]]:
    """Turn two-step login on through the pages; (secret, recovery codes)."""
    page = client.get("/auth/two-step/setup").get_data(as_text=True)
    assert 'src="data:image/svg+xml;base64,' in page
    secret = re.search(r"<code[^>]*>([A-Z2-7 ]+)</code>", page).group(1).replace(" ", "")
    response = client.post("/auth/two-step/setup", data={"code": _code(secret, clock)})
    codes = re.findall(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", response.get_data(as_text=True))
    assert len(codes) == 10
    clock()
    return secret, codes


def _actions(app, user) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(AuditEntry.action)
                .where(AuditEntry.object_type == "User", AuditEntry.object_id == str(user.id))
                .order_by(AuditEntry.id)
            )
        )


def test_turning_on_needs_a_right_code_and_shows_recovery_codes_once(
    client, make, login, clock, app
):
    user = make.user(roles=None)
    login(user.email)
    page = client.get("/auth/two-step/setup").get_data(as_text=True)
    secret = re.search(r"<code[^>]*>([A-Z2-7 ]+)</code>", page).group(1).replace(" ", "")
    # Reloading the page shows the same key: the person may be half-way through scanning.
    assert secret in client.get("/auth/two-step/setup").get_data(as_text=True).replace(" ", "")
    wrong = client.post("/auth/two-step/setup", data={"code": "000000"}).get_data(as_text=True)
    assert "This code is not right" in wrong
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert stored.totp_enabled_at is None
        assert secret not in (stored.totp_secret_encrypted or "")  # encrypted at rest

    response = client.post("/auth/two-step/setup", data={"code": _code(secret, clock)})
    assert (
        len(re.findall(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", response.get_data(as_text=True)))
        == 10
    )
    assert "Two-step login is on" in client.get("/auth/two-step").get_data(as_text=True)
    # Shown once: the setup page no longer shows codes or a key.
    assert client.get("/auth/two-step/setup").status_code == 302
    with app.app_context():
        assert (
            db.session.scalar(sa.select(sa.func.count()).where(RecoveryCode.user_id == user.id))
            == 10
        )
    assert _actions(app, user)[-2:] == ["auth.2fa_failed", "auth.2fa_enabled"]


def test_login_asks_for_the_code_after_the_password(app, make, login, client, clock):
    user = make.user()
    login(user.email)
    secret, _codes = _enrol(client, clock)

    other = app.test_client()
    first = other.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert first.headers["Location"].endswith("/auth/login/code")
    # Not logged in yet: pages needing an account still send to the login form.
    assert other.get("/auth/password").status_code == 302
    refused = other.post("/auth/login/code", data={"code": "123456"})
    assert "This code is not right" in refused.get_data(as_text=True)
    assert other.get("/auth/password").status_code == 302

    code = _code(secret, clock)
    assert other.post("/auth/login/code", data={"code": code}).status_code == 302
    assert other.get("/auth/password").status_code == 200
    # The same code, seen over a shoulder, does not open a second session.
    third = app.test_client()
    third.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert "This code is not right" in third.post("/auth/login/code", data={"code": code}).get_data(
        as_text=True
    )
    assert "auth.2fa_failed" in _actions(app, user) and "auth.login" in _actions(app, user)


def test_the_code_page_without_a_password_first_goes_back_to_login(client):
    response = client.post("/auth/login/code", data={"code": "123456"})
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_a_recovery_code_works_once(app, make, login, client, clock):
    user = make.user()
    login(user.email)
    _secret, codes = _enrol(client, clock)
    for expected in (302, 200):
        other = app.test_client()
        other.post("/auth/login", data={"email": user.email, "password": PASSWORD})
        response = other.post("/auth/login/code", data={"code": codes[0].lower()})
        assert response.status_code == expected
    assert "auth.2fa_recovery" in _actions(app, user)


def test_wrong_codes_are_rate_limited_like_failed_logins(app, make, login, client, clock):
    user = make.user()
    login(user.email)
    secret, _codes = _enrol(client, clock)
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    try:
        other = app.test_client()
        other.post("/auth/login", data={"email": user.email, "password": PASSWORD})
        codes = [
            other.post("/auth/login/code", data={"code": f"00000{n}"}).status_code for n in range(4)
        ]
        assert codes == [200, 200, 200, 429]
        # The right code cannot get through the limit either.
        assert (
            other.post("/auth/login/code", data={"code": _code(secret, clock)}).status_code == 429
        )
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "10 per minute;50 per hour"


def test_turning_off_needs_the_password_and_a_code(app, make, login, client, clock):
    user = make.user()
    login(user.email)
    secret, _codes = _enrol(client, clock)
    no_password = client.post(
        "/auth/two-step/disable", data={"password": "wrong one", "code": _code(secret, clock)}
    )
    assert "This is not your current password." in no_password.get_data(as_text=True)
    no_code = client.post("/auth/two-step/disable", data={"password": PASSWORD, "code": "999999"})
    assert "This code is not right" in no_code.get_data(as_text=True)
    assert "Two-step login is on" in client.get("/auth/two-step").get_data(as_text=True)

    client.post("/auth/two-step/disable", data={"password": PASSWORD, "code": _code(secret, clock)})
    assert "Two-step login is off" in client.get("/auth/two-step").get_data(as_text=True)
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert stored.totp_secret_encrypted is None
        assert not db.session.scalar(
            sa.select(sa.func.count()).where(RecoveryCode.user_id == user.id)
        )
    assert _actions(app, user)[-1] == "auth.2fa_disabled"
    other = app.test_client()
    assert (
        other.post("/auth/login", data={"email": user.email, "password": PASSWORD}).headers[
            "Location"
        ]
        == "/"
    )


def test_a_password_reset_still_asks_for_the_code(app, make, login, client, clock, outbox):
    user = make.user()
    login(user.email)
    secret, _codes = _enrol(client, clock)
    other = app.test_client()
    other.post("/auth/reset", data={"email": user.email})
    link = re.search(r"http://eventhub\.test(/auth/reset/\S+)", outbox[-1].get_content()).group(1)
    response = other.post(
        link, data={"new_password": "a new long one", "confirm": "a new long one"}
    )
    assert response.headers["Location"].endswith("/auth/login/code")
    assert other.get("/auth/password").status_code == 302  # not logged in without the code
    assert other.post("/auth/login/code", data={"code": _code(secret, clock)}).status_code == 302
    assert other.get("/auth/password").status_code == 200


def test_new_recovery_codes_need_the_password_and_a_code_and_void_the_old(
    app, make, login, client, clock
):
    user = make.user()
    login(user.email)
    secret, old = _enrol(client, clock)
    page = client.get("/auth/two-step").get_data(as_text=True)
    assert "/auth/two-step/recovery-codes" in page
    url = "/auth/two-step/recovery-codes"
    wrong_password = client.post(
        url, data={"codes-password": "not it", "codes-code": _code(secret, clock)}
    )
    assert "This is not your current password." in wrong_password.get_data(as_text=True)
    wrong_code = client.post(url, data={"codes-password": PASSWORD, "codes-code": "999999"})
    assert "This code is not right" in wrong_code.get_data(as_text=True)
    clock()
    response = client.post(
        url, data={"codes-password": PASSWORD, "codes-code": _code(secret, clock)}
    )
    new = re.findall(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", response.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    assert _actions(app, user)[-1] == "auth.2fa_new_codes"
    # Shown once: the two-step page does not show them again.
    again = client.get("/auth/two-step").get_data(as_text=True)
    assert new[0] not in again
    # The old codes no longer log in; a new one does.
    other = app.test_client()
    other.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert other.post("/auth/login/code", data={"code": old[1]}).status_code == 200
    assert other.post("/auth/login/code", data={"code": new[0]}).status_code == 302


def test_no_recovery_codes_without_two_step_login(make, login, client):
    user = make.user()
    login(user.email)
    response = client.post(
        "/auth/two-step/recovery-codes", data={"codes-password": PASSWORD, "codes-code": "1"}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/two-step")
