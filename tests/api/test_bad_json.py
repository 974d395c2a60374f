"""JSON bodies built to break the parser or slow the server: a 4xx with a reason, never a
500, on the scanning and registration endpoints alike."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.registration.models import Participant

from .test_api import _token


def _deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def _bodies(valid: dict, field: str) -> dict[str, str]:
    text = json.dumps(valid)
    return {
        "too deep to parse": text.replace(json.dumps(valid[field]), _deep(1000)),
        "parsed but too deep": text.replace(json.dumps(valid[field]), _deep(100)),
        "deep in a list": json.dumps([valid])[:-1] + "," + _deep(5000) + "]",
        "long text": json.dumps({**valid, field: "x" * 100_000}),
        "huge text": json.dumps({**valid, field: "x" * (1024 * 1024)}),
    }


REASONS = {
    "too deep to parse": "nested more than 32 levels",
    "parsed but too deep": "nested more than 32 levels",
    "deep in a list": "nested more than 32 levels",
    "long text": "longer than 10000 characters",
    "huge text": "larger than 1 MB",
}


def _endpoints(event) -> list[tuple[str, str, dict, str]]:
    scan = {"code": "X", "checkpoint": "main-entrance", "client_scan_id": "phone-1"}
    return [
        ("/api/v1/scans", "staff", scan, "code"),
        ("/api/v1/scans/batch", "staff", {"scans": [scan]}, "scans"),
        (
            f"/api/v1/events/{event.slug}/registrations",
            "partner",
            {"given_name": "A"},
            "given_name",
        ),
    ]


@pytest.mark.parametrize("case", list(REASONS))
def test_hostile_json_is_refused_with_a_reason(app, client, event, case):
    for url, role, valid, field in _endpoints(event):
        headers = {"Authorization": f"Bearer {_token(app, event, role)}"}
        body = _bodies(valid, field)[case]
        response = client.post(url, data=body, content_type="application/json", headers=headers)
        assert response.status_code in (400, 413), (url, response.status_code)
        assert REASONS[case] in response.get_json()["message"], url
    with app.app_context():
        assert not db.session.scalar(sa.select(sa.func.count()).select_from(Participant))


def test_a_json_body_over_the_limit_is_413_with_a_reason(app, client, event):
    headers = {"Authorization": f"Bearer {_token(app, event, 'partner')}"}
    body = json.dumps({"given_name": ["x" * 1000] * 2000})  # 2 MB of short texts
    response = client.post(
        f"/api/v1/events/{event.slug}/registrations",
        data=body,
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 413
    assert "larger than 1 MB" in response.get_json()["message"]
