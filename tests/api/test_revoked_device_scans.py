"""A device revoked while offline still hands in the scans it made before (issue 18)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from eventhub.auth.models import ApiToken
from eventhub.checkin.models import Scan
from eventhub.db import utcnow
from eventhub.extensions import db

from ..checkin.conftest import _code
from .test_token_scopes import _gates, _issue


def _revoked(app, client, make, event, as_role):
    """Two people, a gate token revoked by the organiser, and when it was revoked."""
    main, _vip = _gates(make, event)
    early = make.participant(event, status="approved")
    late = make.participant(event, status="approved")
    as_role("organiser")
    token = _issue(client, event, role="staff", checkpoints=[str(main.id)])
    with app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id))
    client.post(f"/events/{event.slug}/tokens/{token_id}/revoke")
    with app.app_context():
        revoked_at = db.session.get(ApiToken, token_id).revoked_at
    return token, token_id, revoked_at, _code(app, early.id), _code(app, late.id)


def _item(code: str, scan_id: str, when) -> dict:
    return {
        "code": code,
        "checkpoint": "main-entrance",
        "client_scan_id": scan_id,
        "scanned_at": when.isoformat(),
        "offline_result": "admitted",
    }


def _recorded(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Scan.client_scan_id).order_by(Scan.id)))


def test_a_revoked_devices_scans_from_before_are_recorded_later_ones_refused(
    app, client, make, event, as_role
):
    token, _id, revoked_at, early, late = _revoked(app, client, make, event, as_role)
    answer = client.post(
        "/api/v1/scans/batch",
        json={
            "scans": [
                _item(early, "before", revoked_at - timedelta(minutes=10)),
                _item(late, "after", revoked_at + timedelta(minutes=1)),
            ]
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    body = answer.get_json()
    # The device is still told to forget everything...
    assert answer.status_code == 401 and body["wipe"] is True
    # ...but the guest let in before the revocation is in the attendance, the later one not.
    before, after = body["answers"]
    assert before["status"] == 200 and before["result"] == "admitted"
    assert after["status"] == 401 and after["client_scan_id"] == "after"
    assert _recorded(app) == ["before"]
    # Nothing else is open to the revoked token.
    roster = client.get(
        "/api/v1/checkpoints/main-entrance/roster", headers={"Authorization": f"Bearer {token}"}
    )
    assert roster.status_code == 401 and roster.get_json()["wipe"] is True
    one = client.post(
        "/api/v1/scans",
        json=_item(early, "single", revoked_at - timedelta(minutes=5)),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert one.status_code == 401 and _recorded(app) == ["before"]


def test_a_device_revoked_over_a_day_ago_hands_in_nothing(app, client, make, event, as_role):
    token, token_id, revoked_at, early, _late = _revoked(app, client, make, event, as_role)
    with app.app_context():
        db.session.get(ApiToken, token_id).revoked_at = revoked_at - timedelta(hours=25)
        db.session.commit()
    answer = client.post(
        "/api/v1/scans/batch",
        json={"scans": [_item(early, "long-ago", revoked_at - timedelta(hours=26))]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 401 and answer.get_json()["wipe"] is True
    assert "answers" not in answer.get_json()
    assert _recorded(app) == []


def test_a_device_past_its_events_end_hands_in_what_it_scanned_before(
    app, client, make, event, as_role
):
    token, token_id, _revoked_at, early, late = _revoked(app, client, make, event, as_role)
    ended = utcnow() - timedelta(hours=1)
    with app.app_context():
        row = db.session.get(ApiToken, token_id)
        row.revoked_at, row.expires_at = None, ended
        db.session.commit()
    answer = client.post(
        "/api/v1/scans/batch",
        json={
            "scans": [
                _item(early, "last-evening", ended - timedelta(minutes=30)),
                _item(late, "next-morning", ended + timedelta(minutes=30)),
            ]
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 401 and answer.get_json()["wipe"] is True
    assert [a["status"] for a in answer.get_json()["answers"]] == [200, 401]
    assert _recorded(app) == ["last-evening"]
    # A malformed upload is still told to wipe.
    bad = client.post(
        "/api/v1/scans/batch", json={"nothing": 1}, headers={"Authorization": f"Bearer {token}"}
    )
    assert bad.status_code == 401 and bad.get_json()["wipe"] is True
