"""A head of delegation cannot hand a member's registration to someone else's account: the
owner of an existing account confirms from their mailbox first (issue 17, item 5)."""

from __future__ import annotations

import re

import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.extensions import db
from eventhub.registration.models import Participant, Status

from ..factories import PASSWORD
from .test_delegations import _head_with_delegation

VIP = {"family_name": "SOUVANNAVONG", "given_name": "Khampheng"}


def _member_moved_to(client, make, event, login, app, lao_delegate, email):
    """The head's VIP member, whose email the head then edits to `email` and to whom the
    head gives a login."""
    _user, delegation = _head_with_delegation(make, event, login, app)
    member = make.participant(
        event, delegation_id=delegation.id, status=Status.PENDING, email="vip@example.la", **VIP
    )
    base = f"/events/{event.slug}/delegations/{delegation.id}/members/{member.id}"
    edited = client.post(base, data=dict(lao_delegate, **VIP, email=email))
    assert edited.status_code == 302, edited.get_data(as_text=True)[:2000]
    client.post(f"{base}/login")
    return member


def _link_in(outbox, to: str) -> str:
    mail = next(m for m in reversed(outbox) if m["To"] == to)
    return re.search(r"http://eventhub\.test(\S+)", mail.get_content()).group(1)


def _actions(app, participant_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(AuditEntry.action)
                .where(
                    AuditEntry.object_type == "Participant",
                    AuditEntry.object_id == str(participant_id),
                )
                .order_by(AuditEntry.id)
            )
        )


def test_an_existing_account_sees_a_members_registration_only_after_its_owner_confirms(
    client, make, open_event, login, app, outbox, lao_delegate
):
    owner = make.user("someone.else@example.org")
    member = _member_moved_to(
        client, make, open_event, login, app, lao_delegate, "someone.else@example.org"
    )
    # Nothing is linked yet: the account sees no registration.
    owner_client = app.test_client()
    owner_client.post("/auth/login", data={"email": owner.email, "password": PASSWORD})
    with app.app_context():
        assert db.session.get(Participant, member.id).user_id is None
    assert "SOUVANNAVONG" not in owner_client.get("/my-registration").get_data(as_text=True)
    assert "participant.account_link_requested" in _actions(app, member.id)

    # The owner's mailbox has a confirmation link, not a login or a password link.
    link = _link_in(outbox, "someone.else@example.org")
    assert link.startswith("/my-registration/link/")
    page = owner_client.get(link, follow_redirects=True)
    assert "SOUVANNAVONG" in page.get_data(as_text=True)
    # The token stays out of the address the browser shows and sends as a Referer.
    token = link.rsplit("/", 1)[1]
    assert token not in page.request.url and page.headers["Referrer-Policy"] == "no-referrer"
    owner_client.post(page.request.path)
    with app.app_context():
        assert db.session.get(Participant, member.id).user_id == owner.id
    assert "SOUVANNAVONG" in owner_client.get("/my-registration").get_data(as_text=True)
    assert "participant.account_linked" in _actions(app, member.id)
    # The link works once.
    assert owner_client.post(link).status_code == 400


def test_a_confirmation_link_goes_stale_when_the_address_changes_again(
    client, make, open_event, login, app, outbox, lao_delegate
):
    make.user("someone.else@example.org")
    member = _member_moved_to(
        client, make, open_event, login, app, lao_delegate, "someone.else@example.org"
    )
    link = _link_in(outbox, "someone.else@example.org")
    with app.app_context():
        db.session.get(Participant, member.id).email = "vip@example.la"
        db.session.commit()
    assert app.test_client().post(link).status_code == 400
    with app.app_context():
        assert db.session.get(Participant, member.id).user_id is None


def test_someone_logged_in_as_another_account_cannot_confirm(
    client, make, open_event, login, app, outbox, lao_delegate
):
    make.user("someone.else@example.org")
    member = _member_moved_to(
        client, make, open_event, login, app, lao_delegate, "someone.else@example.org"
    )
    link = _link_in(outbox, "someone.else@example.org")
    assert client.post(link).status_code == 403  # the head, logged in, clicking it
    with app.app_context():
        assert db.session.get(Participant, member.id).user_id is None


def test_a_new_address_still_gets_its_own_login_at_once(
    client, make, open_event, login, app, outbox, lao_delegate
):
    member = _member_moved_to(
        client, make, open_event, login, app, lao_delegate, "khampheng@example.la"
    )
    with app.app_context():
        assert db.session.get(Participant, member.id).user_id is not None
    assert "/auth/reset/" in _link_in(outbox, "khampheng@example.la")
