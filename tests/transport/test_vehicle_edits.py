"""A vehicle's edits cannot strand its trips silently: fewer seats than a trip carries is
refused naming the trip; taking it out of service lists its trips, and the board says so."""

from __future__ import annotations

from eventhub.transport.models import Vehicle

from .rides import local, reload, trip, vehicle
from .test_fleet import VAN
from .test_trips import _page


def test_fewer_seats_than_a_trip_carries_is_refused_naming_the_trip(
    app, client, as_role, event, make
):
    as_role("organiser")
    van = vehicle(app, event, label="贵A·12345", seats=7)
    people = [make.participant(event) for _ in range(5)]
    trip(app, event, vehicle_id=van.id, passengers=people, departs_at=local(24, 10))
    url = f"/events/{event.slug}/transport/vehicles/{van.id}"
    html = client.post(url, data=dict(VAN, seats="4")).get_data(as_text=True)
    assert "5 passengers" in html and "10:00" in html and "Guiyang Lakeside Hotel" in html
    assert reload(app, Vehicle, van.id).seats == 7


def test_a_vehicle_out_of_service_with_trips_is_warned_and_the_board_says_so(
    app, client, as_role, event
):
    as_role("organiser")
    van = vehicle(app, event, label="贵A·12345")
    trip(app, event, vehicle_id=van.id, departs_at=local(24, 10))
    url = f"/events/{event.slug}/transport/vehicles/{van.id}"
    data = {k: v for k, v in VAN.items() if k != "available"}
    html = client.post(url, data=data, follow_redirects=True).get_data(as_text=True)
    assert "still has 1 trip" in html and "2025-07-24 10:00" in html
    assert reload(app, Vehicle, van.id).available is False
    assert 'data-warning="out_of_service"' in _page(client, event, day="2025-07-24")
