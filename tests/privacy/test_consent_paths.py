"""The registration consent is asked on every path (the partner API, imports), a locked
registration can still withdraw a consent on its own page, and a consent records the notice
the person was shown, not one saved while the page was open."""

from __future__ import annotations

import re

import sqlalchemy as sa

from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.privacy import consents, notices
from eventhub.privacy.kinds import Purpose
from eventhub.privacy.models import Consent, ConsentSource
from eventhub.registration.models import Participant, ParticipantPhoto, Status
from tests.conftest import run_held

from ..registration.conftest import api_body
from ..registration.test_import import SAMPLE, _mapping, _upload


def _token(app, event, role="partner") -> str:
    result = app.test_cli_runner().invoke(
        args=["create-token", "--role", role, "--event", event.slug, "--all-checkpoints"]
    )
    return result.stdout.strip().splitlines()[0]


def _person(app, email: str) -> int:
    with app.app_context():
        person = db.session.scalar(sa.select(Participant).where(Participant.email == email))
        assert person is not None, "not registered"
        return person.id


def _rows(app, person_id: int) -> list[Consent]:
    with app.app_context():
        rows = consents.history(person_id)
        db.session.expunge_all()
        return rows


def _latest(app, person_id: int) -> dict[Purpose, Consent]:
    latest: dict[Purpose, Consent] = {}
    for row in reversed(_rows(app, person_id)):
        latest[row.purpose] = row
    return latest


def _with_photo(app, person_id: int) -> None:
    """A photo, and the registration approved (the gate shows the approved)."""
    with app.app_context():
        db.session.get(Participant, person_id).status = Status.APPROVED
        db.session.add(
            ParticipantPhoto(participant_id=person_id, content=b"\xff\xd8jpeg", width=60, height=80)
        )
        db.session.commit()


def _gate_photo(client, event, person_id: int) -> int:
    response = client.get(f"/events/{event.slug}/checkin/photo/{person_id}")
    if response.status_code == 404:
        assert "not agreed to their photo" in response.get_data(as_text=True)
    return response.status_code


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Participant.id)))


# --- the partner API -----------------------------------------------------------------------


def test_the_api_refuses_a_registration_without_its_consent(app, client, event, lao_delegate):
    url = f"/api/v1/events/{event.slug}/registrations"
    headers = {"Authorization": f"Bearer {_token(app, event)}"}
    body = {k: v for k, v in api_body(lao_delegate).items() if k != "consents"}
    missing = client.post(url, json=body, headers=headers)
    assert missing.status_code == 422
    assert "consents" in missing.get_json()["errors"]
    refused = client.post(
        url, json=dict(body, consents={"registration": False, "photo": True}), headers=headers
    )
    assert refused.status_code == 422
    reason = refused.get_json()["errors"]["consents.registration"]
    assert reason and "true" in reason[0]
    unknown = client.post(
        url, json=dict(body, consents={"registration": True, "selling": True}), headers=headers
    )
    assert unknown.status_code == 422
    assert "consents.selling" in unknown.get_json()["errors"]
    assert _count(app) == 0


def test_the_api_records_each_answer_as_given_through_it(app, client, event, lao_delegate):
    url = f"/api/v1/events/{event.slug}/registrations"
    headers = {"Authorization": f"Bearer {_token(app, event)}"}
    body = dict(api_body(lao_delegate), consents={"registration": True, "photo": False})
    response = client.post(url, json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    latest = _latest(app, response.get_json()["id"])
    assert latest[Purpose.REGISTRATION].given is True
    assert latest[Purpose.PHOTO].given is False
    assert latest[Purpose.TRANSFER_ABROAD].given is False  # not sent: not given
    assert {(r.source, r.language, r.notice_id) for r in latest.values()} == {
        (ConsentSource.API, "", None)
    }
    described = client.get("/api/v1/openapi.json").get_json()
    registration = described["components"]["schemas"]["Registration"]
    assert "consents" in registration["required"]
    assert "registration" in registration["properties"]["consents"]["required"]


def test_an_api_registration_that_declined_the_photo_has_none_at_the_gate(
    app, client, event, lao_delegate, as_role
):
    url = f"/api/v1/events/{event.slug}/registrations"
    headers = {"Authorization": f"Bearer {_token(app, event)}"}
    body = dict(api_body(lao_delegate), consents={"registration": True})
    person_id = client.post(url, json=body, headers=headers).get_json()["id"]
    _with_photo(app, person_id)
    as_role("organiser")
    assert _gate_photo(client, event, person_id) == 404


# --- imports -------------------------------------------------------------------------------


def _preview(client, event) -> tuple[str, dict]:
    preview_url = _upload(client, event, SAMPLE.read_bytes(), "delegation-sample.csv")
    page = client.get(preview_url).get_data(as_text=True)
    mapping = {k: v for k, v in _mapping(page).items() if not k.startswith("attest_")}
    return preview_url, mapping


def test_an_import_needs_the_organisers_attestation(app, client, event, as_role):
    as_role("organiser")
    preview_url, mapping = _preview(client, event)
    page = client.get(preview_url).get_data(as_text=True)
    assert "The sender collected these people" in page
    assert re.search(r'<input[^>]*name="attest_registration"', page)
    assert not re.search(r'<input[^>]*name="attest_photo"[^>]*checked', page)
    response = client.post(preview_url, data={"action": "import", **mapping})
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="attest_registration-error"' in text
    assert _count(app) == 0
    # What was ticked is kept for the corrected form.
    again = client.post(preview_url, data={"action": "import", **mapping, "attest_photo": "y"})
    assert re.search(r'<input[^>]*name="attest_photo"[^>]*checked', again.get_data(as_text=True))


def test_imported_people_without_the_photo_attestation_have_no_photo_at_the_gate(
    app, client, event, as_role
):
    organiser = as_role("organiser")
    preview_url, mapping = _preview(client, event)
    done = client.post(
        preview_url,
        data={"action": "import", **mapping, "attest_registration": "y"},
        follow_redirects=True,
    )
    assert "14 participants imported" in done.get_data(as_text=True)
    person_id = _person(app, "bounmy.p@example.la")
    latest = _latest(app, person_id)
    assert latest[Purpose.REGISTRATION].given is True
    assert latest[Purpose.PHOTO].given is False
    assert latest[Purpose.TRANSFER_ABROAD].given is False
    assert {(r.source, r.recorded_by_id) for r in latest.values()} == {
        (ConsentSource.IMPORT, organiser.id)
    }
    _with_photo(app, person_id)
    assert _gate_photo(client, event, person_id) == 404


def test_imported_people_with_the_photo_attestation_are_shown(app, client, event, as_role):
    as_role("organiser")
    preview_url, mapping = _preview(client, event)
    client.post(
        preview_url,
        data={
            "action": "import",
            **mapping,
            "attest_registration": "y",
            "attest_photo": "y",
            "attest_transfer_abroad": "y",
        },
    )
    person_id = _person(app, "bounmy.p@example.la")
    latest = _latest(app, person_id)
    assert latest[Purpose.PHOTO].given is True and latest[Purpose.TRANSFER_ABROAD].given is True
    _with_photo(app, person_id)
    assert _gate_photo(client, event, person_id) == 200


def test_a_large_list_carries_the_attestation_to_the_job_worker(
    app, client, event, as_role, held_jobs
):
    organiser = as_role("organiser")
    preview_url, mapping = _preview(client, event)
    inline = app.config["IMPORT_INLINE_ROWS"]
    app.config["IMPORT_INLINE_ROWS"] = 10  # the sample's 14 rows: a job
    try:
        refused = client.post(preview_url, data={"action": "import", **mapping})
        assert 'id="attest_registration-error"' in refused.get_data(as_text=True)
        assert held_jobs == []
        attested = {"attest_registration": "y", "attest_transfer_abroad": "y"}
        client.post(preview_url, data={"action": "import", **mapping, **attested})
        run_held(app, held_jobs)
    finally:
        app.config["IMPORT_INLINE_ROWS"] = inline
    latest = _latest(app, _person(app, "bounmy.p@example.la"))
    assert latest[Purpose.TRANSFER_ABROAD].given is True and latest[Purpose.PHOTO].given is False
    assert latest[Purpose.REGISTRATION].recorded_by_id == organiser.id


def test_people_registered_before_consents_keep_their_photo(app, client, make, event, as_role):
    earlier = make.participant(event)
    _with_photo(app, earlier.id)
    as_role("organiser")
    assert _gate_photo(client, event, earlier.id) == 200


# --- the own page's consents form ----------------------------------------------------------


def _registered(client, open_event, lao_delegate) -> str:
    response = client.post(f"/events/{open_event.slug}/register", data=lao_delegate)
    assert response.status_code == 302
    return response.headers["Location"]


def test_a_locked_registration_withdraws_the_photo_consent(
    app, client, make, open_event, lao_delegate, outbox, login
):
    from eventhub.badges.printing import badge_data

    own = _registered(client, open_event, lao_delegate)
    person_id = _person(app, lao_delegate["email"])
    _with_photo(app, person_id)
    with app.app_context():
        db.session.get(Participant, person_id).locked_at = utcnow()
        db.session.commit()
    page = client.get(own).get_data(as_text=True)
    assert "locked your registration" in page
    form = page[page.index('id="own-consents"') :]
    form = form[: form.index("</form>")]
    assert 'name="consent_photo"' in form and 'name="consent_registration"' not in form
    assert "Ask for erasure" in form or "erasure" in form
    action = re.search(r'action="([^"]+)"', form).group(1)
    before = len(_rows(app, person_id))
    answers = {"consent_share_heads": ""}  # photo unticked, the rest as it was
    fields = dict(re.findall(r'<input[^>]*name="(notice_[a-z_]+)"[^>]*value="([^"]*)"', form))
    done = client.post(action, data={**answers, **fields}, follow_redirects=True)
    assert "Your answers have been saved" in done.get_data(as_text=True)
    rows = _rows(app, person_id)
    assert len(rows) == before + 1  # only the changed answer
    assert rows[0].purpose == Purpose.PHOTO and rows[0].given is False
    assert rows[0].source == ConsentSource.OWN_PAGE
    assert _latest(app, person_id)[Purpose.REGISTRATION].given is True
    with app.test_request_context():
        person = db.session.get(Participant, person_id)
        assert badge_data(person.event, [person])[0].photo is None
    login(make.user(roles={open_event: "organiser"}).email)
    assert _gate_photo(client, open_event, person_id) == 404


def test_the_registration_consent_cannot_be_withdrawn_on_the_own_page(
    app, client, open_event, lao_delegate, outbox
):
    own = _registered(client, open_event, lao_delegate)
    person_id = _person(app, lao_delegate["email"])
    client.post(own + "/consents", data={"consent_photo": "y", "consent_registration": ""})
    assert _latest(app, person_id)[Purpose.REGISTRATION].given is True


# --- the notice shown is the notice recorded ------------------------------------------------


def _save_notice(app, event, purpose: Purpose, text: str) -> None:
    with app.test_request_context():
        notices.save(db.session.merge(event), purpose, "en", text, None)
        db.session.commit()


def test_a_notice_changed_while_the_form_was_open_is_shown_again(
    app, client, open_event, lao_delegate, outbox
):
    url = f"/events/{open_event.slug}/register"
    page = client.get(url).get_data(as_text=True)
    shown = dict(re.findall(r'<input[^>]*name="(notice_[a-z_]+)"[^>]*value="([^"]*)"', page))
    assert shown["notice_photo"] == "en:1"
    _save_notice(app, open_event, Purpose.PHOTO, "From now on your photo is also in the book.")
    again = client.post(url, data={**lao_delegate, **shown})
    text = again.get_data(as_text=True)
    assert again.status_code == 200 and _count(app) == 0
    assert "From now on your photo is also in the book." in text
    assert "changed since you opened" in text
    assert not re.search(r'<input[^>]*checked[^>]*id="consent_photo"', text)
    assert re.search(r'<input[^>]*checked[^>]*id="consent_registration"', text)
    shown = dict(re.findall(r'<input[^>]*name="(notice_[a-z_]+)"[^>]*value="([^"]*)"', text))
    assert shown["notice_photo"] == "en:2"
    assert client.post(url, data={**lao_delegate, **shown}).status_code == 302
    latest = _latest(app, _person(app, lao_delegate["email"]))
    assert latest[Purpose.PHOTO].notice_version == 2
    assert latest[Purpose.REGISTRATION].notice_version == 1


def test_a_declined_purpose_records_the_version_seen(app, client, open_event, lao_delegate):
    url = f"/events/{open_event.slug}/register"
    page = client.get(url).get_data(as_text=True)
    shown = dict(re.findall(r'<input[^>]*name="(notice_[a-z_]+)"[^>]*value="([^"]*)"', page))
    _save_notice(app, open_event, Purpose.MARKETING, "We also send a newsletter.")
    assert client.post(url, data={**lao_delegate, **shown}).status_code == 302
    latest = _latest(app, _person(app, lao_delegate["email"]))
    assert latest[Purpose.MARKETING].given is False
    assert latest[Purpose.MARKETING].notice_version == 1  # what was on the page


def test_the_own_consents_form_asks_again_after_a_new_notice(
    app, client, open_event, lao_delegate, outbox
):
    own = _registered(client, open_event, lao_delegate)
    person_id = _person(app, lao_delegate["email"])
    page = client.get(own).get_data(as_text=True)
    shown = dict(re.findall(r'<input[^>]*name="(notice_[a-z_]+)"[^>]*value="([^"]*)"', page))
    _save_notice(app, open_event, Purpose.MARKETING, "Invitations, and a yearly survey.")
    before = len(_rows(app, person_id))
    response = client.post(
        own + "/consents", data={"consent_photo": "y", "consent_marketing": "y", **shown}
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Invitations, and a yearly survey." in text and "changed since you opened" in text
    assert len(_rows(app, person_id)) == before


def test_a_new_photo_on_the_details_form_needs_the_photo_consent(
    app, client, open_event, lao_delegate, outbox
):
    import io

    from ..registration.conftest import image_bytes

    data = {k: v for k, v in lao_delegate.items() if k != "consent_photo"}
    own = _registered(client, open_event, data)
    details = {k: v for k, v in lao_delegate.items() if not k.startswith("consent_")}
    details["photo"] = (io.BytesIO(image_bytes()), "me.png")
    response = client.post(own, data=details, content_type="multipart/form-data")
    text = response.get_data(as_text=True)
    assert "You have not agreed to your photo being printed" in text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ParticipantPhoto.participant_id))) == 0
