"""Venues and rooms edited and deleted (saying first what becomes of their activities), seats
offered kept within the room, and travel times that make people late named."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.extensions import db
from eventhub.scheduling.models import Activity, ActivityState, Room, TravelTime, Venue

from .conftest import activity_form


def _at(hour: int, minute: int = 0) -> datetime:
    """25 July 2025 at this hour in Guiyang (UTC+8), in UTC."""
    return datetime(2025, 7, 25, hour - 8, minute, tzinfo=UTC)


def _booked(make, event, room_id, title, start=(9, 0), end=(10, 30), **values):
    values.setdefault("state", ActivityState.PUBLISHED)
    return make.activity(
        event, title_en=title, room_id=room_id, starts_at=_at(*start), ends_at=_at(*end), **values
    ).id


def test_a_rooms_name_and_seats_are_edited(client, as_role, event, rooms, app):
    as_role("organiser")
    url = f"/events/{event.slug}/schedule/rooms/{rooms['small']}"
    page = client.get(url).get_data(as_text=True)
    assert 'value="Meeting Room 1"' in page and 'value="60"' in page
    response = client.post(
        url,
        data={"name_en": "VIP Room", "name_zh": "贵宾室", "capacity": "24", "layout": "boardroom"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Room saved." in page and "VIP Room" in page
    with app.app_context():
        room = db.session.get(Room, rooms["small"])
        assert (room.name_en, room.name_zh, room.capacity, room.layout) == (
            "VIP Room",
            "贵宾室",
            24,
            "boardroom",
        )
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "room.update"))
        assert entry.changes["capacity"] == [60, 24]
    # A name another room of the venue has, or no seats: refused, what was typed kept.
    page = client.post(url, data={"name_en": "Hall 1", "capacity": "24"}).get_data(as_text=True)
    assert "This venue already has a room of this name." in page
    page = client.post(url, data={"name_en": "Salon", "capacity": "0"}).get_data(as_text=True)
    assert 'value="Salon"' in page and "VIP Room" in page


def test_a_venue_is_edited(client, as_role, event, rooms, app):
    as_role("organiser")
    with app.app_context():
        campus = db.session.scalar(sa.select(Venue).where(Venue.name_en == "University Campus"))
    url = f"/events/{event.slug}/schedule/venues/{campus.id}"
    response = client.post(
        url,
        data={
            "name_en": "Guizhou University",
            "address": "Huaxi",
            "opens_at": "08:00",
            "closes_at": "18:00",
        },
        follow_redirects=True,
    )
    assert "Venue saved." in response.get_data(as_text=True)
    with app.app_context():
        venue = db.session.get(Venue, campus.id)
        assert venue.name_en == "Guizhou University" and venue.address == "Huaxi"
        assert venue.on_site is False  # the box left unticked


def test_fewer_seats_than_an_activity_offers_are_refused(client, as_role, make, event, rooms, app):
    _booked(make, event, rooms["small"], "Digital Economy Forum", capacity=50)
    as_role("organiser")
    page = client.post(
        f"/events/{event.slug}/schedule/rooms/{rooms['small']}",
        data={"name_en": "Meeting Room 1", "capacity": "40"},
    ).get_data(as_text=True)
    assert "Digital Economy Forum (50)" in page
    with app.app_context():
        assert db.session.get(Room, rooms["small"]).capacity == 60


def test_deleting_a_room_says_which_activities_lose_it_then_unbooks_them(
    client, as_role, make, event, rooms, app
):
    forum = _booked(make, event, rooms["small"], "Digital Economy Forum")
    cancelled = _booked(
        make,
        event,
        rooms["small"],
        "Old Forum",
        start=(14, 0),
        end=(15, 0),
        state=ActivityState.CANCELLED,
    )
    elsewhere = _booked(make, event, rooms["auditorium"], "Campus Workshop")
    as_role("organiser")
    url = f"/events/{event.slug}/schedule/rooms/{rooms['small']}"
    page = client.get(url).get_data(as_text=True)
    assert "2 activities are booked here." in page
    assert "Digital Economy Forum" in page and "Old Forum" in page
    assert "Campus Workshop" not in page
    confirmed = f"{forum},{cancelled}"
    assert f'name="confirmed" value="{confirmed}"' in page
    # Someone books the room after the page was shown: asked again, nothing deleted.
    late = _booked(make, event, rooms["small"], "Late Forum", start=(16, 0), end=(17, 0))
    response = client.post(f"{url}/delete", data={"confirmed": confirmed}, follow_redirects=True)
    assert "changed meanwhile" in response.get_data(as_text=True)
    assert "Late Forum" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Room, rooms["small"]) is not None
    response = client.post(
        f"{url}/delete",
        data={"confirmed": ",".join(map(str, sorted([forum, cancelled, late])))},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Meeting Room 1 deleted. 3 activities have no room now" in page
    with app.app_context():
        assert db.session.get(Room, rooms["small"]) is None
        kept = db.session.get(Activity, forum)
        # Its time stays, its room goes, and it still offers the seats it had.
        assert kept.room_id is None and kept.starts_at == _at(9) and kept.capacity == 60
        assert db.session.get(Activity, elsewhere).room_id == rooms["auditorium"]


def test_deleting_a_venue_takes_its_rooms_and_travel_times(
    client, as_role, make, event, rooms, app
):
    workshop = _booked(make, event, rooms["auditorium"], "Campus Workshop")
    as_role("organiser")
    with app.app_context():
        campus = db.session.scalar(sa.select(Venue).where(Venue.name_en == "University Campus"))
    url = f"/events/{event.slug}/schedule/venues/{campus.id}"
    page = client.get(url).get_data(as_text=True)
    assert "1 activity is booked here." in page and "Campus Workshop" in page
    page = client.post(
        f"{url}/delete", data={"confirmed": str(workshop)}, follow_redirects=True
    ).get_data(as_text=True)
    assert "University Campus deleted. 1 activity has no room now" in page
    with app.app_context():
        assert db.session.get(Venue, campus.id) is None
        assert db.session.get(Room, rooms["auditorium"]) is None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(TravelTime)) == 0
        assert db.session.get(Activity, workshop).room_id is None
    # Without rooms: deleted at once.
    with app.app_context():
        empty = Venue(event_id=event.id, name_en="Hotel")
        db.session.add(empty)
        db.session.commit()
    page = client.post(
        f"/events/{event.slug}/schedule/venues/{empty.id}/delete",
        data={"confirmed": ""},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Hotel deleted." in page


def test_seats_offered_cannot_exceed_the_room(client, as_role, make, event, rooms, app):
    as_role("organiser")
    page = client.post(
        f"/events/{event.slug}/schedule/activities/new",
        data=activity_form(rooms["small"], capacity="80"),
    ).get_data(as_text=True)
    assert "Meeting Room 1 has 60 seats: offer at most 60" in page
    assert 'value="80"' in page  # what was typed is kept
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Activity)) == 0
    # Moving an activity offering 200 seats into a 60-seat room on the grid: refused.
    big = make.activity(
        event,
        title_en="Big Forum",
        room_id=rooms["auditorium"],
        capacity=200,
        starts_at=_at(9),
        ends_at=_at(10, 30),
    )
    response = client.post(
        f"/events/{event.slug}/schedule/activities/{big.id}/move",
        json={"day": "2025-07-25", "start": "11:00", "room_id": rooms["small"], "version": 1},
    )
    assert response.status_code == 409
    assert "Meeting Room 1 has 60 seats" in response.get_json()["message"]
    with app.app_context():
        assert db.session.get(Activity, big.id).room_id == rooms["auditorium"]


def test_a_travel_time_that_makes_someone_late_names_the_activities(
    client, as_role, make, event, rooms, app
):
    speaker = make.participant(event, family_name="SOK", given_name="Chanthy")
    make.activity(
        event,
        title_en="Morning Forum",
        room_id=rooms["small"],
        speakers=[speaker],
        starts_at=_at(9),
        ends_at=_at(10, 30),
        state=ActivityState.PUBLISHED,
    )
    make.activity(
        event,
        title_en="Campus Workshop",
        room_id=rooms["auditorium"],
        speakers=[speaker],
        starts_at=_at(11, 30),
        ends_at=_at(12, 30),
        state=ActivityState.PUBLISHED,
    )
    as_role("organiser")
    with app.app_context():
        main = db.session.scalar(sa.select(Venue).where(Venue.name_en == "Eco-Conference Center"))
        campus = db.session.scalar(sa.select(Venue).where(Venue.name_en == "University Campus"))
    url = f"/events/{event.slug}/schedule/travel"
    page = client.post(
        url,
        data={"from_venue": main.id, "to_venue": campus.id, "minutes": "50"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Travel time saved." in page and "conflict" not in page  # 60 minutes between them
    page = client.post(
        url,
        data={"from_venue": main.id, "to_venue": campus.id, "minutes": "75"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "It makes 1 conflict" in page
    assert "Morning Forum" in page and "Campus Workshop" in page and "75 minutes" in page
    with app.app_context():  # saved all the same: the organiser moves one of them
        assert db.session.scalar(sa.select(TravelTime.minutes)) == 75


def test_another_events_venue_or_room_is_not_found(client, as_role, make, event, rooms):
    other = make.event()
    theirs = make.room(make.venue(other, name_en="Their Hall"))
    as_role("organiser")
    base = f"/events/{event.slug}/schedule"
    assert client.get(f"{base}/rooms/{theirs.id}").status_code == 404
    assert (
        client.post(f"{base}/rooms/{theirs.id}/delete", data={"confirmed": ""}).status_code == 404
    )
    assert client.get(f"{base}/venues/{theirs.venue_id}").status_code == 404


def test_an_activity_left_without_a_room_is_not_reported_as_placed(
    client, as_role, make, event, rooms, app
):
    """After its room is deleted, the schedule's health and the scheduler's page say so:
    nobody would know where to go, and neither page may say everything has a room."""
    forum = _booked(make, event, rooms["small"], "Digital Economy Forum")
    as_role("organiser")
    url = f"/events/{event.slug}/schedule/rooms/{rooms['small']}"
    client.post(f"{url}/delete", data={"confirmed": str(forum)})
    health = client.get(f"/events/{event.slug}/schedule/health").get_data(as_text=True)
    assert "Digital Economy Forum has a time but no room" in health
    auto = client.get(f"/events/{event.slug}/schedule/auto").get_data(as_text=True)
    assert "Every activity has a time and a room." not in auto
    assert "Digital Economy Forum" in auto
