"""Rooms and rides follow the travel data: whichever path changes a flight or a status, the
modules that plan them hear of it; a save that changes nothing tells nobody."""

from __future__ import annotations

from datetime import UTC, date, datetime

from eventhub.extensions import db
from eventhub.registration.models import Participant, Status
from eventhub.registration.signals import travel_changed


def _heard():
    heard: list[tuple[int, set[str]]] = []

    def receiver(participant, *, fields, **kwargs):
        heard.append((participant.id, set(fields)))

    travel_changed.connect(receiver)
    return heard, receiver


def test_a_changed_flight_is_heard_with_what_changed(app, make, event):
    with app.app_context():
        _changed_flight(make, event)


def _changed_flight(make, event):
    made = make.participant(
        event,
        arrival_date=date(2025, 7, 23),
        arrival_at=datetime(2025, 7, 23, 6, 35, tzinfo=UTC),
        arrival_flight="QV 917",
    )
    person = db.session.get(Participant, made.id)
    heard, receiver = _heard()
    try:
        person.arrival_flight = "QV 919"
        person.arrival_at = datetime(2025, 7, 24, 6, 35, tzinfo=UTC)
        person.arrival_date = date(2025, 7, 24)
        db.session.flush()
        person.status = Status.WITHDRAWN
        db.session.flush()
    finally:
        travel_changed.disconnect(receiver)
    assert heard == [
        (person.id, {"arrival_flight", "arrival_at", "arrival_date"}),
        (person.id, {"status"}),
    ]


def test_a_save_that_changes_nothing_is_not_heard(app, make, event):
    with app.app_context():
        _unchanged_save(make, event)


def _unchanged_save(make, event):
    moment = datetime(2025, 7, 23, 6, 35, tzinfo=UTC)
    person = db.session.get(
        Participant, make.participant(event, arrival_at=moment, arrival_flight="QV 917").id
    )
    heard, receiver = _heard()
    try:
        # What a form does on an unchanged save: the same values written back.
        person.arrival_at = moment.astimezone()
        person.arrival_flight = "QV 917"
        person.position = "Minister"  # not travel: nobody needs to re-plan
        db.session.flush()
    finally:
        travel_changed.disconnect(receiver)
    assert heard == []
