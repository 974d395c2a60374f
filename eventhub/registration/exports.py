"""The lists the logistics team works from, as CSV or XLSX: participants, arrivals and
departures for transport, the rooming list, dietary counts, interpretation needs."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub import crypto
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.forms import DIET_LABELS
from eventhub.registration.models import Participant, Status
from eventhub.registration.validation import INTERPRETATION_LANGUAGES

# Characters that make a spreadsheet read a cell as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Sheet:
    title: str
    header: list[str]
    rows: list[list[Any]]


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _people(event: Event, statuses: Iterable[Status]) -> list[Participant]:
    return list(
        db.session.scalars(
            sa.select(Participant)
            .where(Participant.event_id == event.id, Participant.status.in_(list(statuses)))
            .options(
                sa.orm.joinedload(Participant.organisation),
                sa.orm.joinedload(Participant.delegation),
            )
            .order_by(Participant.sort_name, Participant.id)
        ).unique()
    )


def _local(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M") if moment else ""


def _iso(day) -> str:
    return day.isoformat() if day else ""


def participants(event: Event, statuses, *, include_passport: bool = False) -> Sheet:
    """Everyone, with the registration API's field names as headers (it imports back)."""
    zone = ZoneInfo(event.timezone)
    header = [
        "id",
        "status",
        "category",
        "family_name",
        "given_name",
        "native_name",
        "honorific",
        "position",
        "organisation",
        "country",
        "delegation",
        "email",
        "phone",
        "diet",
        "dietary_notes",
        "accessibility_needs",
        "interpretation_language",
        "arrival_date",
        "arrival_time",
        "arrival_flight",
        "arrival_point",
        "departure_date",
        "departure_time",
        "departure_flight",
        "departure_point",
        "hotel",
        "visa_letter_requested",
    ]
    if include_passport:
        header += ["nationality", "date_of_birth", "passport_number", "passport_expiry"]
    rows = []
    for p in _people(event, statuses):
        row = [
            p.id,
            p.status.value,
            p.category.value,
            p.family_name,
            p.given_name,
            p.native_name,
            p.honorific,
            p.position,
            p.organisation.name_en if p.organisation else "",
            p.country_code,
            p.delegation.name_en if p.delegation else "",
            p.email,
            p.phone,
            p.diet.value,
            p.dietary_notes,
            p.accessibility_needs,
            p.interpretation_language,
            _iso(p.arrival_date),
            _local(p.arrival_at, zone),
            p.arrival_flight,
            p.arrival_point,
            _iso(p.departure_date),
            _local(p.departure_at, zone),
            p.departure_flight,
            p.departure_point,
            p.hotel,
            "yes" if p.visa_letter_requested else "",
        ]
        if include_passport:
            row += [
                p.nationality_code or "",
                crypto.decrypt(p.date_of_birth_encrypted) or "",
                crypto.decrypt(p.passport_number_encrypted) or "",
                _iso(p.passport_expiry),
            ]
        rows.append(row)
    return Sheet(str(_l("Participants")), header, rows)


def _travel(event: Event, statuses, leg: str) -> Sheet:
    """Arrivals or departures by date, time and flight, with the size of each group."""
    zone = ZoneInfo(event.timezone)
    people = [p for p in _people(event, statuses) if getattr(p, f"{leg}_date")]
    people.sort(
        key=lambda p: (
            getattr(p, f"{leg}_date"),
            _local(getattr(p, f"{leg}_at"), zone) or "99:99",
            getattr(p, f"{leg}_flight"),
            p.family_name,
        )
    )
    groups = Counter((getattr(p, f"{leg}_date"), getattr(p, f"{leg}_flight")) for p in people)
    header = [
        str(_l("Date")),
        str(_l("Time")),
        str(_l("Flight or train")),
        str(_l("Airport or station")),
        str(_l("Group size")),
        str(_l("Name")),
        str(_l("Name in own script")),
        str(_l("Country")),
        str(_l("Delegation")),
        str(_l("Phone")),
        str(_l("Hotel")),
    ]
    rows = [
        [
            _iso(getattr(p, f"{leg}_date")),
            _local(getattr(p, f"{leg}_at"), zone),
            getattr(p, f"{leg}_flight"),
            getattr(p, f"{leg}_point"),
            groups[(getattr(p, f"{leg}_date"), getattr(p, f"{leg}_flight"))],
            f"{p.honorific} {p.latin_name}".strip(),
            p.native_name,
            p.country_code,
            p.delegation.name_en if p.delegation else "",
            p.phone,
            p.hotel,
        ]
        for p in people
    ]
    title = _l("Arrivals") if leg == "arrival" else _l("Departures")
    return Sheet(str(title), header, rows)


def arrivals(event: Event, statuses) -> Sheet:
    return _travel(event, statuses, "arrival")


def departures(event: Event, statuses) -> Sheet:
    return _travel(event, statuses, "departure")


def rooming(event: Event, statuses) -> Sheet:
    people = sorted(
        (p for p in _people(event, statuses) if p.hotel),
        key=lambda p: (p.hotel.casefold(), p.sort_name),
    )
    header = [
        str(_l("Hotel")),
        str(_l("Name")),
        str(_l("Name in own script")),
        str(_l("Country")),
        str(_l("Check-in")),
        str(_l("Check-out")),
        str(_l("Nights")),
        str(_l("Diet")),
        str(_l("Accessibility needs")),
        str(_l("Phone")),
    ]
    rows = []
    for p in people:
        nights = (
            (p.departure_date - p.arrival_date).days if p.arrival_date and p.departure_date else ""
        )
        rows.append(
            [
                p.hotel,
                f"{p.honorific} {p.latin_name}".strip(),
                p.native_name,
                p.country_code,
                _iso(p.arrival_date),
                _iso(p.departure_date),
                nights,
                p.diet.value,
                p.accessibility_needs,
                p.phone,
            ]
        )
    return Sheet(str(_l("Rooming list")), header, rows)


def dietary(event: Event, statuses) -> Sheet:
    people = _people(event, statuses)
    counts = Counter(p.diet for p in people)
    header = [
        str(_l("Diet")),
        str(_l("Count")),
        str(_l("Name")),
        str(_l("Country")),
        str(_l("Allergies and other dietary needs")),
    ]
    rows: list[list[Any]] = [
        [str(label), counts.get(diet, 0), "", "", ""] for diet, label in DIET_LABELS.items()
    ]
    rows += [
        [str(DIET_LABELS[p.diet]), "", p.latin_name, p.country_code, p.dietary_notes]
        for p in people
        if p.dietary_notes
    ]
    return Sheet(str(_l("Dietary needs")), header, rows)


def interpretation(event: Event, statuses) -> Sheet:
    people = [p for p in _people(event, statuses) if p.interpretation_language]
    counts = Counter(p.interpretation_language for p in people)
    header = [
        str(_l("Interpretation language")),
        str(_l("Count")),
        str(_l("Name")),
        str(_l("Country")),
        str(_l("Delegation")),
    ]
    rows: list[list[Any]] = [
        [str(INTERPRETATION_LANGUAGES.get(code, code)), count, "", "", ""]
        for code, count in counts.most_common()
    ]
    rows += [
        [
            str(INTERPRETATION_LANGUAGES.get(p.interpretation_language)),
            "",
            p.latin_name,
            p.country_code,
            p.delegation.name_en if p.delegation else "",
        ]
        for p in sorted(people, key=lambda p: (p.interpretation_language, p.sort_name))
    ]
    return Sheet(str(_l("Interpretation needs")), header, rows)


EXPORTS: dict[str, tuple[Any, Callable[..., Sheet]]] = {
    "participants": (_l("Participants (all fields)"), participants),
    "arrivals": (_l("Arrivals manifest for airport and station pick-up"), arrivals),
    "departures": (_l("Departures manifest"), departures),
    "rooming": (_l("Hotel rooming list"), rooming),
    "dietary": (_l("Dietary counts and allergies"), dietary),
    "interpretation": (_l("Interpretation needs"), interpretation),
}


def to_csv(sheet: Sheet) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel shows every script right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(h) for h in sheet.header])
    writer.writerows([[neutralise(v) for v in row] for row in sheet.rows])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(sheet: Sheet) -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    page = book.active
    page.title = sheet.title[:31]
    page.append([neutralise(h) for h in sheet.header])
    for cell in page[1]:
        cell.font = Font(bold=True)
    for row in sheet.rows:
        page.append([neutralise(v) for v in row])
    page.freeze_panes = "A2"
    for index, _ in enumerate(sheet.header, start=1):
        letter = openpyxl.utils.get_column_letter(index)
        widest = max((len(str(c.value or "")) for c in page[letter][:200]), default=8)
        page.column_dimensions[letter].width = min(max(widest + 2, 8), 50)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
