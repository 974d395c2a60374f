"""Venues, their rooms and the minutes to travel between them: added, listed, read by checks."""

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
from eventhub.scheduling.models import Room, TravelTime, Venue
from eventhub.text import clean


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
