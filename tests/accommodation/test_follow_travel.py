"""A guest's room follows their travel, whatever path changed it."""

from __future__ import annotations

from datetime import UTC, date, datetime

from eventhub import jobs
from eventhub.accommodation import assigning
from eventhub.accommodation.models import RoomClass, RoomType
from eventhub.extensions import db
from eventhub.registration.models import Participant, Status

from .test_solver import build_hotel, guest

TWIN = [("Twin", RoomClass.STANDARD, 2, False, 1, 400)]


def _placed(app, pid, type_id, room=None):
    with app.app_context(), app.test_request_context():
        p = db.session.get(Participant, pid)
        if room is not None:
            assigning.place(p, room=assigning.room_of(room))
        else:
            assigning.place(p, db.session.get(RoomType, type_id))
        db.session.commit()


def _change(app, pid, **values):
    with app.app_context():
        p = db.session.get(Participant, pid)
        for k, v in values.items():
            setattr(p, k, v)
        jobs.commit()  # the job runs once handed over, as after a request


def _room(app, pid):
    with app.app_context():
        room = assigning.room_of(pid)
        if room is None:
            return None
        return room.first_night, room.last_night, [g.participant_id for g in room.guests]


def test_a_later_flight_moves_the_rooms_nights(app, make, event):
    ids = build_hotel(app, event, kinds=TWIN)
    one = guest(make, event)
    _placed(app, one.id, ids["Twin"])
    # Lands 24 July 03:00 local: needs the night of the 23rd still; leaves a day earlier.
    _change(
        app,
        one.id,
        arrival_at=datetime(2025, 7, 23, 19, 0, tzinfo=UTC),
        departure_date=date(2025, 7, 26),
    )
    assert _room(app, one.id) == (date(2025, 7, 23), date(2025, 7, 25), [one.id])
    _change(app, one.id, arrival_at=datetime(2025, 7, 24, 4, 0, tzinfo=UTC))
    assert _room(app, one.id)[:2] == (date(2025, 7, 24), date(2025, 7, 25))


def test_a_shared_room_covers_both_guests_nights(app, make, event):
    ids = build_hotel(app, event, kinds=TWIN)
    one, two = (
        guest(make, event, leave=date(2025, 7, 25)),
        guest(make, event, leave=date(2025, 7, 25)),
    )
    _placed(app, one.id, ids["Twin"])
    _placed(app, two.id, None, room=one.id)
    _change(app, two.id, departure_date=date(2025, 7, 27))
    assert _room(app, one.id) == (date(2025, 7, 23), date(2025, 7, 26), [one.id, two.id])


def test_when_capacity_does_not_allow_the_guest_loses_the_room_with_a_reason(app, make, event):
    ids = build_hotel(app, event, kinds=TWIN)
    one = guest(make, event, leave=date(2025, 7, 25))
    two = guest(make, event, arrive=date(2025, 7, 25))
    _placed(app, one.id, ids["Twin"])
    _placed(app, two.id, ids["Twin"])
    _change(app, one.id, departure_date=date(2025, 7, 27))
    assert _room(app, one.id) is None
    with app.app_context():
        from eventhub.events.models import Event

        lost = assigning.lost_rooms(db.session.get(Event, event.id))
    assert lost == {
        one.id: "The only room of Twin (Sheraton) contracted for the night of 25 July is booked."
    }


def test_withdrawn_guest_leaves_and_the_other_keeps_the_room(app, make, event):
    ids = build_hotel(app, event, kinds=TWIN)
    one, two = guest(make, event), guest(make, event, leave=date(2025, 7, 25))
    _placed(app, one.id, ids["Twin"])
    _placed(app, two.id, None, room=one.id)
    _change(app, one.id, status=Status.WITHDRAWN)
    assert _room(app, one.id) is None
    assert _room(app, two.id) == (date(2025, 7, 23), date(2025, 7, 24), [two.id])


def test_travel_changes_queue_the_job(app, make, event, held_jobs):
    mine = "eventhub.accommodation.tasks.follow_travel"
    one = guest(make, event)
    _change(app, one.id, hotel="Kempinski", position="Dean")
    assert [args for task, args in held_jobs if task.name == mine] == []
    _change(app, one.id, departure_date=date(2025, 7, 28))
    assert [args for task, args in held_jobs if task.name == mine] == [(one.id,)]
