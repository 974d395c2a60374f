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
from eventhub.i18n import localized
from eventhub.privacy import consents
from eventhub.privacy.kinds import Purpose
from eventhub.registration.export_words import COLUMN_LABELS, PARTICIPANT_FIELDS, yes_no
from eventhub.registration.forms import DIET_LABELS
from eventhub.registration.labels import CATEGORY_LABELS, STATUS_LABELS
from eventhub.registration.models import Participant, Status
from eventhub.registration.validation import INTERPRETATION_LANGUAGES
from eventhub.text import neutralise

# Characters that make a spreadsheet read a cell as a formula (CSV injection).


@dataclass
class Sheet:
    title: str
    header: list[str]
    rows: list[list[Any]]


def _people(event: Event, statuses: Iterable[Status]) -> list[Participant]:
    return list(
        db.session.scalars(
            sa.select(Participant)
            .where(
                Participant.event_id == event.id,
                Participant.status.in_(list(statuses)),
                Participant.erased_at.is_(None),  # nobody left to transport, house or feed
            )
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


PASSPORT_FIELDS = ("nationality", "date_of_birth", "passport_number", "passport_expiry")


def participants(event: Event, statuses, *, include_passport: bool = False) -> Sheet:
    """Everyone, headed and worded in the reader's language; the importer reads it back in
    either language (see export_words)."""
    zone = ZoneInfo(event.timezone)
    fields = [*PARTICIPANT_FIELDS, *(PASSPORT_FIELDS if include_passport else ())]
    header = [str(_l("ID")), str(_l("Status"))] + [str(COLUMN_LABELS[f]) for f in fields]
    header.append(str(_l("May be sent abroad")))
    people = _people(event, statuses)
    abroad = consents.answered([p.id for p in people], Purpose.TRANSFER_ABROAD)
    rows = []
    for p in people:
        values = {
            "category": str(CATEGORY_LABELS[p.category]),
            "family_name": p.family_name,
            "given_name": p.given_name,
            "patronymic": p.patronymic,
            "name_order": p.name_order,
            "passport_name": p.passport_name,
            "native_name": p.native_name,
            "name_zh": p.name_zh,
            "style": p.style,
            "honorific": p.honorific,
            "position": p.position,
            "position_zh": p.position_zh,
            "organisation": p.organisation.name_en if p.organisation else "",
            "country": localized(p.country, "name"),
            "delegation": p.delegation.name_en if p.delegation else "",
            "email": p.email,
            "phone": p.phone,
            "diet": str(DIET_LABELS[p.diet]),
            "dietary_notes": p.dietary_notes,
            "accessibility_needs": p.accessibility_needs,
            "interpretation_language": p.interpretation_language,
            "arrival_date": _iso(p.arrival_date),
            "arrival_time": _local(p.arrival_at, zone),
            "arrival_flight": p.arrival_flight,
            "arrival_point": p.arrival_point,
            "departure_date": _iso(p.departure_date),
            "departure_time": _local(p.departure_at, zone),
            "departure_flight": p.departure_flight,
            "departure_point": p.departure_point,
            "hotel": p.hotel,
            "visa_letter_requested": str(yes_no(p.visa_letter_requested)),
        }
        if include_passport:
            values |= {
                "nationality": p.nationality_code or "",
                "date_of_birth": crypto.decrypt(p.date_of_birth_encrypted) or "",
                "passport_number": crypto.decrypt(p.passport_number_encrypted) or "",
                "passport_expiry": _iso(p.passport_expiry),
            }
        sent_abroad = abroad.get(p.id)
        rows.append(
            [p.id, str(STATUS_LABELS[p.status])]
            + [values[f] for f in fields]
            + [str(_l("not recorded")) if sent_abroad is None else str(yes_no(sent_abroad))]
        )
    return Sheet(str(_l("Participants")), header, rows)


def _travel(event: Event, statuses, leg: str) -> Sheet:
    """Arrivals or departures by date, time and flight, with the size of each group (the
    people on one flight or train); people who gave no date come last, apart."""
    zone = ZoneInfo(event.timezone)
    everyone = _people(event, statuses)
    people = [p for p in everyone if getattr(p, f"{leg}_date")]
    people.sort(
        key=lambda p: (
            getattr(p, f"{leg}_date"),
            _local(getattr(p, f"{leg}_at"), zone) or "99:99",
            getattr(p, f"{leg}_flight"),
            p.family_name,
        )
    )
    undated = [p for p in everyone if not getattr(p, f"{leg}_date")]
    groups = Counter(
        (getattr(p, f"{leg}_date"), getattr(p, f"{leg}_flight"))
        for p in people
        if getattr(p, f"{leg}_flight")
    )
    no_date = _l("No arrival date given") if leg == "arrival" else _l("No departure date given")
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
            _iso(getattr(p, f"{leg}_date")) or str(no_date),
            _local(getattr(p, f"{leg}_at"), zone),
            getattr(p, f"{leg}_flight"),
            getattr(p, f"{leg}_point"),
            groups.get((getattr(p, f"{leg}_date"), getattr(p, f"{leg}_flight")), ""),
            p.titled_name,
            p.native_name,
            localized(p.country, "name"),
            p.delegation.name_en if p.delegation else "",
            p.phone,
            p.hotel,
        ]
        for p in people + undated
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
        # What the hotel's register and the guest's passport say (A-Z, family name first).
        str(_l("Name in the passport's machine-readable zone")),
    ]
    rows = []
    for p in people:
        nights = (
            (p.departure_date - p.arrival_date).days if p.arrival_date and p.departure_date else ""
        )
        rows.append(
            [
                p.hotel,
                p.titled_name,
                p.native_name,
                localized(p.country, "name"),
                _iso(p.arrival_date),
                _iso(p.departure_date),
                nights,
                str(DIET_LABELS[p.diet]),
                p.accessibility_needs,
                p.phone,
                p.mrz_name,
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
        [str(DIET_LABELS[p.diet]), "", p.latin_name, localized(p.country, "name"), p.dietary_notes]
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
            localized(p.country, "name"),
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
    """UTF-8 with a byte-order mark, so that Excel shows every script right. CSV cells have
    no type: a spreadsheet reads "=..." as a formula, hence the apostrophe (neutralise)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(h) for h in sheet.header])
    writer.writerows([[neutralise(v) for v in row] for row in sheet.rows])
    return buffer.getvalue().encode("utf-8-sig")


def _text_cell(page, value: Any):
    """A workbook cell holding `value`; text is typed as text, which Excel and LibreOffice
    never run as a formula, so it is written as typed ("+856 20…", "=HYPERLINK(…)")."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(page, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would type a leading "=" as a formula
    return cell


def to_xlsx(sheet: Sheet) -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook(write_only=True)
    page = book.create_sheet(sheet.title[:31])
    page.freeze_panes = "A2"
    for index, heading in enumerate(sheet.header, start=1):
        letter = openpyxl.utils.get_column_letter(index)
        values = [heading, *(row[index - 1] for row in sheet.rows[:200])]
        widest = max((len(str(v)) for v in values if v not in (None, "")), default=8)
        page.column_dimensions[letter].width = min(max(widest + 2, 8), 50)
    header = []
    for heading in sheet.header:
        cell = _text_cell(page, heading)
        cell.font = Font(bold=True)
        header.append(cell)
    page.append(header)
    for row in sheet.rows:
        page.append([_text_cell(page, v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
