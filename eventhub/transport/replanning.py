"""One guest's travel changed: take them off the planned trips that no longer fit, fit them in
a planned trip going their way or a new one, leave everyone else's trips as they are, and tell
the drivers of the trips touched and the guest. A few queries: well under the 60 s asked."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.db import utcnow
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Participant, Status
from eventhub.transport import notices, trip_warnings
from eventhub.transport.models import Trip, TripKind, TripPassenger, VehicleKind
from eventhub.transport.plan_calendar import lock_event
from eventhub.transport.planner import (
    PLANNED_KINDS,
    Calendar,
    Leg,
    PlanReport,
    Where,
    _aware,
    _trips,
    fleet_of,
    legs_of,
    place,
    rides_alone,
    settings_of,
    where_of,
)


def _same_way(trip: Trip, leg: Leg) -> bool:
    point = leg.point.strip().casefold()
    if trip.kind != leg.kind:
        return False
    end = trip.origin if trip.kind == TripKind.PICKUP else trip.destination
    if end.strip().casefold() != point:
        return False
    if leg.where.hotel is not None:
        return trip.hotel_id == leg.where.hotel.id
    other = trip.destination if trip.kind == TripKind.PICKUP else trip.origin
    return trip.hotel_id is None and other.strip().casefold() == leg.where.key[1]


def _on_time(trip: Trip, leg: Leg, settings) -> bool:
    earliest, latest = leg.window(settings)
    return _same_way(trip, leg) and earliest <= _aware(trip.departs_at) <= latest


def fits(trip: Trip, leg: Leg, settings) -> bool:
    """The guest may stay on (or join) this trip: same way, leaving in their window, the car
    of a guest of rank theirs alone, no one else in it."""
    if not _same_way(trip, leg):
        return False
    earliest, latest = leg.window(settings)
    if not earliest <= _aware(trip.departs_at) <= latest:
        return False
    others = [tp for tp in trip.passengers if tp.participant_id != leg.person.id]
    if rides_alone(leg.person, settings):
        car = trip.vehicle is not None and trip.vehicle.kind == VehicleKind.CAR
        return car and trip.escort_id is not None and not others
    return trip.escort_id is None and trip.vehicle is not None


def replan(participant_id: int) -> PlanReport:
    """Re-plan one guest's pick-up and drop-off after their travel changed (flushes)."""
    report = PlanReport()
    person = db.session.get(Participant, participant_id)
    if person is None:
        return report
    lock_event(person.event_id)  # one change at a time per event (plan, hand edits)
    if gone(person):
        leave_every_trip(person)
        return report
    event = db.session.get(Event, person.event_id)
    settings = settings_of(event)
    # The hotel now: rooming may have moved the guest in the same change.
    where: Where = where_of(event, [person])[person.id]
    legs = {leg.kind: leg for leg in legs_of(person, where)}
    now = utcnow()
    told: dict[int, tuple[Trip, str]] = {}
    guest_changed = False
    own = db.session.scalars(
        sa.select(Trip)
        .join(TripPassenger, TripPassenger.trip_id == Trip.id)
        .where(TripPassenger.participant_id == person.id, Trip.kind.in_(PLANNED_KINDS))
    ).all()
    for trip in own:
        leg = legs.get(trip.kind)
        if not trip.planned:
            legs.pop(trip.kind, None)  # a trip made by hand: the organisers' to change
            if leg is None or not _on_time(trip, leg, settings):
                notices.tell_organisers(
                    trip, person, lambda t=trip: trip_warnings.flight_texts(event, t, settings)
                )
            continue
        if leg is not None and fits(trip, leg, settings):
            legs.pop(trip.kind)
            continue
        trip.passengers = [tp for tp in trip.passengers if tp.participant_id != person.id]
        trip.changed_at = now
        guest_changed |= trip.kind == TripKind.PICKUP
        if not trip.passengers:
            notices.tell_driver(trip, notices.CANCELLED, taken_off=[person])
            db.session.delete(trip)
        else:
            told[trip.id] = (trip, notices.CHANGED)
    db.session.flush()
    rest: list[Leg] = []
    for leg in legs.values():
        joined = None
        if not rides_alone(person, settings):
            joined = _join(event, leg, settings)
        if joined is None:
            rest.append(leg)
            continue
        joined.passengers.append(TripPassenger(participant=person))
        joined.changed_at = now
        told[joined.id] = (joined, notices.CHANGED)
        guest_changed |= leg.kind == TripKind.PICKUP
        report.placed += 1
    if rest:
        calendar = Calendar(*fleet_of(event))
        for trip in _trips(event):
            calendar.take_trip(trip)
        builder = place(event, settings, calendar, rest, report)
        db.session.flush()
        for trip in builder.made:
            trip.changed_at = now
            told[trip.id] = (trip, notices.ADDED)
            guest_changed |= trip.kind == TripKind.PICKUP
    db.session.flush()
    for trip, what in told.values():
        notices.tell_driver(trip, what)
    if guest_changed:
        notices.tell_guest(person, cancelled=True)
    return report


def gone(person: Participant) -> bool:
    """Withdrawn, refused or erased: on no trip at all, hand-made ones included."""
    return person.erased_at is not None or person.status in (Status.WITHDRAWN, Status.REJECTED)


def leave_every_trip(person: Participant) -> None:
    """Take the guest off every trip; an emptied planned trip goes. The drivers are told,
    the guest is not (they are no longer coming)."""
    now = utcnow()
    for trip in db.session.scalars(
        sa.select(Trip)
        .join(TripPassenger, TripPassenger.trip_id == Trip.id)
        .where(TripPassenger.participant_id == person.id)
    ).all():
        trip.passengers = [tp for tp in trip.passengers if tp.participant_id != person.id]
        trip.changed_at = now
        if not trip.passengers and trip.planned:
            notices.tell_driver(trip, notices.CANCELLED, taken_off=[person])
            db.session.delete(trip)
        else:
            notices.tell_driver(trip, notices.CHANGED)
    db.session.flush()


def _join(event, leg: Leg, settings) -> Trip | None:
    """A planned trip going the guest's way in their window, with a seat free."""
    earliest, latest = leg.window(settings)
    for trip in db.session.scalars(
        sa.select(Trip)
        .where(
            Trip.event_id == event.id,
            Trip.kind == leg.kind,
            Trip.planned.is_(True),
            Trip.escort_id.is_(None),
            Trip.departs_at.between(earliest, latest),
        )
        .order_by(Trip.departs_at)
    ):
        if fits(trip, leg, settings) and len(trip.passengers) < trip.vehicle.seats:
            return trip
    return None
