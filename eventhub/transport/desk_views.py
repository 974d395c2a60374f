"""The airport desk's page (phone width): a day's flights, "Landed" per flight and
"Picked up" per guest, each with its undo."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.transport import bp, desk, trips
from eventhub.transport.models import Trip
from eventhub.web import attempt, in_event_or_404

DESK = (Role.ORGANISER, Role.STAFF)


def _day(event) -> date:
    try:
        return date.fromisoformat(request.values.get("day", ""))
    except ValueError:
        return trips.local_day(event, datetime.now(UTC))


def _back(event, day: date, anchor: str = ""):
    url = url_for("transport.airport_desk", slug=event.slug, day=day.isoformat())
    return redirect(f"{url}#{anchor}" if anchor else url)


@bp.get("/transport/desk")
@event_view(*DESK)
def airport_desk(event):
    day = _day(event)
    return render_template(
        "transport/desk.html",
        event=event,
        day=day,
        days=trips.days_of(event),
        flights=desk.flights_of_day(event, day),
    )


@bp.post("/transport/desk/landed")
@event_view(*DESK)
def flight_landed(event):
    day, flight = _day(event), request.form.get("flight", "")
    landed = request.form.get("undo") != "1"
    ok, _n = attempt(
        lambda: desk.mark_landed(event, day, flight, landed=landed, actor=current_user)
    )
    if ok:
        flash(
            _("%(flight)s landed.", flight=flight)
            if landed
            else _("Landing of %(flight)s undone.", flight=flight),
            "success",
        )
    return _back(event, day, f"flight-{flight}")


@bp.post("/transport/desk/trips/<int:trip_id>/passengers/<int:participant_id>")
@event_view(*DESK)
def picked_up(event, trip_id: int, participant_id: int):
    trip = in_event_or_404(Trip, trip_id, event, _("There is no such trip in this event."))
    day = trips.local_day(event, trip.departs_at)
    picked = request.form.get("undo") != "1"
    ok, passenger = attempt(
        lambda: desk.mark_picked_up(trip, participant_id, picked=picked, actor=current_user)
    )
    if ok:
        name = passenger.participant.latin_name
        flash(
            _("%(name)s picked up.", name=name)
            if picked
            else _("Pick-up of %(name)s undone.", name=name),
            "success",
        )
    return _back(event, day, f"flight-{trip.flight}")
