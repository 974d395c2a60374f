"""Rooms by hand: place a guest, move them, change a room's nights, take them out; and the
rooms following a guest's travel. Every hand edit makes the room the organiser's (a new
proposal leaves it alone); none books more rooms a night than the block holds; a change
touching a night past its block's cut-off is made but flagged. Flushes, never commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from eventhub.accommodation.models import (
    AccommodationSettings,
    HotelRoom,
    RoomBlock,
    RoomGuest,
    RoomType,
)
from eventhub.accommodation.nights import nights_between, nights_of
from eventhub.accommodation.signals import stay_changed
from eventhub.accommodation.solver_reasons import _day
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
    # False when the edit asked for what was already so: nothing saved, nothing said.
    changed: bool = True


class Refused(DomainError):
    """A night over contract or without a block; `key` and `values` let a reason kept for
    later (a room lost to a travel change) be shown in the reader's language."""

    def __init__(self, key: str, **values) -> None:
        super().__init__(reason_text(key, values))
        self.key, self.values = key, values


def reason_text(key: str, values: dict) -> str:
    """A kept reason in the current language (`night` an ISO date)."""
    night = _day(date.fromisoformat(values["night"])) if values.get("night") else ""
    if key == "no_block":
        return _(
            "%(type)s has no rooms contracted for the night of %(night)s.",
            type=values.get("type", ""),
            night=night,
        )
    if key == "full":
        n = values.get("n", 0)
        if not n:
            return _(
                "No rooms of %(type)s are contracted for the night of %(night)s.",
                type=values.get("type", ""),
                night=night,
            )
        return ngettext(
            "The only room of %(type)s contracted for the night of %(night)s is booked.",
            "All %(num)d rooms of %(type)s contracted for the night of %(night)s are booked.",
            n,
            type=values.get("type", ""),
            night=night,
        )
    if key == "no_dates":
        return _("No arrival and departure dates: the room was given back.")
    return key


def lock(event_id: int) -> None:
    """Serialise the event's rooming writers: a row lock on its AccommodationSettings (made
    when missing), so two never both count a block's last room as free. Real on PostgreSQL,
    a no-op on SQLite (which has one writer at a time anyway)."""
    query = (
        sa.select(AccommodationSettings)
        .where(AccommodationSettings.event_id == event_id)
        .with_for_update()
    )
    if db.session.scalar(query) is None:
        try:
            with db.session.begin_nested():
                db.session.add(AccommodationSettings(event_id=event_id))
        except sa.exc.IntegrityError:
            pass  # another writer made it first: wait for its lock below
        db.session.scalar(query)


def check_guest(participant) -> None:
    """Only an approved guest of the event who is not erased gets a room."""
    if participant.erased_at is not None:
        raise DomainError(
            _l("%(name)s's data has been erased.", name=participant.latin_name or "—")
        )
    if participant.status in (Status.WITHDRAWN, Status.REJECTED):
        raise DomainError(
            _l("%(name)s has withdrawn or was not accepted.", name=participant.latin_name)
        )
    if participant.status != Status.APPROVED:
        raise DomainError(
            _l(
                "%(name)s is not approved yet: only approved guests get a room.",
                name=participant.latin_name,
            )
        )


def hotel_id_of(room: HotelRoom | None) -> int | None:
    return room.room_type.hotel_id if room is not None else None


def tell(event_id: int, participant_ids) -> None:
    """Transport hears whose hotel changed (stay_changed); nothing is sent for nobody."""
    ids = sorted(set(participant_ids))
    if ids:
        stay_changed.send(db.session.get(Event, event_id), participant_ids=ids)


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
            raise Refused("no_block", type=_type_label(room_type), night=night.isoformat())
        if _booked(room_type.id, night, but=room) + 1 > block.rooms:
            raise Refused(
                "full", n=block.rooms, type=_type_label(room_type), night=night.isoformat()
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
    into `room` when it has a free bed. A guest with a room moves. Refused for a guest not
    approved, erased or of another event; a room already so is left as it is."""
    if room is None and room_type is None:
        raise DomainError(_l("Choose a room type or a room with a free bed."), field="target")
    event_id = (room or room_type.hotel).event_id
    if participant.event_id != event_id:
        raise DomainError(_l("There is no such participant in this event."))
    check_guest(participant)
    lock(event_id)
    if room is not None:
        if any(g.participant_id == participant.id for g in room.guests):
            return Change(room, changed=False)
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
        old_hotel = hotel_id_of(old)
        _leave(participant)
        room.first_night, room.last_night = new_first, new_last
        room.guests.append(RoomGuest(participant_id=participant.id))
        room.proposed = False
        db.session.flush()
        _audit("room.share", participant, actor, warnings, room=(old and old.id, room.id))
        if old_hotel != room.room_type.hotel_id:
            tell(event_id, [participant.id])
        return Change(room, warnings)
    first, last = (first, last) if first and last else _nights(participant)
    if last < first:
        raise DomainError(_l("The last night must not be before the first."), field="last_night")
    old = room_of(participant.id)
    alone_before = old is not None and len(old.guests) == 1 and old.room_type_id == room_type.id
    if alone_before and (old.first_night, old.last_night) == (first, last):
        return Change(old, changed=False)
    old_hotel = hotel_id_of(old)
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
    if old_hotel != room_type.hotel_id:
        tell(event_id, [participant.id])
    return Change(new, warnings)


def change_nights(room: HotelRoom, first: date, last: date, *, actor=None) -> Change:
    """The room's nights; the same nights saved again change nothing (a proposed room stays
    proposed). The hotel stays the same: transport is not told."""
    if last < first:
        raise DomainError(_l("The last night must not be before the first."), field="last_night")
    before = (room.first_night, room.last_night)
    if before == (first, last):
        return Change(room, changed=False)
    lock(room.event_id)
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
    tell(participant.event_id, [participant.id])
    return Change(None, warnings)


def follow_travel(participant) -> str | None:
    """The guest's room after their travel or status changed: nights follow the dates (a
    shared room covers both guests); a guest no longer coming leaves it. Returns why the
    guest lost their room, when they did (None otherwise)."""
    room = room_of(participant.id)
    if room is None:
        return None
    lock(participant.event_id)
    gone = participant.status in (Status.WITHDRAWN, Status.REJECTED) or participant.erased_at
    if gone:
        _leave(participant)
        tell(participant.event_id, [participant.id])
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
        _leave(participant)
        _lost(participant, room, "no_dates", {})
        return reason_text("no_dates", {})
    first, last = min(r[0] for r in runs), max(r[1] for r in runs)
    if (first, last) == (room.first_night, room.last_night):
        return None
    before = (room.first_night, room.last_night)
    try:
        warnings = _check(
            room.room_type, first, last, room=room, touched=_touched(before, (first, last))
        )
    except Refused as refused:
        _leave(participant)
        if room in db.session and room.guests:
            _refit(room)
        _lost(participant, room, refused.key, refused.values)
        return str(refused)
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


def _lost(participant, room, key: str, values: dict) -> None:
    """Keep why the room went as a key and its values: shown later in the reader's language."""
    db.session.flush()
    audit.record(
        "room.lost",
        participant,
        actor_label="travel",
        event_id=participant.event_id,
        # Kept as [key, type, night, rooms] (the audit keeps lists, not mappings).
        changes={
            "room": [room.id, None],
            "reason": [None, [key, values.get("type"), values.get("night"), values.get("n")]],
        },
    )
    tell(participant.event_id, [participant.id])


def _reason(kept) -> str:
    """A kept reason in the current language (older entries kept the text itself)."""
    if isinstance(kept, list) and len(kept) == 4:
        key, room_type, night, rooms = kept
        return reason_text(key, {"type": room_type, "night": night, "n": rooms})
    return kept or ""


def lost_rooms(event) -> dict[int, str]:
    """participant id -> why their room was taken when their travel changed, for those still
    without one (the rooms board lists them among the unplaced), in the reader's language."""
    entries = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.event_id == event.id, AuditEntry.action == "room.lost")
        .order_by(AuditEntry.id)
    )
    lost = {int(e.object_id): _reason(e.changes.get("reason", [None, ""])[1]) for e in entries}
    housed = set(
        db.session.scalars(
            sa.select(RoomGuest.participant_id).where(RoomGuest.participant_id.in_(list(lost)))
        )
    )
    return {pid: why for pid, why in lost.items() if pid not in housed}


__all__ = ["Change", "Participant", "change_nights", "follow_travel", "place", "remove"]
