"""A representative's busy times: their duties (a speaker's forum) and confirmed enrolments,
not a waiting-list place nor a draft; travel to and from the session's venue; no meeting
before landing + 1 h or after departure - 3 h."""

from __future__ import annotations

from datetime import timedelta

from eventhub.extensions import db
from eventhub.matchmaking.busy import busy_times
from eventhub.scheduling.models import ActivityState, Enrolment, EnrolmentStatus, TravelTime

from .solver_builders import NINE

HOUR = timedelta(hours=1)


def test_duties_and_enrolments_block_their_hours_with_the_ride(app, make, event):
    hall, campus = make.venue(event), make.venue(event)
    with app.app_context():
        db.session.add(TravelTime(from_venue_id=campus.id, to_venue_id=hall.id, minutes=20))
        db.session.commit()
    on_campus = make.room(campus)
    speaker, waiting = make.participant(event), make.participant(event)
    published = {"state": ActivityState.PUBLISHED, "room_id": on_campus.id}
    make.activity(event, speakers=[speaker], starts_at=NINE, ends_at=NINE + HOUR, **published)
    make.activity(  # a draft is nobody's duty yet
        event, speakers=[speaker], starts_at=NINE + 3 * HOUR, ends_at=NINE + 4 * HOUR
    )
    full = make.activity(event, starts_at=NINE, ends_at=NINE + HOUR, **published)
    with app.app_context():
        db.session.add(
            Enrolment(
                activity_id=full.id, participant_id=waiting.id, status=EnrolmentStatus.WAITLISTED
            )
        )
        db.session.commit()
        busy = busy_times(db.session.merge(event), [speaker.id, waiting.id])
        at = NINE + HOUR  # just after the forum, on the campus
        assert busy.clash(speaker.id, at, at + HOUR / 2, campus.id) is None
        assert busy.clash(speaker.id, at, at + HOUR / 2, hall.id) is not None  # the ride
        later = at + timedelta(minutes=20)
        assert busy.clash(speaker.id, later, later + HOUR / 2, hall.id) is None
        assert busy.clash(speaker.id, NINE + 3 * HOUR, NINE + 4 * HOUR, hall.id) is None
        assert busy.clash(waiting.id, NINE, NINE + HOUR, campus.id) is None


def test_landing_and_leaving_bound_the_day(app, make, event):
    person = make.participant(event, arrival_at=NINE, departure_at=NINE + 8 * HOUR)
    with app.app_context():
        busy = busy_times(db.session.merge(event), [person.id])
        assert busy.clash(person.id, NINE + HOUR / 2, NINE + HOUR, None) == "arrival"
        assert busy.clash(person.id, NINE + HOUR, NINE + 2 * HOUR, None) is None
        assert busy.clash(person.id, NINE + 4 * HOUR, NINE + 5 * HOUR, None) is None
        assert busy.clash(person.id, NINE + 5 * HOUR, NINE + 6 * HOUR, None) == "departure"
