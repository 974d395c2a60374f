"""The demo week's rooms and rides, as the organisers live them (issue 22): the Lao minister's
flight moves to the next day; his car, his driver's sheet and his room follow, and the
driver and the minister are told.

A live server of its own holds the demo week (hotels, blocks, fleet, rooms proposed, pick-ups
planned, as `make run` shows them), with jobs run at once after each request's commit."""

from __future__ import annotations

import subprocess
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from eventhub.accommodation.models import Hotel, HotelRoom, RoomGuest, RoomType
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Participant
from eventhub.transport import planner
from eventhub.transport.models import Trip, TripKind, TripPassenger

from .conftest import ARTIFACTS, log_in, serve_demo

pytestmark = pytest.mark.browser

ORGANISER = ("organiser@caecw.example", "demo-organiser-2025")
MINISTER = "head.la@caecw.example"  # Bounmy PHOMMACHANH, Minister of Education and Sports


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    yield from serve_demo(tmp_path_factory, "demo-live")


def _state(app) -> dict:
    """Where the minister stands now: his pick-up (vehicle, local departure), his room."""
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug != "caecw-2025"))
        zone = ZoneInfo(event.timezone)
        minister = db.session.scalar(
            sa.select(Participant).where(
                Participant.event_id == event.id, Participant.email == MINISTER
            )
        )
        trip = db.session.scalar(
            sa.select(Trip)
            .join(TripPassenger)
            .where(TripPassenger.participant_id == minister.id, Trip.kind == TripKind.PICKUP)
        )
        room, hotel = db.session.execute(
            sa.select(HotelRoom, Hotel)
            .join(RoomGuest, RoomGuest.room_id == HotelRoom.id)
            .join(RoomType, RoomType.id == HotelRoom.room_type_id)
            .join(Hotel, Hotel.id == RoomType.hotel_id)
            .where(RoomGuest.participant_id == minister.id)
        ).one()
        return {
            "slug": event.slug,
            "id": minister.id,
            "landing": minister.arrival_at.astimezone(zone),
            "trip": trip.id,
            "vehicle": trip.vehicle.id,
            "label": trip.vehicle.label,
            "kind": trip.vehicle.kind.value,
            "alone": len(trip.passengers) == 1,
            "escort": trip.escort.name if trip.escort else None,
            "driver_email": trip.vehicle.driver_email,
            "departs": trip.departs_at.astimezone(zone),
            "hotel": hotel.id,
            "hotel_name": hotel.name_en,
            "first_night": room.first_night,
            "last_night": room.last_night,
            "violations": planner.violations(event),
        }


def _sheet_text(page, base: str, slug: str, vehicle: int, day) -> str:
    """The driver's sheet for that vehicle and day, as text (poppler)."""
    response = page.request.get(
        f"{base}/events/{slug}/transport/vehicles/{vehicle}/sheet.pdf?day={day.isoformat()}"
    )
    assert response.status == 200
    assert response.body().startswith(b"%PDF")
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=response.body(),
        capture_output=True,
        check=True,
    ).stdout.decode()


def test_a_ministers_later_flight_moves_his_car_his_drivers_sheet_and_his_room(
    demo_server, new_page
):
    base = demo_server.base_url
    before = _state(demo_server)
    # The demo's plan: the minister rides alone in a protocol car with an escort, meets no
    # rule broken, and sleeps in the hotel from the night he lands.
    assert before["kind"] == "car" and before["alone"] and before["escort"]
    assert before["violations"] == []
    assert before["first_night"] == before["landing"].date()
    slug, minister = before["slug"], before["id"]

    page = new_page()
    log_in(page, base, *ORGANISER)
    page.goto(f"{base}/events/{slug}/participants/{minister}")
    rides = page.locator("section[aria-labelledby=rides-heading]")
    assert before["label"] in rides.inner_text() and "QV 917" in rides.inner_text()
    assert (
        before["hotel_name"]
        in page.locator("section[aria-labelledby=rooming-heading]").inner_text()
    )
    old_sheet = _sheet_text(page, base, slug, before["vehicle"], before["departs"].date())
    assert "PHOMMACHANH" in old_sheet and "QV 917" in old_sheet

    # The hotel has this week's rooming list: what changes from now on is shown against it.
    page.goto(f"{base}/events/{slug}/rooming-lists/?hotel={before['hotel']}")
    page.get_by_role("button", name="Record as sent").click()
    page.wait_for_load_state()
    assert page.locator(".alert-success").count() >= 1

    # The Lao ministry writes: the minister now lands the next day, at 16:20 on QV 919.
    later = before["landing"].date() + timedelta(days=1)
    mails_before = len(demo_server.extensions["eventhub_outbox"])
    page.goto(f"{base}/events/{slug}/participants/{minister}")
    page.get_by_label("Arrival date").fill(later.isoformat())
    page.get_by_label("Arrival time (local)").fill("16:20")
    page.get_by_label("Arrival flight or train").fill("QV 919")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    assert page.locator(".alert-danger").count() == 0

    after = _state(demo_server)
    landing = datetime.combine(later, datetime.min.time().replace(hour=16, minute=20))
    assert after["landing"].replace(tzinfo=None) == landing
    # His car meets the new flight: alone, with an escort, leaving within the wait allowed.
    assert after["kind"] == "car" and after["alone"] and after["escort"]
    wait = after["departs"] - after["landing"]
    assert timedelta(0) <= wait <= timedelta(minutes=45)
    assert after["violations"] == []
    # His room now starts the night he lands, and still ends when he leaves.
    assert after["first_night"] == later and after["last_night"] == before["last_night"]

    # The organiser sees it on his page...
    page.goto(f"{base}/events/{slug}/participants/{minister}")
    rides = page.locator("section[aria-labelledby=rides-heading]").inner_text()
    assert "QV 919" in rides and after["label"] in rides and "QV 917" not in rides
    # ...on the driver's sheets: the new day's lists him, the old day's no longer does...
    new_sheet = _sheet_text(page, base, slug, after["vehicle"], later)
    assert "PHOMMACHANH" in new_sheet and "QV 919" in new_sheet
    assert "PHOMMACHANH" not in _sheet_text(
        page, base, slug, before["vehicle"], before["departs"].date()
    )
    # ...and on the hotel's rooming list, as a change since the list sent.
    page.goto(f"{base}/events/{slug}/rooming-lists/?hotel={after['hotel']}")
    changed = page.locator("tbody tr.table-warning, tbody tr.table-danger")
    assert changed.count() == 1  # his room alone, and with his new flight
    assert "PHOMMACHANH" in changed.inner_text().upper() and "QV 919" in changed.inner_text()
    page.screenshot(path=str(ARTIFACTS / "rooms-and-rides-rooming-changes.png"), full_page=True)

    # The driver of the new trip and the minister were told, after the commit.
    sent = demo_server.extensions["eventhub_outbox"][mails_before:]
    recipients = {str(message["To"]) for message in sent}
    assert MINISTER in recipients
    assert after["driver_email"] in recipients
    guest_mail = next(m for m in sent if str(m["To"]) == MINISTER)
    assert "QV 919" in guest_mail.get_body(("plain",)).get_content()
