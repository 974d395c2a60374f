"""The board warns of what breaks the planner's rules in trips kept or made by hand, and a
hand edit cannot send a vehicle or escort that is still on (or driving back from) a trip."""

from __future__ import annotations

from eventhub.transport.models import Trip, VehicleKind

from .rides import escort, local, reload, trip, vehicle
from .test_trips import _edit, _page


def test_the_board_warns_of_an_early_car_and_a_minister_sharing_without_escort(
    app, client, as_role, event, make
):
    as_role("organiser")
    van = vehicle(app, event, label="Van 1", seats=7)
    minister = make.participant(
        event, family_name="MINISTER", protocol_rank=1, arrival_at=local(24, 9, 50)
    )
    other = make.participant(event, family_name="AIDE", arrival_at=local(24, 9, 50))
    trip(app, event, passengers=[minister, other], vehicle_id=van.id)  # leaves 10:00
    html = _page(client, event, day="2025-07-24")
    assert 'data-warning="flight_changed"' in html  # 10 minutes after landing, not 20
    assert "MINISTER should ride alone in a car" in html
    assert "MINISTER has no protocol escort" in html


def test_an_escort_on_two_overlapping_trips_is_refused(app, client, as_role, event, make):
    as_role("organiser")
    guide = escort(app, event)
    trip(app, event, escort_id=guide.id, departs_at=local(24, 10, 0))
    made = trip(app, event, departs_at=local(24, 11, 0), flight="X2")
    html = _edit(client, event, made.id, departs="10:30", escort=guide.id).get_data(as_text=True)
    assert "Li Na is already on a trip from 10:00" in html
    assert reload(app, Trip, made.id).escort_id is None


def test_a_vehicle_still_driving_back_is_refused(app, client, as_role, event):
    as_role("organiser")
    car = vehicle(app, event, label="Car 2", kind=VehicleKind.CAR, seats=4)
    trip(app, event, vehicle_id=car.id, departs_at=local(24, 10, 0))  # 40 min out, 40 back
    made = trip(app, event, departs_at=local(24, 13, 0), flight="X2")
    html = _edit(client, event, made.id, departs="11:00", vehicle=car.id).get_data(as_text=True)
    assert "Car 2 is already on a trip from 10:00" in html
    html = _edit(client, event, made.id, departs="11:40", vehicle=car.id).get_data(as_text=True)
    assert "Trip changed." in html
