"""The "your pick-up" message in the guest's language, and a changed trip mailed to its
driver (the shift's driver when the vehicle has one then)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventhub import jobs
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Participant
from eventhub.transport import notices, planner
from eventhub.transport.models import DriverShift, Escort, Trip, VehicleKind

from .test_planner import LANDS, add, guest, make_hotel, vehicle


@pytest.fixture
def hotel(app, event):
    return make_hotel(app, event)


def _planned(app, event):
    with app.app_context():
        planner.plan(db.session.get(Event, event.id))
        db.session.commit()


def test_the_pickup_message_names_flight_vehicle_driver_escort_and_hotel(
    app,
    make,
    event,
    hotel,
    outbox,
):
    vehicle(
        app,
        event,
        "GZ-CAR1",
        VehicleKind.CAR,
        4,
        driver_name="Zhang Wei",
        driver_phone="+86 139 0851 0000",
    )
    add(app, Escort(event_id=event.id, name="Li Na", phone="+86 139 0000 0001"))
    minister = guest(make, event, protocol_rank=1, email="m@example.la", locale="en")
    _planned(app, event)
    with app.app_context():
        assert notices.tell_guest(db.session.get(Participant, minister.id))
        jobs.commit()
    (mail,) = outbox
    body = mail.get_content()
    assert mail["To"] == "m@example.la" and "Your pick-up" in mail["Subject"]
    for text in (
        "CZ3401",
        "10:00",
        "KWE",
        "GZ-CAR1",
        "car",
        "Zhang Wei",
        "+86 139 0851 0000",
        "Li Na",
        "Kempinski Guiyang",
    ):
        assert text in body, text
    assert "http" not in body  # no link, no secret


def test_a_guest_without_a_pickup_or_an_address_gets_nothing(app, make, event, hotel, outbox):
    no_trip = guest(make, event, email="x@example.la")
    with app.app_context():
        assert notices.tell_guest(db.session.get(Participant, no_trip.id)) is False
    assert outbox == []


def test_the_driver_of_the_shift_hears_of_the_change(app, make, event, hotel, outbox):
    van = vehicle(app, event, driver_email="usual@drivers.example")
    add(
        app,
        DriverShift(
            vehicle_id=van,
            starts_at=LANDS - timedelta(hours=2),
            ends_at=LANDS + timedelta(hours=6),
            driver_name="Night Driver",
            driver_email="shift@drivers.example",
        ),
    )
    person = guest(make, event)
    _planned(app, event)
    with app.app_context():
        trip = db.session.scalar(sa.select(Trip))
        assert notices.tell_driver(trip, notices.CHANGED)
        jobs.commit()
    (mail,) = outbox
    assert mail["To"] == "shift@drivers.example"
    body = mail.get_content()
    assert "CZ3401" in body and person.latin_name in body and "KWE" in body
