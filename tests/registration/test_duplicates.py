"""Possible duplicates: found by email, passport or name at one organisation; merged or kept."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.extensions import db
from eventhub.registration.models import Participant


def test_pairs_are_found_for_each_reason_and_merged(client, as_role, make, event, app):
    university = make.organisation(name_en="National University of Laos", country_code="LA").id
    first = make.participant(
        event, email="somphone.k@example.la", organisation_id=university, phone=""
    )
    second = make.participant(
        event,
        email="Somphone.K@example.la",
        phone="+856 20 5555 0101",
        hotel="Guiyang Hotel",
        organisation_id=university,
    )
    make.participant(event, given_name="Other", email="other@example.la")
    make.participant(make.event(), email="somphone.k@example.la")  # another event
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/participants/duplicates").get_data(as_text=True)
    assert page.count('name="decision" value="keep_both"') == 1
    assert "Same email address" in page and "Same name at the same organisation" in page

    response = client.post(
        f"/events/{event.slug}/participants/duplicates",
        data={"first": first.id, "second": second.id, "decision": "keep_first"},
        follow_redirects=True,
    )
    assert "Merged into the registration of KEOMANY Somphone." in response.get_data(as_text=True)
    assert "No possible duplicates." in response.get_data(as_text=True)
    with app.app_context():
        kept = db.session.get(Participant, first.id)
        assert db.session.get(Participant, second.id) is None
        assert (kept.phone, kept.hotel) == ("+856 20 5555 0101", "Guiyang Hotel")
        entry = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "participant.merge")
        )
        assert "Somphone.K@example.la" in entry.changes["merged"][0]


def test_different_people_can_be_kept_apart(client, as_role, make, event, app):
    first = make.participant(event, email="shared@example.la")
    second = make.participant(event, given_name="Bounmy", email="shared@example.la")
    as_role("organiser")
    client.post(
        f"/events/{event.slug}/participants/duplicates",
        data={"first": second.id, "second": first.id, "decision": "keep_both"},
    )
    page = client.get(f"/events/{event.slug}/participants/duplicates").get_data(as_text=True)
    assert "No possible duplicates." in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Participant)) == 2


def test_merging_across_events_is_refused(client, as_role, make, event, app):
    mine = make.participant(event)
    theirs = make.participant(make.event())
    as_role("organiser")
    response = client.post(
        f"/events/{event.slug}/participants/duplicates",
        data={"first": mine.id, "second": theirs.id, "decision": "keep_first"},
        follow_redirects=True,
    )
    assert "not a pair in this event" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Participant, theirs.id) is not None


def test_same_passport_is_found(client, as_role, make, event, app):
    from eventhub import crypto

    with app.app_context():
        digest = crypto.blind_index("P1234567", "passport")
    make.participant(event, email="a@example.la", passport_digest=digest)
    make.participant(event, given_name="Different", email="b@example.la", passport_digest=digest)
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/participants/duplicates").get_data(as_text=True)
    assert "Same passport number" in page


def test_merging_keeps_the_approval_and_the_visa_request(client, as_role, make, event, app):
    from eventhub.registration.models import Status

    pending = make.participant(event, email="same@example.la", status=Status.PENDING)
    approved = make.participant(
        event, email="same@example.la", status=Status.APPROVED, visa_letter_requested=True
    )
    as_role("organiser")
    client.post(
        f"/events/{event.slug}/participants/duplicates",
        data={"first": pending.id, "second": approved.id, "decision": "keep_first"},
    )
    with app.app_context():
        kept = db.session.get(Participant, pending.id)
        assert kept.status == Status.APPROVED and kept.visa_letter_requested
        assert "keomany" in kept.search_text
