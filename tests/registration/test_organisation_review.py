"""Organisations named on public forms wait for an organiser: accepted, renamed, merged into a
known one or rejected; until then no picker offers them."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.directory.models import Organisation, OrganisationStatus
from eventhub.extensions import db
from eventhub.registration.models import Participant

from .conftest import api_body

FORMULA = '=HYPERLINK("http://evil.example/","Click")'


@pytest.fixture
def organiser(make, open_event, login, client):
    """Log `client` in as an organiser of `open_event`, after the registrations are in."""

    def become():
        user = make.user(roles={open_event: "organiser"})
        login(user.email)
        return user

    return become


def _register(app, event, lao_delegate, organisation: str, email: str = "") -> int:
    anonymous = app.test_client()
    data = dict(lao_delegate, organisation=organisation, email=email or lao_delegate["email"])
    response = anonymous.post(f"/events/{event.slug}/register", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        return db.session.scalar(
            sa.select(Participant.id).where(Participant.email == data["email"].lower())
        )


def _organisation(app, name: str) -> Organisation | None:
    with app.app_context():
        return db.session.scalar(sa.select(Organisation).where(Organisation.name_en == name))


def _actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEntry.action)))


def test_a_formula_named_on_the_public_form_is_offered_nowhere_until_accepted(
    app, client, open_event, lao_delegate, organiser
):
    _register(app, open_event, lao_delegate, FORMULA)
    pending = _organisation(app, FORMULA)
    assert pending.status == OrganisationStatus.PENDING
    public_form = app.test_client().get(f"/events/{open_event.slug}/register")
    assert "HYPERLINK" not in public_form.get_data(as_text=True)

    organiser()
    agreement_form = client.get(f"/events/{open_event.slug}/agreements/new")
    assert "HYPERLINK" not in agreement_form.get_data(as_text=True)
    review = client.get(f"/events/{open_event.slug}/organisations/new").get_data(as_text=True)
    assert "HYPERLINK" in review and "1 person" in review
    home = client.get(f"/events/{open_event.slug}/").get_data(as_text=True)
    assert "New organisations: 1" in home

    response = client.post(
        f"/events/{open_event.slug}/organisations/{pending.id}/accept",
        data={"name_en": FORMULA, "name_zh": ""},
    )
    assert response.status_code == 302
    assert _organisation(app, FORMULA).status == OrganisationStatus.ACCEPTED
    agreement_form = client.get(f"/events/{open_event.slug}/agreements/new")
    assert "HYPERLINK" in agreement_form.get_data(as_text=True)
    assert "organisation.accept" in _actions(app)


def test_merge_moves_the_participant_to_the_known_organisation(
    app, client, make, open_event, lao_delegate, organiser
):
    known = make.organisation(name_en="National University of Laos", country_code="LA")
    person = _register(app, open_event, lao_delegate, "Natl. Univ. of Laos")
    typo = _organisation(app, "Natl. Univ. of Laos")
    organiser()
    response = client.post(
        f"/events/{open_event.slug}/organisations/{typo.id}/merge",
        data={"into": str(known.id)},
        follow_redirects=True,
    )
    assert "merged into National University of Laos" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Participant, person).organisation_id == known.id
        assert db.session.get(Organisation, typo.id) is None
    assert "organisation.merge" in _actions(app)
    review = client.get(f"/events/{open_event.slug}/organisations/new").get_data(as_text=True)
    assert "Natl. Univ." not in review


def test_rename_then_accept_and_a_name_taken_is_refused(
    app, client, make, open_event, lao_delegate, organiser
):
    make.organisation(name_en="Souphanouvong University", country_code="LA")
    _register(app, open_event, lao_delegate, "lao german college")
    pending = _organisation(app, "lao german college")
    organiser()
    url = f"/events/{open_event.slug}/organisations/{pending.id}/accept"
    taken = client.post(
        url, data={"name_en": "Souphanouvong University", "name_zh": ""}, follow_redirects=True
    )
    assert "already" in taken.get_data(as_text=True)
    assert _organisation(app, "lao german college").is_pending
    client.post(url, data={"name_en": "Lao-German Technical College", "name_zh": "老德技术学院"})
    renamed = _organisation(app, "Lao-German Technical College")
    assert renamed.status == OrganisationStatus.ACCEPTED and renamed.name_zh == "老德技术学院"


def test_a_refused_rename_keeps_what_the_organiser_typed(
    app, client, make, open_event, lao_delegate, organiser
):
    make.organisation(name_en="Souphanouvong University", country_code="LA")
    _register(app, open_event, lao_delegate, "lao german college")
    pending = _organisation(app, "lao german college")
    organiser()
    url = f"/events/{open_event.slug}/organisations/{pending.id}/accept"
    typed = {"name_en": "Souphanouvong University", "name_zh": "苏发努冯大学"}
    refused = client.post(url, data=typed)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert 'value="苏发努冯大学"' in page  # the Chinese name typed is still in its box
    assert f'id="name_en-{pending.id}"' in page and 'aria-invalid="true"' in page


def test_reject_leaves_the_person_without_the_organisation(
    app, client, open_event, lao_delegate, organiser
):
    person = _register(app, open_event, lao_delegate, "asdfgh")
    pending = _organisation(app, "asdfgh")
    organiser()
    client.post(f"/events/{open_event.slug}/organisations/{pending.id}/reject")
    with app.app_context():
        assert db.session.get(Participant, person).organisation_id is None
    assert _organisation(app, "asdfgh") is None
    assert "organisation.reject" in _actions(app)


def test_another_events_organiser_can_neither_see_nor_decide_it(
    app, client, make, login, open_event, lao_delegate
):
    _register(app, open_event, lao_delegate, "Pending College")
    pending = _organisation(app, "Pending College")
    other = make.event()
    login(make.user(roles={other: "organiser"}).email)
    review = client.get(f"/events/{other.slug}/organisations/new").get_data(as_text=True)
    assert "Pending College" not in review
    response = client.post(f"/events/{other.slug}/organisations/{pending.id}/accept")
    assert response.status_code == 404
    assert _organisation(app, "Pending College").is_pending


def test_organisers_and_the_partner_api(app, client, make, open_event, lao_delegate, organiser):
    result = app.test_cli_runner().invoke(
        args=["create-token", "--role", "partner", "--event", open_event.slug, "--label", "x"]
    )
    token = result.stdout.strip().splitlines()[0]
    body = {k: v for k, v in lao_delegate.items() if k != "arrival_time"}
    body["organisation"] = "Partner Named Institute"
    response = client.post(
        f"/api/v1/events/{open_event.slug}/registrations",
        json=api_body(body),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.get_json()
    assert _organisation(app, "Partner Named Institute").is_pending

    organiser()
    person = response.get_json()["id"]
    page = client.get(f"/events/{open_event.slug}/participants/{person}").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]*)"', page)
    form = dict(lao_delegate, organisation="Organiser Typed University")
    if csrf:
        form["csrf_token"] = csrf.group(1)
    client.post(f"/events/{open_event.slug}/participants/{person}", data=form)
    assert _organisation(app, "Organiser Typed University").status == OrganisationStatus.ACCEPTED
