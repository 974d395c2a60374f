"""A head of delegation registers and manages the members of their delegation."""

from __future__ import annotations

import re

import sqlalchemy as sa

from eventhub.auth.models import EventMembership, Role
from eventhub.extensions import db
from eventhub.registration.models import (
    Delegation,
    Participant,
    ParticipantPhoto,
    Source,
    Status,
)

MEMBERS = [
    ("PHOMMACHANH", "Bounmy", "ບຸນມີ ພົມມະຈັນ"),
    ("SICHALEUNE", "Somphone", "ສົມພອນ ສີຈະເລີນ"),
    ("VONGSA", "Manivanh", "ມະນີວັນ ວົງສາ"),
    ("CHANTHALA", "Thongla", "ທອງລາ ຈັນທະລາ"),
    ("INTHAVONG", "Anousone", "ອານຸສອນ ອິນທະວົງ"),
]


def _head_with_delegation(make, event, login, app):
    user = make.user("head.la@example.la", roles={event: "head_of_delegation"})
    head = make.participant(event, user_id=user.id, email=user.email)
    delegation = make.delegation(event, name_en="Lao PDR national delegation", country_code="LA")
    with app.app_context():
        stored = db.session.get(Delegation, delegation.id)
        stored.head_id = head.id
        db.session.get(Participant, head.id).delegation_id = delegation.id
        db.session.commit()
    login(user.email)
    return user, delegation


def test_head_registers_five_members_and_sees_their_status(
    client, make, open_event, login, app, outbox, lao_delegate
):
    _user, delegation = _head_with_delegation(make, open_event, login, app)
    base = f"/events/{open_event.slug}/delegations/{delegation.id}"
    form = client.get(f"{base}/members/new").get_data(as_text=True)
    assert 'value="LA" selected' in form or 'selected value="LA"' in form
    for family, given, native in MEMBERS:
        data = dict(
            lao_delegate,
            family_name=family,
            given_name=given,
            native_name=native,
            email=f"{given.lower()}.{family.lower()}@example.la",
        )
        response = client.post(f"{base}/members/new", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    page = client.get(f"{base}/").get_data(as_text=True)
    assert "6 members" in page  # the head and five members
    for _family, _given, native in MEMBERS:
        assert native in page
    assert page.count("Pending review") == 5
    with app.app_context():
        members = db.session.scalars(
            sa.select(Participant).where(
                Participant.delegation_id == delegation.id, Participant.source == Source.DELEGATION
            )
        ).all()
        assert len(members) == 5
    assert len(outbox) == 5  # each member gets the link to their own page


def test_head_edits_withdraws_and_gives_a_login(client, make, event, login, app, outbox):
    _user, delegation = _head_with_delegation(make, event, login, app)
    member = make.participant(
        event, delegation_id=delegation.id, email="member@example.la", status=Status.PENDING
    )
    base = f"/events/{event.slug}/delegations/{delegation.id}"
    client.post(f"{base}/members/{member.id}/withdraw", data={"confirmed": "yes"})
    client.post(f"{base}/members/{member.id}/login")
    with app.app_context():
        stored = db.session.get(Participant, member.id)
        assert stored.status == Status.WITHDRAWN and stored.user_id is not None
        roles = db.session.scalars(
            sa.select(EventMembership.role).where(EventMembership.user_id == stored.user_id)
        ).all()
        assert roles == [Role.DELEGATE]
    link = re.search(r"http://eventhub\.test(/auth/reset/\S+)", outbox[-1].get_content()).group(1)
    member_client = app.test_client()
    member_client.post(link, data={"new_password": "vientiane 2025", "confirm": "vientiane 2025"})
    page = member_client.get(f"/events/{event.slug}/").get_data(as_text=True)
    assert "Your registration" in page and "Withdrawn" in page


def test_heads_manage_only_their_own_delegation(client, make, event, login, app):
    _user, _own = _head_with_delegation(make, event, login, app)
    other = make.delegation(event, name_en="Thai delegation", country_code="TH")
    stranger = make.participant(event, delegation_id=other.id)
    base = f"/events/{event.slug}/delegations/{other.id}"
    assert client.get(f"{base}/").status_code == 403
    assert client.post(f"{base}/members/{stranger.id}/withdraw").status_code == 403
    with app.app_context():
        assert db.session.get(Participant, stranger.id).status == Status.APPROVED


def test_members_of_another_delegation_cannot_be_reached_through_mine(
    client, make, event, login, app
):
    _user, own = _head_with_delegation(make, event, login, app)
    other = make.delegation(event, name_en="Thai delegation", country_code="TH")
    stranger = make.participant(event, delegation_id=other.id)
    response = client.post(
        f"/events/{event.slug}/delegations/{own.id}/members/{stranger.id}/withdraw"
    )
    assert response.status_code == 404


def test_delegates_cannot_manage_delegations(client, as_role, make, event):
    delegation = make.delegation(event)
    as_role("delegate")
    assert client.get(f"/events/{event.slug}/delegations/{delegation.id}/").status_code == 403


def test_withdrawing_asks_first_then_can_be_undone(client, make, open_event, login, app):
    _user, delegation = _head_with_delegation(make, open_event, login, app)
    member = make.participant(
        open_event, delegation_id=delegation.id, status=Status.WAITLISTED, given_name="Manivanh"
    )
    base = f"/events/{open_event.slug}/delegations/{delegation.id}"
    page = client.get(f"{base}/").get_data(as_text=True)
    withdraw = f"{base}/members/{member.id}/withdraw"
    assert f'href="{withdraw}"' in page  # a link to a question, not a one-click form
    question = client.get(withdraw).get_data(as_text=True)
    assert "Withdraw Manivanh KEOMANY?" in question and 'name="confirmed"' in question
    client.post(withdraw)  # a form that did not go through the question changes nothing
    with app.app_context():
        assert db.session.get(Participant, member.id).status == Status.WAITLISTED
    client.post(withdraw, data={"confirmed": "yes"})
    with app.app_context():
        assert db.session.get(Participant, member.id).status == Status.WITHDRAWN
    page = client.get(f"{base}/").get_data(as_text=True)
    assert "Restore Manivanh KEOMANY" in page
    response = client.post(f"{base}/members/{member.id}/restore", follow_redirects=True)
    assert "back in the delegation: Waiting list" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Participant, member.id).status == Status.WAITLISTED


def test_a_head_withdrawing_himself_is_asked_about_himself(client, make, open_event, login, app):
    user, delegation = _head_with_delegation(make, open_event, login, app)
    with app.app_context():
        head_id = db.session.get(Delegation, delegation.id).head_id
    base = f"/events/{open_event.slug}/delegations/{delegation.id}"
    question = client.get(f"{base}/members/{head_id}/withdraw").get_data(as_text=True)
    assert "Withdraw yourself?" in question and "Yes, withdraw myself" in question


def test_an_approved_member_restored_comes_back_pending_and_organisers_are_told(
    client, make, open_event, login, app, outbox
):
    make.user("committee@example.cn", roles={open_event: "organiser"})
    _user, delegation = _head_with_delegation(make, open_event, login, app)
    minister = make.participant(open_event, delegation_id=delegation.id, status=Status.APPROVED)
    base = f"/events/{open_event.slug}/delegations/{delegation.id}/members/{minister.id}"
    question = client.get(f"{base}/withdraw").get_data(as_text=True)
    assert "restored, they come back pending review" in question
    client.post(f"{base}/withdraw", data={"confirmed": "yes"})
    response = client.post(f"{base}/restore", follow_redirects=True)
    assert "the organisers review them again" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Participant, minister.id).status == Status.PENDING
    told = [m for m in outbox if m["To"] == "committee@example.cn"]
    assert len(told) == 1 and "Somphone KEOMANY" in told[0]["Subject"]


def test_heads_restore_only_while_registration_is_open(client, make, event, login, app):
    """`event` has no registration period open: the organisers decide from then on."""
    _user, delegation = _head_with_delegation(make, event, login, app)
    member = make.participant(
        event, delegation_id=delegation.id, status=Status.WITHDRAWN, withdrawn_from=Status.PENDING
    )
    base = f"/events/{event.slug}/delegations/{delegation.id}"
    assert "Restore KEOMANY" not in client.get(f"{base}/").get_data(as_text=True)
    response = client.post(f"{base}/members/{member.id}/restore", follow_redirects=True)
    assert "not open" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Participant, member.id).status == Status.WITHDRAWN


def test_a_photo_for_an_approved_member_warns_first_and_tells_the_organisers(
    client, make, open_event, login, app, outbox
):
    from .conftest import image_bytes

    make.user("committee@example.cn", roles={open_event: "organiser"})
    _user, delegation = _head_with_delegation(make, open_event, login, app)
    minister = make.participant(
        open_event,
        delegation_id=delegation.id,
        status=Status.APPROVED,
        organisation=None,
        email="minister@example.la",
    )
    url = f"/events/{open_event.slug}/delegations/{delegation.id}/members/{minister.id}"
    form = client.get(url).get_data(as_text=True)
    assert "sends the registration back to pending review" in form
    values = {
        "family_name": "KEOMANY",
        "given_name": "Somphone",
        "organisation": "Ministry of Education and Sports",
        "country": "LA",
        "email": "minister@example.la",
        "photo": (__import__("io").BytesIO(image_bytes()), "minister.png"),
    }
    asked = client.post(url, data=values).get_data(as_text=True)
    assert "Nothing is saved yet" in asked and "Save and send back to review" in asked
    with app.app_context():  # nothing stored before the head confirms
        assert db.session.get(Participant, minister.id).status == Status.APPROVED
        assert db.session.get(ParticipantPhoto, minister.id) is None
        assert outbox == []
    token = re.search(r'name="photo_token" type="hidden" value="([^"]+)"', asked)
    token = token or re.search(r'id="photo_token" name="photo_token"[^>]*value="([^"]+)"', asked)
    values = {**values, "photo": None, "photo_token": token.group(1), "confirm_review": "1"}
    del values["photo"]
    response = client.post(url, data=values, follow_redirects=True)
    assert "is back to pending review: the organisers have been told" in response.get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.get(Participant, minister.id).status == Status.PENDING
        assert db.session.get(ParticipantPhoto, minister.id) is not None
    told = [m for m in outbox if m["To"] == "committee@example.cn"]
    assert len(told) == 1 and "Photo" in told[0].get_content()
    assert "(Lao PDR national delegation)" in told[0].get_content()


def test_a_head_who_cancels_the_photo_warning_leaves_the_member_approved(
    client, make, open_event, login, app, outbox
):
    from .conftest import image_bytes

    _user, delegation = _head_with_delegation(make, open_event, login, app)
    minister = make.participant(
        open_event, delegation_id=delegation.id, status=Status.APPROVED, organisation=None
    )
    url = f"/events/{open_event.slug}/delegations/{delegation.id}/members/{minister.id}"
    values = {
        "family_name": "KEOMANY",
        "given_name": "Somphone Changed",
        "organisation": "Ministry of Education and Sports",
        "country": "LA",
        "email": "minister@example.la",
        "photo": (__import__("io").BytesIO(image_bytes()), "minister.png"),
    }
    asked = client.post(url, data=values).get_data(as_text=True)
    cancel = re.search(r'<a class="btn btn-outline-secondary" href="([^"]+)">Cancel', asked)
    assert cancel and "Nothing is saved yet" in asked
    assert client.get(cancel.group(1)).status_code == 200  # back to the delegation
    with app.app_context():
        kept = db.session.get(Participant, minister.id)
        assert kept.status == Status.APPROVED and kept.given_name != "Somphone Changed"
        assert db.session.get(ParticipantPhoto, minister.id) is None
    assert outbox == []


def test_members_added_by_a_head_get_the_delegations_organisation(
    client, make, open_event, login, app
):
    university = make.organisation(name_en="National University of Laos")
    user = make.user("head@example.la", roles={open_event: "head_of_delegation"})
    head = make.participant(open_event, user_id=user.id, organisation_id=university.id)
    national = make.delegation(open_event, name_en="Lao PDR national delegation")
    with app.app_context():
        db.session.get(Delegation, national.id).head_id = head.id
        db.session.get(Participant, head.id).delegation_id = national.id
        db.session.commit()
    login(user.email)
    form = client.get(f"/events/{open_event.slug}/delegations/{national.id}/members/new").get_data(
        as_text=True
    )
    assert 'value="National University of Laos"' in form


def test_an_approved_person_changing_their_photo_is_warned_and_organisers_told(
    client, make, open_event, app, outbox
):
    from eventhub.registration.own_link import new_access_key

    from .conftest import image_bytes

    make.user("committee@example.cn", roles={open_event: "organiser"})
    person = make.participant(open_event, status=Status.APPROVED, email="minister@example.la")
    with app.app_context():
        key = new_access_key(db.session.get(Participant, person.id))
        db.session.commit()
    url = f"/events/{open_event.slug}/me/{key}"
    assert "sends this approved registration back to pending review" in client.get(url).get_data(
        as_text=True
    )
    values = {
        "family_name": "KEOMANY",
        "given_name": "Somphone",
        "organisation": "Ministry of Education and Sports",
        "country": "LA",
        "email": "minister@example.la",
        "photo": (__import__("io").BytesIO(image_bytes()), "minister.png"),
    }
    page = client.post(url, data=values, follow_redirects=True).get_data(as_text=True)
    assert "Your registration is pending review again" in page
    told = [m for m in outbox if m["To"] == "committee@example.cn"]
    assert len(told) == 1 and "Somphone KEOMANY (Lao PDR)" in told[0].get_content()


def test_without_a_public_address_a_head_adds_no_member_nor_login(
    client, make, open_event, login, app, outbox, lao_delegate
):
    """Saved then refused (503) would leave a member or an account nobody was told about."""
    _user, delegation = _head_with_delegation(make, open_event, login, app)
    member = make.participant(
        open_event, delegation_id=delegation.id, email="member@example.la", status=Status.PENDING
    )
    base = f"/events/{open_event.slug}/delegations/{delegation.id}"
    saved = {key: app.config.get(key) for key in ("PUBLIC_URL", "TRUSTED_HOSTS")}
    app.config.update(PUBLIC_URL=None, TRUSTED_HOSTS=None)
    try:
        added = client.post(f"{base}/members/new", data=lao_delegate)
        given = client.post(f"{base}/members/{member.id}/login", follow_redirects=True)
    finally:
        app.config.update(saved)
    assert added.status_code == 503
    page = added.get_data(as_text=True)
    assert "cannot send links by email" in page and 'value="KEOMANY"' in page
    assert "cannot send links by email" in given.get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).where(Participant.email == lao_delegate["email"])
            )
            == 0
        )
        assert db.session.get(Participant, member.id).user_id is None
    assert outbox == []
