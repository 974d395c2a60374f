"""Changing the timetable: activities saved, placed, moved, resized; stale or clashing refused."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
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
from eventhub.registration.models import Participant
from eventhub.scheduling import change_notices
from eventhub.scheduling.conflicts import HARD, conflicts_of
from eventhub.scheduling.enrolments import fill_seats, lock_seats
from eventhub.scheduling.models import (
    Access,
    Activity,
    ActivityPerson,
    ActivityRole,
    ActivityState,
    ActivityType,
    ActivityVisibility,
    Room,
    Venue,
)
from eventhub.scheduling.venue_changes import too_many_seats
from eventhub.text import clean
from eventhub.web import in_event

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
    elif refusal := too_many_seats(capacity, room):
        errors["capacity"].append(refusal)
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
    was = change_notices.snapshot(activity)
    activity.title_en = title
    activity.title_zh = clean(values.get("title_zh"))
    activity.description_en = (values.get("description_en") or "").strip()
    activity.description_zh = (values.get("description_zh") or "").strip()
    activity.type = ActivityType(values.get("type") or ActivityType.FORUM)
    activity.track = clean(values.get("track"))
    activity.track_zh = clean(values.get("track_zh"))
    activity.starts_at, activity.ends_at = starts, ends
    activity.duration_minutes = int((ends - starts).total_seconds() // 60) if starts else duration
    activity.room_id = room.id if room else None
    activity.room = room
    activity.capacity = capacity
    activity.access = Access(values.get("access") or Access.OPEN)
    activity.visibility = ActivityVisibility(values.get("visibility") or ActivityVisibility.PUBLIC)
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
    if not created:  # moved or cancelled: its people are told after commit
        change_notices.announce(activity, was)
    return activity


ACTIVITY_FIELDS = (
    "title_en",
    "title_zh",
    "type",
    "track",
    "track_zh",
    "starts_at",
    "ends_at",
    "room_id",
    "capacity",
    "access",
    "visibility",
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


def place_all(
    event: Event,
    placements: list[tuple[Activity, datetime, datetime, Room | None]],
    *,
    actor: User,
) -> int:
    """Apply a proposed timetable, all of it or nothing: refused when anything changed since
    the proposal or a hard conflict appears."""
    lock_timetable(event.id)
    told = []
    for activity, starts, ends, room in placements:
        if starts.tzinfo is None or ends.tzinfo is None or ends <= starts:
            raise DomainError(_l("The proposal could not be read; make a new one."))
        if activity.event_id != event.id or (room is not None and room.venue.event_id != event.id):
            raise DomainError(_l("The proposal does not belong to this event."))
        if activity.starts_at is not None:
            raise DomainError(
                _l(
                    "%(a)s was scheduled by someone else meanwhile; make a new proposal.",
                    a=activity.title_en,
                )
            )
        room_id = room.id if room is not None else None  # none: an off-site visit
        told.append((activity, change_notices.snapshot(activity)))  # before its day was cleared
        activity.starts_at, activity.ends_at, activity.room_id = starts, ends, room_id
        activity.room = room
        audit.record(
            "activity.update",
            activity,
            actor=actor,
            event_id=event.id,
            changes={"starts_at": [None, starts], "room_id": [None, room_id]},
        )
    flush_or_stale()
    refuse_hard_conflicts(event, [p[0] for p in placements])
    for activity, was in told:  # from the slot people knew to the new one, after commit
        change_notices.announce(activity, was)
    return len(placements)


def move_activity(
    activity: Activity,
    starts: datetime,
    room: Room,
    *,
    version: int,
    actor: User,
    announce: bool = True,
) -> Activity:
    """Move an activity to another time or room keeping its length (the grid's drag and
    drop); refused on a stale copy or a hard conflict. `announce=False`: the caller makes
    more changes and tells people once, at the end."""
    lock_timetable(activity.event_id)
    if version != activity.version:
        raise DomainError(STALE)
    if room.venue.event_id != activity.event_id:
        raise DomainError(_l("There is no such room in this event."))
    if refusal := too_many_seats(activity.capacity, room):
        raise DomainError(refusal)
    length = (
        (activity.ends_at - activity.starts_at)
        if activity.starts_at
        else timedelta(minutes=activity.duration_minutes)
    )
    before = {"starts_at": activity.starts_at, "room_id": activity.room_id}
    was = change_notices.snapshot(activity)
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
    if announce:
        change_notices.announce(activity, was)
    return activity


def resize_activity(
    activity: Activity, minutes: int, *, version: int, actor: User, announce: bool = True
) -> Activity:
    """Change an activity's length (the grid's resize handle), with the same checks."""
    lock_timetable(activity.event_id)
    if version != activity.version:
        raise DomainError(STALE)
    if activity.starts_at is None:
        raise DomainError(_l("Give the activity a time first."))
    if not 15 <= minutes <= 24 * 60:
        raise DomainError(_l("Give a duration between 15 and 1,440 minutes."))
    before = {"ends_at": activity.ends_at}
    was = change_notices.snapshot(activity)
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
    if announce:
        change_notices.announce(activity, was)
    return activity
