"""The organisers' set-up of the accommodation: hotels, their room types, the rooms
contracted per night (blocks) and the rank -> room class rule. Services flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from eventhub.accommodation.capacity import booked_per_night
from eventhub.accommodation.models import (
    AccommodationSettings,
    Hotel,
    HotelRoom,
    RoomBlock,
    RoomGuest,
    RoomType,
)
from eventhub.audit import services as audit
from eventhub.errors import DomainError
from eventhub.extensions import db

HOTEL_FIELDS = ("name_en", "name_zh", "address", "phone", "email", "drive_minutes", "note")
ROOM_TYPE_FIELDS = ("name_en", "name_zh", "room_class", "beds", "accessible")


class BlocksInvalid(DomainError):
    """What is wrong in the blocks grid, cell by cell (key: "rooms-2025-07-23")."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(_l("Please correct the cells marked below; nothing was saved."))
        self.errors = errors


@dataclass(frozen=True)
class BlockInput:
    """One night of a room type as entered: rooms None means no block that night."""

    rooms: int | None
    rate: Decimal = Decimal("0")
    currency: str = "CNY"
    cut_off: date | None = None


def hotels(event) -> list[Hotel]:
    return list(
        db.session.scalars(
            sa.select(Hotel)
            .where(Hotel.event_id == event.id)
            .options(sa.orm.selectinload(Hotel.room_types).selectinload(RoomType.blocks))
            .order_by(Hotel.name_en)
        )
    )


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal | date):
        return str(value)
    return getattr(value, "value", value)


def _apply(obj, values: dict[str, Any], fields) -> dict[str, list]:
    changes = {}
    for name in fields:
        if name in values and getattr(obj, name) != values[name]:
            changes[name] = [_plain(getattr(obj, name)), _plain(values[name])]
            setattr(obj, name, values[name])
    return changes


def _name_taken(model, where, name: str, own_id: int | None) -> bool:
    query = sa.select(model.id).where(where, sa.func.lower(model.name_en) == name.lower())
    if own_id is not None:
        query = query.where(model.id != own_id)
    return db.session.scalar(query) is not None


def save_hotel(event, hotel: Hotel | None, values: dict[str, Any], *, actor) -> Hotel:
    """Create (hotel None) or update a hotel; one audit entry when anything changed."""
    name = values["name_en"].strip()
    if _name_taken(Hotel, Hotel.event_id == event.id, name, hotel.id if hotel else None):
        raise DomainError(_l("This event already has a hotel of this name."), field="name_en")
    values = {**values, "name_en": name}
    created = hotel is None
    if hotel is None:
        hotel = Hotel(event_id=event.id)
        db.session.add(hotel)
        changes = {n: [None, _plain(values[n])] for n in HOTEL_FIELDS if values.get(n)}
        _apply(hotel, values, HOTEL_FIELDS)
    else:
        changes = _apply(hotel, values, HOTEL_FIELDS)
    db.session.flush()
    if changes:
        action = "hotel.create" if created else "hotel.update"
        audit.record(action, hotel, actor=actor, event_id=event.id, changes=changes)
    return hotel


def save_room_type(hotel: Hotel, room_type: RoomType | None, values, *, actor) -> RoomType:
    name = values["name_en"].strip()
    where = RoomType.hotel_id == hotel.id
    if _name_taken(RoomType, where, name, room_type.id if room_type else None):
        raise DomainError(_l("This hotel already has a room type of this name."), field="name_en")
    values = {**values, "name_en": name}
    created = room_type is None
    if room_type is None:
        room_type = RoomType(hotel=hotel)
        db.session.add(room_type)
        changes = {n: [None, _plain(values[n])] for n in ROOM_TYPE_FIELDS if n in values}
        _apply(room_type, values, ROOM_TYPE_FIELDS)
    else:
        if values.get("beds") is not None and values["beds"] < room_type.beds:
            _check_beds(room_type, values["beds"])
        changes = _apply(room_type, values, ROOM_TYPE_FIELDS)
    db.session.flush()
    if changes:
        changes["hotel"] = [None, hotel.name_en] if created else [hotel.name_en, hotel.name_en]
        action = "room_type.create" if created else "room_type.update"
        audit.record(action, room_type, actor=actor, event_id=hotel.event_id, changes=changes)
    return room_type


def _check_beds(room_type: RoomType, beds: int) -> None:
    most = db.session.scalar(
        sa.select(sa.func.count(RoomGuest.participant_id))
        .join(HotelRoom, HotelRoom.id == RoomGuest.room_id)
        .where(HotelRoom.room_type_id == room_type.id)
        .group_by(HotelRoom.id)
        .order_by(sa.func.count(RoomGuest.participant_id).desc())
        .limit(1)
    )
    if most and most > beds:
        raise DomainError(
            _l("A room of this type already has %(n)d guests: keep at least %(n)d beds.", n=most),
            field="beds",
        )


def _rooms_booked(room_type_ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        sa.select(HotelRoom.room_type_id, sa.func.count(HotelRoom.id))
        .where(HotelRoom.room_type_id.in_(room_type_ids))
        .group_by(HotelRoom.room_type_id)
    )
    return {row[0]: row[1] for row in rows}


def delete_room_type(room_type: RoomType, *, actor) -> None:
    """Refused while rooms of the type are booked (their guests would lose their bed)."""
    booked = _rooms_booked([room_type.id]).get(room_type.id, 0)
    if booked:
        raise DomainError(
            lazy_ngettext(
                "%(type)s has %(num)d booked room: move its guests first.",
                "%(type)s has %(num)d booked rooms: move their guests first.",
                booked,
                type=room_type.name_en,
            )
        )
    hotel = room_type.hotel
    audit.record(
        "room_type.delete",
        room_type,
        actor=actor,
        event_id=hotel.event_id,
        changes={"name_en": [room_type.name_en, None], "hotel": [hotel.name_en, None]},
    )
    hotel.room_types.remove(room_type)
    db.session.flush()


def delete_hotel(hotel: Hotel, *, actor) -> None:
    """Refused while any of its room types has booked rooms, naming them."""
    booked = _rooms_booked([rt.id for rt in hotel.room_types])
    names = {rt.id: rt.name_en for rt in hotel.room_types}
    if booked:
        listed = ", ".join(f"{names[i]} ({n})" for i, n in sorted(booked.items()))
        raise DomainError(
            _l(
                "%(hotel)s has booked rooms (%(types)s): move their guests first.",
                hotel=hotel.name_en,
                types=listed,
            )
        )
    audit.record(
        "hotel.delete",
        hotel,
        actor=actor,
        event_id=hotel.event_id,
        changes={"name_en": [hotel.name_en, None]},
    )
    db.session.delete(hotel)
    db.session.flush()


def grid_nights(event, room_type: RoomType) -> list[date]:
    """The nights of the blocks grid: the night before the event opens to its last day,
    and any night that already has a block."""
    first = event.starts_on - timedelta(days=1)
    nights = {first + timedelta(days=n) for n in range((event.ends_on - first).days + 1)}
    nights |= {b.night for b in room_type.blocks}
    return sorted(nights)


def below_booked(event, room_type: RoomType, wanted: dict[date, BlockInput]) -> dict:
    """The nights of `wanted` that would have fewer rooms contracted than are booked, said
    with both numbers (key: "rooms-<night>")."""
    booked = booked_per_night(event)
    errors: dict[str, list[str]] = {}
    for night, entry in sorted(wanted.items()):
        taken = booked.get((room_type.id, night), 0)
        if (entry.rooms or 0) < taken:
            message = lazy_ngettext(
                "%(night)s: %(num)d room is booked; the block cannot be %(rooms)d.",
                "%(night)s: %(num)d rooms are booked; the block cannot be %(rooms)d.",
                taken,
                night=night.isoformat(),
                rooms=entry.rooms or 0,
            )
            errors[f"rooms-{night.isoformat()}"] = [str(message)]
    return errors


def save_blocks(event, room_type: RoomType, wanted: dict[date, BlockInput], *, actor) -> int:
    """Set the blocks of `room_type` for the nights in `wanted` (other nights untouched);
    how many nights changed. Refused, with nothing saved, when a night would have fewer
    rooms contracted than are booked. One audit entry when anything changed."""
    errors = below_booked(event, room_type, wanted)
    if errors:
        raise BlocksInvalid(errors)
    existing = {b.night: b for b in room_type.blocks}
    changes: dict[str, list] = {}
    for night, entry in sorted(wanted.items()):
        block = existing.get(night)
        before = (block.rooms, block.rate, block.currency, block.cut_off) if block else None
        after = (
            (entry.rooms, entry.rate, entry.currency, entry.cut_off)
            if entry.rooms is not None
            else None
        )
        if before == after:
            continue
        changes[night.isoformat()] = [_block_text(before), _block_text(after)]
        if after is None:
            room_type.blocks.remove(block)
        elif block is None:
            room_type.blocks.append(
                RoomBlock(
                    night=night,
                    rooms=entry.rooms,
                    rate=entry.rate,
                    currency=entry.currency,
                    cut_off=entry.cut_off,
                )
            )
        else:
            block.rooms, block.rate, block.currency, block.cut_off = after
    if changes:
        changes["room_type"] = [room_type.name_en, room_type.name_en]
        changes["hotel"] = [room_type.hotel.name_en, room_type.hotel.name_en]
        audit.record(
            "room_block.update", room_type, actor=actor, event_id=event.id, changes=changes
        )
        db.session.flush()
    return len(changes) - 2 if changes else 0


def _block_text(values) -> str | None:
    if values is None:
        return None
    rooms, rate, currency, cut_off = values
    text = f"{rooms} × {Decimal(rate):.2f} {currency}"
    return f"{text}, cut-off {cut_off.isoformat()}" if cut_off else text


def settings_row(event) -> AccommodationSettings | None:
    return db.session.get(AccommodationSettings, event.id)


def save_settings(event, suite_up_to: int, executive_up_to: int, *, actor) -> bool:
    """The rank -> class rule; False when nothing changed."""
    if executive_up_to < suite_up_to:
        raise DomainError(
            _l("Executive rooms must reach at least as far down the ranks as suites."),
            field="executive_up_to",
        )
    row = settings_row(event)
    before = (row.suite_up_to, row.executive_up_to) if row else (2, 4)
    if before == (suite_up_to, executive_up_to) and row is not None:
        return False
    if row is None:
        row = AccommodationSettings(event_id=event.id)
        db.session.add(row)
    row.suite_up_to, row.executive_up_to = suite_up_to, executive_up_to
    changes = {
        name: [old, new]
        for name, old, new in (
            ("suite_up_to", before[0], suite_up_to),
            ("executive_up_to", before[1], executive_up_to),
        )
        if old != new
    }
    db.session.flush()
    if changes:
        audit.record("accommodation.settings", row, actor=actor, event_id=event.id, changes=changes)
    return bool(changes)
