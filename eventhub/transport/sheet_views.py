"""Driver sheets as PDF: one vehicle's for a day (or one shift), or all of a day's."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import request
from flask_babel import gettext as _

from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.errors import abort_with
from eventhub.transport import bp, driver_sheets, trips
from eventhub.transport.models import Vehicle
from eventhub.web import id_arg, in_event_or_404, pdf_response


def _day(event) -> date:
    try:
        return date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        return trips.local_day(event, datetime.now(UTC))


def _since(event, day: date) -> datetime:
    """Trips changed after this are marked: ?since= the last printing (ISO), else a day."""
    try:
        moment = datetime.fromisoformat(request.args.get("since", ""))
    except ValueError:
        return driver_sheets.default_since(day, event)
    return moment if moment.tzinfo else moment.replace(tzinfo=trips.zone(event))


@bp.get("/transport/vehicles/<int:vehicle_id>/sheet.pdf")
@event_view(Role.ORGANISER)
def driver_sheet(event, vehicle_id: int):
    vehicle = in_event_or_404(Vehicle, vehicle_id, event, _("There is no such vehicle."))
    day = _day(event)
    sheets = driver_sheets.sheets_for(event, day, vehicle)
    shift = id_arg(request.args, "shift")
    if shift is not None:
        chosen = driver_sheets.shift_of(vehicle, shift)
        if chosen is None:
            abort_with(404, _("There is no such shift."))
        sheets = [
            s for s in sheets if s.starts == trips.as_utc(chosen.starts_at) and not s.outside_shift
        ]
    body = driver_sheets.render(event, sheets, since=_since(event, day))
    return pdf_response(body, f"sheet-{vehicle.label}-{day.isoformat()}.pdf")


@bp.get("/transport/sheets.pdf")
@event_view(Role.ORGANISER)
def day_sheets(event):
    day = _day(event)
    body = driver_sheets.render(
        event, driver_sheets.sheets_for(event, day), since=_since(event, day)
    )
    return pdf_response(body, f"driver-sheets-{day.isoformat()}.pdf")
