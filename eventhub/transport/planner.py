"""The pick-up and drop-off planner: groups the approved guests' flights into trips (a fast
greedy pass), and checks every hard rule on the trips stored (`violations`).

Hard rules: a vehicle leaves the airport between landing + meet minutes and landing + the
longest wait of every passenger on it; a guest of rank (protocol level up to the settings'
own_car_up_to) rides alone in a car with a free protocol escort; never more passengers than
seats; a vehicle is on one trip at a time (from leaving until back: twice the drive plus a
turnaround), inside its shifts when it has any, and only when available. Soft: a delegation
travels together, as few vehicles as will do. Trips made or edited by hand are kept."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.accommodation.models import Hotel
from eventhub.accommodation.stays import hotels_of
from eventhub.audit.services import record
from eventhub.extensions import db
from eventhub.registration.models import Participant, Status
from eventhub.transport.models import (
    Escort,
    TransportSettings,
    Trip,
    TripKind,
    TripPassenger,
    Vehicle,
    VehicleKind,
)
from eventhub.transport.plan_calendar import (
    DEFAULT_DRIVE,
    TURNAROUND,
    Calendar,
    _aware,
    busy_span,
    lock_event,
)

# Guests reach the airport this long before their flight leaves (international flights).
CHECK_IN_BEFORE = timedelta(hours=2)
PLANNED_KINDS = (TripKind.PICKUP, TripKind.DROPOFF)

NO_CAR = _l("no car free for a guest of rank in the time allowed")
NO_ESCORT = _l("no protocol escort free in the time allowed")
NO_VEHICLE = _l("no vehicle free in the time allowed")
NO_HOTEL = _l("hotel unknown: driven to the address entered")


def settings_of(event) -> TransportSettings:
    """The event's rules, or the defaults (not stored)."""
    found = db.session.get(TransportSettings, event.id)
    return found or TransportSettings(
        event_id=event.id, own_car_up_to=2, max_wait_minutes=45, meet_minutes=20
    )


def rides_alone(participant: Participant, settings: TransportSettings) -> bool:
    rank = participant.protocol_rank
    return rank is not None and rank <= settings.own_car_up_to


@dataclass
class Where:
    """Where a guest is driven to or from: their hotel, or the text they entered."""

    hotel: Hotel | None
    text: str

    @property
    def key(self):
        return ("h", self.hotel.id) if self.hotel else ("t", self.text.strip().casefold())

    @property
    def name(self) -> str:
        return self.hotel.name_en if self.hotel else self.text

    @property
    def drive(self) -> timedelta:
        return timedelta(minutes=self.hotel.drive_minutes if self.hotel else DEFAULT_DRIVE)


def where_of(event, people: list[Participant]) -> dict[int, Where]:
    """participant id -> where they sleep: their room's hotel, else a hotel of the event whose
    name is what they entered, else that text (flagged: no hotel)."""
    rooms = hotels_of(p.id for p in people)
    by_name: dict[str, Hotel] = {}
    for hotel in db.session.scalars(sa.select(Hotel).where(Hotel.event_id == event.id)):
        for name in (hotel.name_en, hotel.name_zh):
            if name:
                by_name[name.strip().casefold()] = hotel
    return {
        p.id: Where(rooms.get(p.id) or by_name.get((p.hotel or "").strip().casefold()), p.hotel)
        for p in people
    }


@dataclass
class PlanReport:
    trips: int = 0
    placed: int = 0
    not_placed: list[tuple[Participant, str]] = field(default_factory=list)
    no_hotel: list[Participant] = field(default_factory=list)


@dataclass
class Leg:
    """One guest's need: a pick-up (from landing) or a drop-off (to their flight)."""

    person: Participant
    kind: TripKind
    point: str  # the airport or station
    where: Where
    moment: datetime  # landing, or the flight leaving
    flight: str

    @property
    def group(self):
        return (self.kind, self.point.strip().casefold(), self.where.key)

    def window(self, settings: TransportSettings) -> tuple[datetime, datetime]:
        """Earliest and latest the vehicle may leave for this guest."""
        if self.kind == TripKind.PICKUP:
            return (
                self.moment + timedelta(minutes=settings.meet_minutes),
                self.moment + timedelta(minutes=settings.max_wait_minutes),
            )
        latest = self.moment - CHECK_IN_BEFORE - self.where.drive
        return latest - timedelta(minutes=settings.max_wait_minutes), latest


def legs_of(person: Participant, where: Where) -> list[Leg]:
    if person.status != Status.APPROVED or person.erased_at is not None:
        return []
    legs = []
    if person.arrival_at is not None:
        legs.append(
            Leg(
                person,
                TripKind.PICKUP,
                person.arrival_point,
                where,
                _aware(person.arrival_at),
                person.arrival_flight,
            )
        )
    if person.departure_at is not None:
        legs.append(
            Leg(
                person,
                TripKind.DROPOFF,
                person.departure_point,
                where,
                _aware(person.departure_at),
                person.departure_flight,
            )
        )
    return legs


class Builder:
    """Makes trips for legs against a calendar of what is already taken."""

    # False: a trip per guest (the bench's baseline, what a desk does without a plan).
    share = True

    def __init__(self, event, settings: TransportSettings, calendar: Calendar) -> None:
        self.event = event
        self.settings = settings
        self.calendar = calendar
        self.made: list[Trip] = []

    def _trip(self, legs: list[Leg], vehicle: Vehicle, escort: Escort | None, departs) -> Trip:
        first = legs[0]
        drive = first.where.drive
        pickup = first.kind == TripKind.PICKUP
        flights = [leg.flight for leg in legs if leg.flight]
        trip = Trip(
            event_id=self.event.id,
            kind=first.kind,
            vehicle=vehicle,
            escort=escort,
            departs_at=departs,
            arrives_at=departs + drive,
            origin=first.point if pickup else first.where.name,
            destination=first.where.name if pickup else first.point,
            hotel=first.where.hotel,
            flight=max(set(flights), key=flights.count)[:20] if flights else "",
            planned=True,
            note="" if first.where.hotel else str(NO_HOTEL)[:300],
        )
        trip.passengers = [TripPassenger(participant=leg.person) for leg in legs]
        db.session.add(trip)
        self.calendar.take("v", vehicle.id, departs, departs + 2 * drive + TURNAROUND)
        if escort is not None:
            self.calendar.take("e", escort.id, departs, departs + 2 * drive + TURNAROUND)
        self.made.append(trip)
        return trip

    def alone(self, leg: Leg) -> str | None:
        """A car and an escort for one guest of rank; the reason when there is none."""
        earliest, latest = leg.window(self.settings)
        span = 2 * leg.where.drive + TURNAROUND
        cars = [v for v in self.calendar.vehicles if v.kind == VehicleKind.CAR]
        language = (leg.person.interpretation_language or "").casefold()
        escorts = sorted(
            self.calendar.escorts,
            key=lambda e: language not in (e.languages or "").casefold().split(),
        )
        reason = NO_CAR
        for departs in self.calendar.ends_between(earliest, latest):
            car = next(
                (v for v in cars if self.calendar.vehicle_free(v, departs, departs + span)), None
            )
            if car is None:
                continue
            escort = next(
                (e for e in escorts if self.calendar.free("e", e.id, departs, departs + span)), None
            )
            if escort is None:
                reason = NO_ESCORT
                continue
            self._trip([leg], car, escort, departs)
            return None
        return str(reason)

    def shared(self, legs: list[Leg]) -> list[tuple[Leg, str]]:
        """Trips for guests going the same way, sorted by moment; returns those left out."""
        left: list[tuple[Leg, str]] = []
        pending = list(legs)
        # Protocol cars last: kept for the guests of rank while anything else is free.
        vehicles = sorted(
            self.calendar.vehicles, key=lambda v: (v.kind == VehicleKind.CAR, v.seats, v.id)
        )
        while pending:
            head = pending[0]
            earliest, latest = head.window(self.settings)
            # Everyone whose window overlaps the head's: one vehicle may take them all.
            wave = [
                leg
                for leg in pending
                if leg.window(self.settings)[0] <= latest
                and leg.window(self.settings)[1] >= earliest
            ]
            if not self.share:
                wave = [head]
            placed = self._fill(wave, vehicles)
            if not placed:
                left.append((head, str(NO_VEHICLE)))
                pending.remove(head)
                continue
            taken = {id(leg) for leg in placed}
            pending = [leg for leg in pending if id(leg) not in taken]
        return left

    def _fill(self, wave: list[Leg], vehicles: list[Vehicle]) -> list[Leg]:
        """Put the head of the wave, and as many of the rest as fit, in one vehicle."""
        head = wave[0]
        span = 2 * head.where.drive + TURNAROUND
        # Delegation members of the head first, then by flight and moment.
        delegation = head.person.delegation_id
        wave = [head] + sorted(
            wave[1:],
            key=lambda g: (
                g.person.delegation_id != delegation or delegation is None,
                g.flight != head.flight,
                g.moment,
            ),
        )
        earliest, latest = head.window(self.settings)
        moments = set(self.calendar.ends_between(earliest, latest))
        moments |= {
            leg.window(self.settings)[0]
            for leg in wave
            if earliest <= leg.window(self.settings)[0] <= latest
        }
        best = None
        for departs in sorted(moments):
            fits = [
                leg
                for leg in wave
                if leg.window(self.settings)[0] <= departs <= leg.window(self.settings)[1]
            ]
            free = [v for v in vehicles if self.calendar.vehicle_free(v, departs, departs + span)]
            if head not in fits or not free:
                continue
            # The smallest vehicle taking everyone, else the largest free one.
            vehicle = next(
                (v for v in free if v.seats >= len(fits)), max(free, key=lambda v: v.seats)
            )
            score = min(len(fits), vehicle.seats)
            if best is None or score > best[0]:
                best = (score, departs, vehicle, fits)
        if best is None:
            return []
        _score, departs, vehicle, fits = best
        chosen = fits[: vehicle.seats]
        self._trip(chosen, vehicle, None, departs)
        return chosen


def place(event, settings, calendar: Calendar, legs: list[Leg], report: PlanReport) -> Builder:
    """Make trips for `legs` (guests of rank alone first, as they need the scarce cars)."""
    builder = Builder(event, settings, calendar)
    legs = sorted(legs, key=lambda leg: (leg.moment, leg.person.id))
    for leg in legs:
        if rides_alone(leg.person, settings):
            reason = builder.alone(leg)
            if reason:
                report.not_placed.append((leg.person, reason))
    groups: dict = defaultdict(list)
    for leg in legs:
        if not rides_alone(leg.person, settings):
            groups[leg.group].append(leg)
    for group in groups.values():
        for leg, reason in builder.shared(group):
            report.not_placed.append((leg.person, reason))
    report.trips += len(builder.made)
    report.placed += sum(len(t.passengers) for t in builder.made)
    return builder


def fleet_of(event) -> tuple[list[Vehicle], list[Escort]]:
    vehicles = list(
        db.session.scalars(
            sa.select(Vehicle)
            .where(Vehicle.event_id == event.id, Vehicle.available.is_(True))
            .options(sa.orm.selectinload(Vehicle.shifts))
            .order_by(Vehicle.id)
        )
    )
    escorts = list(
        db.session.scalars(
            sa.select(Escort)
            .where(Escort.event_id == event.id, Escort.available.is_(True))
            .order_by(Escort.id)
        )
    )
    return vehicles, escorts


def _trips(event, *conditions):
    return list(
        db.session.scalars(
            sa.select(Trip)
            .where(Trip.event_id == event.id, *conditions)
            .options(sa.orm.selectinload(Trip.passengers), sa.orm.selectinload(Trip.hotel))
        )
    )


def plan(event, *, actor=None) -> PlanReport:
    """Replace the planned pick-ups and drop-offs of the event with a new plan (flushes)."""
    settings = lock_event(event.id)
    settings.planning_since = None
    for trip in _trips(event, Trip.planned.is_(True), Trip.kind.in_(PLANNED_KINDS)):
        db.session.delete(trip)
    db.session.flush()
    vehicles, escorts = fleet_of(event)
    calendar = Calendar(vehicles, escorts)
    kept = _trips(event)
    # Guests on a trip made by hand keep it.
    covered = {(t.kind, p.participant_id) for t in kept for p in t.passengers}
    for trip in kept:
        calendar.take_trip(trip)
    people = list(
        db.session.scalars(
            sa.select(Participant).where(
                Participant.event_id == event.id,
                Participant.status == Status.APPROVED,
                Participant.erased_at.is_(None),
                sa.or_(Participant.arrival_at.is_not(None), Participant.departure_at.is_not(None)),
            )
        )
    )
    where = where_of(event, people)
    report = PlanReport()
    legs = [
        leg for p in people for leg in legs_of(p, where[p.id]) if (leg.kind, p.id) not in covered
    ]
    report.no_hotel = [p for p in people if where[p.id].hotel is None]
    place(event, settings, calendar, legs, report)
    db.session.flush()
    record(
        "transport.plan",
        event,
        actor=actor,
        event_id=event.id,
        changes={
            "trips": report.trips,
            "placed": report.placed,
            "not_placed": len(report.not_placed),
        },
    )
    return report


def violations(event) -> list[str]:
    """Every hard rule broken by the trips stored, one line each (empty: all kept)."""
    settings = settings_of(event)
    wait = timedelta(minutes=settings.max_wait_minutes)
    meet = timedelta(minutes=settings.meet_minutes)
    found: list[str] = []
    trips = _trips(event)
    vehicles = {v.id: v for v in fleet_of(event)[0]}
    all_vehicles = {
        v.id: v
        for v in db.session.scalars(
            sa.select(Vehicle)
            .where(Vehicle.event_id == event.id)
            .options(sa.orm.selectinload(Vehicle.shifts))
        )
    }
    calendar = Calendar(list(all_vehicles.values()), [])
    spans: dict[tuple[str, int], list[tuple[datetime, datetime, int]]] = defaultdict(list)
    for trip in trips:
        start, end = busy_span(trip)
        name = f"trip {trip.id}"
        people = [tp.participant for tp in trip.passengers]
        if trip.vehicle_id is not None:
            vehicle = all_vehicles[trip.vehicle_id]
            spans[("vehicle", vehicle.id)].append((start, end, trip.id))
            if len(people) > vehicle.seats:
                found.append(f"{name}: {len(people)} passengers in {vehicle.seats} seats")
            if vehicle.id not in vehicles:
                found.append(f"{name}: vehicle {vehicle.label} is not available")
            if not calendar.on_shift(vehicle, start, end):
                found.append(f"{name}: vehicle {vehicle.label} outside its shifts")
        elif people:
            found.append(f"{name}: no vehicle")
        if trip.escort_id is not None:
            spans[("escort", trip.escort_id)].append((start, end, trip.id))
        for person in people:
            if trip.kind == TripKind.PICKUP and person.arrival_at is not None:
                landed = _aware(person.arrival_at)
                if start < landed + meet:
                    found.append(f"{name}: leaves before participant {person.id} can be there")
                if start - landed > wait:
                    found.append(f"{name}: participant {person.id} waits over {wait}")
            if trip.kind == TripKind.DROPOFF and person.departure_at is not None:
                arrives = _aware(trip.arrives_at) if trip.arrives_at else start
                if arrives > _aware(person.departure_at) - CHECK_IN_BEFORE:
                    found.append(f"{name}: participant {person.id} reaches the flight late")
            if trip.kind in PLANNED_KINDS and rides_alone(person, settings):
                vehicle = all_vehicles.get(trip.vehicle_id)
                if len(people) > 1:
                    found.append(f"{name}: participant {person.id} of rank does not ride alone")
                if vehicle is None or vehicle.kind != VehicleKind.CAR:
                    found.append(f"{name}: participant {person.id} of rank not in a car")
                if trip.escort_id is None:
                    found.append(f"{name}: participant {person.id} of rank has no escort")
    for (what, ident), taken in spans.items():
        taken.sort()
        for (_s1, e1, t1), (s2, _e2, t2) in zip(taken, taken[1:], strict=False):
            if s2 < e1:
                found.append(f"{what} {ident}: trips {t1} and {t2} overlap")
    return found
