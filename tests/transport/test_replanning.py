"""A changed flight re-plans only the guest concerned, at once: off the trip that no longer
fits (an emptied trip goes), onto one going their way or a new one; the drivers of the trips
touched and the guest are told."""

from __future__ import annotations

import time
from datetime import UTC, timedelta

import pytest
import sqlalchemy as sa

from eventhub import jobs
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Participant, Status
from eventhub.transport import planner
from eventhub.transport.models import Escort, Trip, TripKind, TripPassenger, VehicleKind

from .test_planner import LANDS, add, guest, make_hotel, vehicle


@pytest.fixture
def hotel(app, event):
    return make_hotel(app, event)


@pytest.fixture
def fleet(app, event, hotel):
    vehicle(app, event, "GZ-V1", driver_email="v1@drivers.example", driver_name="Zhang Wei")
    vehicle(app, event, "GZ-V2", driver_email="v2@drivers.example")
    vehicle(
        app,
        event,
        "GZ-CAR1",
        VehicleKind.CAR,
        4,
        driver_email="car@drivers.example",
        driver_locale="en",
    )
    add(app, Escort(event_id=event.id, name="Li Na", phone="+86 139 0000 0001"))


def _plan(app, event):
    with app.app_context():
        planner.plan(db.session.get(Event, event.id))
        db.session.commit()


def _change(app, person, **values):
    """An organiser's edit of the person's travel, committed: the job runs at once."""
    with app.app_context():
        record = db.session.get(Participant, person.id)
        for name, value in values.items():
            setattr(record, name, value)
        started = time.perf_counter()
        jobs.commit()
        return time.perf_counter() - started


def _rides(app, event):
    with app.app_context():
        trips = db.session.scalars(
            sa.select(Trip).where(Trip.event_id == event.id).order_by(Trip.departs_at)
        ).all()
        rides = {
            t.id: (
                t.vehicle.label,
                t.departs_at.replace(tzinfo=UTC),
                sorted(p.participant_id for p in t.passengers),
                t.changed_at is not None,
            )
            for t in trips
        }
        assert planner.violations(db.session.get(Event, event.id)) == []
        return rides


def test_a_later_flight_moves_the_guest_to_a_new_trip_and_leaves_the_others_be(
    app, make, event, fleet, outbox
):
    a = guest(make, event, email="a@example.la")
    b = guest(make, event, email="b@example.la")
    _plan(app, event)
    before = _rides(app, event)
    assert [r[2] for r in before.values()] == [sorted([a.id, b.id])]
    outbox.clear()
    seconds = _change(app, b, arrival_at=LANDS + timedelta(hours=3), arrival_flight="CA1499")
    after = _rides(app, event)
    # a keeps the same trip, at the same time; b has a trip of their own 3 h later.
    (kept_id,) = before
    assert after[kept_id][1:3] == (before[kept_id][1], [a.id])
    assert after[kept_id][3] is True  # the driver's sheet shows it changed
    new = [r for tid, r in after.items() if tid != kept_id]
    assert [r[2] for r in new] == [[b.id]]
    assert new[0][1] >= LANDS + timedelta(hours=3, minutes=20)
    assert seconds < 60
    # The driver hears of both trips (the changed one, the new one back from the airport
    # by then), and so does the guest, with the new flight; a is not bothered.
    assert sorted(m["To"] for m in outbox) == [
        "b@example.la",
        "v1@drivers.example",
        "v1@drivers.example",
    ]
    to = {m["To"]: m for m in outbox}
    assert "CA1499" in to["b@example.la"].get_content()


def test_a_trip_emptied_by_a_withdrawal_goes_and_its_driver_is_told(
    app, make, event, fleet, outbox
):
    a = guest(make, event)
    _plan(app, event)
    outbox.clear()
    _change(app, a, status=Status.WITHDRAWN)
    assert _rides(app, event) == {}
    assert [m["To"] for m in outbox] == ["v1@drivers.example"]


def test_a_changed_guest_joins_a_planned_trip_going_their_way(app, make, event, fleet):
    a = guest(make, event)
    b = guest(make, event, arrival_at=LANDS + timedelta(hours=5))
    _plan(app, event)
    assert len(_rides(app, event)) == 2
    # Landing 5 minutes before a: the van leaving 20 minutes after a landed suits both.
    _change(app, b, arrival_at=LANDS - timedelta(minutes=5))
    rides = _rides(app, event)
    assert [r[2] for r in rides.values()] == [sorted([a.id, b.id])]


def test_a_minister_promoted_to_rank_gets_his_own_car_and_escort(app, make, event, fleet, outbox):
    guest(make, event)
    minister = guest(make, event, email="minister@example.la", locale="en")
    _plan(app, event)
    outbox.clear()
    _change(app, minister, protocol_rank=1)
    rides = _rides(app, event)
    car = [r for r in rides.values() if r[0] == "GZ-CAR1"]
    assert [r[2] for r in car] == [[minister.id]]
    mail = {m["To"]: m for m in outbox}["minister@example.la"].get_content()
    assert "GZ-CAR1" in mail and "Li Na" in mail


def test_a_trip_made_by_hand_is_left_to_the_organisers(app, make, event, fleet):
    a = guest(make, event)
    with app.app_context():
        van = db.session.scalar(sa.select(planner.Vehicle).where(planner.Vehicle.label == "GZ-V2"))
        trip = Trip(
            event_id=event.id,
            kind=planner.TripKind.PICKUP,
            vehicle_id=van.id,
            departs_at=LANDS + timedelta(minutes=30),
            origin="KWE",
            passengers=[TripPassenger(participant_id=a.id)],
        )
        db.session.add(trip)
        db.session.commit()
        trip_id = trip.id
    _change(app, a, arrival_at=LANDS + timedelta(hours=2))
    with app.app_context():
        kept = db.session.get(Trip, trip_id)
        assert [p.participant_id for p in kept.passengers] == [a.id]
        assert db.session.scalar(sa.select(sa.func.count(Trip.id))) == 1


def test_a_withdrawn_guest_leaves_hand_made_trips_too_and_gets_no_pickup_mail(
    app, make, event, fleet, outbox
):
    a = guest(make, event, email="a@example.la")
    b = guest(make, event, email="b@example.la")
    _plan(app, event)
    with app.app_context():
        (trip,) = db.session.scalars(sa.select(Trip)).all()
        trip.planned = False  # an organiser edited it by hand
        visit = Trip(
            event_id=event.id,
            kind=TripKind.VISIT,
            departs_at=LANDS + timedelta(days=1),
            origin="Hotel",
            destination="Museum",
            planned=False,
            vehicle=trip.vehicle,
        )
        visit.passengers = [TripPassenger(participant_id=b.id)]
        db.session.add(visit)
        db.session.commit()
    outbox.clear()
    _change(app, b, status=Status.WITHDRAWN)
    with app.app_context():
        for trip in db.session.scalars(sa.select(Trip)):
            assert b.id not in [p.participant_id for p in trip.passengers]
    assert "b@example.la" not in [m["To"] for m in outbox]
    assert a.id  # a keeps their ride


def test_a_changed_flight_on_a_hand_made_trip_is_kept_and_warned_on_the_board(
    app, make, event, fleet, client, as_role, outbox
):
    organiser = as_role("organiser")
    a = guest(make, event, arrival_flight="QV919")
    _plan(app, event)
    with app.app_context():
        (trip,) = db.session.scalars(sa.select(Trip)).all()
        trip.planned = False
        db.session.commit()
        trip_id = trip.id
    _change(app, a, arrival_at=LANDS + timedelta(hours=4))
    with app.app_context():
        assert [p.participant_id for p in db.session.get(Trip, trip_id).passengers] == [a.id]
    (mail,) = [m for m in outbox if m["To"] == organiser.email]
    assert "QV919 lands 14:00, this trip leaves 10:20" in mail.get_content()
    assert f"/transport/trips/{trip_id}" in mail.get_content()
    html = client.get(f"/events/{event.slug}/transport/trips/{trip_id}").get_data(as_text=True)
    assert 'data-warning="flight_changed"' in html
    assert ": QV919 lands 14:00, this trip leaves 10:20" in html


@pytest.mark.parametrize(
    "change", [{"status": Status.WITHDRAWN}, {"arrival_at": LANDS + timedelta(hours=3)}]
)
def test_the_driver_of_a_cancelled_trip_reads_who_was_taken_off(
    app, make, event, fleet, outbox, change
):
    a = guest(make, event, given_name="Somchai", family_name="VONG")
    _plan(app, event)
    outbox.clear()
    _change(app, a, **change)
    mail = next(m for m in outbox if m["To"] == "v1@drivers.example")
    text = mail.get_content()
    assert "Somchai VONG" in text
    assert "（0 人）" not in text and "(0)" not in text
