"""Organisers plan activities: rules, hard conflicts refused, a stale copy refused."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.scheduling.models import Activity, ActivityPerson

from .conftest import activity_form


def _new(client, event, form):
    return client.post(f"/events/{event.slug}/schedule/activities/new", data=form)


def test_organiser_plans_an_activity_in_event_time(client, as_role, event, rooms, app):
    as_role("organiser")
    response = _new(client, event, activity_form(rooms["small"]))
    assert response.status_code == 302
    with app.app_context():
        activity = db.session.scalar(sa.select(Activity))
        # 09:00 in Guiyang is 01:00 UTC.
        assert activity.starts_at == datetime(2025, 7, 25, 1, 0, tzinfo=UTC)
        assert activity.duration_minutes == 90 and activity.room_id == rooms["small"]
    page = client.get(f"/events/{event.slug}/schedule/").get_data(as_text=True)
    assert "Vocational Education Forum" in page and "09:00" in page


def test_bad_activities_are_refused_with_the_reason(client, as_role, event, rooms, app):
    as_role("organiser")
    cases = [
        (activity_form(rooms["small"], end="08:00"), "The activity must end after it starts."),
        (activity_form(rooms["small"], day="2025-08-30"), "must take place during the event"),
        (activity_form(rooms["small"], title_en=""), "Give the activity a title."),
        (activity_form(rooms["small"], start=""), "Give the day, the start and the end"),
        (activity_form("99999"), "Not a valid choice."),
    ]
    for form, message in cases:
        page = _new(client, event, form).get_data(as_text=True)
        assert message in page, message
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Activity)) == 0


def test_a_room_booked_twice_is_refused(client, as_role, event, rooms, app):
    as_role("organiser")
    _new(client, event, activity_form(rooms["small"]))
    page = _new(
        client,
        event,
        activity_form(rooms["small"], title_en="Digital Economy Forum", start="10:00", end="11:00"),
    ).get_data(as_text=True)
    assert "Not saved: Meeting Room 1 is booked twice" in page
    assert 'value="Digital Economy Forum"' in page  # nothing typed is lost
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Activity)) == 1


def test_a_speaker_in_two_places_or_without_travel_time_is_refused(
    client, as_role, make, event, rooms, app
):
    speaker = make.participant(event, family_name="SOK", given_name="Chanthy")
    as_role("organiser")
    _new(client, event, activity_form(rooms["small"]))
    _new(
        client,
        event,
        activity_form(rooms["auditorium"], title_en="Campus Workshop", start="10:50", end="12:00"),
    )
    with app.app_context():
        first, second = db.session.scalars(sa.select(Activity).order_by(Activity.id)).all()
    url = f"/events/{event.slug}/schedule/activities/{{}}/people"
    client.post(
        url.format(first.id),
        data={"participant_id": speaker.id, "role": "speaker", "action": "add"},
    )
    response = client.post(
        url.format(second.id),
        data={"participant_id": speaker.id, "role": "moderator", "action": "add"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "cannot travel from Vocational Education Forum to Campus Workshop in time" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ActivityPerson)) == 1


def test_a_second_organiser_saving_an_old_copy_is_told(client, as_role, event, rooms, app):
    as_role("organiser")
    _new(client, event, activity_form(rooms["small"]))
    with app.app_context():
        activity = db.session.scalar(sa.select(Activity))
    url = f"/events/{event.slug}/schedule/activities/{activity.id}"
    page = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    client.post(url, data=activity_form(rooms["small"], title_en="First edit", version=version))
    page = client.post(
        url, data=activity_form(rooms["small"], title_en="Second edit", version=version)
    ).get_data(as_text=True)
    assert "Someone else changed this activity while you were editing it." in page
    with app.app_context():
        assert db.session.scalar(sa.select(Activity.title_en)) == "First edit"


def test_health_grid_and_venues_pages(client, as_role, event, rooms, app):
    as_role("organiser")
    _new(client, event, activity_form(rooms["small"], start="06:00", end="07:00"))
    health = client.get(f"/events/{event.slug}/schedule/health").get_data(as_text=True)
    assert "outside the opening hours of Eco-Conference Center" in health
    grid = client.get(f"/events/{event.slug}/schedule/grid?day=2025-07-25").get_data(as_text=True)
    assert "Meeting Room 1" in grid and "Auditorium" in grid
    venues = client.get(f"/events/{event.slug}/schedule/venues").get_data(as_text=True)
    assert "University Campus" in venues


def test_venues_and_rooms_are_added_with_checks(client, as_role, event, app):
    as_role("organiser")
    url = f"/events/{event.slug}/schedule/venues"
    client.post(
        url, data={"venue-name_en": "Guizhou University", "venue-on_site": "y", "venue-submit": "1"}
    )
    with app.app_context():
        from eventhub.scheduling.models import Venue

        venue = db.session.scalar(sa.select(Venue))
    page = client.post(
        url,
        data={
            "room-venue_id": venue.id,
            "room-name_en": "Auditorium",
            "room-capacity": "0",
            "room-layout": "theatre",
            "room-submit": "1",
        },
    ).get_data(as_text=True)
    assert "Number must be at least 1." in page
    client.post(
        url,
        data={
            "room-venue_id": venue.id,
            "room-name_en": "Auditorium",
            "room-capacity": "500",
            "room-layout": "theatre",
            "room-submit": "1",
        },
    )
    assert "Auditorium" in client.get(url).get_data(as_text=True)


def test_only_organisers_plan(client, as_role, event, rooms):
    as_role("staff")
    assert client.get(f"/events/{event.slug}/schedule/").status_code == 403


def test_dragging_an_activity_moves_it_after_the_checks(client, as_role, event, rooms, app):
    as_role("organiser")
    _new(client, event, activity_form(rooms["small"]))
    _new(client, event, activity_form(rooms["hall"], title_en="Hall session"))
    with app.app_context():
        forum, hall = db.session.scalars(sa.select(Activity).order_by(Activity.id)).all()
    url = f"/events/{event.slug}/schedule/activities/{forum.id}/move"
    clash = client.post(
        url,
        json={
            "day": "2025-07-25",
            "start": "09:30",
            "room_id": rooms["hall"],
            "version": forum.version,
        },
    )
    assert clash.status_code == 409 and "Hall 1 is booked twice" in clash.get_json()["message"]
    moved = client.post(
        url,
        json={
            "day": "2025-07-26",
            "start": "14:00",
            "room_id": rooms["hall"],
            "version": forum.version,
        },
    )
    assert moved.status_code == 200
    with app.app_context():
        stored = db.session.get(Activity, forum.id)
        assert stored.starts_at == datetime(2025, 7, 26, 6, 0, tzinfo=UTC)
        assert stored.ends_at - stored.starts_at == timedelta(minutes=90)
        assert stored.room_id == rooms["hall"]
    stale = client.post(
        url,
        json={
            "day": "2025-07-26",
            "start": "16:00",
            "room_id": rooms["hall"],
            "version": forum.version,
        },
    )
    assert stale.status_code == 409 and "Someone else changed" in stale.get_json()["message"]
    bad = client.post(url, json={"day": "tomorrow"})
    assert bad.status_code == 422


def test_resizing_is_checked_like_any_change(client, as_role, event, rooms, app):
    as_role("organiser")
    _new(client, event, activity_form(rooms["small"]))
    _new(
        client,
        event,
        activity_form(rooms["small"], title_en="Next forum", start="11:00", end="12:00"),
    )
    with app.app_context():
        forum = db.session.scalar(sa.select(Activity).order_by(Activity.id))
    url = f"/events/{event.slug}/schedule/activities/{forum.id}/resize"
    longer = client.post(url, json={"minutes": 150, "version": forum.version})
    assert longer.status_code == 409 and "booked twice" in longer.get_json()["message"]
    ok = client.post(url, json={"minutes": 120, "version": forum.version})
    assert ok.status_code == 200
    with app.app_context():
        stored = db.session.get(Activity, forum.id)
        assert stored.ends_at - stored.starts_at == timedelta(minutes=120)


def test_travel_times_between_venues_are_set_and_used(client, as_role, event, rooms, app):
    as_role("organiser")
    with app.app_context():
        from eventhub.scheduling.models import Venue

        main, campus = db.session.scalars(sa.select(Venue).order_by(Venue.id)).all()
    url = f"/events/{event.slug}/schedule/travel"
    same = client.post(
        url, data={"from_venue": main.id, "to_venue": main.id, "minutes": 10}, follow_redirects=True
    )
    assert "Choose two different venues." in same.get_data(as_text=True)
    client.post(url, data={"from_venue": main.id, "to_venue": campus.id, "minutes": 75})
    page = client.get(f"/events/{event.slug}/schedule/venues").get_data(as_text=True)
    assert "Eco-Conference Center → University Campus: 75 minutes" in page


def test_grid_lists_what_it_cannot_draw(client, as_role, event, rooms, app):
    as_role("organiser")
    _new(
        client,
        event,
        activity_form(
            rooms["small"], title_en="Early breakfast briefing", start="06:00", end="06:45"
        ),
    )
    _new(client, event, activity_form("", title_en="Bus to the campus", start="08:00", end="08:40"))
    _new(client, event, activity_form(rooms["hall"], title_en="Morning forum"))
    page = client.get(f"/events/{event.slug}/schedule/grid?day=2025-07-25").get_data(as_text=True)
    listed = page[page.index("Not shown in the grid") :]
    assert "Early breakfast briefing" in listed and "Bus to the campus" in listed
    assert "Morning forum" not in listed and 'class="block' in page


def test_only_organisers_move_resize_invite_or_schedule(client, as_role, event, rooms, app, make):
    other = make.user(roles={event: "organiser"})
    activity = make.activity(
        event,
        title_en="Forum",
        room_id=rooms["small"],
        starts_at=datetime(2025, 7, 25, 1, tzinfo=UTC),
        ends_at=datetime(2025, 7, 25, 2, tzinfo=UTC),
    )
    assert other.email
    as_role("delegate")
    base = f"/events/{event.slug}/schedule"
    for url, kwargs in [
        (f"{base}/activities/{activity.id}/move", {"json": {}}),
        (f"{base}/activities/{activity.id}/resize", {"json": {}}),
        (f"{base}/activities/{activity.id}/invite", {"data": {}}),
        (f"{base}/auto", {"data": {"action": "propose"}}),
        (f"{base}/travel", {"data": {}}),
    ]:
        assert client.post(url, **kwargs).status_code == 403, url
