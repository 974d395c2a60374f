"""Once erased, erased everywhere: no edit page writes the person back, an event's
anonymisation remembers each person it erased (an older archive must not bring any back),
and a head erasing themselves still hears of it at the address they had."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.privacy import tombstones
from eventhub.registration import privacy as registration_privacy
from eventhub.registration.models import Delegation, Participant

from . import test_requests
from .test_requests import _organiser, _requests

thai = test_requests.thai  # the Thai delegation, its head and a member (fixture)


def test_the_delegation_member_page_cannot_write_an_erased_person_back(
    app, client, make, as_role, event
):
    delegation = make.delegation(event)
    member = make.participant(event, given_name="Manivanh", family_name="VONGSA")
    with app.app_context():
        db.session.get(Participant, member.id).delegation_id = delegation.id
        db.session.commit()
    as_role("organiser")
    client.post(f"/events/{event.slug}/participants/{member.id}/erase")
    page = f"/events/{event.slug}/delegations/{delegation.id}/members/{member.id}"
    assert client.get(page).status_code == 409
    sent = client.post(
        page,
        data={
            "given_name": "Manivanh",
            "family_name": "VONGSA",
            "email": "again@example.la",
            "organisation": "NUOL",
            "country": "LA",
        },
    )
    assert sent.status_code == 409
    with app.app_context():
        stored = db.session.get(Participant, member.id)
        assert stored.email == "" and "VONGSA" not in stored.family_name


def test_anonymising_an_event_remembers_every_person_it_erased(app, make, event):
    people = [make.participant(event, given_name=f"Person {n}") for n in range(3)]
    organiser = make.user(roles={event: "organiser"})
    with app.app_context():
        stored = db.session.merge(event)
        registration_privacy.anonymise_event(
            stored, actor=organiser, today=stored.ends_on + timedelta(days=1)
        )
        db.session.commit()
        assert set(tombstones.erased_ids(stored.slug)) == {p.id for p in people}


def test_a_head_erasing_themselves_hears_of_it_at_their_address(
    app, client, make, login, event, thai, outbox
):
    with app.app_context():
        delegation = db.session.get(Delegation, thai["delegation"].id)
        head_id = delegation.head_id
    login(thai["user"].email)
    base = f"/events/{event.slug}/delegations/{thai['delegation'].id}/members/{head_id}/data"
    client.post(f"{base}/ask", data={"kind": "erasure", "reason": "I am leaving my post."})
    (asked,) = _requests(app)
    _organiser(client, make, login, event)
    client.post(
        f"/events/{event.slug}/privacy/requests/{asked.id}/approve",
        data={"confirmed": "yes"},
    )
    assert outbox[-1]["To"] == thai["user"].email
    with app.app_context():
        assert db.session.scalar(sa.select(Participant.erased_at).where(Participant.id == head_id))
