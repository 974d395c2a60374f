"""When each representative cannot be at a matchmaking table: their programme (official
duties and confirmed enrolments), the travel between that activity's venue and the session's,
and their journey (no meeting before landing + 1 h, nor after departure - 3 h).

Read in a few queries for all representatives at once: 300 organisations must not cost 300
agenda look-ups."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.registration.models import Participant
from eventhub.scheduling.models import (
    Activity,
    ActivityPerson,
    ActivityState,
    Enrolment,
    EnrolmentStatus,
    Room,
)
from eventhub.scheduling.signals import people_needed_at
from eventhub.scheduling.venues import travel_minutes_of

# After landing: luggage, the ride, checking in at the hotel.
AFTER_ARRIVAL = timedelta(hours=1)
# Before departure: the ride to the airport and checking in for the flight.
BEFORE_DEPARTURE = timedelta(hours=3)


def aware(moment: datetime | None) -> datetime | None:
    """An aware UTC datetime, whatever was given (naive values are read as UTC)."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC) if moment is not None else None


@dataclass
class Programme:
    """One person's fixed times: (starts, ends, venue id or None, activity title) in UTC,
    and the window their journey leaves them."""

    items: list[tuple[datetime, datetime, int | None, str]] = field(default_factory=list)
    arrives: datetime | None = None
    departs: datetime | None = None


class BusyTimes:
    """The programmes of several people and the event's travel times, to ask whether one of
    them is free for a meeting at a venue."""

    def __init__(self, programmes: dict[int, Programme], travel: dict[tuple[int, int], int]):
        self.programmes = programmes
        self.travel = travel

    def minutes_between(self, origin: int | None, destination: int | None) -> int:
        if origin is None or destination is None or origin == destination:
            return 0
        return self.travel.get((origin, destination), 0)

    def clash(
        self, participant_id: int | None, starts: datetime, ends: datetime, venue_id: int | None
    ) -> str | None:
        """Why `participant_id` cannot meet from `starts` to `ends` at `venue_id` (the title of
        the activity in the way, "arrival" or "departure"), or None when free."""
        programme = self.programmes.get(participant_id or 0)
        if programme is None:
            return None
        if programme.arrives is not None and starts < programme.arrives + AFTER_ARRIVAL:
            return "arrival"
        if programme.departs is not None and ends > programme.departs - BEFORE_DEPARTURE:
            return "departure"
        for item_starts, item_ends, item_venue, title in programme.items:
            to_meeting = timedelta(minutes=self.minutes_between(item_venue, venue_id))
            to_activity = timedelta(minutes=self.minutes_between(venue_id, item_venue))
            if starts < item_ends + to_meeting and item_starts < ends + to_activity:
                return title
        return None


def busy_times(event, participant_ids) -> BusyTimes:
    """The programmes of `participant_ids` at `event`, read in a handful of queries."""
    wanted = set(participant_ids) - {None}
    programmes: dict[int, Programme] = {pid: Programme() for pid in wanted}
    if not wanted:
        return BusyTimes(programmes, {})
    for pid, arrives, departs in db.session.execute(
        sa.select(Participant.id, Participant.arrival_at, Participant.departure_at).where(
            Participant.id.in_(wanted)
        )
    ):
        programmes[pid].arrives = aware(arrives)
        programmes[pid].departs = aware(departs)
    timed = sa.and_(
        Activity.event_id == event.id,
        Activity.state == ActivityState.PUBLISHED,
        Activity.starts_at.is_not(None),
        Activity.ends_at.is_not(None),
    )
    columns = (Activity.starts_at, Activity.ends_at, Room.venue_id, Activity.title_en)
    seen: set[tuple[int, int]] = set()

    def add(pid: int, activity_id: int, row) -> None:
        if (pid, activity_id) not in seen:
            seen.add((pid, activity_id))
            programmes[pid].items.append(
                (aware(row[0]), aware(row[1]), row[2], row[3])  # type: ignore[arg-type]
            )

    duties = (
        sa.select(ActivityPerson.participant_id, Activity.id, *columns)
        .join(Activity, Activity.id == ActivityPerson.activity_id)
        .outerjoin(Room, Room.id == Activity.room_id)
        .where(timed, ActivityPerson.participant_id.in_(wanted))
    )
    enrolled = (
        sa.select(Enrolment.participant_id, Activity.id, *columns)
        .join(Activity, Activity.id == Enrolment.activity_id)
        .outerjoin(Room, Room.id == Activity.room_id)
        .where(
            timed,
            Enrolment.participant_id.in_(wanted),
            Enrolment.status == EnrolmentStatus.ENROLLED,
        )
    )
    for query in (duties, enrolled):
        for pid, activity_id, *row in db.session.execute(query):
            add(pid, activity_id, row)
    # Duties the modules above know of (signatories, witnesses), asked once for all.
    activities = list(
        db.session.scalars(
            sa.select(Activity).where(timed).options(sa.orm.joinedload(Activity.room))
        ).unique()
    )
    for _receiver, pairs in people_needed_at.send(activities):
        for activity, needed in pairs or ():
            if needed.participant_id in wanted:
                venue = activity.room.venue_id if activity.room is not None else None
                row = (activity.starts_at, activity.ends_at, venue, activity.title_en)
                add(needed.participant_id, activity.id, row)
    for programme in programmes.values():
        programme.items.sort()
    return BusyTimes(programmes, travel_minutes_of(event))
