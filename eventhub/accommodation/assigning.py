"""Rooms by hand: place a guest, move them, change a room's nights, take them out; and the
rooms following a guest's travel. Every hand edit makes the room the organiser's (a new
proposal leaves it alone); none books more rooms a night than the block holds; a change
touching a night past its block's cut-off is made but flagged. Flushes, never commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.accommodation.models import (
    HotelRoom,
    RoomBlock,
    RoomGuest,
    RoomType,
)
from eventhub.accommodation.nights import nights_between, nights_of
from eventhub.accommodation.solver import _day
from eventhub.audit import services as audit
from eventhub.audit.models import AuditEntry
from eventhub.clock import today_in
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Participant, Status


@dataclass
class Change:
    """What a hand edit did: the room, and the cut-off warnings to show."""

    room: HotelRoom | None
    warnings: list[str] = field(default_factory=list)


def room_of(participant_id: int) -> HotelRoom | None:
    guest = db.session.get(RoomGuest, participant_id)
    return guest.room if guest is not None else None


def _type_label(room_type: RoomType) -> str:
    return f"{room_type.name_en} ({room_type.hotel.name_en})"


def _booked(room_type_id: int, night: date, *, but: HotelRoom | None = None) -> int:
    query = sa.select(sa.func.count(HotelRoom.id)).where(
        HotelRoom.room_type_id == room_type_id,
        HotelRoom.first_night <= night,
        HotelRoom.last_night >= night,
    )
    if but is not None and but.id is not None:
        query = query.where(HotelRoom.id != but.id)
    return db.session.scalar(query) or 0


def _check(room_type: RoomType, first: date, last: date, *, room=None, touched=None) -> list[str]:
    """Refuse a night over contract or without a block; the cut-off warnings of the nights
    `touched` (default: all)."""
    blocks = {b.night: b for b in room_type.blocks}
    warnings = []
    today = today_in(_zone(room_type.hotel.event_id))
    for night in nights_between(first, last):
        block: RoomBlock | None = blocks.get(night)
        if block is None:
            raise DomainError(
                _l(
                    "%(type)s has no rooms contracted for the night of %(night)s.",
                    type=_type_label(room_type),
                    night=_day(night),
                )
            )
        if _booked(room_type.id, night, but=room) + 1 > block.rooms:
            raise DomainError(
                _l(
                    "All %(n)d rooms of %(type)s contracted for the night of %(night)s are booked.",
                    n=block.rooms,
                    type=_type_label(room_type),
                    night=_day(night),
                )
            )
    for night in touched if touched is not None else nights_between(first, last):
        block = blocks.get(night)
        if block is not None and block.cut_off is not None and today > block.cut_off:
            warnings.append(
                str(
                    _l(
                        "The night of %(night)s at %(type)s changed after its cut-off "
                        "(%(cut_off)s): the hotel may refuse or charge it.",
                        night=_day(night),
                        type=_type_label(room_type),
                        cut_off=_day(block.cut_off),
                    )
                )
            )
    return warnings


def _touched(old: tuple[date, date] | None, new: tuple[date, date] | None) -> list[date]:
    """Nights booked in one of the two runs and not in the other."""
    before = set(nights_between(*old)) if old else set()
    after = set(nights_between(*new)) if new else set()
    return sorted(before ^ after)


def _audit(action: str, participant, actor, warnings, **changes):
    audit.record(
        action,
        participant,
        actor=actor,
        event_id=participant.event_id,
        changes={
            **{k: list(v) for k, v in changes.items()},
            **({"after_cut_off": [None, warnings]} if warnings else {}),
        },
    )


def _zone(event_id: int) -> ZoneInfo:
    return ZoneInfo(db.session.get(Event, event_id).timezone)


def _nights(participant) -> tuple[date, date]:
    nights = nights_of(participant, _zone(participant.event_id))
    if nights is None:
        raise DomainError(
            _l("%(name)s has no arrival and departure dates yet.", name=participant.given_name)
        )
    return nights


def _leave(participant) -> HotelRoom | None:
    """Take the guest out of their room; an empty room goes, a shared one stays for the
    other guest (its nights then theirs). The room left, or None."""
    guest = db.session.get(RoomGuest, participant.id)
    if guest is None:
        return None
    room = guest.room
    room.guests.remove(guest)
    db.session.flush()
    if not room.guests:
        db.session.delete(room)
        return None
    room.proposed = False
    return room


def place(
    participant,
    room_type: RoomType | None = None,
    *,
    room: HotelRoom | None = None,
    first: date | None = None,
    last: date | None = None,
    actor=None,
) -> Change:
    """Put the guest into a new room of `room_type` for their nights (or first..last), or
    into `room` when it has a free bed. A guest with a room moves."""
    if room is not None:
        if any(g.participant_id == participant.id for g in room.guests):
            return Change(room)
        if len(room.guests) >= room.room_type.beds:
            raise DomainError(_l("This room has no free bed."))
        old = room_of(participant.id)
        before = (room.first_night, room.last_night)
        mine = (first, last) if first and last else _nights(participant)
        new_first, new_last = min(before[0], mine[0]), max(before[1], mine[1])
        warnings = _check(
            room.room_type,
            new_first,
            new_last,
            room=room,
            touched=_touched(before, (new_first, new_last)),
        )
        _leave(participant)
        room.first_night, room.last_night = new_first, new_last
        room.guests.append(RoomGuest(participant_id=participant.id))
        room.proposed = False
        db.session.flush()
        _audit("room.share", participant, actor, warnings, room=(old and old.id, room.id))
        return Change(room, warnings)
    first, last = (first, last) if first and last else _nights(participant)
    if last < first:
        raise DomainError(_l("The last night must not be before the first."), field="last_night")
    old = room_of(participant.id)
    alone_before = old is not None and len(old.guests) == 1 and old.room_type_id == room_type.id
    warnings = _check(
        room_type,
        first,
        last,
        room=old if alone_before else None,
        touched=_touched((old.first_night, old.last_night) if old else None, (first, last))
        if old is not None and old.room_type_id == room_type.id
        else None,
    )
    _leave(participant)
    new = HotelRoom(
        event_id=participant.event_id,
        room_type_id=room_type.id,
        room_type=room_type,
        first_night=first,
        last_night=last,
        proposed=False,
    )
    new.guests = [RoomGuest(participant_id=participant.id)]
    db.session.add(new)
    db.session.flush()
    _audit(
        "room.place",
        participant,
        actor,
        warnings,
        room=(old and old.id, new.id),
        nights=(None, f"{first.isoformat()}..{last.isoformat()}"),
    )
    return Change(new, warnings)


def change_nights(room: HotelRoom, first: date, last: date, *, actor=None) -> Change:
    if last < first:
        raise DomainError(_l("The last night must not be before the first."), field="last_night")
    before = (room.first_night, room.last_night)
    warnings = _check(
        room.room_type, first, last, room=room, touched=_touched(before, (first, last))
    )
    room.first_night, room.last_night = first, last
    room.proposed = False
    db.session.flush()
    for guest in room.guests:
        _audit(
            "room.nights",
            guest.participant,
            actor,
            warnings,
            nights=(f"{before[0]}..{before[1]}", f"{first}..{last}"),
        )
    return Change(room, warnings)


def remove(participant, *, actor=None) -> Change:
    room = room_of(participant.id)
    if room is None:
        return Change(None)
    warnings = []
    cut = [b for b in room.room_type.blocks if room.first_night <= b.night <= room.last_night]
    today = today_in(_zone(room.event_id))
    if any(b.cut_off is not None and today > b.cut_off for b in cut):
        warnings.append(
            str(_l("The room was given back after its cut-off: the hotel may charge it."))
        )
    room_id = room.id
    _leave(participant)
    db.session.flush()
    _audit("room.remove", participant, actor, warnings, room=(room_id, None))
    return Change(None, warnings)


def follow_travel(participant) -> str | None:
    """The guest's room after their travel or status changed: nights follow the dates (a
    shared room covers both guests); a guest no longer coming leaves it. Returns why the
    guest lost their room, when they did (None otherwise)."""
    room = room_of(participant.id)
    if room is None:
        return None
    gone = participant.status in (Status.WITHDRAWN, Status.REJECTED) or participant.erased_at
    if gone:
        _leave(participant)
        if room in db.session and room.guests:
            _refit(room)
        db.session.flush()
        audit.record(
            "room.left",
            participant,
            actor_label="travel",
            event_id=participant.event_id,
            changes={"room": [room.id, None]},
        )
        return None
    zone = _zone(participant.event_id)
    runs = [nights_of(g.participant, zone) for g in room.guests]
    runs = [r for r in runs if r is not None]
    if not runs:
        reason = str(_l("No arrival and departure dates: the room was given back."))
        _leave(participant)
        _lost(participant, room, reason)
        return reason
    first, last = min(r[0] for r in runs), max(r[1] for r in runs)
    if (first, last) == (room.first_night, room.last_night):
        return None
    before = (room.first_night, room.last_night)
    try:
        warnings = _check(
            room.room_type, first, last, room=room, touched=_touched(before, (first, last))
        )
    except DomainError as refused:
        reason = str(refused)
        _leave(participant)
        if room in db.session and room.guests:
            _refit(room)
        _lost(participant, room, reason)
        return reason
    room.first_night, room.last_night = first, last
    db.session.flush()
    audit.record(
        "room.nights",
        participant,
        actor_label="travel",
        event_id=participant.event_id,
        changes={
            "nights": [f"{before[0]}..{before[1]}", f"{first}..{last}"],
            **({"after_cut_off": [None, warnings]} if warnings else {}),
        },
    )
    return None


def _refit(room: HotelRoom) -> None:
    """A shared room after one guest left: the nights of those who stay."""
    zone = _zone(room.event_id)
    runs = [nights_of(g.participant, zone) for g in room.guests]
    runs = [r for r in runs if r is not None]
    if runs:
        room.first_night = min(r[0] for r in runs)
        room.last_night = max(r[1] for r in runs)


def _lost(participant, room, reason: str) -> None:
    db.session.flush()
    audit.record(
        "room.lost",
        participant,
        actor_label="travel",
        event_id=participant.event_id,
        changes={"room": [room.id, None], "reason": [None, reason]},
    )


def lost_rooms(event) -> dict[int, str]:
    """participant id -> why their room was taken when their travel changed, for those still
    without one (the rooms board lists them among the unplaced)."""
    entries = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.event_id == event.id, AuditEntry.action == "room.lost")
        .order_by(AuditEntry.id)
    )
    lost = {int(e.object_id): e.changes.get("reason", [None, ""])[1] for e in entries}
    housed = set(
        db.session.scalars(
            sa.select(RoomGuest.participant_id).where(RoomGuest.participant_id.in_(list(lost)))
        )
    )
    return {pid: why for pid, why in lost.items() if pid not in housed}


__all__ = ["Change", "Participant", "change_nights", "follow_travel", "place", "remove"]
