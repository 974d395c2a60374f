"""The trips of a day and what is wrong with them, and the organisers' hand edits: a trip
made or changed by hand is no longer the planner's (planned = False) and is marked changed
for the driver's sheet."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from eventhub.accommodation.models import Hotel
from eventhub.audit import services as audit
from eventhub.db import utcnow
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.i18n import zoned_datetime
from eventhub.registration.models import Participant, Status
from eventhub.scheduling.models import Venue
from eventhub.transport import notices
from eventhub.transport.models import (
    Escort,
    TransportSettings,
    Trip,
    TripKind,
    TripPassenger,
    Vehicle,
)
from eventhub.transport.plan_calendar import busy_span, lock_event
from eventhub.web import as_id

# A trip with no estimated arrival holds its vehicle this long (a drive across town).
DEFAULT_MINUTES = 60


def zone(event) -> ZoneInfo:
    return ZoneInfo(event.timezone)


def settings_of(event) -> TransportSettings:
    """The event's planner rules, the defaults when none were saved."""
    found = db.session.get(TransportSettings, event.id)
    return found or TransportSettings(
        event_id=event.id, own_car_up_to=2, max_wait_minutes=45, meet_minutes=20
    )


def as_utc(value: datetime) -> datetime:
    """Stored datetimes may come back naive (SQLite): they are UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def ends_at(trip: Trip) -> datetime:
    """Until when the trip holds its vehicle."""
    if trip.arrives_at:
        return as_utc(trip.arrives_at)
    return as_utc(trip.departs_at) + timedelta(minutes=DEFAULT_MINUTES)


def held(trip: Trip) -> tuple[datetime, datetime]:
    """When the trip holds its vehicle and escort: an airport run until they are back and
    ready again (the planner's busy span), a shuttle or visit until it arrives."""
    if trip.kind in (TripKind.PICKUP, TripKind.DROPOFF):
        return busy_span(trip)
    return as_utc(trip.departs_at), ends_at(trip)


def day_bounds(event, day: date) -> tuple[datetime, datetime]:
    """The UTC moments a local day starts and ends."""
    start = datetime.combine(day, time(0), zone(event))
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def local_day(event, moment: datetime) -> date:
    return as_utc(moment).astimezone(zone(event)).date()


def days_of(event) -> list[date]:
    """The event's days, and any other day with a trip (arrivals come early)."""
    days = {
        event.starts_on + timedelta(days=n)
        for n in range((event.ends_on - event.starts_on).days + 1)
    }
    for moment in db.session.scalars(sa.select(Trip.departs_at).where(Trip.event_id == event.id)):
        days.add(local_day(event, moment))
    return sorted(days)


def trips_of_day(event, day: date, *, kind: str = "", vehicle_id: int | None = None) -> list[Trip]:
    """A local day's trips in departure order, with what the board shows loaded."""
    start, end = day_bounds(event, day)
    query = (
        sa.select(Trip)
        .where(Trip.event_id == event.id, Trip.departs_at >= start, Trip.departs_at < end)
        .options(
            selectinload(Trip.passengers)
            .selectinload(TripPassenger.participant)
            .selectinload(Participant.delegation),
            selectinload(Trip.vehicle),
            selectinload(Trip.escort),
            selectinload(Trip.hotel),
        )
        .order_by(Trip.departs_at, Trip.id)
    )
    if kind in set(TripKind):
        query = query.where(Trip.kind == TripKind(kind))
    if vehicle_id is not None:
        query = query.where(Trip.vehicle_id == vehicle_id)
    return list(db.session.scalars(query))


def overlapping(
    trip: Trip, vehicle_id: int, departs: datetime, ends: datetime, *, column=Trip.vehicle_id
) -> list[Trip]:
    """The vehicle's (or escort's) other trips whose held time (the drive back included)
    overlaps [departs, ends)."""
    candidates = db.session.scalars(
        sa.select(Trip).where(
            column == vehicle_id,
            Trip.id != (trip.id or 0),
            Trip.departs_at < ends,
            Trip.departs_at > departs - timedelta(hours=24),
        )
    )
    return [other for other in candidates if held(other)[1] > departs]


# --- Hand edits ------------------------------------------------------------------------


def _touch(trip: Trip) -> None:
    trip.planned = False
    trip.changed_at = utcnow()


def check_escort(trip: Trip, escort: Escort | None, departs: datetime, ends: datetime) -> None:
    """Refuse an escort already on an overlapping trip, naming it."""
    if escort is None:
        return
    clash = overlapping(trip, escort.id, departs, ends, column=Trip.escort_id)
    if clash:
        other = clash[0]
        raise DomainError(
            _(
                "%(escort)s is already on a trip from %(time)s (%(origin)s → %(destination)s).",
                escort=escort.name,
                time=as_utc(other.departs_at)
                .astimezone(ZoneInfo(vehicle_event_zone(escort)))
                .strftime("%H:%M"),
                origin=other.origin,
                destination=other.destination,
            ),
            field="escort",
        )


def check_vehicle(trip: Trip, vehicle: Vehicle | None, departs: datetime, ends: datetime) -> None:
    """Refuse a vehicle already on an overlapping trip, naming it."""
    if vehicle is None:
        return
    clash = overlapping(trip, vehicle.id, departs, ends)
    if clash:
        other = clash[0]
        event_zone = ZoneInfo(vehicle_event_zone(vehicle))
        raise DomainError(
            _(
                "%(vehicle)s is already on a trip from %(time)s (%(origin)s → %(destination)s).",
                vehicle=vehicle.label,
                time=as_utc(other.departs_at).astimezone(event_zone).strftime("%H:%M"),
                origin=other.origin,
                destination=other.destination,
            ),
            field="vehicle",
        )


def vehicle_event_zone(vehicle: Vehicle | Escort) -> str:
    return db.session.get(Event, vehicle.event_id).timezone


def check_seats(vehicle: Vehicle | None, count: int) -> None:
    if vehicle is not None and count > vehicle.seats:
        raise DomainError(
            _(
                "%(vehicle)s has %(seats)d seats: %(n)d passengers do not fit.",
                vehicle=vehicle.label,
                seats=vehicle.seats,
                n=count,
            ),
            field="vehicle",
        )


def check_passenger(event, participant: Participant | None) -> Participant:
    """A guest of the event, not erased, not withdrawn or refused."""
    if participant is None or participant.event_id != event.id:
        raise DomainError(_("There is no such participant in this event."), field="participant")
    if participant.erased_at is not None:
        raise DomainError(
            _("%(name)s's data has been erased.", name=participant.latin_name or "—"),
            field="participant",
        )
    if participant.status in (Status.WITHDRAWN, Status.REJECTED):
        raise DomainError(
            _("%(name)s has withdrawn or was not accepted.", name=participant.latin_name),
            field="participant",
        )
    return participant


def update_trip(
    trip: Trip,
    *,
    vehicle: Vehicle | None,
    escort: Escort | None,
    departs_at: datetime,
    note: str,
    actor,
) -> bool:
    """Change a trip's vehicle, escort, departure or note; False when nothing changed."""
    lock_event(trip.event_id)
    duration = ends_at(trip) - as_utc(trip.departs_at)
    start, end = held(trip)
    check_seats(vehicle, len(trip.passengers))
    check_vehicle(trip, vehicle, departs_at, departs_at + (end - start))
    check_escort(trip, escort, departs_at, departs_at + (end - start))
    changes = {}
    before = {
        "vehicle": trip.vehicle.label if trip.vehicle else "",
        "escort": trip.escort.name if trip.escort else "",
        "departs_at": as_utc(trip.departs_at).isoformat(),
        "note": trip.note,
    }
    after = {
        "vehicle": vehicle.label if vehicle else "",
        "escort": escort.name if escort else "",
        "departs_at": departs_at.isoformat(),
        "note": note,
    }
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if not changes:
        return False
    old_vehicle = trip.vehicle
    trip.vehicle, trip.escort, trip.note = vehicle, escort, note
    if trip.arrives_at:
        trip.arrives_at = departs_at + duration
    trip.departs_at = departs_at
    _touch(trip)
    audit.record("trip.edit", trip, actor=actor, event_id=trip.event_id, changes=changes)
    db.session.flush()
    if old_vehicle is not None and old_vehicle is not vehicle:
        notices.tell_driver(trip, notices.REMOVED, vehicle=old_vehicle)
    if vehicle is not None:
        notices.tell_driver(trip, notices.CHANGED if vehicle is old_vehicle else notices.ADDED)
    if trip.kind == TripKind.PICKUP and set(changes) - {"note"}:
        for p in trip.passengers:
            notices.tell_guest(p.participant)
    return True


def find_passenger(event, typed: str) -> Participant | None:
    """The guest an organiser typed: "123", "#123 Somphone VONG" (the list's choice) or a
    name; a name matching several approved guests is refused, saying so."""
    typed = " ".join(typed.split())
    first = typed.split(" ", 1)[0].lstrip("#")
    if first.isascii() and first.isdigit() or not typed:
        number = as_id(first)
        return db.session.get(Participant, number) if number is not None else None
    wanted = typed.casefold()
    found = [
        person
        for person in db.session.scalars(
            sa.select(Participant).where(
                Participant.event_id == event.id,
                Participant.erased_at.is_(None),
                Participant.status == Status.APPROVED,
            )
        )
        if wanted
        in {
            f"{person.given_name} {person.family_name}".casefold(),
            f"{person.family_name} {person.given_name}".casefold(),
            person.family_name.casefold(),
            person.latin_name.casefold(),
            (person.native_name or "").casefold(),
        }
    ]
    if not found:
        if typed.isdigit():  # digits of another script: no such number
            return None
        raise DomainError(
            _("No approved guest matches “%(typed)s”.", typed=typed), field="participant"
        )
    if len(found) > 1:
        raise DomainError(
            _("%(n)d guests match “%(typed)s”: type their number.", n=len(found), typed=typed),
            field="participant",
        )
    return found[0]


def check_not_on_another_ride(trip: Trip, participant: Participant, event) -> None:
    """A guest has one pick-up and one drop-off: adding them to a second one by hand is
    refused, naming the trip they are on (the organiser takes them off it first)."""
    if trip.kind not in (TripKind.PICKUP, TripKind.DROPOFF):
        return
    other = db.session.scalars(
        sa.select(Trip)
        .join(TripPassenger, TripPassenger.trip_id == Trip.id)
        .where(
            TripPassenger.participant_id == participant.id,
            Trip.kind == trip.kind,
            Trip.id != trip.id,
        )
        .order_by(Trip.departs_at)
    ).first()
    if other is None:
        return
    which = zoned_datetime(other.departs_at, event.timezone)
    if other.flight:
        which = f"{which} · {other.flight}"
    message = (
        _(
            "%(name)s is already on the pick-up of %(trip)s: take them off that trip first.",
            name=participant.latin_name,
            trip=which,
        )
        if trip.kind == TripKind.PICKUP
        else _(
            "%(name)s is already on the drop-off of %(trip)s: take them off that trip first.",
            name=participant.latin_name,
            trip=which,
        )
    )
    raise DomainError(message, field="participant")


def add_passenger(trip: Trip, participant: Participant | None, event, *, actor) -> Participant:
    lock_event(trip.event_id)
    participant = check_passenger(event, participant)
    if any(p.participant_id == participant.id for p in trip.passengers):
        raise DomainError(
            _("%(name)s is already on this trip.", name=participant.latin_name),
            field="participant",
        )
    check_not_on_another_ride(trip, participant, event)
    check_seats(trip.vehicle, len(trip.passengers) + 1)
    trip.passengers.append(TripPassenger(participant=participant))
    _touch(trip)
    audit.record(
        "trip.add_passenger",
        trip,
        actor=actor,
        event_id=trip.event_id,
        changes={"passenger": [None, participant.id]},
    )
    db.session.flush()
    notices.tell_driver(trip)
    if trip.kind == TripKind.PICKUP:
        notices.tell_guest(participant)
    return participant


def remove_passenger(trip: Trip, participant_id: int, *, actor) -> None:
    lock_event(trip.event_id)
    found = [p for p in trip.passengers if p.participant_id == participant_id]
    if not found:
        raise DomainError(_("This person is not on this trip."))
    trip.passengers.remove(found[0])
    _touch(trip)
    audit.record(
        "trip.remove_passenger",
        trip,
        actor=actor,
        event_id=trip.event_id,
        changes={"passenger": [participant_id, None]},
    )
    db.session.flush()
    notices.tell_driver(trip)
    if trip.kind == TripKind.PICKUP:
        notices.tell_guest(found[0].participant, cancelled=True)


def create_trip(
    event,
    *,
    kind: TripKind,
    departs_at: datetime,
    minutes: int,
    origin: str,
    destination: str,
    vehicle: Vehicle | None,
    escort: Escort | None,
    note: str,
    actor,
) -> Trip:
    """A trip made by hand (a visit, a transfer): the planner never changes it."""
    lock_event(event.id)
    trip = Trip(
        event_id=event.id,
        kind=kind,
        departs_at=departs_at,
        arrives_at=departs_at + timedelta(minutes=minutes),
        origin=origin,
        destination=destination,
        vehicle=vehicle,
        escort=escort,
        note=note,
        planned=False,
        changed_at=utcnow(),
    )
    check_vehicle(trip, vehicle, *held(trip))
    check_escort(trip, escort, *held(trip))
    db.session.add(trip)
    db.session.flush()
    audit.record(
        "trip.create",
        trip,
        actor=actor,
        event_id=event.id,
        changes={"trip": [None, f"{origin} → {destination}"]},
    )
    return trip


def shuttle_times(event, days: list[date], first: time, last: time, every: int) -> list[datetime]:
    """The UTC departures of a timetable: on each day from `first` to `last` every N min."""
    if every < 5:
        raise DomainError(_("A shuttle leaves every 5 minutes at the most."), field="every")
    if last < first:
        raise DomainError(_("The last departure is before the first."), field="last")
    moments = []
    for day in days:
        moment = datetime.combine(day, first, zone(event))
        end = datetime.combine(day, last, zone(event))
        while moment <= end:
            moments.append(moment.astimezone(UTC))
            moment += timedelta(minutes=every)
    return moments


def create_shuttles(
    event,
    *,
    origin: str,
    destination: str,
    days: list[date],
    first: time,
    last: time,
    every: int,
    minutes: int,
    vehicle: Vehicle | None,
    actor,
) -> list[Trip]:
    """A shuttle series, all or nothing: one departure the vehicle cannot make refuses the
    whole series, naming it."""
    lock_event(event.id)
    if not days:
        raise DomainError(_("Choose at least one day."), field="days")
    if origin.strip() == destination.strip():
        raise DomainError(_("The shuttle must go somewhere else."), field="destination")
    if vehicle is not None and minutes > every:
        raise DomainError(
            _(
                "One vehicle cannot leave every %(n)d minutes on a %(m)d-minute drive.",
                n=every,
                m=minutes,
            ),
            field="every",
        )
    made = []
    for moment in shuttle_times(event, days, first, last, every):
        trip = Trip(
            event_id=event.id,
            kind=TripKind.SHUTTLE,
            departs_at=moment,
            arrives_at=moment + timedelta(minutes=minutes),
            origin=origin,
            destination=destination,
            vehicle=vehicle,
            planned=False,
            changed_at=utcnow(),
        )
        check_vehicle(trip, vehicle, *held(trip))
        db.session.add(trip)
        db.session.flush()  # the next departure's check sees this one
        made.append(trip)
    audit.record(
        "trip.shuttles",
        made[0],
        actor=actor,
        event_id=event.id,
        changes={"shuttles": [None, f"{origin} → {destination} × {len(made)}"]},
    )
    return made


def delete_trip(trip: Trip, *, actor) -> None:
    lock_event(trip.event_id)
    audit.record(
        "trip.delete",
        trip,
        actor=actor,
        event_id=trip.event_id,
        changes={"trip": [f"{trip.origin} → {trip.destination}", None]},
    )
    notices.tell_driver(trip, notices.CANCELLED)
    guests = [p.participant for p in trip.passengers] if trip.kind == TripKind.PICKUP else []
    db.session.delete(trip)
    db.session.flush()
    for person in guests:
        notices.tell_guest(person, cancelled=True)


def places_of(event) -> list[str]:
    """The names a shuttle or visit may start or end at: the hotels and the venues."""
    hotels = db.session.scalars(
        sa.select(Hotel.name_en).where(Hotel.event_id == event.id).order_by(Hotel.name_en)
    )
    venues = db.session.scalars(
        sa.select(Venue.name_en).where(Venue.event_id == event.id).order_by(Venue.name_en)
    )
    return [*hotels, *venues]
