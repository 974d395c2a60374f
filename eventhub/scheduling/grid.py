"""The day x room grid: what a block says (its end, its people, why it is red), and the
checks a drag, a resize or a keyboard move passes before it is saved."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l

from eventhub.auth.models import User
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.scheduling import change_notices
from eventhub.scheduling.conflicts import HARD, conflicts_of
from eventhub.scheduling.grid_rules import kind_problems
from eventhub.scheduling.models import Activity, ActivityRole, Room
from eventhub.scheduling.timetable import lock_timetable, move_activity, resize_activity
from eventhub.scheduling.venue_changes import too_many_seats

# The rules a grid change must not break, besides the hard conflicts the timetable refuses
# everywhere: the organiser aimed at one slot, so a room too small or a venue closed at that
# hour is a reason not to drop there (an activity already outside them may stay so).
REFUSED_ON_THE_GRID = ("hours", "capacity")

ROLE_LINES = {
    ActivityRole.SPEAKER: _l("Speakers: %(names)s"),
    ActivityRole.MODERATOR: _l("Moderators: %(names)s"),
    ActivityRole.REQUIRED_VIP: _l("VIPs: %(names)s"),
}


@dataclass
class Block:
    """What one block of the grid says besides its time and title."""

    people: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def blocks(event: Event, activities: list[Activity]) -> dict[int, Block]:
    """For each activity: its people by role ('Speakers: …') and, if it is red, why (every
    hard conflict it is part of, in words)."""
    found: dict[int, Block] = {a.id: Block() for a in activities}
    for activity in activities:
        names: dict[ActivityRole, list[str]] = defaultdict(list)
        for person in sorted(activity.people, key=lambda p: p.participant.sort_name or ""):
            names[person.role].append(person.participant.latin_name)
        found[activity.id].people = [
            str(line) % {"names": ", ".join(names[role])}
            for role, line in ROLE_LINES.items()
            if names[role]
        ]
    for conflict in conflicts_of(event):
        if conflict.severity != HARD:
            continue
        for activity in conflict.activities:
            if activity.id in found and conflict.message not in found[activity.id].conflicts:
                found[activity.id].conflicts.append(conflict.message)
    return found


def _grid_problems(event: Event, activity: Activity) -> list[str]:
    """What would make a drop here impossible besides a hard conflict: the seats offered
    larger than the room, more enrolled than it seats, the venue closed, and every rule the
    scheduler keeps (the room of the activity's kind, an off-site visit without a room, its
    day, the programme's hours, lunch, nothing beside a plenary, ceremony or banquet)."""
    problems = []
    if refusal := too_many_seats(activity.capacity, activity.room):
        problems.append(refusal)
    problems.extend(
        c.message for c in conflicts_of(event, [activity]) if c.kind in REFUSED_ON_THE_GRID
    )
    problems.extend(kind_problems(event, activity))
    return problems


def change_on_grid(
    activity: Activity,
    *,
    version: int,
    actor: User,
    starts: datetime | None = None,
    room: Room | None = None,
    minutes: int | None = None,
) -> Activity:
    """Move an activity (`starts`, `room`) and/or give it a new length (`minutes`), as one
    change: refused with the reason when it would make a hard conflict, put it in a room too
    small for it, or outside its venue's hours."""
    lock_timetable(activity.event_id)
    event = db.session.get(Event, activity.event_id)
    before = set(_grid_problems(event, activity)) if activity.starts_at else set()
    was = change_notices.snapshot(activity)  # people hear of the whole change, once
    if starts is not None and room is not None:
        move_activity(activity, starts, room, version=version, actor=actor, announce=False)
        version = activity.version
    if minutes is not None and (
        activity.starts_at is None
        or activity.ends_at - activity.starts_at != timedelta(minutes=minutes)
    ):
        resize_activity(activity, minutes, version=version, actor=actor, announce=False)
    new = [p for p in _grid_problems(event, activity) if p not in before]
    if new:
        raise DomainError(_l("Not saved: %(reason)s", reason=new[0]))
    change_notices.announce(activity, was)
    return activity
