"""The trips board of a day and a trip's hand edits, as the organisers see them."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.extensions import db
from eventhub.registration.models import Status
from eventhub.transport.models import Trip, TripKind

from .rides import escort, local, reload, trip, vehicle


def _page(client, event, **args) -> str:
    response = client.get(f"/events/{event.slug}/transport/trips", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_board_shows_a_days_trips_with_names_in_both_scripts(app, client, as_role, event, make):
    as_role("organiser")
    thai = make.delegation(event, name_en="Thailand", country_code="TH")
    guest = make.participant(
        event,
        family_name="SUKSAWAT",
        given_name="Niran",
        native_name="นิรันดร์ สุขสวัสดิ์",
        country_code="TH",
        delegation_id=thai.id,
        arrival_at=local(24, 9, 30),
    )
    van = vehicle(app, event)
    trip(app, event, passengers=[guest], vehicle_id=van.id, escort_id=escort(app, event).id)
    trip(app, event, departs_at=local(25, 10), flight="CZ3456")  # another day

    html = _page(client, event, day="2025-07-24")
    assert "QV911" in html and "CZ3456" not in html
    assert "Niran SUKSAWAT" in html and "นิรันดร์ สุขสวัสดิ์" in html and "Thailand" in html
    assert "贵A·12345" in html and "(1/7)" in html and "王师傅" in html and "Li Na" in html
    assert "10:00" in html
    assert "CZ3456" in _page(client, event, day="2025-07-25")


def test_the_board_warns_of_seats_no_vehicle_double_booking_and_long_waits(
    app, client, as_role, event, make
):
    as_role("organiser")
    car = vehicle(app, event, label="Car 1", seats=1)
    early = make.participant(event, arrival_at=local(24, 8, 0))  # lands 2 h before
    other = make.participant(event, family_name="PHAN", arrival_at=local(24, 9, 50))
    trip(app, event, passengers=[early, other], vehicle_id=car.id)
    trip(app, event, departs_at=local(24, 10, 20), flight="X1", vehicle_id=car.id)
    trip(app, event, departs_at=local(24, 15), flight="X2")

    html = _page(client, event, day="2025-07-24")
    assert "2 passengers for 1 seats" in html
    assert 'data-warning="long_wait"' in html and "Waits 120 minutes" in html
    assert html.count('data-warning="double_booked"') == 2
    assert 'data-warning="no_vehicle"' in html


def test_the_board_filters_by_kind_and_vehicle(app, client, as_role, event):
    as_role("organiser")
    van = vehicle(app, event)
    trip(app, event, vehicle_id=van.id)
    trip(
        app,
        event,
        kind=TripKind.SHUTTLE,
        flight="",
        departs_at=local(24, 12),
        origin="Hotel A",
        destination="Eco-Conference Center",
    )
    shuttles = _page(client, event, day="2025-07-24", kind="shuttle")
    assert "Eco-Conference Center" in shuttles and "QV911" not in shuttles
    by_van = _page(client, event, day="2025-07-24", vehicle=van.id)
    assert "QV911" in by_van and "Eco-Conference Center" not in by_van


def _edit(client, event, trip_id, **data):
    values = {"day": "2025-07-24", "departs": "10:00", "vehicle": "", "escort": "", "note": ""}
    return client.post(
        f"/events/{event.slug}/transport/trips/{trip_id}",
        data=values | data,
        follow_redirects=True,
    )


def test_a_hand_edit_takes_the_trip_from_the_planner_and_is_audited(
    app, client, as_role, event, make
):
    as_role("organiser")
    van, guide = vehicle(app, event), escort(app, event)
    made = trip(app, event, passengers=[make.participant(event)])

    response = _edit(
        client,
        event,
        made.id,
        vehicle=van.id,
        escort=guide.id,
        departs="10:30",
        note="Minister: VIP lane",
    )
    assert "Trip changed." in response.get_data(as_text=True)
    changed = reload(app, Trip, made.id)
    assert changed.vehicle_id == van.id and changed.escort_id == guide.id
    assert changed.planned is False and changed.changed_at is not None
    assert changed.note == "Minister: VIP lane"
    assert changed.departs_at.replace(tzinfo=None) == local(24, 10, 30).replace(tzinfo=None)
    with app.app_context():
        assert (
            db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == "trip.edit"))
            == 1
        )


def test_an_edit_over_seats_or_onto_a_busy_vehicle_is_refused_naming_which(
    app, client, as_role, event, make
):
    as_role("organiser")
    car = vehicle(app, event, label="Car 7", seats=1)
    busy = vehicle(app, event, label="Van 3", seats=9)
    trip(
        app,
        event,
        vehicle_id=busy.id,
        departs_at=local(24, 10, 15),
        flight="X9",
        origin="Airport T2",
    )
    made = trip(app, event, passengers=[make.participant(event), make.participant(event)])

    html = _edit(client, event, made.id, vehicle=car.id).get_data(as_text=True)
    assert "Car 7 has 1 seats: 2 passengers do not fit." in html
    html = _edit(client, event, made.id, vehicle=busy.id).get_data(as_text=True)
    assert "Van 3 is already on a trip from 10:15 (Airport T2" in html
    assert reload(app, Trip, made.id).vehicle_id is None
    assert reload(app, Trip, made.id).planned is True


def test_passengers_are_added_and_removed_and_strangers_refused(app, client, as_role, event, make):
    as_role("organiser")
    made = trip(app, event, vehicle_id=vehicle(app, event, seats=2).id)
    guest = make.participant(event, family_name="VONG")
    gone = make.participant(event, family_name="LEFT", status=Status.WITHDRAWN)
    stranger = make.participant(make.event(), family_name="ELSEWHERE")
    url = f"/events/{event.slug}/transport/trips/{made.id}/passengers"

    html = client.post(
        url, data={"participant": f"{guest.id} Somphone VONG"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "added to the trip" in html
    html = client.post(url, data={"participant": str(gone.id)}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "has withdrawn or was not accepted" in html
    html = client.post(url, data={"participant": str(stranger.id)}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "There is no such participant in this event." in html
    assert [p.participant_id for p in reload(app, Trip, made.id).passengers] == [guest.id]
    assert reload(app, Trip, made.id).planned is False

    client.post(f"{url}/{guest.id}/remove")
    assert reload(app, Trip, made.id).passengers == []


def test_a_visit_is_made_by_hand_and_a_trip_deleted(app, client, as_role, event):
    as_role("organiser")
    response = client.post(
        f"/events/{event.slug}/transport/trips/new",
        data={
            "kind": "visit",
            "day": "2025-07-26",
            "departs": "14:00",
            "minutes": "50",
            "origin": "Guiyang Lakeside Hotel",
            "destination": "Huaxi University Town",
            "vehicle": "",
            "escort": "",
            "note": "",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        made = db.session.scalar(sa.select(Trip).where(Trip.kind == TripKind.VISIT))
        assert made.planned is False and made.destination == "Huaxi University Town"
        made_id = made.id
    assert "Huaxi University Town" in _page(client, event, day="2025-07-26")

    client.post(f"/events/{event.slug}/transport/trips/{made_id}/delete")
    assert reload(app, Trip, made_id) is None
    assert "No trips on this day." in _page(client, event, day="2025-07-26")


def test_another_events_trip_is_not_found(app, client, as_role, event, make):
    as_role("organiser")
    elsewhere = trip(app, make.event())
    assert client.get(f"/events/{event.slug}/transport/trips/{elsewhere.id}").status_code == 404
    assert (
        client.post(f"/events/{event.slug}/transport/trips/{elsewhere.id}/delete").status_code
        == 404
    )
    assert reload(app, Trip, elsewhere.id) is not None


def test_a_guest_already_on_another_pickup_is_refused_naming_that_trip(
    app, client, as_role, event, make
):
    as_role("organiser")
    guest = make.participant(event, family_name="VONG")
    first = trip(app, event, passengers=[guest])  # QV911, leaves 10:00 on Jul 24
    second = trip(app, event, departs_at=local(25, 14), flight="CZ3456")
    shuttle = trip(app, event, kind=TripKind.SHUTTLE, flight="", departs_at=local(24, 12))

    html = client.post(
        f"/events/{event.slug}/transport/trips/{second.id}/passengers",
        data={"participant": str(guest.id)},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "already on the pick-up" in html
    assert "Jul 24, 2025, 10:00" in html and "QV911" in html
    assert reload(app, Trip, second.id).passengers == []
    assert [p.participant_id for p in reload(app, Trip, first.id).passengers] == [guest.id]

    html = client.post(  # a shuttle is another kind of trip: no question
        f"/events/{event.slug}/transport/trips/{shuttle.id}/passengers",
        data={"participant": str(guest.id)},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "added to the trip" in html
