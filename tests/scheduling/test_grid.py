"""The day x room grid without a browser: the new-activity form from a slot, the kind the
organiser must choose, and the moves the grid refuses with their reason."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.scheduling.models import Activity, ActivityPerson, ActivityRole

from .conftest import activity_form

# 09:00 in Guiyang is 01:00 UTC; the main venue opens 07:30 and closes 22:00.
NINE = datetime(2025, 7, 25, 1, 0, tzinfo=UTC)


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Activity))


def test_a_new_activity_has_no_kind_until_the_organiser_chooses_one(
    client, as_role, event, rooms, app
):
    as_role("organiser")
    url = f"/events/{event.slug}/schedule/activities/new"
    page = client.get(url).get_data(as_text=True)
    select = re.search(r'<select[^>]*name="type".*?</select>', page, re.S).group(0)
    first = re.search(r"<option[^>]*>", select).group(0)
    assert 'value=""' in first  # nothing chosen for them, not "Opening ceremony" or "Forum"
    assert "selected" not in select.replace(first, "")

    page = client.post(url, data=activity_form(rooms["small"], type="")).get_data(as_text=True)
    assert "Choose the type of activity." in page
    assert 'value="Vocational Education Forum"' in page  # what was typed stays
    assert _count(app) == 0

    client.post(url, data=activity_form(rooms["small"], type="workshop"))
    with app.app_context():
        assert db.session.scalar(sa.select(Activity.type)) == "workshop"


def test_an_empty_slot_opens_the_form_for_that_half_hour_and_room(client, as_role, event, rooms):
    as_role("organiser")
    url = f"/events/{event.slug}/schedule/activities/new"
    page = client.get(
        url, query_string={"day": "2025-07-26", "room": rooms["small"], "start": "10:30"}
    ).get_data(as_text=True)
    assert 'value="2025-07-26"' in page
    assert re.search(r'name="start"[^>]*value="10:30"|value="10:30"[^>]*name="start"', page)
    assert re.search(r'name="end"[^>]*value="12:00"|value="12:00"[^>]*name="end"', page)
    assert re.search(rf'<option selected value="{rooms["small"]}"', page)
    late = client.get(
        url, query_string={"day": "2025-07-26", "room": rooms["small"], "start": "22:30"}
    ).get_data(as_text=True)
    assert re.search(r'name="end"[^>]*value="23:59"|value="23:59"[^>]*name="end"', late)


def _forum(make, event, room_id, **values):
    return make.activity(
        event,
        title_en=values.pop("title_en", "Presidents' Roundtable"),
        room_id=room_id,
        starts_at=values.pop("starts_at", NINE),
        ends_at=values.pop("ends_at", NINE + timedelta(minutes=90)),
        **values,
    )


def _move(client, event, activity, **body):
    values = {"day": "2025-07-25", "start": "09:00", "version": activity.version} | body
    return client.post(f"/events/{event.slug}/schedule/activities/{activity.id}/move", json=values)


def test_a_drop_into_a_room_too_small_is_refused_with_the_reason(
    client, as_role, make, event, rooms, app
):
    as_role("organiser")
    offered = _forum(make, event, rooms["small"], capacity=40)
    refused = _move(client, event, offered, room_id=rooms["hall"])
    assert refused.status_code == 409
    reason = refused.get_json()["message"]
    assert "Hall 1" in reason and "2 seats" in reason
    enrolled = [make.participant(event, given_name=f"Guest {n}") for n in range(3)]
    full = _forum(
        make,
        event,
        rooms["auditorium"],
        title_en="Campus visit",
        enrolled=enrolled,
    )
    refused = _move(client, event, full, room_id=rooms["hall"], start="14:00")
    assert refused.status_code == 409
    assert "Campus visit has 3 enrolled for 2 seats in Hall 1." in refused.get_json()["message"]
    with app.app_context():
        assert db.session.get(Activity, offered.id).room_id == rooms["small"]
        assert db.session.get(Activity, full.id).room_id == rooms["auditorium"]


def test_a_drop_outside_the_venues_hours_is_refused_but_an_old_one_can_be_fixed(
    client, as_role, make, event, rooms, app
):
    as_role("organiser")
    forum = _forum(make, event, rooms["small"])
    early = _move(client, event, forum, room_id=rooms["small"], start="07:00")
    assert early.status_code == 409
    assert (
        "outside the opening hours of Eco-Conference Center (07:30–22:00)"
        in (early.get_json()["message"])
    )
    # One already outside the hours (typed in the form) may still be changed on the grid.
    breakfast = _forum(
        make,
        event,
        rooms["small"],
        title_en="Breakfast briefing",
        starts_at=NINE - timedelta(hours=2),
        ends_at=NINE - timedelta(hours=1, minutes=30),
    )
    url = f"/events/{event.slug}/schedule/activities/{breakfast.id}/resize"
    assert client.post(url, json={"minutes": 45, "version": breakfast.version}).status_code == 200


def test_a_person_busy_elsewhere_is_named(client, as_role, make, event, rooms, app):
    speaker = make.participant(event, family_name="SOK", given_name="Chanthy", country_code="KH")
    forum = _forum(make, event, rooms["small"], speakers=[speaker])
    talk = _forum(
        make,
        event,
        rooms["auditorium"],
        title_en="Campus talk",
        starts_at=NINE + timedelta(hours=4),
        ends_at=NINE + timedelta(hours=5),
        speakers=[speaker],
    )
    assert forum.id
    as_role("organiser")
    refused = _move(client, event, talk, room_id=rooms["auditorium"], start="09:30")
    assert refused.status_code == 409
    assert "SOK Chanthy is needed at" in refused.get_json()["message"]


def test_the_keyboard_move_changes_time_room_and_length_at_once(
    client, as_role, make, event, rooms, app
):
    as_role("organiser")
    forum = _forum(make, event, rooms["small"])
    _forum(
        make,
        event,
        rooms["auditorium"],
        title_en="Afternoon session",
        starts_at=NINE + timedelta(hours=7),
        ends_at=NINE + timedelta(hours=8),
    )
    other_day = _move(
        client, event, forum, day="2025-07-26", start="14:00", room_id=rooms["auditorium"]
    )
    assert other_day.status_code == 200
    with app.app_context():
        forum = db.session.get(Activity, forum.id)
    # Back, at 15:00 for 2 hours: it would run into the 16:00 session, so nothing changes.
    clash = _move(client, event, forum, start="15:00", room_id=rooms["auditorium"], minutes=120)
    assert clash.status_code == 409 and "booked twice" in clash.get_json()["message"]
    moved = _move(client, event, forum, start="14:00", room_id=rooms["auditorium"], minutes=105)
    assert moved.status_code == 200
    with app.app_context():
        stored = db.session.get(Activity, forum.id)
        assert stored.starts_at == NINE + timedelta(hours=5)
        assert stored.ends_at - stored.starts_at == timedelta(minutes=105)
        assert stored.room_id == rooms["auditorium"]
    bad = _move(client, event, stored, room_id=rooms["small"], minutes="long")
    assert bad.status_code == 422


def test_a_block_says_when_it_ends_who_is_in_it_and_why_it_is_red(
    client, as_role, make, event, rooms, app
):
    vip = make.participant(event, family_name="LIU", given_name="Wei", country_code="CN")
    speaker = make.participant(event, family_name="SOK", given_name="Chanthy", country_code="KH")
    opening = _forum(make, event, rooms["small"], title_en="Opening", speakers=[speaker])
    _forum(
        make,
        event,
        rooms["auditorium"],
        title_en="Campus talk",
        starts_at=NINE + timedelta(minutes=30),
        ends_at=NINE + timedelta(hours=1),
        speakers=[speaker],
    )
    with app.app_context():
        db.session.add(
            ActivityPerson(
                activity_id=opening.id, participant_id=vip.id, role=ActivityRole.REQUIRED_VIP
            )
        )
        db.session.commit()
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/schedule/grid?day=2025-07-25").get_data(as_text=True)
    block = page[page.index(f'data-activity="{opening.id}"') :]
    block = block[: block.index('class="resize"')]
    assert "09:00–" in block and "10:30" in block
    assert "Speakers: SOK Chanthy" in block and "VIPs: LIU Wei" in block
    assert "Conflict: SOK Chanthy is needed at Opening and Campus talk" in block
