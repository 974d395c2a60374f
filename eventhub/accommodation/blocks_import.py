"""Blocks imported from the hotels' own sheets (CSV or Excel): every row checked, cell by
cell, then all saved or none. The file is read by its content, bounded (registration.reading)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from eventhub.accommodation import hotels as setup
from eventhub.accommodation.capacity import booked_per_night
from eventhub.accommodation.forms import CLASS_LABELS
from eventhub.accommodation.models import Hotel, RoomClass, RoomType
from eventhub.audit import services as audit
from eventhub.extensions import db
from eventhub.registration.dates import DMY, DateProblem, column_order, read_date
from eventhub.registration.exports import Sheet
from eventhub.registration.reading import Table
from eventhub.text import clean

# Column -> the headers it is recognised by (lower case, single spaces).
HEADERS = {
    "hotel": {"hotel", "hotel name", "酒店", "宾馆", "酒店名称"},
    "room_type": {"room type", "type", "room", "房型"},
    "night": {"night", "date", "night of", "日期", "入住日期", "晚"},
    "rooms": {"rooms", "number of rooms", "rooms contracted", "房间数", "间数"},
    "rate": {"rate", "price", "room rate", "房价", "价格"},
    "currency": {"currency", "币种", "货币"},
    "cut_off": {"cut off", "cut off date", "cutoff", "release date", "截止日期"},
    "room_class": {"class", "room class", "房间等级", "等级"},
    "beds": {"beds", "guests per room", "床位", "人数"},
}
COLUMN_LABELS = {
    "hotel": _l("hotel"),
    "room_type": _l("room type"),
    "night": _l("night"),
    "rooms": _l("rooms"),
    "rate": _l("rate"),
    "currency": _l("currency"),
    "cut_off": _l("cut-off"),
    "room_class": _l("class"),
    "beds": _l("beds"),
}
REQUIRED = ("hotel", "room_type", "night", "rooms")
_CLASS_WORDS = (
    {c.value: c for c in RoomClass}
    | {str(label).lower(): c for c, label in CLASS_LABELS.items()}
    | {"套房": RoomClass.SUITE, "行政": RoomClass.EXECUTIVE, "标准": RoomClass.STANDARD}
)


@dataclass
class Problem:
    row: int
    column: str
    message: str


@dataclass
class Line:
    row: int
    hotel: str
    room_type: str
    night: date
    block: setup.BlockInput
    room_class: RoomClass | None = None
    beds: int | None = None


@dataclass
class Checked:
    lines: list[Line] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def template() -> Sheet:
    return Sheet(
        "Blocks",
        ["hotel", "room type", "night", "rooms", "rate", "currency", "cut-off", "class", "beds"],
        [
            ["Guiyang Grand Hotel", "Deluxe twin", "2025-07-23", 40, 680, "CNY", "2025-06-30",
             "standard", 2],
            ["Guiyang Grand Hotel", "Presidential suite", "2025-07-23", 2, 3800, "CNY",
             "2025-06-30", "suite", 1],
        ],
    )  # fmt: skip


def _key(text: Any) -> str:
    return " ".join(clean(str(text or "")).lower().replace("_", " ").replace("-", " ").split())


def _columns(header: list[Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = _key(cell)
        for name, words in HEADERS.items():
            if key in words and name not in found:
                found[name] = index
    return found


def check(event, table: Table) -> Checked:
    """Every row read and checked against the event's hotels and bookings; nothing saved."""
    result = Checked()
    start = _header_index(table.rows)
    header_row, header = table.rows[start]
    columns = _columns(header)
    for name in REQUIRED:
        if name not in columns:
            message = _l("No column is headed %(name)s.", name=COLUMN_LABELS[name])
            result.problems.append(Problem(header_row, "", str(message)))
    if result.problems:
        return result
    body = table.rows[start + 1 :]
    if not body:
        result.problems.append(
            Problem(header_row, "", str(_l("There are no rows below the headers.")))
        )
        return result

    def cell(row: list[Any], name: str) -> Any:
        index = columns.get(name)
        value = row[index] if index is not None and index < len(row) else None
        return value.strip() if isinstance(value, str) else value

    order = (
        column_order([cell(r, "night") for _n, r in body] + [cell(r, "cut_off") for _n, r in body])
        or DMY
    )
    known = _known(event)
    hotels = list(db.session.scalars(sa.select(Hotel).where(Hotel.event_id == event.id)))
    hotel_names = {n.lower() for h in hotels for n in (h.name_en, h.name_zh) if n}
    listed = ", ".join(
        f"{h.name_en} ({h.name_zh})" if h.name_zh else h.name_en
        for h in sorted(hotels, key=lambda h: h.name_en.lower())
    )
    booked_now = booked_per_night(event)
    creating = "room_class" in columns and "beds" in columns
    seen: dict[tuple[str, str, date], int] = {}
    for number, row in body:
        problems: list[Problem] = []

        def problem(name: str, message, number=number, problems=problems) -> None:
            problems.append(Problem(number, str(COLUMN_LABELS[name]), str(message)))

        hotel, room_type = (
            clean(str(cell(row, "hotel") or "")),
            clean(str(cell(row, "room_type") or "")),
        )
        if not hotel:
            problem("hotel", _l("The hotel is missing."))
        if not room_type:
            problem("room_type", _l("The room type is missing."))
        night = _date(cell(row, "night"), order, "night", problem, required=True)
        cut_off = _date(cell(row, "cut_off"), order, "cut_off", problem)
        if cut_off and night and cut_off > night:
            problem("cut_off", cut_off_after(night))
        rooms = _number(cell(row, "rooms"), "rooms", problem, required=True)
        rate = _rate(cell(row, "rate"), problem)
        currency = clean(str(cell(row, "currency") or "")).upper() or "CNY"
        if not (len(currency) == 3 and currency.isascii() and currency.isalpha()):
            problem("currency", _l("Write the currency as three letters (CNY, USD)."))
        room_class = beds = None
        if hotel and hotel.lower() not in hotel_names:
            # Never a new hotel from a name: a garbled name (a wrong encoding) would be one.
            problem(
                "hotel",
                _l(
                    "No hotel named %(name)s; the event's hotels: %(hotels)s; if the name "
                    "looks garbled, choose the file's encoding.",
                    name=hotel,
                    hotels=listed or "—",
                ),
            )
        elif hotel and room_type and (hotel.lower(), room_type.lower()) not in known:
            if creating:
                room_class = _CLASS_WORDS.get(_key(cell(row, "room_class")))
                if room_class is None:
                    problem("room_class", _l("Write the class as suite, executive or standard."))
                beds = _number(cell(row, "beds"), "beds", problem, required=True)
                if beds is not None and not 1 <= beds <= 4:
                    problem("beds", _l("A room has 1 to 4 beds."))
            else:
                problem(
                    "room_type",
                    _l(
                        "%(hotel)s has no room type %(name)s: add it first (or give the "
                        "columns class and beds to create it).",
                        hotel=hotel,
                        name=room_type,
                    ),
                )
        if night is not None and hotel and room_type:
            twice = seen.setdefault((hotel.lower(), room_type.lower(), night), number)
            if twice != number:
                problem(
                    "night",
                    _l("Row %(row)d gives this night of this room type already.", row=twice),
                )
            existing = known.get((hotel.lower(), room_type.lower()))
            booked = booked_now.get((existing.id, night), 0) if existing else 0
            if rooms is not None and rooms < booked:
                problem(
                    "rooms",
                    lazy_ngettext(
                        "%(night)s: %(num)d room is booked; the block cannot be %(rooms)d.",
                        "%(night)s: %(num)d rooms are booked; the block cannot be %(rooms)d.",
                        booked,
                        night=night.isoformat(),
                        rooms=rooms,
                    ),
                )
        result.problems += problems
        if not problems:
            block = setup.BlockInput(rooms, rate or Decimal("0"), currency, cut_off)
            result.lines.append(Line(number, hotel, room_type, night, block, room_class, beds))
    return result


def cut_off_after(night: date):
    """The block's cut-off falls after its night: the grid and the import say it alike."""
    return _l("The cut-off must be on or before the night (%(night)s).", night=night.isoformat())


def _header_index(rows: list[tuple[int, list[Any]]]) -> int:
    """The header row: the first of the first ten naming two known columns (a title row and
    blank rows above it are fine), else the first row."""
    for index, (_number, row) in enumerate(rows[:10]):
        if len(_columns(row)) >= 2:
            return index
    return 0


def _known(event) -> dict[tuple[str, str], RoomType]:
    """(hotel name, room type name), lower case, English or Chinese -> the room type."""
    found: dict[tuple[str, str], RoomType] = {}
    for rt in db.session.scalars(sa.select(RoomType).join(Hotel).where(Hotel.event_id == event.id)):
        for h in filter(None, (rt.hotel.name_en, rt.hotel.name_zh)):
            for t in filter(None, (rt.name_en, rt.name_zh)):
                found.setdefault((h.lower(), t.lower()), rt)
    for h in db.session.scalars(sa.select(Hotel).where(Hotel.event_id == event.id)):
        found.setdefault((h.name_en.lower(), ""), None)  # a hotel without room types
    return found


def _date(value, order, name, problem, *, required=False) -> date | None:
    try:
        day = read_date(value, order)
    except DateProblem as error:
        problem(name, error.args[0])
        return None
    if day is None and required:
        problem(name, _l("The date is missing."))
    return day


def _number(value, name, problem, *, required=False) -> int | None:
    text = str(value if value is not None else "").strip()
    if not text:
        if required:
            problem(name, _l("The number is missing."))
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or number != number.to_integral_value() or number < 0:
        problem(name, _l("Write a whole number, 0 or more (not %(text)s).", text=text[:40]))
        return None
    return int(number)


def _rate(value, problem) -> Decimal | None:
    text = str(value if value is not None else "").strip().replace(",", "")
    if not text:
        return None
    try:
        rate = Decimal(text)
    except InvalidOperation:
        rate = None
    if rate is None or not rate.is_finite() or rate < 0 or rate >= Decimal("1e8"):
        problem("rate", _l("Write the rate as a number, e.g. 680 or 680.50."))
        return None
    return rate.quantize(Decimal("0.01"))


def import_blocks(event, checked: Checked, *, actor, filename: str) -> int:
    """Save every line of a checked file (creating the room types it names with class and
    beds in the event's hotels); how many nights changed. Services flush, the view commits."""
    known = _known(event)
    hotels_by_name: dict[str, Hotel] = {}
    for h in db.session.scalars(sa.select(Hotel).where(Hotel.event_id == event.id)):
        hotels_by_name |= {name.lower(): h for name in (h.name_zh, h.name_en) if name}
    wanted: dict[int, dict[date, setup.BlockInput]] = defaultdict(dict)
    types: dict[int, RoomType] = {}
    for line in checked.lines:
        key = (line.hotel.lower(), line.room_type.lower())
        room_type = known.get(key)
        if room_type is None:
            hotel = hotels_by_name.get(line.hotel.lower())
            if hotel is None:  # check() refuses it; never a hotel made from a name
                raise LookupError(line.hotel)
            values = {
                "name_en": line.room_type,
                "room_class": line.room_class,
                "beds": line.beds,
                "accessible": False,
            }
            room_type = setup.save_room_type(hotel, None, values, actor=actor)
            known[key] = room_type
        types[room_type.id] = room_type
        wanted[room_type.id][line.night] = line.block
    changed = sum(
        setup.save_blocks(event, types[i], nights, actor=actor) for i, nights in wanted.items()
    )
    audit.record(
        "room_block.import",
        event,
        actor=actor,
        event_id=event.id,
        changes={"file": [None, filename], "rows": [None, len(checked.lines)]},
    )
    return changed
