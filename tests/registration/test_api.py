"""POST /api/v1/events/<slug>/registrations: the form's rules over JSON."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.registration.models import Participant, Source

from .conftest import api_body


def _token(app, event, role) -> str:
    result = app.test_cli_runner().invoke(
        args=["create-token", "--role", role, "--event", event.slug, "--all-checkpoints"]
    )
    return result.stdout.strip().splitlines()[0]


def test_partner_registers_a_participant(app, client, event, lao_delegate, outbox):
    token = _token(app, event, "partner")
    response = client.post(
        f"/api/v1/events/{event.slug}/registrations",
        json=api_body(lao_delegate),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "pending"
    with app.app_context():
        participant = db.session.get(Participant, body["id"])
        assert participant.native_name == "ສົມພອນ ແກ້ວມະນີ" and participant.source == Source.API
    assert outbox[-1]["To"] == "somphone.k@example.la"


def test_invalid_registration_gets_422_with_a_message_per_field(app, client, event, lao_delegate):
    token = _token(app, event, "organiser")
    bad = dict(
        lao_delegate, email="nope", country="XX", category="emperor", arrival_date="23/07/2025"
    )
    response = client.post(
        f"/api/v1/events/{event.slug}/registrations",
        json=api_body(bad),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {"email", "country", "category", "arrival_date"}
    assert errors["category"] == [
        "Choose one of: official, delegate, speaker, media, interpreter, staff, volunteer."
    ]
    unknown = client.post(
        f"/api/v1/events/{event.slug}/registrations",
        json=api_body(dict(lao_delegate, shoe_size=42)),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert unknown.status_code == 422 and unknown.get_json()["errors"] == {
        "shoe_size": ["Unknown field."]
    }
    not_json = client.post(
        f"/api/v1/events/{event.slug}/registrations",
        data="x",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert not_json.status_code == 400 and not_json.is_json
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Participant)) == 0


def test_api_refuses_values_that_are_not_text(app, client, event, lao_delegate):
    token = _token(app, event, "organiser")
    body = dict(
        lao_delegate,
        given_name=True,
        organisation={"a": 1},
        phone=12345,
        arrival_time="12:00+05:00",
    )
    response = client.post(
        f"/api/v1/events/{event.slug}/registrations",
        json=api_body(body),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert errors["given_name"] == ["Send this field as text."]
    assert errors["organisation"][0] == "Send this field as text."
    assert errors["phone"] == ["Send this field as text."]
    assert errors["arrival_time"] == ["Enter the time as HH:MM, e.g. 14:35."]


def test_staff_tokens_may_not_register(app, client, event, lao_delegate):
    token = _token(app, event, "staff")
    response = client.post(
        f"/api/v1/events/{event.slug}/registrations",
        json=api_body(lao_delegate),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 403
    assert response.get_json()["message"] == "This token's role may not do this."


def test_api_posts_need_no_csrf_token(app, client, event, lao_delegate, csrf):
    token = _token(app, event, "organiser")
    response = client.post(
        f"/api/v1/events/{event.slug}/registrations",
        json=api_body(lao_delegate),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201


def test_without_a_public_address_the_api_registers_no_one(
    app, client, event, lao_delegate, outbox
):
    """Refused before saving, with the reason: never a participant who got no link."""
    token = _token(app, event, "partner")
    saved = {key: app.config.get(key) for key in ("PUBLIC_URL", "TRUSTED_HOSTS")}
    app.config.update(PUBLIC_URL=None, TRUSTED_HOSTS=None)
    try:
        response = client.post(
            f"/api/v1/events/{event.slug}/registrations",
            json=api_body(lao_delegate),
            headers={"Authorization": f"Bearer {token}"},
        )
    finally:
        app.config.update(saved)
    assert response.status_code == 503
    assert "cannot send links by email" in response.get_json()["message"]
    with app.app_context():
        assert not db.session.scalar(sa.select(sa.func.count()).select_from(Participant))
    assert outbox == []
