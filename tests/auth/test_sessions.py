"""Sessions kept on the server: logging out ends a copied cookie too; 'Your sessions'."""

from __future__ import annotations

import re

from eventhub.auth.models import UserSession
from eventhub.extensions import db

from ..factories import PASSWORD


def _cookies(client) -> dict[str, str]:
    return {cookie.key: cookie.value for cookie in client._cookies.values()}


def _copy_cookies(app, client, only: str | None = None):
    """A second browser holding a copy of `client`'s cookies (a stolen or synced cookie)."""
    thief = app.test_client()
    for cookie in client._cookies.values():
        if only in (None, cookie.key):
            thief.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    return thief


def _logout(client) -> None:
    page = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/auth/logout", data={"csrf_token": token})


def test_a_copied_session_cookie_stops_working_at_logout(app, client, make, event):
    user = make.user(roles={event: "organiser"})
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    thief = _copy_cookies(app, client)
    assert thief.get(f"/events/{event.slug}/settings").status_code == 200

    _logout(client)

    response = thief.get(f"/events/{event.slug}/settings")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_a_copied_remember_me_cookie_stops_working_at_logout(app, client, make, event):
    user = make.user(roles={event: "organiser"})
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    assert "remember_token" in _cookies(client)
    # Only the long-lived cookie, as a browser has it after the session cookie expired.
    thief = _copy_cookies(app, client, only="remember_token")
    assert thief.get(f"/events/{event.slug}/settings").status_code == 200

    _logout(client)

    fresh = _copy_cookies(app, thief, only="remember_token")
    assert fresh.get(f"/events/{event.slug}/settings").status_code == 302


def test_logout_asks_the_browser_to_forget_stored_pages_and_data(client, make):
    user = make.user()
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    page = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/auth/logout", data={"csrf_token": token})
    assert '"storage"' in response.headers["Clear-Site-Data"]
    assert '"cache"' in response.headers["Clear-Site-Data"]
    # The flash message survives (its cookie is not cleared).
    assert "You have logged out." in client.get("/").get_data(as_text=True)


def test_your_sessions_lists_each_browser_and_signs_one_out(app, make):
    user = make.user()
    laptop, phone = app.test_client(), app.test_client()
    laptop.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    phone.post(
        "/auth/login",
        data={"email": user.email, "password": PASSWORD},
        headers={"User-Agent": "Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile Safari/537.36"},
    )
    page = laptop.get("/auth/sessions").get_data(as_text=True)
    assert "Chrome · Android" in page
    assert "This browser" in page
    with app.app_context():
        phone_session = db.session.scalar(
            db.select(UserSession).where(UserSession.user_agent.contains("Android"))
        )
    laptop.post(f"/auth/sessions/{phone_session.id}/revoke")
    assert "Log out" not in phone.get("/").get_data(as_text=True)
    assert "Log out" in laptop.get("/").get_data(as_text=True)
    assert "Android" not in laptop.get("/auth/sessions").get_data(as_text=True)


def test_sign_out_everywhere_else_keeps_this_browser(app, make):
    user = make.user()
    devices = [app.test_client() for _ in range(3)]
    for device in devices:
        device.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    devices[0].post("/auth/sessions/revoke-others")
    assert "Log out" in devices[0].get("/").get_data(as_text=True)
    for other in devices[1:]:
        assert "Log out" not in other.get("/").get_data(as_text=True)


def test_nobody_signs_out_another_persons_session(app, make):
    owner, stranger = make.user(), make.user()
    mine, theirs = app.test_client(), app.test_client()
    mine.post("/auth/login", data={"email": owner.email, "password": PASSWORD})
    theirs.post("/auth/login", data={"email": stranger.email, "password": PASSWORD})
    with app.app_context():
        owners = db.session.scalar(db.select(UserSession).where(UserSession.user_id == owner.id))
    assert theirs.post(f"/auth/sessions/{owners.id}/revoke").status_code == 404
    assert "Log out" in mine.get("/").get_data(as_text=True)


def test_a_password_reset_ends_every_earlier_session(app, client, make, outbox):
    user = make.user()
    elsewhere = app.test_client()
    elsewhere.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    client.post("/auth/reset", data={"email": user.email})
    link = re.search(r"http://eventhub\.test(/auth/reset/\S+)", outbox[-1].get_content()).group(1)
    client.post(link, data={"new_password": "mekong river 2025", "confirm": "mekong river 2025"})
    assert "Log out" in client.get("/").get_data(as_text=True)
    assert "Log out" not in elsewhere.get("/").get_data(as_text=True)


def test_a_session_unused_longer_than_its_cookie_lives_is_refused(app, client, make, event):
    user = make.user(roles={event: "organiser"})
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    with app.app_context():
        row = db.session.scalar(db.select(UserSession).where(UserSession.user_id == user.id))
        row.last_seen_at -= app.config["PERMANENT_SESSION_LIFETIME"] * 2
        db.session.commit()
    assert client.get(f"/events/{event.slug}/settings").status_code == 302


def test_your_sessions_says_in_which_zone_its_times_are(app, make, event):
    """Times on 'Your sessions' are on the clock of one's event, like 'Scanning devices',
    and the zone is named; someone without an event reads them in UTC, labelled."""
    from zoneinfo import ZoneInfo

    organiser = make.user(roles={event: "organiser"})
    browser = app.test_client()
    browser.post("/auth/login", data={"email": organiser.email, "password": PASSWORD})
    page = browser.get("/auth/sessions").get_data(as_text=True)
    table = page.index("<table")
    assert "(Asia/Shanghai)" in page[:table]  # the zone is named above the sessions
    with app.app_context():
        started = db.session.scalar(
            db.select(UserSession.created_at).where(UserSession.user_id == organiser.id)
        )
    local = started.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo("Asia/Shanghai"))
    row = page[table : page.index("</table>")]
    assert local.strftime("%H:%M") in row

    nobody = make.user()
    other = app.test_client()
    other.post("/auth/login", data={"email": nobody.email, "password": PASSWORD})
    page = other.get("/auth/sessions").get_data(as_text=True)
    assert "(UTC)" in page[: page.index("<table")]
