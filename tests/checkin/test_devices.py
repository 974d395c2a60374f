"""An organiser signs out a staff member's lost phone; the phone is told to wipe itself."""

from __future__ import annotations

import re

from eventhub.auth.models import UserSession
from eventhub.checkin.models import CheckpointStaff
from eventhub.extensions import db

from ..factories import PASSWORD

JSON = {"Accept": "application/json"}


def _staff_phone(app, make, event, gate):
    staff = make.user(roles={event: "staff"}, display_name="Gate phone 3")
    with app.app_context():
        db.session.add(CheckpointStaff(checkpoint_id=gate, user_id=staff.id))
        db.session.commit()
    phone = app.test_client()
    phone.post(
        "/auth/login",
        data={"email": staff.email, "password": PASSWORD},
        headers={"User-Agent": "Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile"},
    )
    return staff, phone


def test_organiser_signs_out_a_lost_phone_which_is_told_to_wipe(
    app, client, make, event, gate, as_role
):
    staff, phone = _staff_phone(app, make, event, gate)
    roster = f"/events/{event.slug}/checkin/main-entrance/roster.json"
    assert phone.get(roster, headers=JSON).status_code == 200

    as_role("organiser")
    page = client.get(f"/events/{event.slug}/checkin/devices").get_data(as_text=True)
    assert "Gate phone 3" in page and "Chrome · Android" in page
    session_id = re.search(r"/checkin/devices/(\d+)/revoke", page).group(1)
    client.post(f"/events/{event.slug}/checkin/devices/{session_id}/revoke")

    answer = phone.get(roster, headers=JSON)
    assert answer.status_code == 401
    assert answer.get_json()["wipe"] is True
    scan = phone.post(f"/events/{event.slug}/checkin/main-entrance/scan", json={"code": "X"})
    assert scan.status_code == 401
    assert "Gate phone 3" not in client.get(f"/events/{event.slug}/checkin/devices").get_data(
        as_text=True
    )
    audit = client.get(f"/events/{event.slug}/audit").get_data(as_text=True)
    assert "Login session" in audit and staff.email in audit


def test_a_plain_missing_login_does_not_wipe(client, event, gate):
    roster = f"/events/{event.slug}/checkin/main-entrance/roster.json"
    answer = client.get(roster, headers=JSON)
    assert answer.status_code == 401
    assert answer.get_json()["wipe"] is False


def test_only_this_events_staff_sessions_can_be_signed_out(app, client, make, event, gate):
    staff, phone = _staff_phone(app, make, event, gate)
    other_event = make.event()
    stranger_organiser = make.user(roles={other_event: "organiser"})
    colleague = make.user(roles={event: "organiser"})
    app.test_client().post("/auth/login", data={"email": colleague.email, "password": PASSWORD})
    client.post("/auth/login", data={"email": stranger_organiser.email, "password": PASSWORD})
    with app.app_context():
        ids = {
            row.user_id: row.id
            for row in db.session.scalars(
                db.select(UserSession).where(UserSession.user_id.in_([staff.id, colleague.id]))
            )
        }
    # Another event's organiser, through their own event's address.
    response = client.post(f"/events/{other_event.slug}/checkin/devices/{ids[staff.id]}/revoke")
    assert response.status_code == 404
    # An organiser of this event may not sign out a fellow organiser.
    client.post("/auth/logout")
    client.post("/auth/login", data={"email": colleague.email, "password": PASSWORD})
    other_organiser = make.user(roles={event: "organiser"})
    second = app.test_client()
    second.post("/auth/login", data={"email": other_organiser.email, "password": PASSWORD})
    response = second.post(f"/events/{event.slug}/checkin/devices/{ids[colleague.id]}/revoke")
    assert response.status_code == 404
    assert phone.get(f"/events/{event.slug}/checkin/", headers=JSON).status_code == 200


def test_a_signed_out_phone_loading_any_page_is_told_to_forget_everything(
    app, client, make, event, gate, as_role
):
    """The phone's next contact may be a page load, not a scan: the login redirect and an
    ordinary page wipe it too (stored data, caches, the offline scanner's service worker)."""
    staff, phone = _staff_phone(app, make, event, gate)
    # A second phone of the same person whose session cookie has gone: only "remember me".
    remembered = app.test_client()
    remembered.post(
        "/auth/login", data={"email": staff.email, "password": PASSWORD, "remember": "y"}
    )
    remember_only = app.test_client()
    for cookie in remembered._cookies.values():
        if cookie.key == "remember_token":
            remember_only.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    scanner = f"/events/{event.slug}/checkin/main-entrance"
    assert phone.get(scanner).status_code == 200
    assert "Clear-Site-Data" not in phone.get("/").headers

    as_role("organiser")
    page = client.get(f"/events/{event.slug}/checkin/devices").get_data(as_text=True)
    for session_id in re.findall(r"/checkin/devices/(\d+)/revoke", page):
        client.post(f"/events/{event.slug}/checkin/devices/{session_id}/revoke")

    reload = phone.get(scanner)
    assert reload.status_code == 302 and "/auth/login" in reload.headers["Location"]
    for answer in (reload, remember_only.get("/")):
        assert '"storage"' in answer.headers.get("Clear-Site-Data", "")
        assert '"cache"' in answer.headers.get("Clear-Site-Data", "")
