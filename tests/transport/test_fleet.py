"""The organisers' fleet pages: vehicles (with shifts on the event's clock), escorts, the
planning rules with the event's ranks, and the Plan and Send buttons."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.transport.models import DriverShift, Escort, TransportSettings, Trip, Vehicle

from .test_planner import LANDS, guest, make_hotel


@pytest.fixture
def hotel(app, event):
    return make_hotel(app, event)


VAN = {
    "label": "贵A·12345",
    "kind": "van",
    "seats": "7",
    "driver_name": "Zhang Wei",
    "driver_phone": "+86 139 0851 0000",
    "driver_email": "zhang.wei@drivers.example",
    "driver_locale": "zh_Hans",
    "available": "y",
    "note": "",
}


def test_an_organiser_adds_a_vehicle_and_sees_it_listed(client, as_role, event, app):
    as_role("organiser")
    response = client.post(f"/events/{event.slug}/transport/vehicles/new", data=VAN)
    assert response.status_code == 302
    page = client.get(f"/events/{event.slug}/transport/vehicles").get_data(as_text=True)
    assert "贵A·12345" in page and "Zhang Wei" in page


def test_a_label_taken_is_refused_keeping_what_was_typed(client, as_role, event, app):
    as_role("organiser")
    client.post(f"/events/{event.slug}/transport/vehicles/new", data=VAN)
    again = dict(VAN, driver_name="Li Qiang")
    response = client.post(f"/events/{event.slug}/transport/vehicles/new", data=again)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Another vehicle of the event has this label." in page
    assert 'value="Li Qiang"' in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Vehicle.id))) == 1


def test_too_many_seats_is_said_next_to_the_field(client, as_role, event):
    as_role("organiser")
    response = client.post(
        f"/events/{event.slug}/transport/vehicles/new", data=dict(VAN, seats="120")
    )
    assert response.status_code == 200
    assert "is-invalid" in response.get_data(as_text=True)


def test_a_shift_is_typed_on_the_event_clock_and_a_night_shift_ends_next_day(
    client, as_role, event, app
):
    as_role("organiser")
    client.post(f"/events/{event.slug}/transport/vehicles/new", data=VAN)
    with app.app_context():
        van = db.session.scalar(sa.select(Vehicle))
    response = client.post(
        f"/events/{event.slug}/transport/vehicles/{van.id}/shifts",
        data={"shift-day": "2025-07-23", "shift-starts": "22:00", "shift-ends": "06:00"},
    )
    assert response.status_code == 302
    with app.app_context():
        shift = db.session.scalar(sa.select(DriverShift))
        assert shift.starts_at.replace(tzinfo=UTC) == datetime(2025, 7, 23, 14, 0, tzinfo=UTC)
        assert shift.ends_at.replace(tzinfo=UTC) == datetime(2025, 7, 23, 22, 0, tzinfo=UTC)
    page = client.get(f"/events/{event.slug}/transport/vehicles/{van.id}").get_data(as_text=True)
    assert "22:00" in page and "06:00" in page


def test_an_organiser_adds_an_escort_with_her_languages(client, as_role, event, app):
    as_role("organiser")
    response = client.post(
        f"/events/{event.slug}/transport/escorts/new",
        data={"name": "Li Na", "phone": "+86 1", "languages": "LO  en", "available": "y"},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(Escort.languages)) == "lo en"
    assert "Li Na" in client.get(f"/events/{event.slug}/transport/escorts").get_data(as_text=True)


def test_the_planning_page_offers_the_event_ranks_and_saves_the_rules(client, as_role, event, app):
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/transport/planning").get_data(as_text=True)
    assert "Plan pick-ups and drop-offs" in page and "Send pick-up messages" in page
    assert '<option selected value="2">' in page or 'value="2" selected' in page
    response = client.post(
        f"/events/{event.slug}/transport/planning",
        data={"own_car_up_to": "1", "max_wait_minutes": "60", "meet_minutes": "30"},
    )
    assert response.status_code == 302
    with app.app_context():
        settings = db.session.get(TransportSettings, event.id)
        assert (settings.own_car_up_to, settings.max_wait_minutes, settings.meet_minutes) == (
            1,
            60,
            30,
        )


def test_meeting_time_longer_than_the_wait_is_refused(client, as_role, event):
    as_role("organiser")
    response = client.post(
        f"/events/{event.slug}/transport/planning",
        data={"own_car_up_to": "1", "max_wait_minutes": "30", "meet_minutes": "40"},
    )
    assert "Must be shorter than the longest wait." in response.get_data(as_text=True)


def test_the_plan_button_makes_the_trips_and_the_send_button_mails_the_guests(
    client,
    as_role,
    event,
    app,
    make,
    hotel,
    outbox,
):
    as_role("organiser")
    client.post(f"/events/{event.slug}/transport/vehicles/new", data=VAN)
    person = guest(make, event, email="guest@example.la", locale="en")
    lonely = guest(make, event, arrival_at=LANDS, protocol_rank=1)
    response = client.post(f"/events/{event.slug}/transport/plan", follow_redirects=True)
    page = response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Trip.id))) == 1
    assert "贵A·12345" in page and "CZ3401" in page
    # The minister has no car: the page says so.
    assert lonely.latin_name in page and "needs a car and an escort" in page
    outbox.clear()
    client.post(f"/events/{event.slug}/transport/send-pickups")
    assert [m["To"] for m in outbox] == [person.email]
