"""What transport adds to registration's pages: a guest's pick-up and drop-off on the
organisers' page of the person and on the guest's own page, the members' pick-ups on the
delegation's page. Registration does not import this package."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from eventhub.accommodation.stays import hotel_of, hotels_of
from eventhub.extensions import db
from eventhub.i18n import time_pattern, zoned_datetime
from eventhub.registration.signals import delegation_panels, own_page_panels, participant_panels
from eventhub.transport.models import Trip, TripKind, TripPassenger
from eventhub.transport.trip_forms import KIND_LABELS
from eventhub.web import Panel

RIDES = (TripKind.PICKUP, TripKind.DROPOFF)


def rides_of(participant_ids) -> dict[int, list[tuple[Trip, TripPassenger]]]:
    """participant id -> their pick-ups and drop-offs, in time order."""
    ids = list(participant_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(TripPassenger, Trip)
        .join(Trip, Trip.id == TripPassenger.trip_id)
        .where(TripPassenger.participant_id.in_(ids), Trip.kind.in_(RIDES))
        .options(selectinload(Trip.vehicle), selectinload(Trip.escort), selectinload(Trip.hotel))
        .order_by(Trip.departs_at)
    )
    found: dict[int, list[tuple[Trip, TripPassenger]]] = {}
    for passenger, trip in rows:
        found.setdefault(passenger.participant_id, []).append((trip, passenger))
    return found


def on_clock_of(zone: str) -> dict:
    """`at` (date and time) and `clock` (time of day) on the event's clock, for pages that
    look at no one event (the account page sets no g.event, so `|datetime` would be UTC)."""
    from babel.dates import format_time
    from flask_babel import get_locale

    def at(moment) -> str:
        return zoned_datetime(moment, zone) if moment else ""

    def clock(moment) -> str:
        if not moment:
            return ""
        locale = get_locale()
        return format_time(
            moment.astimezone(ZoneInfo(zone)).time(), time_pattern(locale), locale=locale
        )

    return {"at": at, "clock": clock}


def _visible(participant) -> bool:
    return participant.erased_at is None


@participant_panels.connect
def person_rides(participant, *, event, roles, **kwargs) -> Panel | None:
    """The organisers see the person's rides, with links to the trips."""
    if "organiser" not in {str(r) for r in roles} or not _visible(participant):
        return None
    rides = rides_of([participant.id]).get(participant.id, [])
    return Panel.rendered(
        "transport/_panel_person.html",
        order=30,
        event=event,
        participant=participant,
        rides=rides,
        kind_labels=KIND_LABELS,
    )


@own_page_panels.connect
def own_rides(participant, *, event, key, **kwargs) -> Panel | None:
    """The guest's own "your pick-up": flight, where and when they are met, the vehicle and
    its driver, the escort, the hotel."""
    if not _visible(participant):
        return None
    rides = rides_of([participant.id]).get(participant.id, [])
    if not rides:
        return None
    return Panel.rendered(
        "transport/_panel_own.html",
        order=20,
        event=event,
        participant=participant,
        rides=rides,
        hotel=hotel_of(participant.id),
        kind_labels=KIND_LABELS,
        **on_clock_of(event.timezone),
    )


@delegation_panels.connect
def delegation_rides(delegation, *, event, members, roles, **kwargs) -> Panel | None:
    """The head sees each member's pick-up (and drop-off)."""
    people = [m for m in members if _visible(m)]
    rides = rides_of(m.id for m in people)
    if not rides:
        return None
    return Panel.rendered(
        "transport/_panel_delegation.html",
        order=30,
        event=event,
        members=[m for m in people if m.id in rides],
        rides=rides,
        hotels=hotels_of(rides),
        kind_labels=KIND_LABELS,
    )
