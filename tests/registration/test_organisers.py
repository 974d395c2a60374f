"""The organisers' participant list: search in any script, filters, pages, bulk decisions."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.extensions import db
from eventhub.registration.models import Category, Participant, Status
from eventhub.text import search_text


def _person(make, event, **values):
    values.setdefault(
        "search_text",
        search_text(
            values.get("family_name", "KEOMANY"),
            values.get("given_name", "Somphone"),
            values.get("native_name", "ສົມພອນ ແກ້ວມະນີ"),
            values.get("email", ""),
        ),
    )
    return make.participant(event, **values)


def test_search_finds_names_in_any_script_and_without_diacritics(client, as_role, make, event):
    _person(
        make,
        event,
        family_name="NGUYỄN",
        given_name="Thị Hương",
        native_name="Nguyễn Thị Hương",
        country_code="VN",
    )
    _person(
        make,
        event,
        family_name="HENG",
        given_name="Sreypov",
        native_name="ហេង ស្រីពៅ",
        country_code="KH",
    )
    _person(
        make, event, family_name="YANG", given_name="Ming", native_name="杨明", country_code="CN"
    )
    as_role("organiser")
    url = f"/events/{event.slug}/participants/"
    for query, expected, absent in [
        ("nguyen huong", "Nguyễn", "HENG"),
        ("NGUYỄN", "Nguyễn", "YANG"),
        ("ស្រីពៅ", "HENG Sreypov", "YANG"),
        ("杨", "YANG Ming", "HENG"),
        ("100%_", "No participant matches", "YANG"),
    ]:
        page = client.get(url, query_string={"q": query}).get_data(as_text=True)
        assert expected in page, query
        assert absent not in page, query


def test_filters_sorting_and_pages(client, as_role, make, event):
    for n in range(55):
        _person(make, event, given_name=f"Person{n:02d}", country_code="TH", status=Status.APPROVED)
    _person(make, event, given_name="Waiting", country_code="LA", status=Status.WAITLISTED)
    as_role("organiser")
    url = f"/events/{event.slug}/participants/"
    first = client.get(url).get_data(as_text=True)
    assert "Page 1 of 2 (56 entries)" in first and first.count('name="ids"') == 50
    second = client.get(url, query_string={"page": 2}).get_data(as_text=True)
    assert second.count('name="ids"') == 6
    waiting = client.get(url, query_string={"status": "waitlisted"}).get_data(as_text=True)
    assert "Waiting" in waiting and "Person00" not in waiting
    lao = client.get(url, query_string={"country": "LA"}).get_data(as_text=True)
    assert lao.count('name="ids"') == 1
    newest = client.get(url, query_string={"sort": "registered", "dir": "desc"}).get_data(
        as_text=True
    )
    assert newest.index("Waiting") < newest.index("Person54")


def test_only_organisers_see_the_list(client, as_role, event):
    as_role("staff")
    assert client.get(f"/events/{event.slug}/participants/").status_code == 403


def test_the_visa_desk_reads_but_does_not_decide(client, as_role, make, event, app):
    person = make.participant(event, status=Status.PENDING)
    as_role("visa_officer")
    assert client.get(f"/events/{event.slug}/participants/").status_code == 200
    assert (
        client.post(
            f"/events/{event.slug}/participants/bulk",
            data={"ids": [str(person.id)], "action": "approve"},
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/events/{event.slug}/participants/{person.id}", data={"given_name": "X"}
        ).status_code
        == 403
    )
    with app.app_context():
        assert db.session.get(Participant, person.id).status == Status.PENDING


def test_bulk_approve_reject_and_category_are_audited(client, as_role, make, event, app):
    people = [_person(make, event, given_name=f"P{n}", status=Status.PENDING) for n in range(3)]
    other_event = make.event()
    stranger = _person(make, other_event, given_name="Stranger")
    organiser = as_role("organiser")
    url = f"/events/{event.slug}/participants/bulk"
    ids = [str(p.id) for p in people[:2]] + [str(stranger.id)]
    response = client.post(url, data={"ids": ids, "action": "approve"}, follow_redirects=True)
    assert "2 of 2 participants changed." in response.get_data(as_text=True)

    refused = client.post(
        url, data={"ids": [str(people[2].id)], "action": "reject"}, follow_redirects=True
    )
    assert "Give a reason for the rejection" in refused.get_data(as_text=True)
    client.post(
        url,
        data={
            "ids": [str(people[2].id)],
            "action": "reject",
            "reason": "Registered twice; see the other entry.",
        },
    )
    client.post(url, data={"ids": [str(people[0].id)], "action": "category", "category": "speaker"})
    with app.app_context():
        statuses = {
            p.given_name: (p.status, p.status_reason, p.category)
            for p in db.session.scalars(sa.select(Participant))
        }
        assert statuses["P0"] == (Status.APPROVED, "", Category.SPEAKER)
        assert statuses["P1"][0] == Status.APPROVED
        assert statuses["P2"] == (
            Status.REJECTED,
            "Registered twice; see the other entry.",
            Category.DELEGATE,
        )
        assert statuses["Stranger"][0] == Status.APPROVED  # make.participant's default
        entries = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action.like("participant.%"))
        ).all()
        assert {e.action for e in entries} == {"participant.status", "participant.category"}
        assert all(e.user_id == organiser.id for e in entries)
        assert len(entries) == 4


def test_odd_bulk_ids_and_long_reasons_are_refused_cleanly(client, as_role, make, event):
    person = make.participant(event)
    as_role("organiser")
    url = f"/events/{event.slug}/participants/bulk"
    assert client.post(url, data={"ids": ["²"], "action": "approve"}).status_code == 302
    response = client.post(
        url,
        data={"ids": [str(person.id)], "action": "reject", "reason": "x" * 600},
        follow_redirects=True,
    )
    assert "Use at most 500 characters." in response.get_data(as_text=True)


def test_organiser_edits_a_participant_and_sees_passport_masked(client, as_role, make, event, app):
    from eventhub import crypto

    with app.app_context():
        encrypted = crypto.encrypt("P1234567")
    person = _person(
        make,
        event,
        visa_letter_requested=True,
        passport_number_encrypted=encrypted,
        nationality_code="LA",
    )
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/participants/{person.id}").get_data(as_text=True)
    assert "••••••67" in page and "P1234567" not in page


def test_visa_desk_sees_passport_data(client, as_role, make, event, app):
    from eventhub import crypto

    with app.app_context():
        encrypted = crypto.encrypt("P1234567")
    person = _person(
        make,
        event,
        visa_letter_requested=True,
        passport_number_encrypted=encrypted,
        nationality_code="LA",
    )
    as_role("visa_officer")
    page = client.get(f"/events/{event.slug}/participants/{person.id}").get_data(as_text=True)
    assert "P1234567" in page


def test_participant_of_another_event_is_not_found(client, as_role, make, event):
    stranger = _person(make, make.event())
    as_role("organiser")
    assert client.get(f"/events/{event.slug}/participants/{stranger.id}").status_code == 404
    assert client.get(f"/events/{event.slug}/participants/{stranger.id}/photo").status_code == 404


def test_bulk_email_sends_each_person_their_own_working_link(
    client, as_role, make, event, outbox, app
):
    import re

    people = [_person(make, event, given_name=f"P{n}", email=f"p{n}@example.la") for n in range(2)]
    as_role("organiser")
    url = f"/events/{event.slug}/participants/bulk"
    refused = client.post(
        url, data={"ids": [str(p.id) for p in people], "action": "email"}, follow_redirects=True
    )
    assert "Write a subject and a message" in refused.get_data(as_text=True)
    client.post(
        url,
        data={
            "ids": [str(p.id) for p in people],
            "action": "email",
            "subject": "Shuttle times",
            "message": "Buses leave at 08:00.",
        },
    )
    assert [m["To"] for m in outbox] == ["p0@example.la", "p1@example.la"]
    body = outbox[0].get_content()
    assert "Buses leave at 08:00." in body
    link = re.search(r"http://eventhub\.test(/events/\S+/me/\S+)", body).group(1)
    assert "P0" in app.test_client().get(link).get_data(as_text=True)
