"""Rules of the timetable: venues and rooms, saving activities without hard conflicts, the
schedule's health, enrolment within capacity."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from eventhub.audit import services as audit
from eventhub.auth.models import User
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Participant, Status
from eventhub.scheduling.models import (
    Access,
    Activity,
    ActivityPerson,
    ActivityRole,
    ActivityState,
    ActivityType,
    Enrolment,
    EnrolmentStatus,
    Room,
    TravelTime,
    Venue,
)
from eventhub.scheduling.signals import NeededPerson, people_needed_at
from eventhub.text import clean
from eventhub.web import in_event

HARD, SOFT = "hard", "soft"


STALE = _l(
    "Someone else changed this activity while you were editing it. Reload it to see "
    "their changes, then make yours again."
)


def refuse_hard_conflicts(event: Event, activities: list[Activity]) -> None:
    """A change that makes a hard conflict (a room or a person twice) is not saved."""
    hard = [c for c in conflicts_of(event, activities) if c.severity == HARD]
    if hard:
        raise DomainError(_l("Not saved: %(reason)s", reason=hard[0].message))


def lock_timetable(event_id: int) -> None:
    """Serialise changes to one event's timetable: the conflict check and the write that
    follows it must not interleave with another organiser's on PostgreSQL (SQLite's
    BEGIN IMMEDIATE already serialises them)."""
    db.session.execute(sa.select(Event.id).where(Event.id == event_id).with_for_update())


def flush_or_stale() -> None:
    """Flush; a row saved by someone else since it was read becomes a DomainError."""
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise DomainError(STALE) from exc


class ActivityInvalid(DomainError):
    """The activity broke rules; `errors` maps each field to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(_l("Please correct the fields marked below."))
        self.errors = errors


# --- venues and rooms -------------------------------------------------------------------------


def add_venue(event: Event, values: Mapping[str, Any], *, actor: User) -> Venue:
    name = clean(values.get("name_en"))
    if not name:
        raise DomainError(_l("Give the venue a name."), field="name_en")
    if db.session.scalar(
        sa.select(Venue.id).where(Venue.event_id == event.id, Venue.name_en == name)
    ):
        raise DomainError(_l("This event already has a venue of this name."), field="name_en")
    venue = Venue(
        event_id=event.id,
        name_en=name,
        name_zh=clean(values.get("name_zh")),
        address=clean(values.get("address")),
        on_site=bool(values.get("on_site")),
        opens_at=values.get("opens_at"),
        closes_at=values.get("closes_at"),
    )
    db.session.add(venue)
    db.session.flush()
    audit.record(
        "venue.create", venue, actor=actor, event_id=event.id, changes={"name": [None, name]}
    )
    return venue


def add_room(venue: Venue, values: Mapping[str, Any], *, actor: User) -> Room:
    name = clean(values.get("name_en"))
    capacity = values.get("capacity")
    if not name:
        raise DomainError(_l("Give the room a name."), field="name_en")
    if not isinstance(capacity, int) or capacity <= 0:
        raise DomainError(_l("Give the number of seats (more than 0)."), field="capacity")
    if db.session.scalar(sa.select(Room.id).where(Room.venue_id == venue.id, Room.name_en == name)):
        raise DomainError(_l("This venue already has a room of this name."), field="name_en")
    room = Room(
        venue_id=venue.id,
        name_en=name,
        name_zh=clean(values.get("name_zh")),
        capacity=capacity,
        layout=clean(values.get("layout")) or "theatre",
        equipment=clean(values.get("equipment")),
    )
    db.session.add(room)
    db.session.flush()
    audit.record(
        "room.create",
        room,
        actor=actor,
        event_id=venue.event_id,
        changes={"name": [None, name], "capacity": [None, capacity]},
    )
    return room


def venues_with_rooms(event: Event) -> list[Venue]:
    return list(
        db.session.scalars(
            sa.select(Venue)
            .where(Venue.event_id == event.id)
            .options(sa.orm.selectinload(Venue.rooms))
            .order_by(Venue.name_en)
        )
    )


def rooms_of(event: Event) -> list[Room]:
    return list(
        db.session.scalars(
            sa.select(Room)
            .join(Venue)
            .where(Venue.event_id == event.id)
            .options(sa.orm.joinedload(Room.venue))
            .order_by(Venue.name_en, Room.name_en)
        )
    )


# --- activities -------------------------------------------------------------------------------


def local_to_utc(event: Event, day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, ZoneInfo(event.timezone)).astimezone(ZoneInfo("UTC"))


def save_activity(
    event: Event,
    values: Mapping[str, Any],
    *,
    actor: User,
    activity: Activity | None = None,
    version: int | None = None,
) -> Activity:
    """Create or change an activity; refused with the reason on bad input, on a stale copy,
    or when the change would make a hard conflict."""
    lock_timetable(event.id)
    errors: dict[str, list[str]] = defaultdict(list)
    if activity is not None and version is not None and version != activity.version:
        raise DomainError(STALE)
    title = clean(values.get("title_en"))
    if not title:
        errors["title_en"].append(str(_l("Give the activity a title.")))
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if (starts is None) != (ends is None):
        errors["ends_at"].append(str(_l("Give the day, the start and the end, or none of them.")))
    elif starts is not None and ends <= starts:
        errors["ends_at"].append(str(_l("The activity must end after it starts.")))
    elif starts is not None:
        zone = ZoneInfo(event.timezone)
        if not (
            event.starts_on <= starts.astimezone(zone).date() <= event.ends_on
            and ends.astimezone(zone).date() <= event.ends_on
        ):
            errors["starts_at"].append(
                str(
                    _l(
                        "The activity must take place during the event (%(start)s to %(end)s).",
                        start=event.starts_on.isoformat(),
                        end=event.ends_on.isoformat(),
                    )
                )
            )
    room = None
    if values.get("room_id"):
        room = in_event(Room, values["room_id"], event, via=Venue)
        if room is None:
            errors["room_id"].append(str(_l("There is no such room in this event.")))
    capacity = values.get("capacity")
    if capacity is not None and capacity <= 0:
        errors["capacity"].append(str(_l("Give the number of seats (more than 0).")))
    duration = values.get("duration_minutes") or 90
    if duration <= 0 or duration > 24 * 60:
        errors["duration_minutes"].append(str(_l("Give a duration between 1 and 1,440 minutes.")))
    days_text = clean(values.get("allowed_days"))
    allowed_days = []
    for part in filter(None, (p.strip() for p in days_text.split(","))):
        try:
            day = date.fromisoformat(part)
        except ValueError:
            errors["allowed_days"].append(
                str(_l("%(value)s is not a date (YYYY-MM-DD).", value=part))
            )
            continue
        if not event.starts_on <= day <= event.ends_on:
            errors["allowed_days"].append(
                str(_l("%(value)s is not a day of the event.", value=part))
            )
        allowed_days.append(day.isoformat())
    if errors:
        raise ActivityInvalid(dict(errors))

    created = activity is None
    if created:
        activity = Activity(event_id=event.id)
        db.session.add(activity)
    before = {name: getattr(activity, name) for name in ACTIVITY_FIELDS}
    activity.title_en = title
    activity.title_zh = clean(values.get("title_zh"))
    activity.description_en = (values.get("description_en") or "").strip()
    activity.description_zh = (values.get("description_zh") or "").strip()
    activity.type = ActivityType(values.get("type") or ActivityType.FORUM)
    activity.track = clean(values.get("track"))
    activity.starts_at, activity.ends_at = starts, ends
    activity.duration_minutes = int((ends - starts).total_seconds() // 60) if starts else duration
    activity.room_id = room.id if room else None
    activity.room = room
    activity.capacity = capacity
    activity.access = Access(values.get("access") or Access.OPEN)
    activity.state = ActivityState(values.get("state") or ActivityState.DRAFT)
    activity.allowed_days = ",".join(allowed_days)
    activity.required_equipment = clean(values.get("required_equipment"))
    flush_or_stale()

    refuse_hard_conflicts(event, [activity])
    if not created:  # more seats or a larger room: the waiting list moves up
        lock_seats(activity.id)
        activity.promoted = fill_seats(activity)
    after = {name: getattr(activity, name) for name in ACTIVITY_FIELDS}
    audit.record(
        "activity.create" if created else "activity.update",
        activity,
        actor=actor,
        event_id=event.id,
        changes=audit.changed(before, after),
    )
    return activity


ACTIVITY_FIELDS = (
    "title_en",
    "title_zh",
    "type",
    "track",
    "starts_at",
    "ends_at",
    "room_id",
    "capacity",
    "access",
    "state",
)


def set_people(activity: Activity, role: ActivityRole, participant_ids: Iterable[int]) -> None:
    """The speakers (or moderators, or required VIPs) of an activity, from the event's
    participants only."""
    lock_timetable(activity.event_id)
    wanted = set(
        db.session.scalars(
            sa.select(Participant.id).where(
                Participant.event_id == activity.event_id, Participant.id.in_(list(participant_ids))
            )
        )
    )
    for person in list(activity.people):
        if person.role == role and person.participant_id not in wanted:
            activity.people.remove(person)
    present = {p.participant_id for p in activity.people if p.role == role}
    for participant_id in wanted - present:
        activity.people.append(ActivityPerson(participant_id=participant_id, role=role))
    db.session.flush()


def activity_query(event: Event, *, published_only: bool = False) -> sa.Select:
    """Activities with their room, venue and people, in a fixed number of queries."""
    query = (
        sa.select(Activity)
        .where(Activity.event_id == event.id)
        .options(
            sa.orm.joinedload(Activity.room).joinedload(Room.venue),
            sa.orm.selectinload(Activity.people).joinedload(ActivityPerson.participant),
        )
        .order_by(Activity.starts_at.nulls_last(), Activity.title_en)
    )
    if published_only:
        query = query.where(Activity.state == ActivityState.PUBLISHED)
    return query


def days_of(event: Event) -> list[date]:
    return [event.starts_on + timedelta(days=n) for n in range(event.days)]


def on_day(event: Event, activities: Iterable[Activity], day: date) -> list[Activity]:
    zone = ZoneInfo(event.timezone)
    return [a for a in activities if a.starts_at and a.starts_at.astimezone(zone).date() == day]


def enrolled_counts(activity_ids: list[int]) -> dict[int, int]:
    if not activity_ids:
        return {}
    return dict(
        db.session.execute(
            sa.select(Enrolment.activity_id, sa.func.count())
            .where(
                Enrolment.activity_id.in_(activity_ids),
                Enrolment.status == EnrolmentStatus.ENROLLED,
            )
            .group_by(Enrolment.activity_id)
        ).all()
    )


# --- conflicts --------------------------------------------------------------------------------


@dataclass
class Conflict:
    severity: str
    kind: str
    message: str
    activities: list[Activity] = field(default_factory=list)


def _overlap(a: Activity, b: Activity, gap: timedelta = timedelta(0)) -> bool:
    return a.starts_at < b.ends_at + gap and b.starts_at < a.ends_at + gap


def travel_minutes_of(event: Event) -> dict[tuple[int, int], int]:
    """Minutes between venues, both directions, by (from, to) venue ids."""
    return _travel_minutes(event)


def _travel_minutes(event: Event) -> dict[tuple[int, int], int]:
    rows = db.session.execute(
        sa.select(TravelTime.from_venue_id, TravelTime.to_venue_id, TravelTime.minutes)
        .join(Venue, Venue.id == TravelTime.from_venue_id)
        .where(Venue.event_id == event.id)
    )
    minutes: dict[tuple[int, int], int] = {}
    for origin, destination, value in rows:
        minutes[(origin, destination)] = value
        minutes.setdefault((destination, origin), value)
    return minutes


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
                                    room=first.room.name_en,
                                    a=first.title_en,
                                    b=second.title_en,
                                )
                            ),
                            [first, second],
                        )
                    )

    travel = _travel_minutes(event)
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
                        a=first.title_en,
                        b=second.title_en,
                    )
                else:
                    message = _l(
                        "%(name)s cannot travel from %(a)s to %(b)s in time "
                        "(%(minutes)d minutes between the venues).",
                        name=name,
                        a=first.title_en,
                        b=second.title_en,
                        minutes=int(gap.total_seconds() // 60),
                    )
                found.append(Conflict(HARD, "person", str(message), [first, second]))

    counts = enrolled_counts([a.id for a in activities])
    for activity in activities:
        if not relevant(activity):
            continue
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
                            a=activity.title_en,
                            venue=venue.name_en,
                            opens=venue.opens_at.strftime("%H:%M"),
                            closes=venue.closes_at.strftime("%H:%M"),
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
                            a=activity.title_en,
                            n=counts[activity.id],
                            seats=activity.room.capacity,
                            room=activity.room.name_en,
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
                                a=first.title_en,
                                b=second.title_en,
                            )
                        ),
                        [first, second],
                    )
                )
    return found


# --- enrolment --------------------------------------------------------------------------------


def enrol(activity: Activity, participant: Participant, *, invited: bool = False) -> Enrolment:
    """A seat when there is one, else a place on the waiting list.

    The activity row is locked first, so the seats are counted by one transaction at a time
    on PostgreSQL however many workers take enrolments at once (SQLite's BEGIN IMMEDIATE
    serialises them already).
    """
    if activity.state != ActivityState.PUBLISHED:
        raise DomainError(_l("This activity is not open for enrolment."))
    earlier = db.session.scalar(
        sa.select(Enrolment).where(
            Enrolment.activity_id == activity.id, Enrolment.participant_id == participant.id
        )
    )
    if (
        activity.access == Access.INVITATION
        and not invited
        and not (earlier is not None and earlier.invited)
    ):
        raise DomainError(_l("This activity is by invitation only."))
    if participant.event_id != activity.event_id:
        raise DomainError(_l("There is no such participant in this event."))
    if participant.status != Status.APPROVED:
        raise DomainError(_l("Only approved participants can enrol."))
    lock_seats(activity.id)
    existing = db.session.scalar(
        sa.select(Enrolment).where(
            Enrolment.activity_id == activity.id, Enrolment.participant_id == participant.id
        )
    )
    if existing is not None and existing.status != EnrolmentStatus.CANCELLED:
        return existing
    taken = db.session.scalar(
        sa.select(sa.func.count()).where(
            Enrolment.activity_id == activity.id, Enrolment.status == EnrolmentStatus.ENROLLED
        )
    )
    seats = activity.seats
    status = (
        EnrolmentStatus.ENROLLED if seats is None or taken < seats else EnrolmentStatus.WAITLISTED
    )
    if existing is None:
        existing = Enrolment(
            activity_id=activity.id, participant_id=participant.id, status=status, invited=invited
        )
        db.session.add(existing)
    else:
        existing.status, existing.invited = status, invited or existing.invited
    db.session.flush()
    return existing


def cancel_enrolment(enrolment: Enrolment) -> list[Enrolment]:
    """Free the seat; people on the waiting list take the free seats. Returns who moved up.

    The enrolment is read again under the activity's lock: two "leave" clicks at once must
    not each promote someone.
    """
    lock_seats(enrolment.activity_id)
    db.session.refresh(enrolment)
    if enrolment.status == EnrolmentStatus.CANCELLED:
        return []
    enrolment.status = EnrolmentStatus.CANCELLED
    db.session.flush()
    return fill_seats(enrolment.activity)


def lock_seats(activity_id: int) -> None:
    db.session.execute(sa.select(Activity.id).where(Activity.id == activity_id).with_for_update())


def fill_seats(activity: Activity) -> list[Enrolment]:
    """Move people up from the waiting list while seats are free (after a cancellation, a
    larger room or more seats). The caller holds the activity's lock."""
    seats = activity.seats
    taken = db.session.scalar(
        sa.select(sa.func.count()).where(
            Enrolment.activity_id == activity.id, Enrolment.status == EnrolmentStatus.ENROLLED
        )
    )
    free = None if seats is None else max(seats - taken, 0)
    if free == 0 or activity.state != ActivityState.PUBLISHED:
        return []
    query = (
        sa.select(Enrolment)
        .where(Enrolment.activity_id == activity.id, Enrolment.status == EnrolmentStatus.WAITLISTED)
        .order_by(Enrolment.created_at, Enrolment.id)
    )
    if free is not None:
        query = query.limit(free)
    promoted = list(db.session.scalars(query))
    for enrolment in promoted:
        enrolment.status = EnrolmentStatus.ENROLLED
    db.session.flush()
    return promoted


def enrolments_of(activity: Activity) -> list[Enrolment]:
    """Who holds a seat or waits for one, in the order they came."""
    return list(
        db.session.scalars(
            sa.select(Enrolment)
            .where(
                Enrolment.activity_id == activity.id, Enrolment.status != EnrolmentStatus.CANCELLED
            )
            .options(sa.orm.joinedload(Enrolment.participant))
            .order_by(Enrolment.status, Enrolment.created_at)
        )
    )


def agenda(participant: Participant) -> list[tuple[Enrolment, Activity]]:
    rows = db.session.execute(
        sa.select(Enrolment, Activity)
        .join(Activity, Activity.id == Enrolment.activity_id)
        .where(
            Enrolment.participant_id == participant.id,
            Enrolment.status != EnrolmentStatus.CANCELLED,
        )
        .options(sa.orm.joinedload(Activity.room).joinedload(Room.venue))
        .order_by(Activity.starts_at)
    )
    return [(e, a) for e, a in rows]


def overlaps_in(items: list[Activity]) -> set[int]:
    """The ids of activities in a personal agenda that overlap another."""
    timed = sorted(
        (a for a in items if a.starts_at and a.state != ActivityState.CANCELLED),
        key=lambda a: a.starts_at,
    )
    clashing: set[int] = set()
    for index, first in enumerate(timed):
        for second in timed[index + 1 :]:
            if second.starts_at >= first.ends_at:
                break
            clashing.update({first.id, second.id})
    return clashing


def place_all(
    event: Event, placements: list[tuple[Activity, datetime, datetime, Room]], *, actor: User
) -> int:
    """Apply a proposed timetable, all of it or nothing: refused when anything changed since
    the proposal or a hard conflict appears."""
    lock_timetable(event.id)
    for activity, starts, ends, room in placements:
        if starts.tzinfo is None or ends <= starts:
            raise DomainError(_l("The proposal could not be read; make a new one."))
        if activity.event_id != event.id or room.venue.event_id != event.id:
            raise DomainError(_l("The proposal does not belong to this event."))
        if activity.starts_at is not None:
            raise DomainError(
                _l(
                    "%(a)s was scheduled by someone else meanwhile; make a new proposal.",
                    a=activity.title_en,
                )
            )
        activity.starts_at, activity.ends_at, activity.room_id = starts, ends, room.id
        activity.room = room
        audit.record(
            "activity.update",
            activity,
            actor=actor,
            event_id=event.id,
            changes={"starts_at": [None, starts], "room_id": [None, room.id]},
        )
    flush_or_stale()
    refuse_hard_conflicts(event, [p[0] for p in placements])
    return len(placements)


def move_activity(
    activity: Activity, starts: datetime, room: Room, *, version: int, actor: User
) -> Activity:
    """Move an activity to another time or room keeping its length (the grid's drag and
    drop); refused on a stale copy or a hard conflict."""
    lock_timetable(activity.event_id)
    if version != activity.version:
        raise DomainError(STALE)
    if room.venue.event_id != activity.event_id:
        raise DomainError(_l("There is no such room in this event."))
    length = (
        (activity.ends_at - activity.starts_at)
        if activity.starts_at
        else timedelta(minutes=activity.duration_minutes)
    )
    before = {"starts_at": activity.starts_at, "room_id": activity.room_id}
    activity.starts_at, activity.ends_at = starts, starts + length
    activity.room_id, activity.room = room.id, room
    flush_or_stale()
    event = db.session.get(Event, activity.event_id)
    zone = ZoneInfo(event.timezone)
    if not (event.starts_on <= starts.astimezone(zone).date() <= event.ends_on):
        raise DomainError(
            _l(
                "The activity must take place during the event (%(start)s to %(end)s).",
                start=event.starts_on.isoformat(),
                end=event.ends_on.isoformat(),
            )
        )
    refuse_hard_conflicts(event, [activity])
    audit.record(
        "activity.update",
        activity,
        actor=actor,
        event_id=event.id,
        changes=audit.changed(
            before, {"starts_at": activity.starts_at, "room_id": activity.room_id}
        ),
    )
    return activity


def resize_activity(activity: Activity, minutes: int, *, version: int, actor: User) -> Activity:
    """Change an activity's length (the grid's resize handle), with the same checks."""
    lock_timetable(activity.event_id)
    if version != activity.version:
        raise DomainError(STALE)
    if activity.starts_at is None:
        raise DomainError(_l("Give the activity a time first."))
    if not 15 <= minutes <= 24 * 60:
        raise DomainError(_l("Give a duration between 1 and 1,440 minutes."))
    before = {"ends_at": activity.ends_at}
    activity.ends_at = activity.starts_at + timedelta(minutes=minutes)
    activity.duration_minutes = minutes
    flush_or_stale()
    event = db.session.get(Event, activity.event_id)
    refuse_hard_conflicts(event, [activity])
    audit.record(
        "activity.update",
        activity,
        actor=actor,
        event_id=event.id,
        changes=audit.changed(before, {"ends_at": activity.ends_at}),
    )
    return activity


def set_travel_time(
    event: Event, origin: Venue, destination: Venue, minutes: int, *, actor: User
) -> TravelTime:
    """Minutes between two venues (used both ways unless the other way is given too)."""
    if origin.event_id != event.id or destination.event_id != event.id:
        raise DomainError(_l("There is no such venue in this event."))
    if origin.id == destination.id:
        raise DomainError(_l("Choose two different venues."), field="to_venue")
    if not 0 <= minutes <= 24 * 60:
        raise DomainError(_l("Give the minutes between 0 and 1,440."), field="minutes")
    travel = db.session.scalar(
        sa.select(TravelTime).where(
            TravelTime.from_venue_id == origin.id, TravelTime.to_venue_id == destination.id
        )
    )
    if travel is None:
        travel = TravelTime(from_venue_id=origin.id, to_venue_id=destination.id, minutes=minutes)
        db.session.add(travel)
    travel.minutes = minutes
    db.session.flush()
    audit.record(
        "venue.travel",
        travel,
        actor=actor,
        event_id=event.id,
        changes={
            "from": [None, origin.name_en],
            "to": [None, destination.name_en],
            "minutes": [None, minutes],
        },
    )
    return travel


def travel_times(event: Event) -> list[tuple[Venue, Venue, int]]:
    rows = db.session.execute(
        sa.select(TravelTime)
        .join(Venue, Venue.id == TravelTime.from_venue_id)
        .where(Venue.event_id == event.id)
    ).scalars()
    venues = {
        v.id: v for v in db.session.scalars(sa.select(Venue).where(Venue.event_id == event.id))
    }
    return [(venues[t.from_venue_id], venues[t.to_venue_id], t.minutes) for t in rows]
