"""The same registration sent twice (a retry on a weak venue network, a double click, a
client resending a call it got no answer to) registers one participant and sends one email."""

from __future__ import annotations

import re
import threading
import uuid

import pytest
import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.registration.models import Participant

from .conftest import api_body
from .test_api import _token
from .test_quota_race import _separate_app


def _count(app, event_id: int) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).where(Participant.event_id == event_id))


def _form_key(page: str) -> str:
    return re.search(r'name="submission" type="hidden" value="([^"]+)"', page).group(1)


def test_a_form_sent_twice_registers_once_and_shows_the_first_result(
    client, app, open_event, lao_delegate, outbox
):
    url = f"/events/{open_event.slug}/register"
    data = dict(lao_delegate, submission=_form_key(client.get(url).get_data(as_text=True)))
    first = client.post(url, data=data)
    again = client.post(url, data=data)
    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]  # the same own page
    assert "/me/" in first.headers["Location"]
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "had already been received" in page
    assert _count(app, open_event.id) == 1
    assert len(outbox) == 1


def test_each_form_rendered_carries_its_own_key(client, open_event):
    url = f"/events/{open_event.slug}/register"
    keys = {_form_key(client.get(url).get_data(as_text=True)) for _ in range(3)}
    assert len(keys) == 3


def test_a_refused_form_keeps_its_key_for_the_corrected_one(
    client, app, open_event, lao_delegate, outbox
):
    url = f"/events/{open_event.slug}/register"
    key = _form_key(client.get(url).get_data(as_text=True))
    refused = client.post(url, data=dict(lao_delegate, email="nope", submission=key))
    assert refused.status_code == 200 and _form_key(refused.get_data(as_text=True)) == key
    assert client.post(url, data=dict(lao_delegate, submission=key)).status_code == 302
    assert _count(app, open_event.id) == 1 and len(outbox) == 1


def test_an_api_call_repeated_with_its_idempotency_key_registers_once(
    app, client, open_event, lao_delegate, outbox
):
    headers = {
        "Authorization": f"Bearer {_token(app, open_event, 'partner')}",
        "Idempotency-Key": "crm-export-0042",
    }
    url = f"/api/v1/events/{open_event.slug}/registrations"
    first = client.post(url, json=api_body(lao_delegate), headers=headers)
    again = client.post(url, json=api_body(lao_delegate), headers=headers)
    assert first.status_code == 201
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == first.get_json()["id"]
    assert _count(app, open_event.id) == 1 and len(outbox) == 1
    # Without the key, or with another, a call is a new registration (refused as such).
    other = client.post(
        url, json=api_body(lao_delegate), headers={**headers, "Idempotency-Key": "x-2"}
    )
    assert other.status_code != 200
    bad = client.post(
        url, json=api_body(lao_delegate), headers={**headers, "Idempotency-Key": "é\x01"}
    )
    assert bad.status_code == 400 and "Idempotency-Key" in bad.get_json()["message"]


@pytest.mark.own_database
def test_the_same_form_sent_three_times_at_once_registers_once(app, tmp_path):
    from eventhub.directory.models import Organisation
    from eventhub.events.models import Event
    from eventhub.outbox.models import OutboxMessage
    from eventhub.registration.models import Submission

    racing = _separate_app(app, str(tmp_path))
    slug = f"retry-{uuid.uuid4().hex[:8]}"
    with racing.app_context():
        from datetime import UTC, date, datetime

        event = Event(
            slug=slug,
            name_en="Weak network",
            name_zh="弱网络",
            city_en="Guiyang",
            starts_on=date(2025, 7, 24),
            ends_on=date(2025, 7, 27),
            registration_opens_at=datetime(2025, 1, 1, tzinfo=UTC),
        )
        db.session.add(event)
        db.session.commit()
        event_id = event.id
    form = {
        "given_name": "Bounmy",
        "organisation": f"Retrying University {slug}",  # committed for real: removed at the end
        "country": "LA",
        "category": "delegate",
        "email": f"bounmy-{slug}@example.la",
        "submission": f"key-{slug}",
        "consent_registration": "y",
    }
    start = threading.Barrier(3)
    answers: list[tuple[int, str]] = []

    def send() -> None:
        client = racing.test_client()
        start.wait()
        response = client.post(f"/events/{slug}/register", data=form)
        answers.append((response.status_code, response.headers.get("Location", "")))

    threads = [threading.Thread(target=send) for _ in range(3)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert len(answers) == 3
        assert {code for code, _ in answers} == {302}
        assert len({location for _, location in answers}) == 1  # all on the same own page
        assert "/me/" in answers[0][1]
        assert _count(racing, event_id) == 1
        with racing.app_context():
            mails = db.session.scalar(
                sa.select(sa.func.count()).where(OutboxMessage.event_id == event_id)
            )
        assert mails == 1
    finally:
        with racing.app_context():
            db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.event_id == event_id))
            db.session.execute(sa.delete(Submission).where(Submission.event_id == event_id))
            db.session.execute(sa.delete(Participant).where(Participant.event_id == event_id))
            db.session.execute(sa.delete(Event).where(Event.id == event_id))
            db.session.execute(
                sa.delete(Organisation).where(Organisation.name_en == form["organisation"])
            )
            db.session.commit()


def test_a_member_form_sent_twice_adds_the_member_once(
    client, make, open_event, login, app, outbox, lao_delegate
):
    from .test_delegations import _head_with_delegation

    _user, delegation = _head_with_delegation(make, open_event, login, app)
    url = f"/events/{open_event.slug}/delegations/{delegation.id}/members/new"
    data = dict(lao_delegate, submission=_form_key(client.get(url).get_data(as_text=True)))
    before = _count(app, open_event.id)
    first = client.post(url, data=data)
    again = client.post(url, data=data, follow_redirects=True)
    assert first.status_code == 302
    assert "This form has already been sent." in again.get_data(as_text=True)
    assert _count(app, open_event.id) == before + 1
    assert len(outbox) == 1
