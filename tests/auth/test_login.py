"""Logging in and out, rate limits, CSRF, password change and reset."""

from __future__ import annotations

import re

from eventhub.extensions import db

from ..factories import PASSWORD


def test_login_with_email_in_any_case_then_logout(client, make, csrf):
    user = make.user("Somphone.K@Example.LA", display_name="Somphone")
    form = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    response = client.post(
        "/auth/login",
        data={"email": " SOMPHONE.k@example.la ", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Somphone" in page and "Log out" in page
    assert user.email == "somphone.k@example.la"

    # Logging out is a POST with the page's CSRF token, never a link.
    assert client.get("/auth/logout").status_code == 405
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/auth/logout", data={"csrf_token": token})
    assert "Log out" not in client.get("/").get_data(as_text=True)


def test_wrong_password_keeps_the_email_and_says_why(client, make):
    make.user("organiser@example.org")
    response = client.post(
        "/auth/login", data={"email": "organiser@example.org", "password": "wrong password"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Wrong email or password." in page
    assert 'value="organiser@example.org"' in page


def test_unknown_email_gets_the_same_answer(client):
    response = client.post(
        "/auth/login", data={"email": "nobody@example.org", "password": "whatever-it-is"}
    )
    assert "Wrong email or password." in response.get_data(as_text=True)


def test_inactive_account_cannot_log_in(client, make, app):
    user = make.user()
    with app.app_context():
        db.session.merge(user).active = False
        db.session.commit()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert "Wrong email or password." in response.get_data(as_text=True)


def test_login_is_rate_limited_per_address(client, make, app):
    make.user("target@example.org")
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [
            client.post(
                "/auth/login", data={"email": "target@example.org", "password": f"guess-{i}"}
            ).status_code
            for i in range(4)
        ]
        assert codes == [200, 200, 200, 429]
        blocked = client.post(
            "/auth/login", data={"email": "target@example.org", "password": PASSWORD}
        )
        assert blocked.status_code == 429
        assert "Too many attempts" in blocked.get_data(as_text=True)
        # Looking at the form is not an attempt, and colleagues behind the same venue
        # router can still log in.
        assert client.get("/auth/login").status_code == 200
        colleague = make.user("colleague@example.org")
        assert (
            client.post(
                "/auth/login", data={"email": colleague.email, "password": PASSWORD}
            ).status_code
            == 302
        )
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "10 per minute;50 per hour"


def test_next_parameter_only_redirects_within_the_site(client, make):
    user = make.user()
    response = client.post(
        "/auth/login?next=https://evil.example/phish",
        data={"email": user.email, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/"
    client.post("/auth/logout", data={}, follow_redirects=True)


def test_next_parameter_returns_to_the_requested_page(client, make, event):
    user = make.user(roles={event: "organiser"})
    response = client.get(f"/events/{event.slug}/settings")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    response = client.post(
        response.headers["Location"], data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == f"/events/{event.slug}/settings"


def test_password_change_checks_the_current_one_and_the_rules(client, make, login):
    user = make.user()
    login(user.email)
    wrong = client.post(
        "/auth/password",
        data={
            "current_password": "not it",
            "new_password": "brand new secret",
            "confirm": "brand new secret",
        },
    )
    assert "This is not your current password." in wrong.get_data(as_text=True)
    short = client.post(
        "/auth/password",
        data={"current_password": PASSWORD, "new_password": "short", "confirm": "short"},
    )
    assert "Use at least 10 characters." in short.get_data(as_text=True)
    differ = client.post(
        "/auth/password",
        data={"current_password": PASSWORD, "new_password": "brand new secret", "confirm": "other"},
    )
    assert "The two passwords differ." in differ.get_data(as_text=True)
    done = client.post(
        "/auth/password",
        data={
            "current_password": PASSWORD,
            "new_password": "brand new secret",
            "confirm": "brand new secret",
        },
        follow_redirects=True,
    )
    assert "Your password has been changed." in done.get_data(as_text=True)
    assert "Log out" in client.get("/").get_data(as_text=True)  # still logged in here


def test_changing_the_password_ends_other_sessions(app, make):
    user = make.user()
    laptop, phone = app.test_client(), app.test_client()
    for device in (laptop, phone):
        device.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    laptop.post(
        "/auth/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a whole new one",
            "confirm": "a whole new one",
        },
    )
    assert "Log out" in laptop.get("/").get_data(as_text=True)
    assert "Log out" not in phone.get("/").get_data(as_text=True)


def _reset_link(outbox) -> str:
    body = outbox[-1].get_content()
    return re.search(r"http://eventhub\.test(/auth/reset/\S+)", body).group(1)


def test_password_reset_by_emailed_link_works_once(client, make, outbox):
    user = make.user("reset.me@example.org", display_name="Nguyễn Thị Hương")
    response = client.post(
        "/auth/reset", data={"email": "Reset.Me@example.org"}, follow_redirects=True
    )
    assert "a reset link is on its way" in response.get_data(as_text=True)
    assert len(outbox) == 1 and outbox[0]["To"] == user.email
    assert "Nguyễn Thị Hương" in outbox[0].get_content()
    link = _reset_link(outbox)

    page = client.get(link, follow_redirects=True)
    assert page.status_code == 200
    done = client.post(
        page.request.path,
        data={"new_password": "mekong river 2025", "confirm": "mekong river 2025"},
        follow_redirects=True,
    )
    assert "Your new password is set." in done.get_data(as_text=True)
    client.post("/auth/logout", data={})
    assert (
        client.post(
            "/auth/login", data={"email": user.email, "password": "mekong river 2025"}
        ).status_code
        == 302
    )
    used = client.get(link)
    assert used.status_code == 400
    assert "already been used" in used.get_data(as_text=True)


def test_reset_request_for_unknown_email_reveals_nothing(client, outbox):
    response = client.post(
        "/auth/reset", data={"email": "ghost@example.org"}, follow_redirects=True
    )
    assert "a reset link is on its way" in response.get_data(as_text=True)
    assert outbox == []


def test_expired_and_forged_reset_links_get_a_clear_page(client, make, outbox, app, monkeypatch):
    make.user("late@example.org")
    client.post("/auth/reset", data={"email": "late@example.org"})
    link = _reset_link(outbox)
    forged = client.get(link[:-3] + "xyz")
    assert forged.status_code == 400 and "not valid" in forged.get_data(as_text=True)

    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    try:
        expired = client.get(link)
    finally:
        app.config["PASSWORD_RESET_MAX_AGE"] = 3600
    assert expired.status_code == 400
    page = expired.get_data(as_text=True)
    assert "This link has expired" in page and "Ask for a new link" in page


def test_forms_without_csrf_token_are_refused_with_an_explanation(app, make, csrf):
    user = make.user()
    client = app.test_client()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "security token was missing" in response.get_data(as_text=True)
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    ok = client.post(
        "/auth/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert ok.status_code == 302
