"""What changed since the last rooming list sent to a hotel: rooms added, cancelled and
changed (nights, type, guests), each flagged when it touches a night whose block cut-off
has passed. A list sent is kept as ids only (RoomingListSent.lines), never names."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.accommodation.models import (
    Hotel,
    RoomBlock,
    RoomingListSent,
    RoomType,
)
from eventhub.accommodation.nights import nights_between
from eventhub.audit import services as audit
from eventhub.db import utcnow
from eventhub.extensions import db

if TYPE_CHECKING:
    from eventhub.accommodation.rooming_lists import Line

ADDED, CANCELLED, CHANGED = "added", "cancelled", "changed"

# The audit log names the action (its labels are the audit module's; added from here).
audit.ACTION_LABELS.setdefault("rooming.sent", _l("Rooming list recorded as sent to the hotel"))


def snapshot(lines: list[Line]) -> list[dict]:
    """The lines as a list sent keeps them: ids and nights only."""
    return [
        {
            "room": line.room_id,
            "type": line.type_id,
            "first": line.first_night.isoformat(),
            "last": line.last_night.isoformat(),
            "guests": sorted(guest.participant_id for guest in line.guests),
        }
        for line in lines
    ]


@dataclass
class Change:
    kind: str  # added, cancelled, changed
    room_id: int
    # What changed in a room kept: "nights", "type", "guests".
    fields: list[str] = field(default_factory=list)
    before: dict | None = None  # the line as sent (ids)
    after: dict | None = None  # the line now (ids)
    after_cut_off: bool = False
    late_nights: list[date] = field(default_factory=list)


def _nights(line: dict) -> set[date]:
    return set(nights_between(date.fromisoformat(line["first"]), date.fromisoformat(line["last"])))


def _in_scope(line: dict, night: date | None) -> bool:
    return night is None or date.fromisoformat(line["first"]) <= night <= date.fromisoformat(
        line["last"]
    )


def last_sent(hotel: Hotel, night: date | None = None) -> RoomingListSent | None:
    """The list the view of `night` is compared with: for all nights, the latest list of all
    nights (a list of one night says nothing about the others); for one night, the latest
    list of that night or of all nights."""
    query = sa.select(RoomingListSent).where(RoomingListSent.hotel_id == hotel.id)
    if night is None:
        query = query.where(RoomingListSent.night.is_(None))
    else:
        query = query.where(sa.or_(RoomingListSent.night.is_(None), RoomingListSent.night == night))
    return db.session.scalar(
        query.order_by(RoomingListSent.sent_at.desc(), RoomingListSent.id.desc()).limit(1)
    )


def _passed_cut_offs(type_ids: set[int], today: date) -> set[tuple[int, date]]:
    """(room type, night) whose block's cut-off date has passed."""
    if not type_ids:
        return set()
    rows = db.session.execute(
        sa.select(RoomBlock.room_type_id, RoomBlock.night).where(
            RoomBlock.room_type_id.in_(type_ids), RoomBlock.cut_off < today
        )
    )
    return {(type_id, night) for type_id, night in rows}


def _touched(before: dict | None, after: dict | None, fields: list[str]) -> set[tuple[int, date]]:
    """(room type, night) a change touches: every night of a room added or cancelled, of a
    room whose type or guests changed; the nights added or dropped when only nights did."""
    touched: set[tuple[int, date]] = set()
    if before is not None and (after is None or "type" in fields or "guests" in fields):
        touched |= {(before["type"], n) for n in _nights(before)}
    if after is not None and (before is None or "type" in fields or "guests" in fields):
        touched |= {(after["type"], n) for n in _nights(after)}
    if before is not None and after is not None and "nights" in fields:
        moved = _nights(before) ^ _nights(after)
        touched |= {(after["type"], n) for n in moved}
    return touched


def changes_since(
    sent: RoomingListSent | None, lines: list[Line], today: date, night: date | None = None
) -> list[Change]:
    """The changes from the list `sent` to `lines` (both limited to `night` when given);
    every row counts as added when nothing was sent yet."""
    now = {line["room"]: line for line in snapshot(lines) if _in_scope(line, night)}
    before = {line["room"]: line for line in (sent.lines if sent else []) if _in_scope(line, night)}
    found: list[Change] = []
    for room_id, after in now.items():
        old = before.get(room_id)
        if old is None:
            found.append(Change(ADDED, room_id, after=after))
            continue
        fields = [
            name
            for name, differs in (
                ("nights", (old["first"], old["last"]) != (after["first"], after["last"])),
                ("type", old["type"] != after["type"]),
                ("guests", sorted(old["guests"]) != sorted(after["guests"])),
            )
            if differs
        ]
        if fields:
            found.append(Change(CHANGED, room_id, fields, before=old, after=after))
    found.extend(
        Change(CANCELLED, room_id, before=old)
        for room_id, old in before.items()
        if room_id not in now
    )
    type_ids = {line["type"] for change in found for line in (change.before, change.after) if line}
    passed = _passed_cut_offs(type_ids, today)
    for change in found:
        late = _touched(change.before, change.after, change.fields) & passed
        change.after_cut_off = bool(late)
        change.late_nights = sorted({n for _t, n in late})
    return found


def record_sent(
    hotel: Hotel,
    lines: list[Line],
    actor,
    *,
    night: date | None = None,
    at: datetime | None = None,
):
    """Keep the list of `night` (None: all nights) as sent to the hotel now (ids only);
    flushed, not committed."""
    sent = RoomingListSent(
        hotel_id=hotel.id,
        night=night,
        sent_at=at or utcnow(),
        sent_by_id=getattr(actor, "id", None),
        lines=snapshot(lines),
    )
    db.session.add(sent)
    db.session.flush()
    audit.record(
        "rooming.sent",
        hotel,
        actor=actor,
        event_id=hotel.event_id,
        changes={"rooms": [None, len(sent.lines)]},
    )
    return sent


def type_names(hotel: Hotel) -> dict[int, str]:
    """Room type id -> its name, for a cancelled row whose room is gone."""
    rows = db.session.execute(
        sa.select(RoomType.id, RoomType.name_en).where(RoomType.hotel_id == hotel.id)
    )
    return dict(rows.all())
