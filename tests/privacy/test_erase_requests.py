"""Requests about an erased person: the free text of their requests goes with them, the
mail telling them of their own erasure leaves no address behind once delivered, and an
approved copy is for the head who asked only."""

from __future__ import annotations

import json

import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.extensions import db
from eventhub.outbox.models import MailState, OutboxMessage
from eventhub.privacy.models import DataRequest, RequestKind, RequestState
from eventhub.registration.models import Delegation, Participant

from . import test_requests
from .test_requests import _ask, _organiser, _requests

thai = test_requests.thai  # the Thai delegation, its head and a member (fixture)

ADDRESS = "somchai@example.ac.th"


def _approve(client, event, request_id: int, note: str = ""):
    return client.post(
        f"/events/{event.slug}/privacy/requests/{request_id}/approve",
        data={"confirmed": "yes", "note": note},
    )


def test_a_self_requested_erasure_leaves_no_address_in_the_outbox(
    app, client, make, login, event, thai, outbox
):
    from eventhub.registration.own_link import new_access_key

    with app.app_context():
        member = db.session.get(Participant, thai["member"].id)
        member.email = ADDRESS
        key = new_access_key(member)
        db.session.commit()
    client.post(
        f"/events/{event.slug}/me/{key}/erasure",
        data={"reason": "I no longer work for the ministry."},
    )
    (asked,) = _requests(app)
    _organiser(client, make, login, event)
    assert _approve(client, event, asked.id).status_code == 302
    # The person hears of it at their address...
    mail = outbox[-1]
    assert mail["To"] == ADDRESS and "erasure" in mail["Subject"]
    # ...and once it has gone, the outbox no longer holds the address, nor the mail's text.
    with app.app_context():
        messages = db.session.scalars(sa.select(OutboxMessage)).all()
        assert messages and all(m.state == MailState.SENT for m in messages if not m.recipient)
        stored = json.dumps(
            [[m.recipient, m.subject, m.text, m.html] for m in messages], ensure_ascii=False
        )
        assert ADDRESS not in stored
        audit = json.dumps(
            [[e.actor, e.changes] for e in db.session.scalars(sa.select(AuditEntry))],
            ensure_ascii=False,
            default=str,
        )
        assert ADDRESS not in audit
        (request,) = db.session.scalars(sa.select(DataRequest)).all()
        assert request.reason == "" and request.state == RequestState.APPROVED


def test_the_erased_persons_requests_keep_no_free_text(
    app, client, make, login, event, thai, outbox
):
    login(thai["user"].email)
    _ask(client, thai, "export", "Somchai JAIDEE wants to check his passport number.")
    _ask(client, thai, "erasure", "Somchai JAIDEE left the ministry in May.")
    export, erasure = _requests(app)
    _organiser(client, make, login, event)
    _approve(client, event, export.id, note="Sent to Mr JAIDEE's head")
    _approve(client, event, erasure.id, note="Done for Mr JAIDEE, as the ministry asked")
    # The head still reads the organisers' note in the mail telling them.
    assert "as the ministry asked" in outbox[-1].get_content()
    for request in _requests(app):
        assert request.reason == "" and request.decision_note == ""
        assert request.state == RequestState.APPROVED and request.decided_at is not None
        assert request.requested_at is not None
    assert {r.kind for r in _requests(app)} == {RequestKind.EXPORT, RequestKind.ERASURE}
    client.post("/auth/logout")
    login(thai["user"].email)
    page = client.get(thai["base"]).get_data(as_text=True)
    assert "left the ministry" not in page and "passport number" not in page
    assert "as the ministry asked" not in page and "has been erased" in page


def test_only_the_head_who_asked_downloads_the_copy(app, client, make, login, event, thai):
    login(thai["user"].email)
    _ask(client, thai, "export", "He asked me for it.")
    (asked,) = _requests(app)
    _organiser(client, make, login, event)
    _approve(client, event, asked.id)
    # The delegation gets a new head, with an account: the copy was not theirs to ask for.
    successor = make.user("new.head@example.ac.th", roles={event: "head_of_delegation"})
    new_head = make.participant(event, user_id=successor.id, email=successor.email)
    with app.app_context():
        db.session.get(Participant, new_head.id).delegation_id = thai["delegation"].id
        db.session.get(Delegation, thai["delegation"].id).head_id = new_head.id
        db.session.commit()
    client.post("/auth/logout")
    login(successor.email)
    page = client.get(thai["base"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Download (JSON)" not in html and "asked for by someone else" in html
    for suffix in ("json", "pdf"):
        refused = client.get(f"{thai['base']}/{asked.id}.{suffix}")
        assert refused.status_code == 404
        assert "asked for by someone else" in refused.get_data(as_text=True)
    with app.app_context():
        assert not db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "data_request.download")
        ).all()


def test_a_mail_to_an_erased_person_given_up_forgets_the_address_too(app, event, monkeypatch):
    import smtplib

    from eventhub import jobs, mail
    from eventhub.outbox import services as mail_outbox

    from ..test_jobs import _Server

    server = _Server(
        {ADDRESS: smtplib.SMTPRecipientsRefused({ADDRESS: (550, f"no {ADDRESS} here".encode())})}
    )
    monkeypatch.setattr(mail, "connection", lambda: server)
    held = app.extensions.get("eventhub_jobs_held")
    app.extensions["eventhub_jobs_held"] = []  # queue only: delivered by hand below
    try:
        with app.app_context():
            mail_outbox.queue(
                ADDRESS, "Erased", "Text", event_id=event.id, forget_after_delivery=True
            )
            mail_outbox.queue("head@example.la", "Kept", "Text", event_id=event.id)
            jobs.commit()
    finally:
        app.extensions["eventhub_jobs_held"] = held
    with app.app_context():
        mail_outbox.deliver()
        forgotten, kept = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id))
        assert forgotten.state == MailState.FAILED and forgotten.finished_at is not None
        assert ADDRESS not in json.dumps(
            [forgotten.recipient, forgotten.subject, forgotten.text, forgotten.last_error]
        )
        assert kept.state == MailState.SENT and kept.recipient == "head@example.la"


def test_the_heads_mail_naming_the_member_is_forgotten_once_delivered(
    app, client, make, login, event, thai, outbox
):
    """A refusal tells the head "your request about Somchai JAIDEE's data was refused": once
    delivered, the outbox keeps neither the name nor the words, so the member's later
    erasure leaves nothing of them in the mail log."""
    login(thai["user"].email)
    _ask(client, thai, "erasure", "He left the ministry.")
    (asked,) = _requests(app)
    _organiser(client, make, login, event)
    client.post(
        f"/events/{event.slug}/privacy/requests/{asked.id}/refuse",
        data={"note": "His visa file is still open."},
    )
    mail = outbox[-1]
    assert "JAIDEE" in mail["Subject"].upper() or "Somchai" in mail.get_content()
    with app.app_context():
        stored = json.dumps(
            [
                [m.recipient, m.subject, m.text]
                for m in db.session.scalars(sa.select(OutboxMessage))
            ],
            ensure_ascii=False,
        )
        assert "JAIDEE" not in stored.upper() and "Somchai" not in stored
