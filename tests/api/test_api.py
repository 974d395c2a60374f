"""The JSON API: bearer tokens from the CLI, JSON errors, the OpenAPI description."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.auth.models import ApiToken
from eventhub.extensions import db


def _token(app, event, role="staff") -> str:
    result = app.test_cli_runner().invoke(
        args=[
            "create-token",
            "--role",
            role,
            "--event",
            event.slug,
            "--label",
            "Gate B 3",
            "--all-checkpoints",
        ]
    )
    assert result.exit_code == 0, result.output
    return result.stdout.strip().splitlines()[0]


def test_token_from_the_cli_opens_the_api(app, client, event):
    token = _token(app, event)
    assert token.startswith("ehk_") and len(token) > 40
    response = client.get(
        f"/api/v1/events/{event.slug}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["slug"] == event.slug and body["timezone"] == "Asia/Shanghai"
    assert body["starts_on"] == "2025-07-24"
    info = client.get("/api/v1/token", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert info == {**info, "event": event.slug, "role": "staff", "label": "Gate B 3"}
    with app.app_context():
        stored = db.session.scalar(sa.select(ApiToken))
        assert stored.token_hash != token and token not in stored.token_hash
        assert stored.last_used_at is not None


def test_missing_unknown_and_revoked_tokens_answer_401_json(app, client, event):
    assert client.get(f"/api/v1/events/{event.slug}").status_code == 401
    bad = client.get(f"/api/v1/events/{event.slug}", headers={"Authorization": "Bearer ehk_x"})
    assert bad.status_code == 401
    assert bad.get_json()["message"].startswith("A valid API token is required")
    assert bad.headers["WWW-Authenticate"].startswith("Bearer")

    token = _token(app, event)
    with app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id))
    result = app.test_cli_runner().invoke(args=["revoke-token", str(token_id)])
    assert "revoked" in result.output
    revoked = client.get(
        f"/api/v1/events/{event.slug}", headers={"Authorization": f"Bearer {token}"}
    )
    assert revoked.status_code == 401


def test_token_of_another_event_is_refused(app, client, make, event):
    token = _token(app, make.event())
    response = client.get(
        f"/api/v1/events/{event.slug}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 403
    assert response.get_json()["message"] == "This token belongs to another event."


def test_unknown_event_and_unknown_route_answer_json(app, client, event):
    token = _token(app, event)
    response = client.get("/api/v1/events/nope", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404 and response.get_json()["status"] == 404
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.is_json


def test_api_needs_no_csrf_token(app, client, event, csrf):
    token = _token(app, event)
    response = client.post(
        f"/api/v1/events/{event.slug}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 405 and response.is_json


def test_openapi_description_is_valid(client):
    from openapi_spec_validator import validate

    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert "/events/{slug}" in document["paths"]


def test_list_tokens_never_prints_secrets(app, event):
    token = _token(app, event)
    output = app.test_cli_runner().invoke(args=["list-tokens", "--event", event.slug]).output
    assert token[:10] in output and token not in output and "live" in output


def test_api_gives_the_venue_address_and_tracks_in_both_languages(app, client, make):
    from datetime import UTC, datetime

    from eventhub.scheduling.models import ActivityState

    event = make.event(venue_address="Eco-Conference Center", venue_address_zh="生态会议中心")
    make.activity(
        event,
        track="Vocational education",
        track_zh="职业教育",
        state=ActivityState.PUBLISHED,
        starts_at=datetime(2025, 7, 25, 1, 0, tzinfo=UTC),
        ends_at=datetime(2025, 7, 25, 2, 30, tzinfo=UTC),
    )
    headers = {"Authorization": f"Bearer {_token(app, event)}"}
    body = client.get(f"/api/v1/events/{event.slug}", headers=headers).get_json()
    assert (body["venue_address"], body["venue_address_zh"]) == (
        "Eco-Conference Center",
        "生态会议中心",
    )
    [activity] = client.get(f"/api/v1/events/{event.slug}/activities", headers=headers).get_json()
    assert (activity["track"], activity["track_zh"]) == ("Vocational education", "职业教育")
