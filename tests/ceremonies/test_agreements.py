"""Agreements: two parties at least, signatories, a workflow that skips no step, blockers."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.ceremonies.models import Agreement, AgreementStatus, AgreementTransition
from eventhub.directory.models import Organisation
from eventhub.extensions import db
from eventhub.registration.models import Status


def _organisations(app):
    with app.app_context():
        guizhou = Organisation(name_en="Guizhou University", country_code="CN")
        nuol = Organisation(name_en="National University of Laos", country_code="LA")
        db.session.add_all([guizhou, nuol])
        db.session.commit()
        return guizhou.id, nuol.id


def _create(client, event, parties, **values):
    data = {
        "title_en": "MoU on Engineering Education",
        "title_zh": "工程教育合作谅解备忘录",
        "kind": "mou",
        "field": "Engineering",
        "party": [str(p) for p in parties],
    }
    data.update(values)
    return client.post(f"/events/{event.slug}/agreements/new", data=data)


def test_agreement_needs_two_parties_and_keeps_what_was_typed(client, as_role, event, app):
    guizhou, _nuol = _organisations(app)
    as_role("organiser")
    page = _create(client, event, [guizhou]).get_data(as_text=True)
    assert "An agreement needs at least two parties" in page
    assert 'value="MoU on Engineering Education"' in page
    page = _create(client, event, [guizhou, guizhou]).get_data(as_text=True)
    assert "An agreement needs at least two parties" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Agreement)) == 0


def test_signatories_blockers_and_the_workflow(client, as_role, event, app, make):
    guizhou, nuol = _organisations(app)
    rector = make.participant(
        event, family_name="WANG", given_name="Jianhua", organisation_id=guizhou, country_code="CN"
    )
    outsider = make.participant(event, given_name="Bounmy", status=Status.PENDING)
    as_role("organiser")
    response = _create(client, event, [guizhou, nuol])
    assert response.status_code == 302
    url = response.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert "No signatory for National University of Laos." in page
    assert "Text not agreed." in page and "Not yet in a signing ceremony." in page
    with app.app_context():
        agreement = db.session.scalar(sa.select(Agreement))
        parties = {p.organisation_id: p.id for p in agreement.parties}
    client.post(
        f"{url}/signatory", data={"party_id": parties[guizhou], "participant_id": rector.id}
    )
    warned = client.post(
        f"{url}/signatory",
        data={"party_id": parties[nuol], "participant_id": outsider.id},
        follow_redirects=True,
    )
    page = warned.get_data(as_text=True)
    assert "is not from National University of Laos" in page
    assert "Signatory KEOMANY Bounmy is not approved." in page

    skipped = client.post(f"{url}/status", data={"status": "approved"}, follow_redirects=True)
    assert "steps cannot be skipped" in skipped.get_data(as_text=True)
    for step in ("text_agreed", "legally_reviewed", "approved", "originals_ready", "signed"):
        client.post(f"{url}/status", data={"status": step})
    with app.app_context():
        agreement = db.session.scalar(sa.select(Agreement))
        assert agreement.status == AgreementStatus.SIGNED
        steps = db.session.scalars(
            sa.select(AgreementTransition.to_status).order_by(AgreementTransition.id)
        ).all()
        assert [s.value for s in steps] == [
            "text_agreed",
            "legally_reviewed",
            "approved",
            "originals_ready",
            "signed",
        ]
    listing = client.get(f"/events/{event.slug}/agreements/?status=signed").get_data(as_text=True)
    assert "MoU on Engineering Education" in listing


def test_signing_needs_every_signatory(client, as_role, event, app):
    guizhou, nuol = _organisations(app)
    as_role("organiser")
    url = _create(client, event, [guizhou, nuol]).headers["Location"]
    for step in ("text_agreed", "legally_reviewed", "approved", "originals_ready"):
        client.post(f"{url}/status", data={"status": step})
    page = client.post(f"{url}/status", data={"status": "signed"}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "Name a signatory for every party first." in page


def test_agreements_are_for_organisers_of_the_event(client, as_role, make, event, app):
    guizhou, nuol = _organisations(app)
    other = make.event()
    organiser = make.user(roles={other: "organiser"})
    client.post("/auth/login", data={"email": organiser.email, "password": "correct horse battery"})
    url = _create(client, other, [guizhou, nuol]).headers["Location"]
    client.post("/auth/logout")
    as_role("organiser")
    assert client.get(url.replace(other.slug, event.slug)).status_code == 404
    client.post("/auth/logout")
    as_role("delegate")
    assert client.get(f"/events/{event.slug}/agreements/").status_code == 403
