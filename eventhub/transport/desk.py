"""The airport desk: a day's pick-ups by flight, a flight marked landed, each guest ticked
when met. Also what the arrivals dashboard and the guest's page read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _

from eventhub.audit import services as audit
from eventhub.db import utcnow
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.transport import trips
from eventhub.transport.models import Trip, TripKind, TripPassenger


@dataclass
class Flight:
    """The pick-ups meeting one flight (or train) on a day."""

    flight: str
    lands_at: datetime | None  # the earliest landing its passengers entered
    trips: list[Trip] = field(default_factory=list)

    @property
    def landed_at(self) -> datetime | None:
        return next((t.landed_at for t in self.trips if t.landed_at), None)

    @property
    def passengers(self) -> list[TripPassenger]:
        return [p for t in self.trips for p in t.passengers]

    @property
    def waiting(self) -> int:
        return sum(1 for p in self.passengers if p.picked_up_at is None)


def flights_of_day(event, day: date) -> list[Flight]:
    """The day's pick-ups grouped by flight, in landing order."""
    found: dict[str, Flight] = {}
    for trip in trips.trips_of_day(event, day, kind=TripKind.PICKUP.value):
        key = trip.flight or _("(no flight)")
        lands = min(
            (
                trips.as_utc(p.participant.arrival_at)
                for p in trip.passengers
                if p.participant.arrival_at
            ),
            default=None,
        )
        entry = found.setdefault(key, Flight(key, lands))
        if lands and (entry.lands_at is None or lands < entry.lands_at):
            entry.lands_at = lands
        entry.trips.append(trip)
    far = datetime.max.replace(tzinfo=trips.UTC)
    return sorted(
        found.values(),
        key=lambda f: (f.lands_at or trips.as_utc(f.trips[0].departs_at) or far, f.flight),
    )


def mark_landed(event, day: date, flight: str, *, landed: bool, actor) -> int:
    """Set (or clear) the landing on the day's pick-ups meeting `flight`; how many trips."""
    chosen = [
        t
        for t in trips.trips_of_day(event, day, kind=TripKind.PICKUP.value)
        if (t.flight or "") == flight
    ]
    if not chosen:
        raise DomainError(_("No pick-up meets this flight on this day."))
    now = utcnow()
    for trip in chosen:
        trip.landed_at = now if landed else None
    audit.record(
        "trip.landed" if landed else "trip.landed_undone",
        chosen[0],
        actor=actor,
        event_id=event.id,
        changes={"flight": [None, flight]},
    )
    db.session.flush()
    return len(chosen)


def mark_picked_up(trip: Trip, participant_id: int, *, picked: bool, actor) -> TripPassenger:
    found = next((p for p in trip.passengers if p.participant_id == participant_id), None)
    if found is None:
        raise DomainError(_("This person is not on this trip."))
    found.picked_up_at = utcnow() if picked else None
    audit.record(
        "trip.picked_up" if picked else "trip.picked_up_undone",
        trip,
        actor=actor,
        event_id=trip.event_id,
        changes={"passenger": [None, participant_id]},
    )
    db.session.flush()
    return found


@dataclass
class ArrivalFigures:
    expected: int
    landed: int
    picked_up: int
    waiting: list[tuple[TripPassenger, timedelta]]  # landed, not met: how long so far


def arrival_figures(event, day: date) -> ArrivalFigures:
    """For the arrivals dashboard: the day's guests to pick up, landed, picked up, and who
    has landed and still waits (longest first)."""
    now = utcnow()
    expected = landed = picked = 0
    waiting = []
    for trip in trips.trips_of_day(event, day, kind=TripKind.PICKUP.value):
        for p in trip.passengers:
            expected += 1
            if p.picked_up_at:
                picked += 1
            if trip.landed_at:
                landed += 1
                if not p.picked_up_at:
                    waiting.append((p, now - trips.as_utc(trip.landed_at)))
    waiting.sort(key=lambda pair: pair[1], reverse=True)
    return ArrivalFigures(expected, landed, picked, waiting)
