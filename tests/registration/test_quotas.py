"""Capacity and quotas: who gets a place, who waits, and who moves up when one frees."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.extensions import db
from eventhub.registration.models import (
    Category,
    LimitKind,
    Participant,
    RegistrationLimit,
    Status,
    WaitingPlace,
)

from .conftest import api_body

EVENT = (LimitKind.EVENT, "")


def _limits(app, event, limits: dict) -> None:
    with app.app_context():
        for (kind, value), places in limits.items():
            db.session.add(
                RegistrationLimit(event_id=event.id, kind=kind, value=value, places=places)
            )
        db.session.commit()


def _waiting(app, make, event, minutes: int, wanted=Status.PENDING, **values) -> Participant:
    """Someone on the automatic waiting list since `minutes` past nine."""
    person = make.participant(event, status=Status.WAITLISTED, **values)
    with app.app_context():
        db.session.add(
            WaitingPlace(
                participant_id=person.id,
                event_id=event.id,
                wanted=wanted,
                since=datetime(2025, 6, 1, 9, minutes, tzinfo=UTC),
            )
        )
        db.session.commit()
    return person


def _status(app, participant) -> Status:
    with app.app_context():
        return db.session.get(Participant, participant.id).status


def _register(client, event, form: dict, n: int):
    data = dict(form, email=f"person{n}@example.la", given_name=f"Person {chr(65 + n)}")
    return client.post(f"/events/{event.slug}/register", data=data, follow_redirects=True)


def test_the_last_place_is_taken_then_registrants_wait_in_turn(
    client, app, make, open_event, lao_delegate, outbox
):
    _limits(app, open_event, {EVENT: 2})
    make.participant(open_event)  # approved: one place taken

    first = _register(client, open_event, lao_delegate, 0).get_data(as_text=True)
    assert "Your registration has been received; a confirmation" in first
    assert "waiting list" not in first
    second = _register(client, open_event, lao_delegate, 1).get_data(as_text=True)
    assert "you are number 1 on the waiting list" in second
    assert "You are number 1 on the waiting list" in second  # on their own page too
    assert "you are number 1 on the waiting list" in outbox[-1].get_content()
    third = _register(client, open_event, lao_delegate, 2).get_data(as_text=True)
    assert "you are number 2 on the waiting list" in third

    with app.app_context():
        statuses = db.session.execute(
            sa.select(Participant.email, Participant.status)
            .where(Participant.email.like("person%"))
            .order_by(Participant.email)
        ).all()
    assert statuses == [
        ("person0@example.la", Status.PENDING),
        ("person1@example.la", Status.WAITLISTED),
        ("person2@example.la", Status.WAITLISTED),
    ]


def test_a_delegation_quota_holds_back_only_that_delegation(client, app, make, event, as_role):
    delegation = make.delegation(event)
    _limits(app, event, {(LimitKind.DELEGATION, str(delegation.id)): 1})
    make.participant(event, delegation_id=delegation.id)
    as_role("organiser")
    member = {
        "given_name": "Bounmy",
        "organisation": "National University of Laos",
        "country": "LA",
        "category": "delegate",
        "email": "bounmy@example.la",
        "consent_registration": "y",  # collected by the head
    }
    page = client.post(
        f"/events/{event.slug}/delegations/{delegation.id}/members/new",
        data=member,
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Bounmy is number 1 on the waiting list" in page
    with app.app_context():
        added = db.session.scalar(
            sa.select(Participant).where(Participant.email == "bounmy@example.la")
        )
        assert added.status == Status.WAITLISTED
    # Another delegation's member has a place.
    other = make.delegation(event)
    client.post(
        f"/events/{event.slug}/delegations/{other.id}/members/new",
        data=dict(member, email="other@example.la"),
    )
    with app.app_context():
        added = db.session.scalar(
            sa.select(Participant).where(Participant.email == "other@example.la")
        )
        assert added.status == Status.PENDING


def test_a_freed_place_goes_to_the_first_who_fits_with_an_email_and_an_audit(
    client, app, make, event, as_role, outbox
):
    _limits(app, event, {EVENT: 3, (LimitKind.COUNTRY, "TH"): 1})
    make.participant(event, country_code="TH")
    leaving = make.participant(event, email="leaving@example.la")
    make.participant(event)
    thai = _waiting(
        app, make, event, 0, country_code="TH", email="thai@example.th", given_name="Somchai"
    )
    lao = _waiting(app, make, event, 5, email="lao@example.la", locale="zh_Hans")
    later = _waiting(app, make, event, 10, email="later@example.la", given_name="Khamla")
    as_role("organiser")

    response = client.post(
        f"/events/{event.slug}/participants/bulk",
        data={"action": "reject", "ids": [str(leaving.id)], "reason": "Duplicate"},
    )
    assert response.status_code == 302
    # The Thai quota is still full: the next in turn moves up, the one after keeps waiting.
    assert _status(app, thai) == Status.WAITLISTED
    assert _status(app, lao) == Status.PENDING
    assert _status(app, later) == Status.WAITLISTED
    mail = [m for m in outbox if m["To"] == "lao@example.la"]
    assert len(mail) == 1
    assert event.name_zh in mail[0]["Subject"]  # in the language they registered in
    assert re.search(r"/events/\S+/me/\S+", mail[0].get_content())
    with app.app_context():
        entry = db.session.scalar(
            sa.select(AuditEntry).where(
                AuditEntry.object_id == str(lao.id), AuditEntry.action == "participant.status"
            )
        )
        assert entry.changes["status"] == ["waitlisted", "pending"]
        assert entry.changes["waiting_list"] == ["waiting", "moved up"]
    page = client.get(f"/events/{event.slug}/waiting-list").get_data(as_text=True)
    rows = re.findall(r'<td class="text-end fw-semibold">(\d+)</td>\s*<th[^>]*><a[^>]*>', page)
    assert rows == ["1", "2"]
    assert page.index(f">{thai.latin_name}<") < page.index(f">{later.latin_name}<")


def test_approving_someone_without_a_place_when_full_puts_them_on_the_waiting_list(
    client, app, make, event, as_role, outbox
):
    _limits(app, event, {(LimitKind.CATEGORY, Category.MEDIA.value): 1})
    holder = make.participant(event, category=Category.MEDIA)
    refused = make.participant(event, category=Category.MEDIA, status=Status.REJECTED)
    as_role("organiser")
    page = client.post(
        f"/events/{event.slug}/participants/bulk",
        data={"action": "approve", "ids": [str(refused.id)]},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "No place was free for 1 of them" in page
    assert _status(app, refused) == Status.WAITLISTED
    # The holder withdraws: the approval they waited for is given.
    client.post(
        f"/events/{event.slug}/participants/bulk",
        data={"action": "reject", "ids": [str(holder.id)], "reason": "Cancelled"},
    )
    assert _status(app, refused) == Status.APPROVED
    assert any(m["To"] == refused.email for m in outbox)


def test_the_places_page_keeps_what_was_typed_and_refuses_what_is_not_a_number(
    client, app, make, event, as_role
):
    delegation = make.delegation(event)
    as_role("organiser")
    url = f"/events/{event.slug}/registration/places"
    field = f"places-delegation-{delegation.id}"
    for typed in ("0", "-3", "2.5", "ten", "٣"):
        response = client.post(url, data={"places-event": "120", field: typed})
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Enter a whole number of places from 1 to" in page
        assert 'value="120"' in page and f'value="{typed}"' in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RegistrationLimit)) == 0

    client.post(url, data={"places-event": " 120 ", field: "4", "places-category-media": ""})
    page = client.get(url).get_data(as_text=True)
    assert 'value="120"' in page and 'value="4"' in page
    client.post(url, data={"places-event": "", field: "4"})  # empty: no limit
    with app.app_context():
        stored = db.session.execute(
            sa.select(RegistrationLimit.kind, RegistrationLimit.places).where(
                RegistrationLimit.event_id == event.id
            )
        ).all()
    assert stored == [(LimitKind.DELEGATION, 4)]


def test_raising_the_capacity_moves_people_up_in_turn(client, app, make, event, as_role, outbox):
    _limits(app, event, {EVENT: 1})
    make.participant(event)
    first = _waiting(app, make, event, 0)
    second = _waiting(app, make, event, 1)
    as_role("organiser")
    page = client.post(
        f"/events/{event.slug}/registration/places",
        data={"places-event": "2"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "1 person moved up from the waiting list" in page
    assert (_status(app, first), _status(app, second)) == (Status.PENDING, Status.WAITLISTED)
    assert [m["To"] for m in outbox] == [first.email]


def test_the_home_page_shows_places_taken_quotas_and_the_waiting_list(
    client, app, make, event, as_role
):
    delegation = make.delegation(event, name_en="Lao Ministry of Education")
    _limits(app, event, {EVENT: 50, (LimitKind.DELEGATION, str(delegation.id)): 2})
    make.participant(event, delegation_id=delegation.id)
    make.participant(event, delegation_id=delegation.id, status=Status.PENDING)
    make.participant(event, status=Status.REJECTED)  # holds no place
    _waiting(app, make, event, 0, delegation_id=delegation.id)
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/").get_data(as_text=True)

    def row(name: str) -> list[str]:
        found = re.search(rf"{name}.*?</tr>", page, re.S).group(0)
        return re.findall(r'<td class="text-end">([^<]+)</td>', found)

    assert row("Whole event") == ["2", "50", "1"]
    assert row("Lao Ministry of Education") == ["2", "2", "1"]
    assert "Waiting list: 1 person" in page


def test_a_waiting_person_who_withdraws_leaves_the_list_and_frees_nothing(
    client, app, make, event, as_role
):
    _limits(app, event, {EVENT: 1})
    make.participant(event)
    first = _waiting(app, make, event, 0)
    second = _waiting(app, make, event, 1)
    as_role("organiser")
    client.post(
        f"/events/{event.slug}/participants/bulk",
        data={"action": "reject", "ids": [str(first.id)], "reason": "Cannot travel"},
    )
    assert _status(app, second) == Status.WAITLISTED
    page = client.get(f"/events/{event.slug}/waiting-list").get_data(as_text=True)
    assert "(1)" in page and second.latin_name in page
    with app.app_context():
        assert db.session.get(WaitingPlace, first.id) is None


def test_an_event_without_limits_is_not_held_back(client, app, open_event, lao_delegate):
    for n in range(3):
        _register(client, open_event, lao_delegate, n)
    with app.app_context():
        statuses = db.session.scalars(
            sa.select(Participant.status).where(Participant.event_id == open_event.id)
        ).all()
    assert statuses == [Status.PENDING] * 3


def test_merging_two_registrations_of_one_person_frees_a_place(
    client, app, make, event, as_role, outbox
):
    _limits(app, event, {EVENT: 2})
    kept = make.participant(event, email="bounmy@example.la")
    twice = make.participant(event, email="bounmy.p@example.la")
    waiting = _waiting(app, make, event, 0, given_name="Khamla")
    as_role("organiser")
    client.post(
        f"/events/{event.slug}/participants/duplicates/merge",
        data={"keep": kept.id, "remove": twice.id, "step": "confirm"},
    )
    assert _status(app, waiting) == Status.PENDING
    assert [m["To"] for m in outbox] == [waiting.email]


def test_an_imported_list_beyond_a_quota_waits_in_the_order_of_its_rows(app, make, event):
    from eventhub.registration import quotas

    _limits(app, event, {(LimitKind.COUNTRY, "LA"): 2})
    make.participant(event)
    with app.app_context():
        rows = [
            Participant(event_id=event.id, given_name=f"Row {c}", country_code="LA") for c in "ABC"
        ]
        rows.append(Participant(event_id=event.id, given_name="Row D", country_code="TH"))
        db.session.add_all(rows)
        db.session.flush()
        admitted = quotas.admit_all(rows)
        assert [p.given_name for p in admitted] == ["Row A", "Row D"]
        assert [p.given_name for _place, p in quotas.waiting_list(event.id)] == ["Row B", "Row C"]


def test_a_partner_registering_over_the_api_learns_the_waiting_list_position(
    app, client, make, event, lao_delegate, outbox
):
    _limits(app, event, {(LimitKind.CATEGORY, Category.DELEGATE.value): 1})
    make.participant(event)
    token = app.test_cli_runner().invoke(
        args=["create-token", "--role", "partner", "--event", event.slug]
    )
    response = client.post(
        f"/api/v1/events/{event.slug}/registrations",
        json=api_body(lao_delegate),
        headers={"Authorization": f"Bearer {token.stdout.strip().splitlines()[0]}"},
    )
    assert response.status_code == 201
    body = response.get_json()
    assert (body["status"], body["waiting_list_position"]) == ("waitlisted", 1)
    assert "you are number 1 on the waiting list" in outbox[-1].get_content()


def test_a_newcomer_does_not_pass_someone_waiting_who_fits(
    client, app, make, open_event, lao_delegate, outbox
):
    _limits(app, open_event, {EVENT: 2})
    make.participant(open_event)
    # A place free while someone waits (a change that did not move the list up).
    waiting = _waiting(app, make, open_event, 0, email="first@example.la")
    page = _register(client, open_event, lao_delegate, 0).get_data(as_text=True)
    assert "you are number 1 on the waiting list" in page
    assert _status(app, waiting) == Status.PENDING
    assert "first@example.la" in [m["To"] for m in outbox]


def test_a_withdrawal_undone_when_the_place_is_gone_waits_in_turn(
    client, app, make, open_event, login
):
    """A head restores a member whose place went to someone else meanwhile: the member
    joins the waiting list instead of going over the capacity."""
    delegation = make.delegation(open_event)
    user = make.user("head@example.la", roles={open_event: "head_of_delegation"})
    head = make.participant(
        open_event, delegation_id=delegation.id, user_id=user.id, email=user.email
    )
    with app.app_context():
        db.session.get(type(delegation), delegation.id).head_id = head.id
        db.session.commit()
    member = make.participant(
        open_event,
        delegation_id=delegation.id,
        status=Status.WITHDRAWN,
        withdrawn_from=Status.PENDING,
        email="member@example.la",
    )
    _limits(app, open_event, {EVENT: 1})  # the head holds the only place
    login("head@example.la")
    client.post(
        f"/events/{open_event.slug}/delegations/{delegation.id}/members/{member.id}/restore"
    )
    assert _status(app, member) == Status.WAITLISTED
    with app.app_context():
        assert db.session.get(WaitingPlace, member.id) is not None


def test_a_category_changed_by_an_organiser_frees_that_categorys_place(app, make, event, outbox):
    """A delegate re-classed as a speaker no longer takes a delegate's place: the first
    delegate waiting moves up at once, not at some later registration."""
    from eventhub import jobs
    from eventhub.registration import own_link, registering

    _limits(app, event, {(LimitKind.CATEGORY, "delegate"): 1})
    placed = make.participant(event, category="delegate", status=Status.APPROVED)
    waiting = _waiting(app, make, event, 0, category="delegate")
    with app.app_context():
        person = db.session.get(Participant, placed.id)
        raw = {  # as the organiser's form posts it
            **own_link.form_values(person),
            "organisation": "National University of Laos",
            "category": "speaker",
        }
        registering.update_participant(person, raw, may_edit_locked=True)
        jobs.commit()  # and the mail leaves
    assert _status(app, waiting) == Status.PENDING
    assert [m["To"] for m in outbox] == [waiting.email]
