"""Privacy: a participant downloads their own data; organisers anonymise after the event."""

from __future__ import annotations

import json
import re
from datetime import date

import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.extensions import db
from eventhub.registration.models import ImportBatch, Participant, ParticipantPhoto

from .conftest import image_bytes


def test_participant_downloads_everything_held_about_them(client, open_event, lao_delegate, outbox):
    import io

    data = dict(
        lao_delegate,
        visa_letter_requested="y",
        nationality="LA",
        date_of_birth="1978-03-02",
        passport_number="PA1234567",
        passport_expiry="2030-01-31",
        photo=(io.BytesIO(image_bytes()), "me.png"),
    )
    client.post(
        f"/events/{open_event.slug}/register", data=data, content_type="multipart/form-data"
    )
    link = re.search(r"(/events/\S+/me/\S+)", outbox[-1].get_content()).group(1)
    response = client.get(link + "/data.json")
    assert response.headers["Cache-Control"] == "no-store"
    body = json.loads(response.data)
    assert body["native_name"] == "ສົມພອນ ແກ້ວມະນີ" and body["has_photo"] is True
    # Masked: the link can be redirected by whoever edits the email address.
    assert body["passport_number"] == "•••••••67" and "1978" not in body["date_of_birth"]
    assert client.get(link[:-3] + "xyz/data.json").status_code == 404


def test_anonymise_only_after_the_event_and_with_confirmation(client, as_role, make, app):
    ended = make.event(starts_on=date(2025, 7, 24), ends_on=date(2025, 7, 27))
    person = make.participant(
        ended, email="keep.me.private@example.la", native_name="ສົມພອນ ແກ້ວມະນີ", country_code="LA"
    )
    with app.app_context():
        db.session.add(ParticipantPhoto(participant_id=person.id, content=b"x", width=1, height=1))
        db.session.commit()
    user = make.user(roles={ended: "organiser"})
    client.post("/auth/login", data={"email": user.email, "password": "correct horse battery"})
    url = f"/events/{ended.slug}/participants/anonymise"
    refused = client.post(url, data={"confirm": "wrong"}, follow_redirects=True)
    assert "to confirm" in refused.get_data(as_text=True)
    done = client.post(url, data={"confirm": ended.slug}, follow_redirects=True)
    assert "1 participants have been anonymised." in done.get_data(as_text=True)
    with app.app_context():
        stored = db.session.get(Participant, person.id)
        assert stored.email == "" and stored.native_name == ""
        assert stored.given_name == f"#{person.id}" and stored.country_code == "LA"
        assert db.session.get(ParticipantPhoto, person.id) is None
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).where(Participant.search_text.like("%keep%"))
            )
            == 0
        )


def test_anonymising_also_clears_uploads_and_audit_details(client, make, app):
    ended = make.event(starts_on=date(2025, 7, 24), ends_on=date(2025, 7, 27))
    person = make.participant(ended, email="secret@example.la")
    user = make.user(roles={ended: "organiser"})
    client.post("/auth/login", data={"email": user.email, "password": "correct horse battery"})
    with app.app_context():
        db.session.add(
            ImportBatch(event_id=ended.id, filename="list.csv", content=b"secret@example.la")
        )
        db.session.commit()
    client.post(
        f"/events/{ended.slug}/participants/bulk",
        data={"ids": [str(person.id)], "action": "reject", "reason": "secret@example.la twice"},
    )
    client.post(f"/events/{ended.slug}/participants/anonymise", data={"confirm": ended.slug})
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ImportBatch)) == 0
        changes = db.session.scalars(
            sa.select(AuditEntry.changes).where(AuditEntry.object_type == "Participant")
        ).all()
        assert changes and all("secret" not in str(c) for c in changes)


def test_anonymising_a_running_event_is_refused(client, as_role, make, app):
    upcoming = make.event(starts_on=date(2099, 7, 24), ends_on=date(2099, 7, 27))
    person = make.participant(upcoming, email="still.here@example.la")
    user = make.user(roles={upcoming: "organiser"})
    client.post("/auth/login", data={"email": user.email, "password": "correct horse battery"})
    response = client.post(
        f"/events/{upcoming.slug}/participants/anonymise",
        data={"confirm": upcoming.slug},
        follow_redirects=True,
    )
    assert "only be anonymised after the event has ended" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Participant, person.id).email == "still.here@example.la"


def test_anonymising_erases_each_person_as_one_erasure_does_in_one_recorded_run(
    client, make, app, monkeypatch
):
    from eventhub.badges.issuing import badges_for
    from eventhub.badges.models import Badge
    from eventhub.outbox.models import OutboxMessage
    from eventhub.privacy import retention
    from eventhub.privacy.models import ErasureRun, ErasureTrigger

    ended = make.event(starts_on=date(2025, 7, 24), ends_on=date(2025, 7, 27))
    person = make.participant(ended, email="keomany@example.la")
    already = make.participant(ended, email="gone@example.la")
    user = make.user(roles={ended: "organiser"})
    with app.app_context():
        badge_version = badges_for([db.session.get(Participant, person.id)])[person.id].version
        db.session.add(
            OutboxMessage(
                event_id=ended.id,
                recipient="Keomany@example.la",
                subject="Your visa letter",
                text="Dear Keomany",
                message_id="<anonymise-1@test>",
            )
        )
        db.session.commit()
    client.post("/auth/login", data={"email": user.email, "password": "correct horse battery"})
    client.post(f"/events/{ended.slug}/participants/{already.id}/erase")
    reclaimed = []
    monkeypatch.setattr(retention, "reclaim", lambda: reclaimed.append(True))

    done = client.post(
        f"/events/{ended.slug}/participants/anonymise",
        data={"confirm": ended.slug},
        follow_redirects=True,
    )

    assert "1 participants have been anonymised." in done.get_data(as_text=True)
    assert reclaimed
    with app.app_context():
        # What one person's erasure does: the mails to them, their badge.
        mail = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.event_id == ended.id))
        assert mail.recipient == "" and mail.text == ""
        assert db.session.scalar(sa.select(Badge.version)) > badge_version
        runs = db.session.scalars(
            sa.select(ErasureRun).where(ErasureRun.trigger == ErasureTrigger.MANUAL)
        ).all()
        assert len(runs) == 1 and runs[0].counts["participant"] == 1
        entries = db.session.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.object_type == "ErasureRun", AuditEntry.object_id == str(runs[0].id)
            )
        ).all()
        assert len(entries) == 1 and entries[0].action == "participant.anonymise"
