"""When each vehicle and escort is taken (the planner's calendar), and how long a trip holds
its vehicle: from leaving until back and ready again. The hand edits check the same span."""

from __future__ import annotations

import bisect
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.transport.models import Escort, TransportSettings, Trip, Vehicle

TURNAROUND = timedelta(minutes=10)
# A plan queued longer ago than this is taken as lost (a worker stopped): Plan works again.
PLANNING_STALE = timedelta(minutes=10)
DEFAULT_DRIVE = 40  # minutes, for a guest whose hotel is not one of the event's


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def busy_span(trip: Trip) -> tuple[datetime, datetime]:
    """From leaving until the vehicle (and escort) are back and ready again."""
    departs = _aware(trip.departs_at)
    if trip.arrives_at is not None:
        drive = _aware(trip.arrives_at) - departs
    else:
        drive = timedelta(minutes=trip.hotel.drive_minutes if trip.hotel else DEFAULT_DRIVE)
    return departs, departs + 2 * drive + TURNAROUND


class Calendar:
    """When each vehicle and escort is taken, to find one free for a span."""

    def __init__(self, vehicles: list[Vehicle], escorts: list[Escort]) -> None:
        self.vehicles = vehicles
        self.escorts = escorts
        self._taken: dict[tuple[str, int], list[tuple[datetime, datetime]]] = defaultdict(list)
        self._shifts = {
            v.id: [(_aware(s.starts_at), _aware(s.ends_at)) for s in v.shifts] for v in vehicles
        }

    def take(self, what: str, ident: int | None, start: datetime, end: datetime) -> None:
        if ident is not None:
            bisect.insort(self._taken[(what, ident)], (start, end))

    def take_trip(self, trip: Trip) -> None:
        start, end = busy_span(trip)
        self.take("v", trip.vehicle_id, start, end)
        self.take("e", trip.escort_id, start, end)

    def free(self, what: str, ident: int, start: datetime, end: datetime) -> bool:
        spans = self._taken.get((what, ident), ())
        i = bisect.bisect_left(spans, (start, start))
        if i > 0 and spans[i - 1][1] > start:
            return False
        return not (i < len(spans) and spans[i][0] < end)

    def on_shift(self, vehicle: Vehicle, start: datetime, end: datetime) -> bool:
        shifts = self._shifts.get(vehicle.id) or []
        return not shifts or any(s <= start and end <= e for s, e in shifts)

    def vehicle_free(self, vehicle: Vehicle, start: datetime, end: datetime) -> bool:
        return self.on_shift(vehicle, start, end) and self.free("v", vehicle.id, start, end)

    def ends_between(self, start: datetime, end: datetime) -> list[datetime]:
        """Moments in [start, end] when something becomes free: the times worth trying."""
        moments = {start}
        for spans in self._taken.values():
            for _s, e in spans:
                if start < e <= end:
                    moments.add(e)
        for shifts in self._shifts.values():
            for s, _e in shifts:
                if start < s <= end:
                    moments.add(s)
        return sorted(moments)


def lock_event(event_id: int) -> TransportSettings:
    """Take the event's transport lock (its settings row, made if missing) until the
    transaction ends: the planner, a re-plan and the hand edits of one event run one at a
    time, never planning the same vehicle twice."""
    query = sa.select(TransportSettings).where(TransportSettings.event_id == event_id)
    found = db.session.scalar(query.with_for_update())
    if found is None:
        db.session.add(TransportSettings(event_id=event_id))
        db.session.flush()
        found = db.session.scalar(query.with_for_update())
    return found
