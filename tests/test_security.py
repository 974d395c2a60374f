"""Cross-cutting protections: links in emails, sessions, tokens at rest (CSRF on every form:
test_authorization)."""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa

from eventhub.auth.models import ApiToken, User
from eventhub.extensions import db


def test_links_in_emails_ignore_a_forged_host_header(client, make, app, outbox):
    make.user("victim@example.org")
    saved, app.config["PUBLIC_URL"] = app.config["PUBLIC_URL"], "https://eventhub.example.org"
    try:
        client.post(
            "/auth/reset",
            data={"email": "victim@example.org"},
            headers={"Host": "attacker.example"},
        )
    finally:
        app.config["PUBLIC_URL"] = saved
    body = outbox[-1].get_content()
    assert "https://eventhub.example.org/auth/reset/" in body
    assert "attacker.example" not in body


def test_a_deactivated_account_is_logged_out_everywhere(client, make, login, app):
    user = make.user()
    login(user.email)
    assert "Log out" in client.get("/").get_data(as_text=True)
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert "Log out" not in client.get("/").get_data(as_text=True)


def test_api_tokens_are_stored_as_sha256_only(app, event):
    result = app.test_cli_runner().invoke(
        args=["create-token", "--role", "staff", "--event", event.slug, "--all-checkpoints"]
    )
    token = result.stdout.strip().splitlines()[0]
    with app.app_context():
        stored = db.session.scalar(sa.select(ApiToken))
        assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert stored.prefix == token[:10]


def test_logged_in_pages_are_not_cached(client, make, login):
    login(make.user().email)
    assert client.get("/").headers["Cache-Control"] == "no-store"


@pytest.fixture
def broken_mail(app):
    """An SMTP server that refuses connections (a closed port on this machine)."""
    saved = {key: app.config[key] for key in ("MAIL_BACKEND", "MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=9)
    yield
    app.config.update(saved)


def test_reset_gives_the_same_answer_when_the_mail_server_is_down(client, make, broken_mail):
    make.user("known@example.org")
    known = client.post("/auth/reset", data={"email": "known@example.org"}, follow_redirects=True)
    unknown = client.post(
        "/auth/reset", data={"email": "unknown@example.org"}, follow_redirects=True
    )
    assert known.status_code == unknown.status_code == 200
    assert "a reset link is on its way" in known.get_data(as_text=True)


def test_a_mail_server_down_delays_the_invitation_and_the_log_says_why(
    client, as_role, event, broken_mail
):
    as_role("organiser")
    response = client.post(
        f"/events/{event.slug}/team",
        data={"email": "new.staff@example.org", "role": "staff"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "new.staff@example.org" in response.get_data(as_text=True)  # the grant stands
    # The outbox tried once, kept the message and says why, and when it tries again.
    log = client.get(f"/events/{event.slug}/mail").get_data(as_text=True)
    row = log[log.index("new.staff@example.org") :]
    assert "Waiting" in row and "ConnectionRefusedError" in row and "Next try" in row


def test_invitation_links_last_fourteen_days_reset_links_one_hour(app, make, monkeypatch):
    from datetime import timedelta

    from eventhub.auth import services as auth_services
    from eventhub.db import utcnow

    user = make.user(password=None)
    with app.app_context():
        stored = db.session.get(User, user.id)
        invitation = auth_services.make_reset_token(stored, invitation=True)
        reset = auth_services.make_reset_token(stored)
        later = utcnow() + timedelta(days=2)
        monkeypatch.setattr(auth_services, "utcnow", lambda: later)
        assert auth_services.user_for_reset_token(invitation).id == user.id
        with pytest.raises(auth_services.ResetLinkError, match="expired"):
            auth_services.user_for_reset_token(reset)
