"""The timetable's health: a room or person booked twice, no time to travel, hours, capacity.

Messages are written when asked for, in the reader's language, rooms and activities named
as that reader reads them (Chinese names on Chinese pages)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.i18n import clock_time, localized
from eventhub.scheduling.activities import activity_query, enrolled_counts
from eventhub.scheduling.models import Activity, ActivityPerson, ActivityRole, ActivityState
from eventhub.scheduling.signals import NeededPerson, people_needed_at
from eventhub.scheduling.solver_rules import needs_room
from eventhub.scheduling.venues import travel_minutes_of

HARD, SOFT = "hard", "soft"


@dataclass
class Conflict:
    severity: str
    kind: str
    message: str
    activities: list[Activity] = field(default_factory=list)


def _overlap(a: Activity, b: Activity, gap: timedelta = timedelta(0)) -> bool:
    return a.starts_at < b.ends_at + gap and b.starts_at < a.ends_at + gap


def extra_people(activities: list[Activity]) -> list[tuple[Activity, NeededPerson]]:
    """People needed at these activities besides their listed ones, as the modules above
    scheduling know them (a signing ceremony's signatories and witnesses: they are needed
    there as much as a speaker at a forum); by activity, then person."""
    pairs = [pair for _receiver, found in people_needed_at.send(activities) for pair in found or ()]
    return sorted(pairs, key=lambda pair: (pair[0].id, pair[1].participant_id))


def people_needed(activities: list[Activity]) -> dict[int, set[int]]:
    """Participant ids each activity cannot do without: its listed people (speakers, VIPs)
    and the extra_people (for a signing ceremony, its signatories and witnesses)."""
    needed: dict[int, set[int]] = {a.id: {p.participant_id for p in a.people} for a in activities}
    for activity, person in extra_people(activities):
        needed[activity.id].add(person.participant_id)
    return needed


def conflicts_of(event: Event, focus: list[Activity] | None = None) -> list[Conflict]:
    """Every conflict in the event's timetable, or only those involving `focus`."""
    activities = [
        a
        for a in db.session.scalars(activity_query(event)).unique()
        if a.state != ActivityState.CANCELLED and a.starts_at
    ]
    focus_ids = {a.id for a in focus} if focus is not None else None
    found: list[Conflict] = []
    zone = ZoneInfo(event.timezone)

    def relevant(*items: Activity) -> bool:
        return focus_ids is None or any(item.id in focus_ids for item in items)

    by_room: dict[int, list[Activity]] = defaultdict(list)
    for activity in activities:
        if activity.room_id:
            by_room[activity.room_id].append(activity)
    for room_activities in by_room.values():
        room_activities.sort(key=lambda a: a.starts_at)
        for index, first in enumerate(room_activities):
            for second in room_activities[index + 1 :]:
                if second.starts_at >= first.ends_at:
                    break
                if relevant(first, second):
                    found.append(
                        Conflict(
                            HARD,
                            "room",
                            str(
                                _l(
                                    "%(room)s is booked twice: %(a)s and %(b)s overlap.",
                                    room=localized(first.room, "name"),
                                    a=localized(first, "title"),
                                    b=localized(second, "title"),
                                )
                            ),
                            [first, second],
                        )
                    )

    travel = travel_minutes_of(event)
    longest = timedelta(minutes=max(travel.values(), default=0))
    by_person: dict[int, list[tuple[Activity, ActivityPerson]]] = defaultdict(list)
    for activity in activities:
        for person in activity.people:
            by_person[person.participant_id].append((activity, person))
    for activity, person in extra_people(activities):
        if all(a.id != activity.id for a, _p in by_person[person.participant_id]):
            by_person[person.participant_id].append((activity, person))
    for entries in by_person.values():
        entries.sort(key=lambda item: item[0].starts_at)
        for index, (first, person) in enumerate(entries):
            for second, _other in entries[index + 1 :]:
                if second.id == first.id:
                    continue
                gap = timedelta(0)
                if first.room and second.room and first.room.venue_id != second.room.venue_id:
                    gap = timedelta(
                        minutes=travel.get((first.room.venue_id, second.room.venue_id), 0)
                    )
                if second.starts_at >= first.ends_at + longest:
                    break  # sorted by start: no later one can be too close either
                if second.starts_at >= first.ends_at + gap:
                    continue
                if not relevant(first, second):
                    continue
                name = person.participant.latin_name
                if _overlap(first, second):
                    message = _l(
                        "%(name)s is needed at %(a)s and %(b)s at the same time.",
                        name=name,
                        a=localized(first, "title"),
                        b=localized(second, "title"),
                    )
                else:
                    message = _l(
                        "%(name)s cannot travel from %(a)s to %(b)s in time "
                        "(%(minutes)d minutes between the venues).",
                        name=name,
                        a=localized(first, "title"),
                        b=localized(second, "title"),
                        minutes=int(gap.total_seconds() // 60),
                    )
                found.append(Conflict(HARD, "person", str(message), [first, second]))

    counts = enrolled_counts([a.id for a in activities])
    for activity in activities:
        if not relevant(activity):
            continue
        if activity.room_id is None and needs_room(activity):
            # Its room was deleted, or it was given a time alone: nobody knows where to go.
            found.append(
                Conflict(
                    SOFT,  # saved with a time first, a room chosen later: a warning
                    "room",
                    str(
                        _l(
                            "%(a)s has a time but no room: choose one.",
                            a=localized(activity, "title"),
                        )
                    ),
                    [activity],
                )
            )
        local_start, local_end = (
            activity.starts_at.astimezone(zone),
            activity.ends_at.astimezone(zone),
        )
        venue = activity.room.venue if activity.room else None
        if (
            venue
            and venue.opens_at
            and venue.closes_at
            and (
                local_start.time() < venue.opens_at
                or local_end.time() > venue.closes_at
                or local_end.date() != local_start.date()
            )
        ):
            found.append(
                Conflict(
                    SOFT,
                    "hours",
                    str(
                        _l(
                            "%(a)s is outside the opening hours of %(venue)s "
                            "(%(opens)s–%(closes)s).",
                            a=localized(activity, "title"),
                            venue=localized(venue, "name"),
                            opens=clock_time(venue.opens_at),
                            closes=clock_time(venue.closes_at),
                        )
                    ),
                    [activity],
                )
            )
        if activity.room and counts.get(activity.id, 0) > activity.room.capacity:
            found.append(
                Conflict(
                    SOFT,
                    "capacity",
                    str(
                        _l(
                            "%(a)s has %(n)d enrolled for %(seats)d seats in %(room)s.",
                            a=localized(activity, "title"),
                            n=counts[activity.id],
                            seats=activity.room.capacity,
                            room=localized(activity.room, "name"),
                        )
                    ),
                    [activity],
                )
            )
    found.extend(_delegation_clashes(activities, relevant))
    return found


def _delegation_clashes(activities: list[Activity], relevant) -> list[Conflict]:
    """Two overlapping activities that both need members of one delegation."""
    by_delegation: dict[int, set[int]] = defaultdict(set)
    activity_by_id = {a.id: a for a in activities}
    for activity in activities:
        for person in activity.people:
            if person.role == ActivityRole.REQUIRED_VIP and person.participant.delegation_id:
                by_delegation[person.participant.delegation_id].add(activity.id)
    found = []
    seen: set[tuple[int, int]] = set()
    for ids in by_delegation.values():
        needed = sorted((activity_by_id[i] for i in ids), key=lambda a: a.starts_at)
        for index, first in enumerate(needed):
            for second in needed[index + 1 :]:
                if second.starts_at >= first.ends_at:
                    break
                pair = (first.id, second.id)
                if pair in seen or not relevant(first, second):
                    continue
                seen.add(pair)
                found.append(
                    Conflict(
                        SOFT,
                        "delegation",
                        str(
                            _l(
                                "%(a)s and %(b)s overlap, and one delegation is needed at both.",
                                a=localized(first, "title"),
                                b=localized(second, "title"),
                            )
                        ),
                        [first, second],
                    )
                )
    return found
