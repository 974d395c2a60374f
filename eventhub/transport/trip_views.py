"""The trips board of a day, one trip's page and its hand edits, trips and shuttle series
made by hand. Thin: parse, call trips.py, commit once."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.extensions import db
from eventhub.registration.models import Participant, Status
from eventhub.transport import bp, trip_warnings, trips
from eventhub.transport.models import Escort, Trip, TripKind, Vehicle
from eventhub.transport.trip_forms import KIND_LABELS, ShuttleForm, TripEditForm, TripForm
from eventhub.web import attempt, id_arg, in_event, in_event_or_404


def _vehicles(event) -> list[Vehicle]:
    return list(
        db.session.scalars(
            sa.select(Vehicle).where(Vehicle.event_id == event.id).order_by(Vehicle.label)
        )
    )


def _escorts(event) -> list[Escort]:
    return list(
        db.session.scalars(
            sa.select(Escort).where(Escort.event_id == event.id).order_by(Escort.name)
        )
    )


def _choices(form, event) -> None:
    none = [SelectChoice(None, "—")]
    form.vehicle.choices = none + [
        SelectChoice(v.id, f"{v.label} ({v.seats})") for v in _vehicles(event) if v.available
    ]
    if hasattr(form, "escort"):
        form.escort.choices = none + [SelectChoice(e.id, e.name) for e in _escorts(event)]


def _moment(event, day: date, clock) -> datetime:
    return datetime.combine(day, clock, trips.zone(event)).astimezone(UTC)


def _trip_or_404(event, trip_id: int) -> Trip:
    return in_event_or_404(Trip, trip_id, event, _("There is no such trip in this event."))


@bp.get("/transport/trips")
@event_view(Role.ORGANISER)
def trips_board(event):
    days = trips.days_of(event)
    try:
        day = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        day = None
    if day not in days:
        today = trips.local_day(event, datetime.now(UTC))
        day = today if today in days else days[0]
    kind = request.args.get("kind", "")
    vehicle = in_event(Vehicle, id_arg(request.args, "vehicle"), event)
    shown = trips.trips_of_day(event, day, kind=kind, vehicle_id=vehicle.id if vehicle else None)
    return render_template(
        "transport/trips.html",
        event=event,
        days=days,
        day=day,
        kind=kind,
        vehicle=vehicle,
        vehicles=_vehicles(event),
        trips=shown,
        warnings=trip_warnings.warnings_of(event, shown),
        kind_labels=KIND_LABELS,
        seats_used=sum(len(t.passengers) for t in shown),
    )


@bp.route("/transport/trips/<int:trip_id>", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def trip_detail(event, trip_id: int):
    trip = _trip_or_404(event, trip_id)
    local = trips.as_utc(trip.departs_at).astimezone(trips.zone(event))
    form = TripEditForm(
        data={
            "vehicle": trip.vehicle_id,
            "escort": trip.escort_id,
            "day": local.date(),
            "departs": local.time(),
            "note": trip.note,
        }
    )
    _choices(form, event)
    if form.validate_on_submit():
        vehicle = in_event(Vehicle, form.vehicle.data, event)
        escort = in_event(Escort, form.escort.data, event)
        ok, changed = attempt(
            lambda: trips.update_trip(
                trip,
                vehicle=vehicle,
                escort=escort,
                departs_at=_moment(event, form.day.data, form.departs.data),
                note=form.note.data or "",
                actor=current_user,
            ),
            form,
        )
        if ok:
            flash(_("Trip changed.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("transport.trip_detail", slug=event.slug, trip_id=trip.id))
        trip = _trip_or_404(event, trip_id)  # after a rollback
    return _trip_page(event, trip, form)


def _trip_page(event, trip: Trip, form):
    candidates = db.session.scalars(
        sa.select(Participant)
        .where(
            Participant.event_id == event.id,
            Participant.erased_at.is_(None),
            Participant.status == Status.APPROVED,
        )
        .order_by(Participant.family_name, Participant.given_name)
    )  # every guest: a week of 4,000 stays reachable
    return render_template(
        "transport/trip.html",
        event=event,
        trip=trip,
        form=form,
        warnings=trip_warnings.warnings_of(event, [trip]).get(trip.id, []),
        kind_labels=KIND_LABELS,
        candidates=list(candidates),
    )


@bp.post("/transport/trips/<int:trip_id>/passengers")
@event_view(Role.ORGANISER)
def add_trip_passenger(event, trip_id: int):
    trip = _trip_or_404(event, trip_id)
    typed = request.form.get("participant", "")
    ok, added = attempt(
        lambda: trips.add_passenger(
            trip, trips.find_passenger(event, typed), event, actor=current_user
        )
    )
    if ok:
        flash(_("%(name)s added to the trip.", name=added.latin_name), "success")
    return redirect(url_for("transport.trip_detail", slug=event.slug, trip_id=trip_id))


@bp.post("/transport/trips/<int:trip_id>/passengers/<int:participant_id>/remove")
@event_view(Role.ORGANISER)
def remove_trip_passenger(event, trip_id: int, participant_id: int):
    trip = _trip_or_404(event, trip_id)
    ok, _result = attempt(lambda: trips.remove_passenger(trip, participant_id, actor=current_user))
    if ok:
        flash(_("Passenger removed from the trip."), "success")
    return redirect(url_for("transport.trip_detail", slug=event.slug, trip_id=trip_id))


@bp.post("/transport/trips/<int:trip_id>/delete")
@event_view(Role.ORGANISER)
def delete_trip(event, trip_id: int):
    trip = _trip_or_404(event, trip_id)
    day = trips.local_day(event, trip.departs_at)
    ok, _result = attempt(lambda: trips.delete_trip(trip, actor=current_user))
    if ok:
        flash(_("Trip deleted."), "success")
    return redirect(url_for("transport.trips_board", slug=event.slug, day=day.isoformat()))


@bp.route("/transport/trips/new", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def new_trip(event):
    form = TripForm(data={"kind": TripKind.VISIT.value, "day": event.starts_on})
    _choices(form, event)
    if form.validate_on_submit():
        ok, trip = attempt(
            lambda: trips.create_trip(
                event,
                kind=TripKind(form.kind.data),
                departs_at=_moment(event, form.day.data, form.departs.data),
                minutes=form.minutes.data,
                origin=form.origin.data.strip(),
                destination=form.destination.data.strip(),
                vehicle=in_event(Vehicle, form.vehicle.data, event),
                escort=in_event(Escort, form.escort.data, event),
                note=form.note.data or "",
                actor=current_user,
            ),
            form,
        )
        if ok:
            flash(_("Trip created: add its passengers."), "success")
            return redirect(url_for("transport.trip_detail", slug=event.slug, trip_id=trip.id))
    return render_template(
        "transport/trip_form.html", event=event, form=form, places=trips.places_of(event)
    )


@bp.route("/transport/shuttles/new", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def new_shuttles(event):
    form = ShuttleForm()
    _choices(form, event)
    days = trips.days_of(event)
    form.days.choices = [SelectChoice(d.isoformat(), d.isoformat()) for d in days]
    if form.validate_on_submit():
        ok, made = attempt(
            lambda: trips.create_shuttles(
                event,
                origin=form.origin.data.strip(),
                destination=form.destination.data.strip(),
                days=[date.fromisoformat(d) for d in form.days.data],
                first=form.first.data,
                last=form.last.data,
                every=form.every.data,
                minutes=form.minutes.data,
                vehicle=in_event(Vehicle, form.vehicle.data, event),
                actor=current_user,
            ),
            form,
        )
        if ok:
            flash(_("%(n)d shuttle departures created.", n=len(made)), "success")
            first_day = trips.local_day(event, made[0].departs_at)
            return redirect(
                url_for(
                    "transport.trips_board",
                    slug=event.slug,
                    day=first_day.isoformat(),
                    kind="shuttle",
                )
            )
    return render_template(
        "transport/shuttle_form.html",
        event=event,
        form=form,
        days=days,
        places=trips.places_of(event),
    )
