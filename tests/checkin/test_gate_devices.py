"""Gate devices: enrolled by an organiser for the whole event, scoped to checkpoints, ended
with the event, revocable (then told to wipe), each step in the audit log."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.auth.models import ApiToken, User
from eventhub.checkin import devices
from eventhub.checkin.models import CheckpointStaff
from eventhub.events.models import Event
from eventhub.extensions import db

from .conftest import _code

JSON = {"Accept": "application/json"}


@pytest.fixture
def event(make):
    """An event under way: a gate device's token ends with its event."""
    today = date.today()
    return make.event(starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=2))


def _enrol(client, event, label="Gate A tablet", **fields):
    data = {"label": label, "all_checkpoints": "y", **fields}
    return client.post(f"/events/{event.slug}/checkin/devices/new", data=data)


def _token(response) -> str:
    page = response.get_data(as_text=True)
    return re.search(r"#enrol=(ehk_[\w-]+)", page).group(1)


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}", **JSON}


def _actions(app, event) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(AuditEntry.action)
                .where(AuditEntry.event_id == event.id)
                .order_by(AuditEntry.id)
            )
        )


def test_an_enrolled_gate_device_scans_without_a_login(app, client, make, event, gate, as_role):
    as_role("organiser")
    response = _enrol(client, event)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"  # the link is shown once
    token = _token(response)
    # The token travels in the link's fragment only: the page the link opens needs no login.
    assert f"/events/{event.slug}/checkin/device/#enrol={token}" in response.get_data(as_text=True)
    person = make.participant(event)
    client.post("/auth/logout")  # no one's login is needed from here on

    listed = client.get("/api/v1/checkpoints", headers=_bearer(token)).get_json()
    assert [c["slug"] for c in listed["checkpoints"]] == ["main-entrance"]
    assert listed["label"] == "Gate A tablet"
    scan = client.post(
        "/api/v1/scans",
        json={"code": _code(app, person.id), "checkpoint": "main-entrance", "client_scan_id": "a1"},
        headers=_bearer(token),
    )
    assert scan.status_code == 200 and scan.get_json()["result"] == "admitted"
    home = client.get(f"/events/{event.slug}/checkin/device/")
    assert home.status_code == 200 and home.headers["X-EventHub-Offline"] == "scanner"
    assert client.get(f"/events/{event.slug}/checkin/device/main-entrance").status_code == 200

    as_role("organiser")
    page = client.get(f"/events/{event.slug}/checkin/devices").get_data(as_text=True)
    assert "Gate A tablet" in page and "Not yet" not in page  # its last use is shown
    assert token not in page  # shown once, at enrolment
    assert "token.create" in _actions(app, event)


def test_a_device_scans_only_at_its_checkpoints(app, client, make, event, gate, as_role):
    other = make.checkpoint(event, slug="hall-b", name_en="Hall B").id
    as_role("organiser")
    token = _token(
        _enrol(client, event, label="Hall B phone", all_checkpoints="", checkpoints=str(other))
    )
    person = make.participant(event)
    code = _code(app, person.id)
    listed = client.get("/api/v1/checkpoints", headers=_bearer(token)).get_json()
    assert [c["slug"] for c in listed["checkpoints"]] == ["hall-b"]
    refused = client.post(
        "/api/v1/scans",
        json={"code": code, "checkpoint": "main-entrance", "client_scan_id": "b1"},
        headers=_bearer(token),
    )
    assert refused.status_code == 403
    roster = client.get("/api/v1/checkpoints/main-entrance/roster", headers=_bearer(token))
    assert roster.status_code == 403
    assert (
        client.get("/api/v1/checkpoints/hall-b/roster", headers=_bearer(token)).status_code == 200
    )
    page = client.get(f"/events/{event.slug}/checkin/devices").get_data(as_text=True)
    assert "Hall B phone" in page and "Hall B</td>" in page


def test_the_form_says_what_is_missing_and_keeps_what_was_typed(client, event, gate, as_role):
    as_role("organiser")
    nameless = _enrol(client, event, label="")
    assert nameless.status_code == 422 and "#enrol=" not in nameless.get_data(as_text=True)
    nowhere = _enrol(client, event, label="Spare tablet", all_checkpoints="")
    page = nowhere.get_data(as_text=True)
    assert nowhere.status_code == 422
    assert "Tick the checkpoints, or all checkpoints." in page and 'value="Spare tablet"' in page


def _enrolled(app, make, event, label: str) -> str:
    """A device enrolled by an organiser of `event` through the service; its token."""
    organiser = make.user(roles={event: "organiser"})
    with app.app_context():
        _row, token = devices.enrol_device(
            db.session.get(Event, event.id), label, None, actor=db.session.get(User, organiser.id)
        )
        db.session.commit()
    return token


def test_a_device_token_ends_with_the_event(app, make, client, gate):
    past = make.event(ends_on=date(2025, 7, 27), timezone="Asia/Shanghai")
    with app.app_context():
        # Midnight after the last day where it is held, and a margin for the morning after.
        assert devices.device_token_end(past) == datetime(2025, 7, 28, 4, 0, tzinfo=UTC)
    token = _enrolled(app, make, past, "Late tablet")
    # Past its end the token is refused, and the device is told to forget what it keeps.
    answer = client.get("/api/v1/checkpoints", headers=_bearer(token))
    assert answer.status_code == 401 and answer.get_json()["wipe"] is True


def test_a_revoked_device_is_told_to_wipe(app, client, make, event, gate, as_role):
    as_role("organiser")
    token = _token(_enrol(client, event, label="Lost tablet"))
    with app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id).where(ApiToken.label == "Lost tablet"))
    page = client.post(
        f"/events/{event.slug}/checkin/devices/gate/{token_id}/revoke", follow_redirects=True
    ).get_data(as_text=True)
    assert "Revoked: the device forgets the guest list" in page
    # The organiser learns that what the device scanned before still counts.
    assert "Scans it made before being revoked are still recorded when it reconnects" in page
    assert "Lost tablet" not in page
    for answer in (
        client.get("/api/v1/checkpoints", headers=_bearer(token)),
        client.post("/api/v1/scans/batch", json={"scans": []}, headers=_bearer(token)),
    ):
        assert answer.status_code == 401 and answer.get_json()["wipe"] is True
    assert _actions(app, event)[-1] == "token.revoke"


def test_an_organiser_revokes_only_their_events_devices(app, client, make, event, as_role):
    other = make.event(slug="other-week", ends_on=event.ends_on)
    _enrolled(app, make, other, "Theirs")
    with app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id).where(ApiToken.label == "Theirs"))
    as_role("organiser")
    answer = client.post(f"/events/{event.slug}/checkin/devices/gate/{token_id}/revoke")
    assert answer.status_code == 404
    with app.app_context():
        assert db.session.get(ApiToken, token_id).revoked_at is None


def test_a_scanner_page_gets_a_fresh_csrf_token(app, client, make, event, gate, as_role):
    staff = as_role("staff")
    with app.app_context():
        db.session.add(CheckpointStaff(checkpoint_id=gate, user_id=staff.id))
        db.session.commit()
    url = f"/events/{event.slug}/checkin/main-entrance/scan"
    app.config["WTF_CSRF_ENABLED"] = True  # after logging in: the point is the page's token
    try:
        stale = client.post(url, json={"code": "X1"}, headers={"X-CSRFToken": "stale", **JSON})
        assert stale.status_code == 400 and stale.get_json()["csrf"] is True
        fresh = client.get(f"/events/{event.slug}/checkin/csrf", headers=JSON)
        assert fresh.headers["Cache-Control"] == "no-store"
        again = client.post(
            url,
            json={"code": "X1"},
            headers={"X-CSRFToken": fresh.get_json()["csrf_token"], **JSON},
        )
        assert again.status_code == 200 and again.get_json()["result"] == "invalid"
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    client.post("/auth/logout")
    logged_out = client.get(f"/events/{event.slug}/checkin/csrf", headers=JSON)
    assert logged_out.status_code == 401  # the page then asks to sign in again


def test_the_revocation_says_in_chinese_that_earlier_scans_still_count(
    app, client, make, event, gate, as_role
):
    as_role("organiser")
    _enrol(client, event, label="Lost tablet")
    with app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id).where(ApiToken.label == "Lost tablet"))
    page = client.post(
        f"/events/{event.slug}/checkin/devices/gate/{token_id}/revoke",
        headers={"Accept-Language": "zh-CN"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "它在撤销前的扫码记录，重新联网时（24 小时内）仍会保存" in page
