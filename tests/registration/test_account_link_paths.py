"""Every way a registration reaches an account: an account that exists already is linked
only once its owner confirms from their mailbox (issue 17, item 5, all paths). The organiser
or head who asked reads that a confirmation was sent; asking again soon mails nothing new."""

from __future__ import annotations

import re

import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.auth.models import EventMembership, Role, User
from eventhub.extensions import db
from eventhub.registration.models import Participant, Status

from ..factories import PASSWORD
from .conftest import api_body
from .test_account_links import _member_moved_to
from .test_api import _token
from .test_import import SAMPLE, _mapping, _upload

OWNER = "minister.office@example.la"


def _linked_to(app, email: str) -> list[int]:
    """The registrations the account with this address sees as its own."""
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        return list(
            db.session.scalars(sa.select(Participant.id).where(Participant.user_id == user.id))
        )


def _roles(app, email: str) -> set[Role]:
    with app.app_context():
        return set(
            db.session.scalars(
                sa.select(EventMembership.role)
                .join(User, User.id == EventMembership.user_id)
                .where(User.email == email)
            )
        )


def _confirmation_links(outbox, to: str) -> list[str]:
    return [
        re.search(r"http://eventhub\.test(/my-registration/link/\S+)", m.get_content()).group(1)
        for m in outbox
        if m["To"] == to and "/my-registration/link/" in m.get_content()
    ]


def test_an_organiser_making_someone_head_under_an_existing_address_waits_for_its_owner(
    app, client, as_role, make, event, outbox
):
    owner = make.user(OWNER)
    delegation = make.delegation(event, name_en="Lao PDR national delegation")
    member = make.participant(event, delegation_id=delegation.id, email=OWNER)
    as_role("organiser")
    base = f"/events/{event.slug}/delegations/{delegation.id}"
    page = client.post(f"{base}/head", data={"head": member.id}, follow_redirects=True)
    assert f"a confirmation was sent to {OWNER}" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Participant, member.id).user_id is None
    assert _roles(app, OWNER) == set()
    # Choosing the head again soon mails nothing new and says one is pending.
    again = client.post(f"{base}/head", data={"head": member.id}, follow_redirects=True)
    assert "still pending" in again.get_data(as_text=True)
    # The owner confirms from the mail, and then heads the delegation.
    (link,) = _confirmation_links(outbox, OWNER)
    owner_client = app.test_client()
    owner_client.post("/auth/login", data={"email": owner.email, "password": PASSWORD})
    owner_client.post(link)
    assert _linked_to(app, OWNER) == [member.id]
    assert Role.HEAD_OF_DELEGATION in _roles(app, OWNER)
    assert owner_client.get(f"{base}/").status_code == 200


def test_an_operator_at_the_command_line_links_an_existing_account_at_once(app, make, event):
    make.user(OWNER)
    delegation = make.delegation(event, name_en="Lao PDR national delegation")
    member = make.participant(event, delegation_id=delegation.id, email=OWNER)
    result = app.test_cli_runner().invoke(
        args=["delegations", "set-head", event.slug, str(delegation.id), str(member.id)]
    )
    assert result.exit_code == 0, result.output
    assert _linked_to(app, OWNER) == [member.id]
    assert Role.HEAD_OF_DELEGATION in _roles(app, OWNER)


def test_an_organiser_editing_an_email_to_an_existing_address_links_nothing(
    app, client, as_role, make, event, lao_delegate
):
    make.user(OWNER)
    person = make.participant(event, email="vip@example.la")
    as_role("organiser")
    saved = client.post(
        f"/events/{event.slug}/participants/{person.id}", data=dict(lao_delegate, email=OWNER)
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    with app.app_context():
        assert db.session.get(Participant, person.id).email == OWNER
    assert _linked_to(app, OWNER) == []


def test_registering_with_an_existing_accounts_address_links_nothing(
    app, client, make, open_event, lao_delegate
):
    make.user(OWNER)
    response = client.post(
        f"/events/{open_event.slug}/register", data=dict(lao_delegate, email=OWNER)
    )
    assert response.status_code == 302
    assert _linked_to(app, OWNER) == []


def test_approving_a_registration_links_nothing(app, client, as_role, make, event):
    make.user(OWNER)
    person = make.participant(event, email=OWNER, status=Status.PENDING)
    as_role("organiser")
    client.post(
        f"/events/{event.slug}/participants/bulk", data={"ids": [person.id], "action": "approve"}
    )
    with app.app_context():
        assert db.session.get(Participant, person.id).status == Status.APPROVED
    assert _linked_to(app, OWNER) == []


def test_a_partner_registering_an_existing_accounts_address_links_nothing(
    app, client, make, event, lao_delegate
):
    make.user(OWNER)
    response = client.post(
        f"/api/v1/events/{event.slug}/registrations",
        json=api_body(dict(lao_delegate, email=OWNER)),
        headers={"Authorization": f"Bearer {_token(app, event, 'partner')}"},
    )
    assert response.status_code == 201, response.get_json()
    assert _linked_to(app, OWNER) == []


def test_an_import_matching_an_existing_accounts_address_links_nothing(
    app, client, as_role, make, event
):
    make.user("bounmy.p@example.la")  # an address in the sample
    as_role("organiser")
    preview_url = _upload(client, event, SAMPLE.read_bytes(), "delegation-sample.csv")
    page = client.get(preview_url).get_data(as_text=True)
    done = client.post(preview_url, data={"action": "import", **_mapping(page)})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.scalar(
            sa.select(Participant.id).where(Participant.email == "bounmy.p@example.la")
        )
    assert _linked_to(app, "bounmy.p@example.la") == []


def test_giving_a_login_again_while_a_confirmation_is_pending_mails_nothing_new(
    client, make, open_event, login, app, outbox, lao_delegate
):
    make.user(OWNER)
    member = _member_moved_to(client, make, open_event, login, app, lao_delegate, OWNER)
    assert len(_confirmation_links(outbox, OWNER)) == 1
    base = f"/events/{open_event.slug}/delegations/{member.delegation_id}/members/{member.id}"
    for _click in range(3):
        page = client.post(f"{base}/login", follow_redirects=True).get_data(as_text=True)
        assert f"confirmation sent to {OWNER}" in page and "still pending" in page
    assert len(_confirmation_links(outbox, OWNER)) == 1
    # Once the interval has passed, asking again mails a fresh link.
    with app.app_context():
        entry = db.session.scalar(
            sa.select(AuditEntry)
            .where(AuditEntry.action == "participant.account_link_requested")
            .order_by(AuditEntry.id.desc())
        )
        entry.created_at -= __import__("datetime").timedelta(
            seconds=app.config["ACCOUNT_LINK_RESEND_INTERVAL"] + 1
        )
        db.session.commit()
    page = client.post(f"{base}/login", follow_redirects=True).get_data(as_text=True)
    assert f"a confirmation was sent to {OWNER}" in page
    assert len(_confirmation_links(outbox, OWNER)) == 2


def test_merging_keeps_only_an_account_one_of_the_two_registrations_had(
    app, client, as_role, make, event
):
    """The merged registration is the account's own duplicate: the account that owned the
    removed one keeps seeing the person; an address alone links nobody."""
    make.user(OWNER)
    had = make.user("khampheng@example.la")
    kept = make.participant(event, email=OWNER)
    removed = make.participant(event, email="khampheng@example.la")
    with app.app_context():
        db.session.get(Participant, removed.id).user_id = had.id
        db.session.commit()
    as_role("organiser")
    client.post(
        f"/events/{event.slug}/participants/duplicates/merge",
        data={"keep": kept.id, "remove": removed.id, "step": "confirm", "account": "take"},
    )
    with app.app_context():
        assert db.session.get(Participant, removed.id) is None
    assert _linked_to(app, OWNER) == []
    assert _linked_to(app, "khampheng@example.la") == [kept.id]
