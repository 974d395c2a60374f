"""Venues and rooms changed or removed, saying what becomes of their activities; seats
offered kept within the room; travel times that make people late, named."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.audit import services as audit
from eventhub.auth.models import User
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.i18n import localized
from eventhub.scheduling import change_notices
from eventhub.scheduling.conflicts import HARD, Conflict, conflicts_of
from eventhub.scheduling.models import Activity, Room, TravelTime, Venue
from eventhub.scheduling.venues import set_travel_time
from eventhub.text import clean


def too_many_seats(capacity: int | None, room: Room | None) -> str | None:
    """Why `capacity` seats cannot be offered in `room` (more than it has), else None."""
    if capacity is None or room is None or capacity <= room.capacity:
        return None
    return str(
        _l(
            "%(room)s has %(seats)d seats: offer at most %(seats)d, or choose a larger room.",
            room=localized(room, "name"),
            seats=room.capacity,
        )
    )


def update_venue(venue: Venue, values: Mapping[str, Any], *, actor: User) -> Venue:
    name = clean(values.get("name_en"))
    if not name:
        raise DomainError(_l("Give the venue a name."), field="name_en")
    if db.session.scalar(
        sa.select(Venue.id).where(
            Venue.event_id == venue.event_id, Venue.name_en == name, Venue.id != venue.id
        )
    ):
        raise DomainError(_l("This event already has a venue of this name."), field="name_en")
    fields = ("name_en", "name_zh", "address", "on_site", "opens_at", "closes_at")
    before = {f: getattr(venue, f) for f in fields}
    venue.name_en, venue.name_zh = name, clean(values.get("name_zh"))
    venue.address = clean(values.get("address"))
    venue.on_site = bool(values.get("on_site"))
    venue.opens_at, venue.closes_at = values.get("opens_at"), values.get("closes_at")
    db.session.flush()
    audit.record(
        "venue.update",
        venue,
        actor=actor,
        event_id=venue.event_id,
        changes=audit.changed(before, {f: getattr(venue, f) for f in fields}),
    )
    return venue


def update_room(room: Room, values: Mapping[str, Any], *, actor: User) -> Room:
    """Rename a room or change its seats; fewer seats than an activity there offers is
    refused, naming those activities."""
    name = clean(values.get("name_en"))
    capacity = values.get("capacity")
    if not name:
        raise DomainError(_l("Give the room a name."), field="name_en")
    if not isinstance(capacity, int) or capacity <= 0:
        raise DomainError(_l("Give the number of seats (more than 0)."), field="capacity")
    if db.session.scalar(
        sa.select(Room.id).where(
            Room.venue_id == room.venue_id, Room.name_en == name, Room.id != room.id
        )
    ):
        raise DomainError(_l("This venue already has a room of this name."), field="name_en")
    over = [a for a in activities_in([room]) if a.capacity and a.capacity > capacity]
    if over:
        raise DomainError(
            _l(
                "Not saved: these activities offer more than %(seats)d seats here; lower "
                "their seats offered or move them first: %(names)s.",
                seats=capacity,
                names="; ".join(f"{localized(a, 'title')} ({a.capacity})" for a in over),
            ),
            field="capacity",
        )
    fields = ("name_en", "name_zh", "capacity", "layout", "equipment")
    before = {f: getattr(room, f) for f in fields}
    room.name_en, room.name_zh, room.capacity = name, clean(values.get("name_zh")), capacity
    room.layout = clean(values.get("layout")) or room.layout
    room.equipment = clean(values.get("equipment"))
    db.session.flush()
    audit.record(
        "room.update",
        room,
        actor=actor,
        event_id=room.venue.event_id,
        changes=audit.changed(before, {f: getattr(room, f) for f in fields}),
    )
    return room


def activities_in(rooms: list[Room]) -> list[Activity]:
    """Every activity booked in these rooms (cancelled ones too), by time."""
    if not rooms:
        return []
    return list(
        db.session.scalars(
            sa.select(Activity)
            .where(Activity.room_id.in_([r.id for r in rooms]))
            .order_by(Activity.starts_at.nulls_last(), Activity.title_en)
        )
    )


def fingerprint(activities: list[Activity]) -> str:
    """The activities a confirmation was shown for: a deletion confirmed for other ones
    (someone booked the room meanwhile) is asked again."""
    return ",".join(str(a.id) for a in sorted(activities, key=lambda a: a.id))


def _release(activities: list[Activity], room: Room, *, actor: User) -> None:
    """The activities keep their day and time, and lose their room; seats offered stay as
    they were (the room's, when they offered all of them), so no waiting list moves."""
    for activity in activities:
        was = change_notices.snapshot(activity)
        activity.capacity = activity.capacity or room.capacity
        activity.room_id, activity.room = None, None
        audit.record(
            "activity.update",
            activity,
            actor=actor,
            event_id=activity.event_id,
            changes={"room_id": [room.id, None]},
        )
        change_notices.announce(activity, was)  # its people learn the room is gone


def delete_room(room: Room, *, actor: User, confirmed: str) -> list[Activity]:
    """Remove a room; its activities keep their time with no room. `confirmed` is the
    fingerprint of the activities the organiser was shown."""
    affected = activities_in([room])
    if fingerprint(affected) != confirmed:
        raise DomainError(_l("The room's activities changed meanwhile; check them again."))
    _release(affected, room, actor=actor)
    audit.record(
        "room.delete",
        room,
        actor=actor,
        event_id=room.venue.event_id,
        changes={"name": [room.name_en, None], "activities": [len(affected), None]},
    )
    db.session.flush()
    db.session.delete(room)
    db.session.flush()
    return affected


def delete_venue(venue: Venue, *, actor: User, confirmed: str) -> list[Activity]:
    """Remove a venue, its rooms and its travel times; the activities in its rooms keep
    their time with no room."""
    affected = activities_in(list(venue.rooms))
    if fingerprint(affected) != confirmed:
        raise DomainError(_l("The venue's activities changed meanwhile; check them again."))
    for room in venue.rooms:
        _release([a for a in affected if a.room_id == room.id], room, actor=actor)
    db.session.execute(
        sa.delete(TravelTime).where(
            sa.or_(TravelTime.from_venue_id == venue.id, TravelTime.to_venue_id == venue.id)
        )
    )
    audit.record(
        "venue.delete",
        venue,
        actor=actor,
        event_id=venue.event_id,
        changes={"name": [venue.name_en, None], "activities": [len(affected), None]},
    )
    db.session.flush()
    db.session.delete(venue)
    db.session.flush()
    return affected


def change_travel_time(
    event: Event, origin: Venue, destination: Venue, minutes: int, *, actor: User
) -> list[Conflict]:
    """Save the minutes between two venues; returns the hard conflicts that appeared with
    them (people who can no longer get from one activity to the next in time)."""
    before = {_key(c) for c in conflicts_of(event) if c.severity == HARD}
    set_travel_time(event, origin, destination, minutes, actor=actor)
    return [c for c in conflicts_of(event) if c.severity == HARD and _key(c) not in before]


def _key(conflict: Conflict) -> tuple:
    return conflict.kind, tuple(sorted(a.id for a in conflict.activities))
