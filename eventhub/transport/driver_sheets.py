"""Driver sheets: one PDF page (or more) per vehicle and shift, the trips in order, large
and readable, labelled in the driver's language and with every name as written (the Latin
name and the guest's own script). Trips changed since a moment are marked."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer, Table, TableStyle

from eventhub.extensions import db
from eventhub.pdf import document, paragraph, register_fonts, wrapped
from eventhub.transport import trips
from eventhub.transport.models import DriverShift, Trip, TripKind, Vehicle

BODY = ParagraphStyle("sheet", fontName="EH-Latin", fontSize=12, leading=16)
SMALL = ParagraphStyle("sheet-small", parent=BODY, fontSize=10, leading=13)
HEAD = ParagraphStyle("sheet-head", parent=BODY, fontSize=18, leading=24)
CHANGED = colors.HexColor("#fff3cd")


@dataclass
class Sheet:
    """One vehicle's trips in one shift (or on one day, for a vehicle without shifts)."""

    vehicle: Vehicle
    starts: datetime
    ends: datetime
    driver_name: str
    driver_phone: str
    trips: list[Trip]
    outside_shift: bool = False  # the vehicle's trips of the day that no shift covers


def sheets_for(event, day: date, vehicle: Vehicle | None = None) -> list[Sheet]:
    """The day's sheets: a vehicle's shifts starting that day (with their trips past
    midnight), or the whole day for a vehicle with no shift; the day's trips of a vehicle that
    none of its shifts covers on a sheet of their own, never lost; vehicles with no trip then
    have no sheet."""
    start, end = trips.day_bounds(event, day)
    day_trips = trips.trips_of_day(event, day)
    next_day = trips.trips_of_day(event, day + timedelta(days=1))  # night shifts
    query = sa.select(Vehicle).where(Vehicle.event_id == event.id).order_by(Vehicle.label)
    if vehicle is not None:
        query = query.where(Vehicle.id == vehicle.id)
    sheets = []
    for car in db.session.scalars(query):
        mine = [t for t in day_trips if t.vehicle_id == car.id]
        shifts = [s for s in car.shifts if start <= trips.as_utc(s.starts_at) < end]
        if not shifts:
            if mine or vehicle is not None:
                sheets.append(Sheet(car, start, end, car.driver_name, car.driver_phone, mine))
            continue
        spans = [(trips.as_utc(s.starts_at), trips.as_utc(s.ends_at)) for s in car.shifts]
        outside = [
            t for t in mine if not any(a <= trips.as_utc(t.departs_at) < b for a, b in spans)
        ]
        later = [t for t in next_day if t.vehicle_id == car.id]
        for shift in shifts:
            s_start, s_end = trips.as_utc(shift.starts_at), trips.as_utc(shift.ends_at)
            inside = [t for t in mine + later if s_start <= trips.as_utc(t.departs_at) < s_end]
            if inside or vehicle is not None:
                sheets.append(
                    Sheet(
                        car,
                        s_start,
                        s_end,
                        shift.driver_name or car.driver_name,
                        shift.driver_phone or car.driver_phone,
                        inside,
                    )
                )
        if outside:
            sheets.append(Sheet(car, start, end, car.driver_name, car.driver_phone, outside, True))
    return sheets


def shift_of(vehicle: Vehicle, shift_id: int | None) -> DriverShift | None:
    return next((s for s in vehicle.shifts if s.id == shift_id), None)


def _clock(event, moment: datetime | None) -> str:
    return trips.as_utc(moment).astimezone(trips.zone(event)).strftime("%H:%M") if moment else ""


def _passenger_cells(trip: Trip, width: float) -> list[list]:
    """One cell per passenger: a full coach's list runs on over pages, row by row."""
    cells = []
    for p in sorted(trip.passengers, key=lambda p: p.participant.sort_name):
        person = p.participant
        cell = [wrapped(person.latin_name, BODY, width, bold=True)]
        if person.native_name:
            cell.append(paragraph(person.native_name, BODY))
        if person.delegation is not None:
            cell.append(
                wrapped(
                    f"{person.delegation.name_zh or ''} {person.delegation.name_en}".strip(),
                    SMALL,
                    width,
                )
            )
        cells.append(cell)
    return cells or [[paragraph("—", BODY)]]


def _story(event, sheet: Sheet, since: datetime | None) -> list:
    """One sheet, labelled in the driver's language."""
    with force_locale(sheet.vehicle.driver_locale or "zh_Hans"):
        header = [
            _("Time"),
            _("From – to"),
            _("Flight (lands)"),
            _("Passengers"),
            _("Escort"),
            _("Note"),
        ]
        title = _("Driver sheet")
        driver_line = _(
            "Driver: %(name)s %(phone)s", name=sheet.driver_name, phone=sheet.driver_phone
        )
        changed_word = _("CHANGED")
        empty = _("No trips in this shift.")
        when = f"{sheet.starts.astimezone(trips.zone(event)):%Y-%m-%d}"
        if sheet.outside_shift:
            when += " · " + _("Outside any shift")
        elif sheet.ends - sheet.starts < timedelta(hours=23):  # a shift, not the whole day
            when += f" {_clock(event, sheet.starts)}–{_clock(event, sheet.ends)}"
    widths = [26 * mm, 62 * mm, 34 * mm, 72 * mm, 50 * mm, 29 * mm]
    pad = 13
    rows = [[paragraph(text, SMALL, bold=True) for text in header]]
    marked: list[tuple[int, int]] = []  # the rows of each changed trip
    starts: list[int] = []  # each trip's first row: a line above it
    for trip in sheet.trips:
        changed = since is not None and trip.changed_at and trips.as_utc(trip.changed_at) > since
        time_cell = [paragraph(_clock(event, trip.departs_at), HEAD, bold=True)]
        if changed:
            time_cell.append(paragraph(f"!! {changed_word}", SMALL, bold=True))
        landing = min(  # a pick-up's: when the first of its guests lands
            (p.participant.arrival_at for p in trip.passengers if p.participant.arrival_at),
            default=None,
        )
        if trip.kind != TripKind.PICKUP:
            landing = None
        escort = []
        if trip.escort:
            escort = [wrapped(trip.escort.name, BODY, widths[4] - pad)]
            if trip.escort.phone:
                escort.append(paragraph(trip.escort.phone, BODY, bold=True))
        passengers = _passenger_cells(trip, widths[3] - pad)
        starts.append(len(rows))
        if changed:
            marked.append((len(rows), len(rows) + len(passengers) - 1))
        rows.append(
            [
                time_cell,
                [
                    wrapped(trip.origin, BODY, widths[1] - pad),
                    wrapped(f"– {trip.destination}", BODY, widths[1] - pad, bold=True),
                ],
                [
                    paragraph(trip.flight or "", BODY, bold=True),
                    paragraph(_clock(event, landing), BODY),
                ],
                passengers[0],
                escort,
                [wrapped(trip.note, SMALL, widths[5] - pad)] if trip.note else [],
            ]
        )
        rows += [[[], [], [], cell, [], []] for cell in passengers[1:]]
    table = Table(rows, colWidths=widths, repeatRows=1)
    line = colors.HexColor("#777777")
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BOX", (0, 0), (-1, -1), 0.5, line),
        ("LINEAFTER", (0, 0), (-2, -1), 0.5, line),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, line),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e7f1f5")),
    ]
    style += [("LINEABOVE", (0, r), (-1, r), 0.5, line) for r in starts]
    style += [("BACKGROUND", (0, first), (-1, last), CHANGED) for first, last in marked]
    table.setStyle(TableStyle(style))
    return [
        paragraph(f"{title} · {sheet.vehicle.label} · {when}", HEAD, bold=True),
        paragraph(f"{event.name_zh} · {event.name_en}", SMALL),
        paragraph(driver_line, BODY),
        Spacer(1, 4 * mm),
        table if sheet.trips else paragraph(empty, BODY),
    ]


def render(event, sheets: list[Sheet], *, since: datetime | None = None) -> bytes:
    """The sheets as one PDF, each starting on its own page."""
    register_fonts()
    buffer = io.BytesIO()
    doc = document(buffer, pagesize=landscape(A4), margin=10 * mm, title="Driver sheets")
    story: list = []
    for sheet in sheets:
        if story:
            story.append(PageBreak())
        story += _story(event, sheet, since)
    if not story:
        story = [paragraph("—", BODY)]
    doc.build(story)
    return buffer.getvalue()


def default_since(day: date, event) -> datetime:
    """Without a printing time, trips changed in the day before the sheet's day are marked."""
    start, _end = trips.day_bounds(event, day)
    return start - timedelta(days=1)
