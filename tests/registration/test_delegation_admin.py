"""Organisers create, edit, order and delete delegations, choose their head, and move people
between them, in the web pages and on the command line."""

from __future__ import annotations

import re

import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.auth.models import EventMembership, Role
from eventhub.extensions import db
from eventhub.registration.models import Delegation, Participant


def _names_in_order(app, event) -> list[str]:
    from eventhub.registration import delegation_admin

    with app.app_context():
        return [d.name_en for d in delegation_admin.in_order(db.session.merge(event))]


def test_organiser_creates_a_delegation_and_it_is_listed(client, as_role, event, app):
    as_role("organiser")
    response = client.post(
        f"/events/{event.slug}/delegations/new",
        data={
            "name_en": "Lao PDR national delegation",
            "name_zh": "老挝国家代表团",
            "country": "LA",
            "organisation": "",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/events/{event.slug}/delegations/").get_data(as_text=True)
    assert "Lao PDR national delegation" in page
    with app.app_context():
        delegation = db.session.scalar(sa.select(Delegation).where(Delegation.event_id == event.id))
        assert (delegation.name_zh, delegation.country_code) == ("老挝国家代表团", "LA")
        assert db.session.scalar(
            sa.select(AuditEntry.action).where(AuditEntry.object_type == "Delegation")
        ) == ("delegation.create")


def test_a_duplicate_name_is_refused_and_the_form_keeps_what_was_typed(
    client, as_role, make, event
):
    make.delegation(event, name_en="Thai delegation", country_code="TH")
    as_role("organiser")
    response = client.post(
        f"/events/{event.slug}/delegations/new",
        data={"name_en": "thai DELEGATION", "name_zh": "泰国代表团", "country": "TH"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The delegation Thai delegation already has this name in this event" in page
    assert 'value="thai DELEGATION"' in page and 'value="泰国代表团"' in page
    assert 'value="TH" selected' in page or 'selected value="TH"' in page


def test_organiser_edits_a_delegation(client, as_role, make, event, app):
    delegation = make.delegation(event, name_en="Cambodia", country_code="KH")
    as_role("organiser")
    client.post(
        f"/events/{event.slug}/delegations/{delegation.id}/edit",
        data={
            "name_en": "Royal University of Phnom Penh delegation",
            "name_zh": "金边皇家大学代表团",
            "country": "KH",
            "organisation": "Royal University of Phnom Penh",
        },
    )
    with app.app_context():
        stored = db.session.get(Delegation, delegation.id)
        assert stored.name_en == "Royal University of Phnom Penh delegation"
        assert stored.organisation.name_en == "Royal University of Phnom Penh"


def test_protocol_order_is_changed_with_up_and_down_and_used_in_lists(
    client, as_role, make, event, app
):
    for name in ("China", "Laos", "Thailand"):
        make.delegation(event, name_en=name, country_code="LA")
    as_role("organiser")
    with app.app_context():
        thailand = db.session.scalar(
            sa.select(Delegation.id).where(Delegation.name_en == "Thailand")
        )
    # New delegations come last; these were made together, so the names decide.
    assert _names_in_order(app, event) == ["China", "Laos", "Thailand"]
    client.post(f"/events/{event.slug}/delegations/{thailand}/order", data={"direction": "up"})
    client.post(f"/events/{event.slug}/delegations/{thailand}/order", data={"direction": "up"})
    assert _names_in_order(app, event) == ["Thailand", "China", "Laos"]
    page = client.get(f"/events/{event.slug}/delegations/").get_data(as_text=True)
    assert page.index("Thailand") < page.index("China") < page.index("Laos")
    # The participant list's filter lists them in this order too.
    listing = client.get(f"/events/{event.slug}/participants/").get_data(as_text=True)
    assert listing.index(">Thailand<") < listing.index(">China<")


def test_head_is_chosen_among_members_and_gets_the_heads_pages(
    client, as_role, make, event, app, outbox
):
    delegation = make.delegation(event, name_en="Lao PDR national delegation")
    member = make.participant(event, delegation_id=delegation.id, email="bounmy@example.la")
    outsider = make.participant(event, email="someone@example.la")
    as_role("organiser")
    base = f"/events/{event.slug}/delegations/{delegation.id}"
    client.post(f"{base}/head", data={"head": outsider.id})
    with app.app_context():
        assert db.session.get(Delegation, delegation.id).head_id is None
    client.post(f"{base}/head", data={"head": member.id})
    with app.app_context():
        assert db.session.get(Delegation, delegation.id).head_id == member.id
        user_id = db.session.get(Participant, member.id).user_id
        roles = set(
            db.session.scalars(
                sa.select(EventMembership.role).where(EventMembership.user_id == user_id)
            )
        )
        assert Role.HEAD_OF_DELEGATION in roles
    # The new head gets a link to set a password, then manages the delegation.
    link = re.search(r"http://eventhub\.test(/auth/reset/\S+)", outbox[-1].get_content()).group(1)
    head = app.test_client()
    head.post(link, data={"new_password": "vientiane 2025", "confirm": "vientiane 2025"})
    assert head.get(f"{base}/").status_code == 200


def test_a_former_head_loses_the_head_role(client, as_role, make, event, app):
    delegation = make.delegation(event)
    first = make.participant(event, delegation_id=delegation.id, email="first@example.la")
    second = make.participant(event, delegation_id=delegation.id, email="second@example.la")
    as_role("organiser")
    base = f"/events/{event.slug}/delegations/{delegation.id}"
    client.post(f"{base}/head", data={"head": first.id})
    client.post(f"{base}/head", data={"head": second.id})
    with app.app_context():
        former = db.session.get(Participant, first.id)
        roles = set(
            db.session.scalars(
                sa.select(EventMembership.role).where(EventMembership.user_id == former.user_id)
            )
        )
        assert roles == {Role.DELEGATE}


def test_one_person_is_moved_from_their_page_and_it_is_audited(client, as_role, make, event, app):
    lao = make.delegation(event, name_en="Lao")
    thai = make.delegation(event, name_en="Thai", country_code="TH")
    person = make.participant(event, delegation_id=lao.id)
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/participants/{person.id}").get_data(as_text=True)
    assert "Move to this delegation" in page
    client.post(
        f"/events/{event.slug}/participants/{person.id}/delegation", data={"delegation": thai.id}
    )
    with app.app_context():
        assert db.session.get(Participant, person.id).delegation_id == thai.id
    page = client.get(f"/events/{event.slug}/participants/{person.id}").get_data(as_text=True)
    assert "Participant moved to another delegation" in page and "Lao → Thai" in page


def test_several_people_are_moved_from_the_list(client, as_role, make, event, app):
    lao = make.delegation(event, name_en="Lao")
    thai = make.delegation(event, name_en="Thai", country_code="TH")
    people = [make.participant(event, delegation_id=lao.id) for _n in range(3)]
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/participants/").get_data(as_text=True)
    assert 'value="delegation"' in page  # the bulk action is offered
    response = client.post(
        f"/events/{event.slug}/participants/bulk",
        data={"action": "delegation", "delegation": thai.id, "ids": [p.id for p in people[:2]]},
        follow_redirects=True,
    )
    assert "2 of 2 participants changed" in response.get_data(as_text=True)
    with app.app_context():
        moved = [db.session.get(Participant, p.id).delegation_id for p in people]
        assert moved == [thai.id, thai.id, lao.id]


def test_a_head_moved_away_stops_heading(client, as_role, make, event, app):
    lao = make.delegation(event, name_en="Lao")
    thai = make.delegation(event, name_en="Thai", country_code="TH")
    head = make.participant(event, delegation_id=lao.id)
    with app.app_context():
        db.session.get(Delegation, lao.id).head_id = head.id
        db.session.commit()
    as_role("organiser")
    client.post(
        f"/events/{event.slug}/participants/{head.id}/delegation", data={"delegation": thai.id}
    )
    with app.app_context():
        assert db.session.get(Delegation, lao.id).head_id is None


def test_only_an_empty_delegation_is_deleted(client, as_role, make, event, app):
    full = make.delegation(event, name_en="Lao")
    empty = make.delegation(event, name_en="Spare")
    make.participant(event, delegation_id=full.id)
    as_role("organiser")
    response = client.post(
        f"/events/{event.slug}/delegations/{full.id}/delete", follow_redirects=True
    )
    assert "Lao still has 1 members" in response.get_data(as_text=True)
    client.post(f"/events/{event.slug}/delegations/{empty.id}/delete")
    with app.app_context():
        left = db.session.scalars(
            sa.select(Delegation.name_en).where(Delegation.event_id == event.id)
        )
        assert list(left) == ["Lao"]


def test_heads_cannot_create_or_edit_delegations(client, make, event, login):
    delegation = make.delegation(event)
    user = make.user(roles={event: "head_of_delegation"})
    login(user.email)
    assert client.get(f"/events/{event.slug}/delegations/new").status_code == 403
    assert (
        client.post(
            f"/events/{event.slug}/delegations/{delegation.id}/edit",
            data={"name_en": "Mine now", "country": "LA"},
        ).status_code
        == 403
    )


def test_delegations_on_the_command_line(app, make, event):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["delegations", "create", event.slug, "Viet Nam delegation", "--country", "VN"]
    )
    assert result.exit_code == 0, result.output
    again = runner.invoke(
        args=["delegations", "create", event.slug, "viet nam delegation", "--country", "VN"]
    )
    assert again.exit_code != 0 and "already has this name" in again.output
    runner.invoke(args=["delegations", "create", event.slug, "Brunei", "--country", "BN"])
    person = make.participant(event, country_code="VN", email="lan@example.vn")
    assert (
        runner.invoke(
            args=["delegations", "move", event.slug, "Viet Nam delegation", str(person.id)]
        ).exit_code
        == 0
    )
    result = runner.invoke(
        args=["delegations", "set-head", event.slug, "Viet Nam delegation", str(person.id)]
    )
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["delegations", "order", event.slug, "Brunei", "1"]).exit_code == 0
    runner.invoke(args=["delegations", "edit", event.slug, "Brunei", "--name-zh", "文莱代表团"])
    listing = runner.invoke(args=["delegations", "list", event.slug]).output
    assert listing.index("Brunei") < listing.index("Viet Nam delegation")
    assert "head: KEOMANY Somphone" in listing
    refused = runner.invoke(args=["delegations", "delete", event.slug, "Viet Nam delegation"])
    assert refused.exit_code != 0 and "move them to another delegation first" in refused.output
    with app.app_context():
        brunei = db.session.scalar(sa.select(Delegation).where(Delegation.name_en == "Brunei"))
        assert brunei.name_zh == "文莱代表团"


def test_the_delegations_page_costs_the_same_queries_for_three_or_thirty(
    client, make, event, login, app
):
    """Thirty-two delegations in the demo: each row's country, organisation and head are
    loaded with the list, not one query per row."""
    login(make.user(roles={event: "organiser"}).email)

    def queries() -> int:
        seen = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: seen.append(1)  # noqa: E731
        sa.event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get(f"/events/{event.slug}/delegations/").status_code == 200
        finally:
            sa.event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    def add(n: int) -> None:
        for _ in range(n):
            head = make.participant(event, organisation_id=make.organisation().id)
            delegation = make.delegation(
                event, organisation_id=head.organisation_id, country_code="LA"
            )
            with app.app_context():
                db.session.get(Delegation, delegation.id).head_id = head.id
                db.session.commit()

    add(3)
    few = queries()
    add(27)
    assert queries() == few
