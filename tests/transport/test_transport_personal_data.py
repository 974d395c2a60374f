"""A person's trips in the export of their data; erased, they leave their trips (an emptied
trip goes), the others keep theirs."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.privacy.persons import erase_person, export_person
from eventhub.transport import planner
from eventhub.transport.models import Trip, TripPassenger

from .test_planner import guest, make_hotel, vehicle


@pytest.fixture
def hotel(app, event):
    return make_hotel(app, event)


def test_export_lists_the_trips_and_erasure_takes_the_person_off(app, make, event, hotel):
    vehicle(app, event)
    a = guest(make, event)
    b = guest(make, event)
    alone = guest(make, event, arrival_at=None)
    with app.app_context():
        ev = db.session.get(Event, event.id)
        planner.plan(ev)
        db.session.commit()
        data = export_person(ev, a.id)
        (trip,) = data["sections"]["transport"]["trips"]
        assert (trip["kind"], trip["origin"], trip["flight"], trip["vehicle"]) == (
            "pickup",
            "KWE",
            "CZ3401",
            "GZ-A1",
        )
        assert "transport" not in export_person(ev, alone.id)["sections"]
        erase_person(ev, a.id)
        db.session.commit()
        riders = db.session.scalars(sa.select(TripPassenger.participant_id)).all()
        assert riders == [b.id]
        erase_person(ev, b.id)
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(Trip.id))) == 0
