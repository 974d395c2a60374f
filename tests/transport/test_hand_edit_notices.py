"""A trip changed or deleted by hand: the drivers concerned (the old vehicle's and the new
one's) hear of it, and a guest whose pick-up changed or went gets a short message."""

from __future__ import annotations

from .rides import local, trip, vehicle
from .test_trips import _edit


def test_moving_a_trip_to_another_vehicle_tells_both_drivers_and_the_guest(
    app, client, as_role, event, make, outbox
):
    as_role("organiser")
    old = vehicle(app, event, label="Van 1", driver_email="old@drivers.example")
    new = vehicle(app, event, label="Van 2", driver_email="new@drivers.example")
    person = make.participant(event, email="guest@example.la", arrival_at=local(24, 9, 30))
    made = trip(app, event, passengers=[person], vehicle_id=old.id)
    outbox.clear()
    _edit(client, event, made.id, vehicle=new.id, departs="10:10")
    to = sorted(m["To"] for m in outbox)
    assert to == ["guest@example.la", "new@drivers.example", "old@drivers.example"]
    old_mail = next(m for m in outbox if m["To"] == "old@drivers.example")
    assert "Van 1" in old_mail["Subject"]


def test_deleting_a_pickup_tells_its_driver_and_its_guest_it_is_cancelled(
    app, client, as_role, event, make, outbox
):
    as_role("organiser")
    van = vehicle(app, event, label="Van 1", driver_email="old@drivers.example")
    person = make.participant(
        event, email="guest@example.la", locale="en", arrival_at=local(24, 9, 30)
    )
    made = trip(app, event, passengers=[person], vehicle_id=van.id)
    outbox.clear()
    client.post(f"/events/{event.slug}/transport/trips/{made.id}/delete")
    to = {m["To"]: m for m in outbox}
    assert sorted(to) == ["guest@example.la", "old@drivers.example"]
    assert "cancelled" in to["guest@example.la"].get_content()
