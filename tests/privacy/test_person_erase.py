"""An organiser erases one person: what identifies them is gone from every table, what the
law or accounting needs stays without the name (attendance, certificate serial, the record
of a signed agreement); their badge admits nobody and their own link stops working."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.auth.models import User
from eventhub.ceremonies.models import AgreementParty, AgreementWitness
from eventhub.checkin import recording, rules
from eventhub.checkin.models import Admission, Checkpoint, ScanResult
from eventhub.extensions import db
from eventhub.outbox.models import OutboxMessage
from eventhub.registration.models import Participant, ParticipantPhoto

from .person_world import KHMER, PASSPORT, build


def _erase(client, event, person_id):
    return client.post(f"/events/{event.slug}/participants/{person_id}/erase")


def test_the_confirmation_says_what_goes_and_what_stays(client, as_role, app, make, event):
    world = build(app, make, event)
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/participants/{world.person_id}/erase")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Chanthy" in html
    assert "1 gate scan, " in html
    assert "1 certificate: " in html
    assert "1 mail (" in html or "1 mail " in html
    for plural in ("1 gate scans", "1 certificates", "1 mails", "1 enrolments", "1 consents"):
        assert plural not in html, plural
    with app.app_context():
        assert db.session.get(Participant, world.person_id).erased_at is None


def test_erasure_leaves_no_name_passport_or_address(client, as_role, app, make, event):
    world = build(app, make, event)
    as_role("organiser")
    response = _erase(client, event, world.person_id)
    assert response.status_code == 302
    with app.app_context():
        person = db.session.get(Participant, world.person_id)
        assert person.erased_at is not None
        row = db.session.execute(
            sa.select(Participant.__table__).where(Participant.id == world.person_id)
        ).one()
        dump = json.dumps([str(v) for v in row])
        for secret in ("SOK", "Chanthy", KHMER, world.email, "Sheraton", "peanuts"):
            assert secret not in dump, secret
        assert person.passport_number_encrypted is None and person.passport_digest is None
        assert person.date_of_birth_encrypted is None
        assert person.country_code == "KH" and person.organisation_id is not None
        assert db.session.get(ParticipantPhoto, world.person_id) is None
        changes = json.dumps(
            [e.changes for e in db.session.scalars(sa.select(AuditEntry))], ensure_ascii=False
        )
        assert PASSPORT not in changes and "SOKH" not in changes and world.email not in changes
        mails = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.event_id == event.id)
        ).all()
        assert mails and all(m.recipient == "" and m.text == "" for m in mails)
        assert all("Chanthy" not in m.subject for m in mails)
        # The account served only this registration: closed, its address erased.
        user = db.session.get(User, world.user_id)
        assert not user.active and world.email not in user.email
        # Attendance kept.
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Admission)
                .where(Admission.participant_id == world.person_id)
            )
            == 1
        )
        # The signed agreement keeps its signing record; the unsigned one drops the witness.
        signed = db.session.scalars(
            sa.select(AgreementParty).where(AgreementParty.agreement_id == world.signed_id)
        ).first()
        assert signed.signatory_id == world.person_id and "Chanthy" in signed.signed_name
        assert not db.session.scalars(
            sa.select(AgreementWitness).where(AgreementWitness.agreement_id == world.unsigned_id)
        ).all()


def test_erased_certificate_verifies_without_the_name(client, as_role, app, make, event):
    world = build(app, make, event)
    as_role("organiser")
    _erase(client, event, world.person_id)
    page = client.get("/verify/ABCD-EFGH-JKLM-NPQR")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Valid certificate" in html
    assert "Chanthy" not in html and KHMER not in html
    assert f"#{world.person_id}" not in html


def test_erased_badge_admits_nobody(client, as_role, app, make, event):
    world = build(app, make, event)
    as_role("organiser")
    _erase(client, event, world.person_id)
    with app.app_context():
        when = datetime(2025, 7, 25, 2, 0, tzinfo=UTC)
        answer = recording.record_scan(
            rules.Gate.of(db.session.merge(event), db.session.get(Checkpoint, world.gate_id)),
            world.code,
            uuid.uuid4().hex,
            scanned_at=when,
            device="Gate A",
            now=when,
        )
        db.session.commit()
        assert answer.result == ScanResult.DENIED


def test_own_link_stops_working_and_page_is_nameless(client, as_role, app, make, event):
    world = build(app, make, event)
    with app.app_context():
        from eventhub.registration.own_link import new_access_key

        key = new_access_key(db.session.get(Participant, world.person_id))
        db.session.commit()
    assert client.get(f"/events/{event.slug}/me/{key}").status_code == 200
    as_role("organiser")
    _erase(client, event, world.person_id)
    assert client.get(f"/events/{event.slug}/me/{key}").status_code == 404
    page = client.get(f"/events/{event.slug}/participants/{world.person_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and f"#{world.person_id}" in html
    assert "Chanthy" not in html
    assert client.post(f"/events/{event.slug}/participants/{world.person_id}").status_code == 409


def test_a_second_erasure_changes_nothing(client, as_role, app, make, event):
    world = build(app, make, event)
    as_role("organiser")
    _erase(client, event, world.person_id)
    with app.app_context():
        first = db.session.get(Participant, world.person_id).erased_at
        runs = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "person.erase")
        )
    again = _erase(client, event, world.person_id)
    assert again.status_code == 302
    follow = client.get(again.headers["Location"])
    assert "already been erased" in follow.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Participant, world.person_id).erased_at == first
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "person.erase")
            )
            == runs
            == 1
        )


def test_an_erased_persons_visa_can_no_longer_be_followed(client, as_role, app, make, event):
    """Nothing on the erased person's page invites an edit: no visa form, and a step sent
    from a page opened before the erasure is refused."""
    world = build(app, make, event)
    as_role("organiser")
    before = client.get(f"/events/{event.slug}/participants/{world.person_id}")
    assert f"/participants/{world.person_id}/visa" in before.get_data(as_text=True)
    _erase(client, event, world.person_id)
    page = client.get(f"/events/{event.slug}/participants/{world.person_id}")
    assert f"/participants/{world.person_id}/visa" not in page.get_data(as_text=True)
    late = client.post(f"/events/{event.slug}/participants/{world.person_id}/visa", data={})
    assert late.status_code == 409


def test_an_erased_person_cannot_be_given_a_status_reason_or_a_delegation(
    client, as_role, app, make, event
):
    """Bulk actions leave erased people out (a reason typed there would put words about them
    back), and they cannot be moved into a delegation whose head would then list them."""
    world = build(app, make, event)
    other = make.participant(event, given_name="Somchai")
    delegation = make.delegation(event)
    as_role("organiser")
    _erase(client, event, world.person_id)
    response = client.post(
        f"/events/{event.slug}/participants/bulk",
        data={
            "ids": [str(world.person_id), str(other.id)],
            "action": "reject",
            "reason": "Name: SRENG Sovannarith",
        },
    )
    assert response.status_code == 302
    assert "erased" in client.get(response.headers["Location"]).get_data(as_text=True)
    moved = client.post(
        f"/events/{event.slug}/participants/{world.person_id}/delegation",
        data={"delegation": str(delegation.id)},
    )
    assert moved.status_code == 409
    with app.app_context():
        erased = db.session.get(Participant, world.person_id)
        assert erased.status_reason == "" and erased.delegation_id != delegation.id
        assert db.session.get(Participant, other.id).status.value == "rejected"
