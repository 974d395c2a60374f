"""Which nights a guest needs a bed, and which class of room their rank gives: the one rule
the proposal, the hand edits and the rooming lists all follow."""

from __future__ import annotations

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from eventhub.accommodation.models import AccommodationSettings, RoomClass
from eventhub.extensions import db

# A guest landing before this local hour needs the room from the night before (they sleep
# in it on arrival): hotels call it early check-in, and only a booked night guarantees it.
EARLY_ARRIVAL = time(6, 0)


def nights_of(participant, zone: ZoneInfo) -> tuple[date, date] | None:
    """The first and last night (inclusive) from the guest's travel data, or None when the
    arrival or departure date is unknown or the departure is not after the arrival (a day
    visitor needs no room)."""
    arrival = participant.arrival_date
    if participant.arrival_at is not None:
        local = participant.arrival_at.astimezone(zone)
        arrival = local.date()
        if local.time() < EARLY_ARRIVAL:
            arrival -= timedelta(days=1)
    departure = participant.departure_date
    if participant.departure_at is not None:
        departure = participant.departure_at.astimezone(zone).date()
    if arrival is None or departure is None or departure <= arrival:
        return None
    return arrival, departure - timedelta(days=1)


def nights_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def settings_of(event) -> AccommodationSettings:
    """The event's rank rule (defaults until an organiser saves one; not added here)."""
    found = db.session.get(AccommodationSettings, event.id)
    return found or AccommodationSettings(event_id=event.id, suite_up_to=2, executive_up_to=4)


def room_class_for(participant, settings: AccommodationSettings, preferred=None) -> RoomClass:
    """The class the guest's protocol rank gives (an organiser's choice in `preferred`, a
    RoomingPreference.room_class, wins)."""
    if preferred is not None:
        return RoomClass(preferred)
    rank = participant.protocol_rank
    if rank is not None and rank <= settings.suite_up_to:
        return RoomClass.SUITE
    if rank is not None and rank <= settings.executive_up_to:
        return RoomClass.EXECUTIVE
    return RoomClass.STANDARD
