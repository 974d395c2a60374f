"""Consent per purpose: the service, the registration form's personal-data part, and what a
refusal changes (no photo on the badge or at the gates, no transfer abroad in the lists)."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.privacy import consents
from eventhub.privacy.kinds import Purpose
from eventhub.privacy.models import Consent, ConsentSource
from eventhub.registration.models import Participant, ParticipantPhoto, Source

from ..registration.conftest import image_bytes

ALL_YES = dict.fromkeys(Purpose, True)


def _rows(app, email: str) -> list[Consent]:
    with app.app_context():
        person = db.session.scalar(sa.select(Participant).where(Participant.email == email))
        assert person is not None, "not registered"
        rows = consents.history(person.id)
        db.session.expunge_all()
        return rows


def _with_photo(app, person_id: int) -> None:
    with app.app_context():
        db.session.add(
            ParticipantPhoto(participant_id=person_id, content=b"\xff\xd8jpeg", width=60, height=80)
        )
        db.session.commit()


def _decline_photo(app, event, person_id: int) -> None:
    with app.test_request_context():
        event = db.session.merge(event)
        consents.record(
            event,
            person_id,
            {**ALL_YES, Purpose.PHOTO: False},
            language="en",
            source=ConsentSource.FORM,
        )
        db.session.commit()


# --- the service -------------------------------------------------------------------------


def test_the_latest_answer_counts_and_the_history_keeps_them_all(app, make, event):
    person, other = make.participant(event), make.participant(event)
    with app.test_request_context():
        event = db.session.merge(event)
        consents.record(event, person.id, ALL_YES, language="zh_Hans", source=ConsentSource.FORM)
        consents.record(
            event, person.id, {Purpose.PHOTO: False}, language="en", source=ConsentSource.OWN_PAGE
        )
        now = consents.current(person.id)
        assert now[Purpose.PHOTO].given is False and now[Purpose.PHOTO].source == "own_page"
        assert now[Purpose.MARKETING].given is True
        assert now[Purpose.MARKETING].language == "zh_Hans"
        assert now[Purpose.MARKETING].notice_version == 1 and now[Purpose.MARKETING].notice_id
        assert consents.declined([person.id, other.id], Purpose.PHOTO) == {person.id}
        # No row at all (earlier data, imports): not declined.
        assert consents.declined([other.id], Purpose.TRANSFER_ABROAD) == set()
        assert len(consents.history(person.id)) == len(Purpose) + 1
        consents.record(event, person.id, {Purpose.PHOTO: True}, language="en", source="own_page")
        assert consents.declined([person.id], Purpose.PHOTO) == set()


# --- the registration form ----------------------------------------------------------------


def test_the_form_asks_each_purpose_unticked_and_the_transfer_apart(client, open_event):
    page = client.get(f"/events/{open_event.slug}/register").get_data(as_text=True)
    assert "Your personal data" in page
    boxes = re.findall(r'<input[^>]*id="consent_[a-z_]+"[^>]*>', page)
    assert len(boxes) == len(Purpose) and not any("checked" in box for box in boxes)
    abroad = page[page.index('id="transfer-abroad"') :]
    assert "Sending your data outside China" in abroad
    assert "your registration goes ahead without it" in abroad
    assert "embassies" in abroad and 'id="consent_transfer_abroad"' in abroad


def test_without_the_registration_consent_nothing_is_registered_and_nothing_lost(
    app, client, open_event, lao_delegate
):
    data = {k: v for k, v in lao_delegate.items() if k != "consent_registration"}
    response = client.post(f"/events/{open_event.slug}/register", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Tick this box to register" in page
    error = page.index('id="consent_registration-error"')
    assert page.index('id="consent_registration"') < error  # next to its checkbox
    assert 'value="Vice President"' in page and 'value="somphone.k@example.la"' in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Participant.id))) == 0


def test_registering_records_each_answer_with_the_notice_shown(
    app, client, open_event, lao_delegate
):
    data = dict(lao_delegate, consent_share_heads="y")
    assert client.post(f"/events/{open_event.slug}/register", data=data).status_code == 302
    rows = {row.purpose: row for row in _rows(app, lao_delegate["email"])}
    assert {p for p, row in rows.items() if row.given} == {
        Purpose.REGISTRATION,
        Purpose.PHOTO,
        Purpose.SHARE_HEADS,
    }
    assert rows[Purpose.TRANSFER_ABROAD].given is False  # registered all the same
    assert {(r.source, r.language, r.notice_version) for r in rows.values()} == {
        (ConsentSource.FORM, "en", 1)
    }


def test_in_chinese_the_chinese_notices_are_shown_and_recorded(
    app, client, open_event, lao_delegate
):
    chinese = {"Accept-Language": "zh-CN"}
    page = client.get(f"/events/{open_event.slug}/register", headers=chinese).get_data(as_text=True)
    assert "发送的信息" in page and "shown in English" not in page
    data = dict(lao_delegate, consent_transfer_abroad="y")
    client.post(f"/events/{open_event.slug}/register", data=data, headers=chinese)
    rows = _rows(app, lao_delegate["email"])
    assert {row.language for row in rows} == {"zh_Hans"}
    assert all(row.given for row in rows if row.purpose == Purpose.TRANSFER_ABROAD)


def test_a_photo_without_the_photo_consent_is_refused_and_kept(
    app, client, open_event, lao_delegate
):
    data = {k: v for k, v in lao_delegate.items() if k != "consent_photo"}
    data["photo"] = (io.BytesIO(image_bytes()), "me.png")
    response = client.post(
        f"/events/{open_event.slug}/register", data=data, content_type="multipart/form-data"
    )
    page = response.get_data(as_text=True)
    assert "or leave the photo out" in page
    assert page.index('id="consent_photo"') < page.index('id="consent_photo-error"')
    token = re.search(r'name="photo_token" type="hidden" value="([^"]+)"', page)
    assert token, "the photo is kept for the corrected form"
    data = dict(lao_delegate, photo_token=token.group(1))
    assert client.post(f"/events/{open_event.slug}/register", data=data).status_code == 302
    with app.app_context():
        person = db.session.scalar(sa.select(Participant))
        assert db.session.get(ParticipantPhoto, person.id) is not None


def test_the_own_page_changes_the_optional_answers(app, client, open_event, lao_delegate, outbox):
    data = dict(lao_delegate, consent_marketing="y")
    own = client.post(f"/events/{open_event.slug}/register", data=data).headers["Location"]
    page = client.get(own).get_data(as_text=True)
    assert "You agreed to the use of your data for the registration" in page
    assert re.search(r'<input[^>]*checked[^>]*id="consent_marketing"', page)
    # The consents have their own form on the page: only the boxes are sent.
    edit = {"consent_photo": "y", "consent_transfer_abroad": "y"}  # marketing: withdrawn
    assert client.post(own + "/consents", data=edit).status_code == 302
    # The details' form leaves the answers alone.
    details = {k: v for k, v in lao_delegate.items() if not k.startswith("consent_")}
    assert client.post(own, data=dict(details, phone="+856 20 5555 0199")).status_code == 302
    latest = {}
    for row in reversed(_rows(app, lao_delegate["email"])):
        latest[row.purpose] = row
    assert latest[Purpose.MARKETING].given is False
    assert latest[Purpose.MARKETING].source == ConsentSource.OWN_PAGE
    assert latest[Purpose.TRANSFER_ABROAD].given is True
    assert latest[Purpose.REGISTRATION].given is True  # not withdrawn by an edit
    assert len(_rows(app, lao_delegate["email"])) == len(Purpose) + 2


def test_a_head_records_what_the_member_agreed_to(app, client, make, open_event, login, outbox):
    delegation = make.delegation(open_event)
    head = make.user(roles={open_event: "organiser"})
    login(head.email)
    member = {
        "given_name": "Bounmy",
        "organisation": "National University of Laos",
        "country": "LA",
        "category": "delegate",
        "email": "bounmy@example.la",
    }
    url = f"/events/{open_event.slug}/delegations/{delegation.id}/members/new"
    assert "collected by you" in client.get(url).get_data(as_text=True)
    refused = client.post(url, data=member).get_data(as_text=True)
    assert "Tick this box to register" in refused
    client.post(url, data=dict(member, consent_registration="y"))
    rows = _rows(app, "bounmy@example.la")
    assert {(row.source, row.recorded_by_id) for row in rows} == {(ConsentSource.HEAD, head.id)}


# --- what a refusal changes -------------------------------------------------------------


def test_a_declined_photo_is_neither_printed_nor_shown_at_the_gate(
    app, client, make, event, as_role
):
    from eventhub.badges.printing import badge_data
    from eventhub.checkin.holders import search_details

    declined, earlier = make.participant(event), make.participant(event)
    _with_photo(app, declined.id)
    _with_photo(app, earlier.id)  # registered before consents were asked: as before
    _decline_photo(app, event, declined.id)
    as_role("organiser")
    refused = client.get(f"/events/{event.slug}/checkin/photo/{declined.id}")
    assert refused.status_code == 404
    assert "not agreed to their photo" in refused.get_data(as_text=True)
    assert client.get(f"/events/{event.slug}/checkin/photo/{earlier.id}").status_code == 200
    with app.test_request_context():
        people = [db.session.get(Participant, declined.id), db.session.get(Participant, earlier.id)]
        printed = [data.photo for data in badge_data(db.session.merge(event), people)]
        details = search_details(people)
    assert details[declined.id][1] is False and details[earlier.id][1] is True
    assert printed[0] is None and printed[1]  # the badge of the one who declined: no photo


def test_the_gate_api_says_why_there_is_no_photo(app, client, make, event):
    make.checkpoint(event, slug="main-entrance", name_en="Main entrance")
    person = make.participant(event)
    _with_photo(app, person.id)
    _decline_photo(app, event, person.id)
    token = app.test_cli_runner().invoke(
        args=["create-token", "--role", "staff", "--event", event.slug, "--all-checkpoints"]
    )
    response = client.get(
        f"/api/v1/events/{event.slug}/participants/{person.id}/photo",
        headers={"Authorization": f"Bearer {token.stdout.strip().splitlines()[0]}"},
    )
    assert response.status_code == 404
    assert "not agreed to their photo" in response.get_json()["message"]


def test_the_transfer_abroad_shows_on_the_participant_page_and_in_the_export(
    app, client, make, event, as_role
):
    declined = make.participant(event, email="no.abroad@example.la")
    make.participant(event, email="imported@example.la", source=Source.IMPORT)
    with app.test_request_context():
        consents.record(
            db.session.merge(event),
            declined.id,
            {**ALL_YES, Purpose.TRANSFER_ABROAD: False},
            language="en",
            source=ConsentSource.FORM,
        )
        db.session.commit()
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/participants/{declined.id}").get_data(as_text=True)
    assert "Declined the transfer of personal data outside China" in page
    assert "notice v1, English" in page
    imported = client.get(f"/events/{event.slug}/participants/{declined.id + 1}")
    assert "not recorded (imported)" in imported.get_data(as_text=True)
    sheet = client.get(f"/events/{event.slug}/participants/export/participants.csv")
    text = sheet.get_data(as_text=True)
    assert "May be sent abroad" in text.splitlines()[0]
    lines = {line.split(",")[0]: line for line in text.splitlines()[1:]}
    assert lines[str(declined.id)].rstrip().endswith("No")
    assert lines[str(declined.id + 1)].rstrip().endswith("not recorded")


def test_a_long_notice_folds_after_its_first_sentence_and_says_it_once(
    app, client, make, open_event
):
    """Opened, a folded notice shows the rest of its text, not its opening sentence twice."""
    from eventhub.privacy import notices

    opening = "We keep your registration for the week."
    rest = " ".join(f"Detail {n} of how the data is handled and who reads it." for n in range(12))
    with app.app_context():
        organiser = make.user(roles={open_event: "organiser"})
        notices.save(
            db.session.merge(open_event), Purpose.REGISTRATION, "en", f"{opening} {rest}", organiser
        )
        db.session.commit()
    page = client.get(f"/events/{open_event.slug}/register").get_data(as_text=True)
    assert "<details>" in page and rest in page
    assert page.count(opening) == 1
