"""Visa invitation letter data: required when asked for, encrypted at rest, masked."""

from __future__ import annotations

import re

import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.registration.models import Participant

VISA = {
    "visa_letter_requested": "y",
    "nationality": "LA",
    "date_of_birth": "1978-03-02",
    "passport_number": "pa 123 4567",
    "passport_expiry": "2030-01-31",
}


def test_visa_fields_are_required_when_a_letter_is_requested(client, open_event, lao_delegate):
    page = client.post(
        f"/events/{open_event.slug}/register", data=dict(lao_delegate, visa_letter_requested="y")
    ).get_data(as_text=True)
    assert "The invitation letter needs the nationality." in page
    assert "The invitation letter needs the date of birth." in page
    assert "The invitation letter needs the passport number." in page
    assert "The invitation letter needs the passport&#39;s expiry." in page
    early = client.post(
        f"/events/{open_event.slug}/register",
        data={**lao_delegate, **VISA, "passport_expiry": "2025-09-01"},
    ).get_data(as_text=True)
    assert "The passport must be valid for six months after the event" in early


def test_passport_data_is_encrypted_at_rest_and_masked_for_the_participant(
    client, app, open_event, lao_delegate, outbox, connection
):
    response = client.post(f"/events/{open_event.slug}/register", data=dict(lao_delegate, **VISA))
    assert response.status_code == 302
    raw = connection.execute(
        sa.text(
            "SELECT passport_number_encrypted, date_of_birth_encrypted, passport_digest "
            "FROM participant"
        )
    ).one()
    # The date as any writing of it (a bare "1978" may turn up in a random digest).
    stored = str(raw)
    assert "PA1234567" not in stored
    assert not any(text in stored for text in ("1978-03-02", "19780302", "02/03/1978"))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "PA1234567" not in page and "•••••••67" in page

    # Editing without retyping the passport number keeps it.
    link = re.search(r"(/events/\S+/me/\S+)", outbox[-1].get_content()).group(1)
    client.post(
        link,
        data={
            **lao_delegate,
            **VISA,
            "passport_number": "",
            "date_of_birth": "",
            "position": "Rector",
        },
    )
    with app.app_context():
        from eventhub.registration.registering import passport_view

        participant = db.session.scalar(sa.select(Participant))
        assert participant.position == "Rector"
        assert passport_view(participant, unmasked=True) == {
            "passport_number": "PA1234567",
            "date_of_birth": "1978-03-02",
        }
