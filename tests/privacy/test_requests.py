"""A head of delegation asks for a member's copy or erasure; organisers approve or refuse;
the head downloads an approved copy while it lasts, and hears of each decision by mail."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventhub import crypto
from eventhub.audit.models import AuditEntry
from eventhub.extensions import db
from eventhub.privacy.models import DataRequest, ErasureRun, RequestKind, RequestState
from eventhub.privacy.signals import person_erase
from eventhub.registration.models import Delegation, Participant

PASSPORT = "PA7654321"


@pytest.fixture
def thai(app, make, event):
    """The Thai delegation: its head (with an account) and a member with a passport."""
    user = make.user("head.th@example.ac.th", roles={event: "head_of_delegation"})
    head = make.participant(event, user_id=user.id, email=user.email, country_code="TH")
    delegation = make.delegation(event, name_en="Thai delegation", country_code="TH")
    member = make.participant(event, family_name="JAIDEE", given_name="Somchai", country_code="TH")
    with app.app_context():
        db.session.get(Delegation, delegation.id).head_id = head.id
        for person in (head, member):
            db.session.get(Participant, person.id).delegation_id = delegation.id
        db.session.get(Participant, member.id).passport_number_encrypted = crypto.encrypt(PASSPORT)
        db.session.commit()
    base = f"/events/{event.slug}/delegations/{delegation.id}/members/{member.id}/data"
    return {"user": user, "delegation": delegation, "member": member, "base": base}


def _ask(client, thai, kind: str, reason: str = ""):
    return client.post(f"{thai['base']}/ask", data={"kind": kind, "reason": reason})


def _requests(app) -> list[DataRequest]:
    with app.app_context():
        return list(db.session.scalars(sa.select(DataRequest).order_by(DataRequest.id)))


def _actions(app, event) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(AuditEntry.action)
                .where(AuditEntry.event_id == event.id)
                .order_by(AuditEntry.id)
            )
        )


def _organiser(client, make, login, event):
    client.post("/auth/logout")
    organiser = make.user(roles={event: "organiser"})
    login(organiser.email)
    return organiser


def test_head_asks_organiser_approves_and_head_downloads_the_copy(
    app, client, make, login, event, thai, outbox
):
    login(thai["user"].email)
    delegation_page = client.get(
        f"/events/{event.slug}/delegations/{thai['delegation'].id}/"
    ).get_data(as_text=True)
    assert thai["base"] in delegation_page  # the member's "Personal data" action
    page = client.get(f"{thai['base']}/ask?kind=export").get_data(as_text=True)
    assert "Somchai JAIDEE" in page and 'name="csrf_token"' in page
    response = _ask(client, thai, "export", "He asked me for it.")
    assert response.status_code == 302
    page = client.get(thai["base"]).get_data(as_text=True)
    assert "Waiting for the organisers" in page and "Download (JSON)" not in page
    (asked,) = _requests(app)

    _organiser(client, make, login, event)
    queue = client.get(f"/events/{event.slug}/privacy/requests").get_data(as_text=True)
    assert "Somchai JAIDEE" in queue and "He asked me for it." in queue
    assert "head.th@example.ac.th" in queue
    client.post(
        f"/events/{event.slug}/privacy/requests/{asked.id}/approve", data={"confirmed": "yes"}
    )
    (approved,) = _requests(app)
    assert approved.state == RequestState.APPROVED
    assert approved.available_until is not None
    mail = outbox[-1]
    assert mail["To"] == "head.th@example.ac.th" and "approved" in mail["Subject"]
    assert f"http://eventhub.test{thai['base']}" in mail.get_content()

    client.post("/auth/logout")
    login(thai["user"].email)
    page = client.get(thai["base"]).get_data(as_text=True)
    assert "Download (JSON)" in page
    download = client.get(f"{thai['base']}/{asked.id}.json")
    assert download.status_code == 200
    assert download.headers["Cache-Control"] == "no-store"
    assert "attachment" in download.headers["Content-Disposition"]
    body = json.loads(download.data)
    assert body["participant_id"] == thai["member"].id
    actions = _actions(app, event)
    assert actions.count("data_request.ask") == 1
    assert actions.count("data_request.approve") == 1
    assert actions.count("data_request.download") == 1
    assert PASSPORT in download.get_data(as_text=True)


def test_the_copy_expires(app, client, make, login, event, thai):
    login(thai["user"].email)
    _ask(client, thai, "export")
    (asked,) = _requests(app)
    _organiser(client, make, login, event)
    client.post(
        f"/events/{event.slug}/privacy/requests/{asked.id}/approve", data={"confirmed": "yes"}
    )
    client.post("/auth/logout")
    login(thai["user"].email)
    app.config["CLOCK_SHIFT"] = timedelta(days=8)
    try:
        expired = client.get(f"{thai['base']}/{asked.id}.json")
        page = client.get(thai["base"]).get_data(as_text=True)
    finally:
        app.config.pop("CLOCK_SHIFT")
    assert expired.status_code == 410
    assert "Ask again for a new one" in expired.get_data(as_text=True)
    assert "Download (JSON)" not in page and "Ask again for a new one" in page
    assert "data_request.download" not in _actions(app, event)


def test_the_pdf_copy(app, client, make, login, event, thai):
    login(thai["user"].email)
    _ask(client, thai, "export")
    (asked,) = _requests(app)
    _organiser(client, make, login, event)
    client.post(
        f"/events/{event.slug}/privacy/requests/{asked.id}/approve", data={"confirmed": "yes"}
    )
    client.post("/auth/logout")
    login(thai["user"].email)
    response = client.get(f"{thai['base']}/{asked.id}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert "data_request.download" in _actions(app, event)


def test_only_the_head_of_that_delegation_sees_and_downloads(app, client, make, login, event, thai):
    login(thai["user"].email)
    _ask(client, thai, "export")
    (asked,) = _requests(app)
    _organiser(client, make, login, event)
    client.post(
        f"/events/{event.slug}/privacy/requests/{asked.id}/approve", data={"confirmed": "yes"}
    )
    # The head of another delegation, and the organiser (who has the queue): nothing here.
    for_organiser = [
        client.get(thai["base"]).status_code,
        client.get(f"{thai['base']}/{asked.id}.json").status_code,
    ]
    assert set(for_organiser) <= {403, 404}
    client.post("/auth/logout")
    other = make.user(roles={event: "head_of_delegation"})
    lao_head = make.participant(event, user_id=other.id)
    lao = make.delegation(event, name_en="Lao delegation")
    with app.app_context():
        db.session.get(Delegation, lao.id).head_id = lao_head.id
        db.session.get(Participant, lao_head.id).delegation_id = lao.id
        db.session.commit()
    login(other.email)
    assert client.get(thai["base"]).status_code == 404
    assert client.get(f"{thai['base']}/{asked.id}.json").status_code == 404
    assert _ask(client, thai, "erasure", "Because").status_code == 404
    # Their own delegation's address with the Thai member: not a member there.
    mine = f"/events/{event.slug}/delegations/{lao.id}/members/{thai['member'].id}/data"
    assert client.get(mine).status_code == 404
    assert client.get(f"{mine}/{asked.id}.json").status_code == 404
    assert "data_request.download" not in _actions(app, event)


def test_asking_twice_and_erasure_needs_a_reason(app, client, login, event, thai):
    login(thai["user"].email)
    refused = _ask(client, thai, "erasure", "   ")
    assert refused.status_code == 400
    assert "Say why their data should be erased." in refused.get_data(as_text=True)
    assert _requests(app) == []
    _ask(client, thai, "erasure", "She left the ministry.")
    again = _ask(client, thai, "erasure", "Again")
    assert again.status_code == 302
    page = client.get(thai["base"]).get_data(as_text=True)
    assert "already been asked" in page
    assert len(_requests(app)) == 1
    # A copy is another kind: it can still be asked for.
    _ask(client, thai, "export")
    assert len(_requests(app)) == 2


def test_refusal_needs_a_reason_and_is_mailed(app, client, make, login, event, thai, outbox):
    login(thai["user"].email)
    _ask(client, thai, "export")
    (asked,) = _requests(app)
    _organiser(client, make, login, event)
    url = f"/events/{event.slug}/privacy/requests/{asked.id}/refuse"
    missing = client.post(url, data={"note": " "})
    assert missing.status_code == 400
    assert "Say why the request is refused" in missing.get_data(as_text=True)
    assert _requests(app)[0].state == RequestState.REQUESTED
    client.post(url, data={"note": "Ask the participant to write to us directly."})
    (refused,) = _requests(app)
    assert refused.state == RequestState.REFUSED
    assert "refused" in outbox[-1]["Subject"]
    assert "write to us directly" in outbox[-1].get_content()
    queue = client.get(f"/events/{event.slug}/privacy/requests").get_data(as_text=True)
    assert "No request waits for a decision." in queue and "write to us directly" in queue
    # A decided request is not decided again.
    client.post(
        f"/events/{event.slug}/privacy/requests/{asked.id}/approve", data={"confirmed": "yes"}
    )
    assert _requests(app)[0].state == RequestState.REFUSED
    client.post("/auth/logout")
    login(thai["user"].email)
    response = client.get(f"{thai['base']}/{asked.id}.json")
    assert response.status_code == 404
    assert "This request was refused" in response.get_data(as_text=True)
    assert "data_request.refuse" in _actions(app, event)


def test_an_approved_erasure_erases_the_person(app, client, make, login, event, thai, outbox):
    login(thai["user"].email)
    _ask(client, thai, "erasure", "She left the ministry.")
    (asked,) = _requests(app)
    _organiser(client, make, login, event)
    url = f"/events/{event.slug}/privacy/requests/{asked.id}/approve"
    confirm = client.get(url).get_data(as_text=True)
    assert "This cannot be undone." in confirm
    # Without the confirmation, the page asks again and nothing is erased.
    assert client.post(url, data={}).status_code == 200
    assert _requests(app)[0].state == RequestState.REQUESTED
    client.post(url, data={"confirmed": "yes"})
    (approved,) = _requests(app)
    assert approved.state == RequestState.APPROVED and approved.erasure_run_id
    with app.app_context():
        run = db.session.get(ErasureRun, approved.erasure_run_id)
        assert run.participant_id == thai["member"].id
        member = db.session.get(Participant, thai["member"].id)
        handled = any(
            receiver.__module__.startswith("eventhub.registration")
            for receiver in person_erase.receivers_for(event)
        )
        if handled:
            assert member.erased_at is not None
    assert {"person.erase", "data_request.approve"} <= set(_actions(app, event))
    # The head is told, in a mail that does not name the person erased.
    mail = outbox[-1]
    assert mail["To"] == "head.th@example.ac.th" and "erasure" in mail["Subject"]
    assert "JAIDEE" not in mail["Subject"] + mail.get_content()
    assert thai["base"] in mail.get_content()
    # Erased: nothing more can be asked about them.
    client.post("/auth/logout")
    login(thai["user"].email)
    page = client.get(thai["base"]).get_data(as_text=True)
    assert "has been erased" in page
    _ask(client, thai, "export")
    assert len(_requests(app)) == 1


def test_queue_is_for_organisers_and_empty_at_first(client, as_role, event):
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/privacy/requests").get_data(as_text=True)
    assert "No request waits for a decision." in page
    assert "No request has been decided yet." in page


def test_the_queue_refuses_others(client, as_role, event):
    as_role("head_of_delegation")
    assert client.get(f"/events/{event.slug}/privacy/requests").status_code == 403


def test_a_request_of_another_event_is_not_found(app, client, make, login, event, thai):
    login(thai["user"].email)
    _ask(client, thai, "export")
    (asked,) = _requests(app)
    other = make.event()
    client.post("/auth/logout")
    login(make.user(roles={other: "organiser"}).email)
    url = f"/events/{other.slug}/privacy/requests/{asked.id}/approve"
    assert client.post(url, data={"confirmed": "yes"}).status_code == 404
    assert _requests(app)[0].state == RequestState.REQUESTED


def test_the_home_page_tells_organisers_what_waits(client, make, login, event, thai):
    login(thai["user"].email)
    _ask(client, thai, "export")
    _organiser(client, make, login, event)
    page = client.get(f"/events/{event.slug}/").get_data(as_text=True)
    assert re.search(r"1 request waits for your decision", page)


def test_the_person_asks_for_their_own_erasure_by_their_link(
    app, client, make, login, event, thai, outbox
):
    from eventhub.registration.own_link import new_access_key

    with app.app_context():
        member = db.session.get(Participant, thai["member"].id)
        member.email = "somchai@example.ac.th"
        key = new_access_key(member)
        db.session.commit()
    own = f"/events/{event.slug}/me/{key}"
    assert "Ask for erasure of my data" in client.get(own).get_data(as_text=True)
    page = client.get(f"{own}/erasure").get_data(as_text=True)
    assert "It cannot be undone." in page
    # The person owes nobody a reason (GDPR art. 17, PIPL art. 47): none is asked.
    client.post(f"{own}/erasure", data={"reason": ""})
    (asked,) = _requests(app)
    assert asked.reason == ""
    assert asked.requested_by_id is None and asked.kind == RequestKind.ERASURE
    assert "You asked for the erasure of your data" in client.get(own).get_data(as_text=True)
    # Refused: the person hears of it at their address, with their own link.
    _organiser(client, make, login, event)
    client.post(
        f"/events/{event.slug}/privacy/requests/{asked.id}/refuse",
        data={"note": "Your visa file is still open."},
    )
    mail = outbox[-1]
    assert mail["To"] == "somchai@example.ac.th" and "refused" in mail["Subject"]
    assert f"http://eventhub.test{own}" in mail.get_content()


def test_without_a_public_address_nothing_is_decided(app, client, make, login, event, thai):
    """The decision's mail carries a link: without the site's public address it is refused,
    and the request stays as it was (the organiser reads why)."""
    login(thai["user"].email)
    _ask(client, thai, "export")
    (asked,) = _requests(app)
    _organiser(client, make, login, event)
    public = app.config.pop("PUBLIC_URL")
    try:
        page = client.post(
            f"/events/{event.slug}/privacy/requests/{asked.id}/approve",
            data={"confirmed": "yes"},
            follow_redirects=True,
        ).get_data(as_text=True)
    finally:
        app.config["PUBLIC_URL"] = public
    assert "public address is not configured" in page
    assert _requests(app)[0].state == RequestState.REQUESTED
