"""What is wrong with trips, as the board and a trip's page show it: more passengers than
seats, no vehicle, a vehicle or escort on two trips at once (counting the drive back), a car
leaving before a guest has landed (their flight changed) or a drop-off reaching the airport
too late, a guest waiting too long, a guest of rank sharing or without escort, a vehicle out
of service. Nothing changed silently is left unsaid."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from eventhub.extensions import db
from eventhub.transport.models import Trip, TripKind, VehicleKind
from eventhub.transport.planner import CHECK_IN_BEFORE, rides_alone
from eventhub.transport.trips import as_utc, held, settings_of, zone


@dataclass(frozen=True)
class Warning:
    key: str  # over_seats, no_vehicle, double_booked, long_wait, flight_changed, ...
    text: str


def _others(trips_shown: list[Trip], column) -> dict[int, list[Trip]]:
    """vehicle (or escort) id -> its trips around the shown ones (a day either side)."""
    ids = {getattr(t, column.key) for t in trips_shown} - {None}
    if not ids:
        return {}
    first = min(as_utc(t.departs_at) for t in trips_shown) - timedelta(days=1)
    last = max(held(t)[1] for t in trips_shown)
    found: dict[int, list[Trip]] = defaultdict(list)
    for other in db.session.scalars(
        sa.select(Trip).where(column.in_(ids), Trip.departs_at >= first, Trip.departs_at < last)
    ):
        found[getattr(other, column.key)].append(other)
    return found


def _clash(trip: Trip, others: list[Trip]) -> Trip | None:
    start, end = held(trip)
    for other in others:
        if other.id != trip.id:
            o_start, o_end = held(other)
            if o_start < end and o_end > start:
                return other
    return None


def _clock(event, moment) -> str:
    return as_utc(moment).astimezone(zone(event)).strftime("%H:%M")


def _flights(event, trip: Trip, settings) -> list[Warning]:
    """A pick-up leaving before a guest has landed and met, a drop-off arriving after the
    check-in closes: their flight changed and the trip (kept by hand) no longer fits."""
    found = []
    meet = timedelta(minutes=settings.meet_minutes)
    for p in trip.passengers:
        person = p.participant
        if (
            trip.kind == TripKind.PICKUP
            and person.arrival_at
            and as_utc(trip.departs_at) < as_utc(person.arrival_at) + meet
        ):
            found.append(
                Warning(
                    "flight_changed",
                    _(
                        "%(name)s: %(flight)s lands %(lands)s, this trip leaves %(departs)s",
                        name=person.latin_name,
                        flight=person.arrival_flight or "—",
                        lands=_clock(event, person.arrival_at),
                        departs=_clock(event, trip.departs_at),
                    ),
                )
            )
        if (
            trip.kind == TripKind.DROPOFF
            and person.departure_at
            and trip.arrives_at
            and as_utc(trip.arrives_at) > as_utc(person.departure_at) - CHECK_IN_BEFORE
        ):
            found.append(
                Warning(
                    "flight_changed",
                    _(
                        "%(name)s: %(flight)s leaves %(time)s, this trip arrives %(arrives)s",
                        name=person.latin_name,
                        flight=person.departure_flight or "—",
                        time=_clock(event, person.departure_at),
                        arrives=_clock(event, trip.arrives_at),
                    ),
                )
            )
    return found


def flight_texts(event, trip: Trip, settings) -> list[str]:
    """What the board says of the trip's guests whose flight it no longer fits."""
    return [w.text for w in _flights(event, trip, settings)]


def _rank(trip: Trip, settings) -> list[Warning]:
    """A guest of rank rides alone in a car, with a protocol escort."""
    if trip.kind not in (TripKind.PICKUP, TripKind.DROPOFF):
        return []
    found = []
    for p in trip.passengers:
        if not rides_alone(p.participant, settings):
            continue
        car = trip.vehicle is not None and trip.vehicle.kind == VehicleKind.CAR
        if len(trip.passengers) > 1 or not car:
            found.append(
                Warning(
                    "rank_shares",
                    _("%(name)s should ride alone in a car", name=p.participant.latin_name),
                )
            )
        if trip.escort_id is None:
            found.append(
                Warning(
                    "rank_no_escort",
                    _("%(name)s has no protocol escort", name=p.participant.latin_name),
                )
            )
    return found


def _wait(trip: Trip, settings) -> list[Warning]:
    if trip.kind != TripKind.PICKUP:
        return []
    longest = max(
        (
            as_utc(trip.departs_at) - as_utc(p.participant.arrival_at)
            for p in trip.passengers
            if p.participant.arrival_at
        ),
        default=timedelta(0),
    )
    if longest <= timedelta(minutes=settings.max_wait_minutes):
        return []
    minutes = int(longest.total_seconds() // 60)
    return [Warning("long_wait", _("Waits %(n)d minutes after landing", n=minutes))]


def _vehicle(event, trip: Trip, by_vehicle) -> list[Warning]:
    if trip.vehicle is None:
        return [Warning("no_vehicle", _("No vehicle"))]
    found = []
    if not trip.vehicle.available:
        found.append(
            Warning(
                "out_of_service",
                _("Vehicle %(vehicle)s is out of service", vehicle=trip.vehicle.label),
            )
        )
    if len(trip.passengers) > trip.vehicle.seats:
        found.append(
            Warning(
                "over_seats",
                _(
                    "%(n)d passengers for %(seats)d seats",
                    n=len(trip.passengers),
                    seats=trip.vehicle.seats,
                ),
            )
        )
    other = _clash(trip, by_vehicle.get(trip.vehicle.id, []))
    if other is not None:
        found.append(
            Warning(
                "double_booked",
                _(
                    "Vehicle also on another trip at %(time)s",
                    time=_clock(event, other.departs_at),
                ),
            )
        )
    return found


def warnings_of(event, trips: list[Trip]) -> dict[int, list[Warning]]:
    """trip id -> what is wrong with it."""
    settings = settings_of(event)
    by_vehicle = _others(trips, Trip.vehicle_id)
    by_escort = _others(trips, Trip.escort_id)
    found: dict[int, list[Warning]] = defaultdict(list)
    for trip in trips:
        found[trip.id] += _vehicle(event, trip, by_vehicle)
        if trip.escort_id is not None:
            other = _clash(trip, by_escort.get(trip.escort_id, []))
            if other is not None:
                found[trip.id].append(
                    Warning(
                        "escort_double_booked",
                        _(
                            "Escort also on another trip at %(time)s",
                            time=_clock(event, other.departs_at),
                        ),
                    )
                )
        found[trip.id] += _flights(event, trip, settings)
        found[trip.id] += _wait(trip, settings)
        found[trip.id] += _rank(trip, settings)
    return {k: v for k, v in found.items() if v}
