"""The organisers' fleet pages: vehicles and their shifts, escorts, and the planning page
(the planner's rules, its buttons, the trips it made and the guests it could not place)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from eventhub import jobs
from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.registration.models import Participant, Status
from eventhub.registration.precedence import ladder
from eventhub.transport import bp, fleet, plan_calendar, planner, tasks
from eventhub.transport.forms import (
    SHORT_KIND_LABELS,
    EscortForm,
    SettingsForm,
    ShiftForm,
    VehicleForm,
)
from eventhub.transport.models import DriverShift, Escort, Trip, TripKind, TripPassenger, Vehicle
from eventhub.transport.trips import as_utc
from eventhub.web import attempt, commit, in_event_or_404

NO_VEHICLE = _l("There is no such vehicle in this event.")
NO_ESCORT = _l("There is no such escort in this event.")


@bp.route("/transport/vehicles")
@event_view(Role.ORGANISER)
def vehicles(event):
    """The event's vehicles, their drivers and shifts."""
    return render_template(
        "transport/vehicles.html",
        event=event,
        vehicles=fleet.vehicles(event),
        kind_labels=SHORT_KIND_LABELS,
    )


@bp.route("/transport/vehicles/new", methods=["GET", "POST"])
@bp.route("/transport/vehicles/<int:vehicle_id>", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def vehicle_form(event, vehicle_id: int | None = None):
    """Add a vehicle, or change one and its shifts."""
    vehicle = in_event_or_404(Vehicle, vehicle_id, event, NO_VEHICLE) if vehicle_id else None
    form = VehicleForm(obj=vehicle) if vehicle else VehicleForm()
    if request.method == "GET" and vehicle is not None:
        form.kind.data = vehicle.kind.value
    if form.validate_on_submit():
        values = dict(form.data, kind=form.kind.data)
        ok, saved = attempt(
            lambda: fleet.save_vehicle(event, vehicle, values, actor=current_user), form
        )
        if ok:
            flash(_("Vehicle %(label)s saved.", label=saved.label), "success")
            stranded = [] if saved.available else fleet.trips_of(saved)
            if stranded:
                flash(
                    _(
                        "%(label)s is out of service but still has %(n)d trip(s): %(trips)s."
                        " Give them another vehicle.",
                        label=saved.label,
                        n=len(stranded),
                        trips="; ".join(
                            f"{fleet.local_time(event, t.departs_at)} {t.origin} → {t.destination}"
                            for t in stranded[:10]
                        ),
                    ),
                    "warning",
                )
            return redirect(url_for("transport.vehicles", slug=event.slug))
    return render_template(
        "transport/vehicle_form.html",
        event=event,
        vehicle=vehicle,
        form=form,
        shift_form=ShiftForm(formdata=None, prefix="shift"),
    )


@bp.route("/transport/vehicles/<int:vehicle_id>/shifts", methods=["POST"])
@event_view(Role.ORGANISER)
def vehicle_shift_add(event, vehicle_id: int):
    vehicle = in_event_or_404(Vehicle, vehicle_id, event, NO_VEHICLE)
    shift_form = ShiftForm(prefix="shift")
    if shift_form.validate_on_submit():
        fleet.add_shift(event, vehicle, shift_form.data, actor=current_user)
        commit()
        flash(_("Shift added."), "success")
        return redirect(url_for("transport.vehicle_form", slug=event.slug, vehicle_id=vehicle.id))
    form = VehicleForm(obj=vehicle, formdata=None)
    form.kind.data = vehicle.kind.value
    return render_template(
        "transport/vehicle_form.html",
        event=event,
        vehicle=vehicle,
        form=form,
        shift_form=shift_form,
    ), 422


@bp.route("/transport/vehicles/<int:vehicle_id>/shifts/<int:shift_id>/remove", methods=["POST"])
@event_view(Role.ORGANISER)
def vehicle_shift_remove(event, vehicle_id: int, shift_id: int):
    vehicle = in_event_or_404(Vehicle, vehicle_id, event, NO_VEHICLE)
    shift = db.session.get(DriverShift, shift_id)
    if shift is None or shift.vehicle_id != vehicle.id:
        return redirect(url_for("transport.vehicle_form", slug=event.slug, vehicle_id=vehicle.id))
    fleet.remove_shift(event, shift, actor=current_user)
    commit()
    flash(_("Shift removed."), "success")
    return redirect(url_for("transport.vehicle_form", slug=event.slug, vehicle_id=vehicle.id))


@bp.route("/transport/escorts")
@event_view(Role.ORGANISER)
def escorts(event):
    """The protocol escorts who meet guests of rank."""
    return render_template("transport/escorts.html", event=event, escorts=fleet.escorts(event))


@bp.route("/transport/escorts/new", methods=["GET", "POST"])
@bp.route("/transport/escorts/<int:escort_id>", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def escort_form(event, escort_id: int | None = None):
    escort = in_event_or_404(Escort, escort_id, event, NO_ESCORT) if escort_id else None
    form = EscortForm(obj=escort) if escort else EscortForm()
    if form.validate_on_submit():
        values = form.data
        ok, saved = attempt(
            lambda: fleet.save_escort(event, escort, values, actor=current_user), form
        )
        if ok:
            flash(_("Escort %(name)s saved.", name=saved.name), "success")
            return redirect(url_for("transport.escorts", slug=event.slug))
    return render_template("transport/escort_form.html", event=event, escort=escort, form=form)


def _settings_form(event, settings, **kwargs) -> SettingsForm:
    form = SettingsForm(obj=settings, **kwargs)
    form.own_car_up_to.choices = [
        SelectChoice(rank.level, f"{rank.level} · {rank.label_en} / {rank.label_zh}")
        for rank in ladder(event)
    ]
    return form


def _not_placed(event) -> list[Participant]:
    """Approved guests landing with no pick-up."""
    on_pickup = (
        sa.select(TripPassenger.participant_id)
        .join(Trip, Trip.id == TripPassenger.trip_id)
        .where(Trip.event_id == event.id, Trip.kind == TripKind.PICKUP)
    )
    return list(
        db.session.scalars(
            sa.select(Participant)
            .where(
                Participant.event_id == event.id,
                Participant.status == Status.APPROVED,
                Participant.erased_at.is_(None),
                Participant.arrival_at.is_not(None),
                Participant.id.not_in(on_pickup),
            )
            .order_by(Participant.arrival_at)
        )
    )


@bp.route("/transport/planning", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def planning(event):
    """The planner's rules, its buttons, the trips and who has no pick-up."""
    form = _settings_form(event, planner.settings_of(event))
    if form.validate_on_submit():
        fleet.save_settings(event, form.data, actor=current_user)
        commit()
        flash(_("Planning rules saved."), "success")
        return redirect(url_for("transport.planning", slug=event.slug))
    trips = list(
        db.session.scalars(
            sa.select(Trip)
            .where(Trip.event_id == event.id)
            .options(
                sa.orm.selectinload(Trip.passengers),
                sa.orm.joinedload(Trip.vehicle),
                sa.orm.joinedload(Trip.escort),
            )
            .order_by(Trip.departs_at)
        )
    )
    return render_template(
        "transport/transport_settings.html",
        event=event,
        form=form,
        trips=trips,
        not_placed=_not_placed(event),
        kind_labels=SHORT_KIND_LABELS,
        trip_labels=TRIP_LABELS,
    )


TRIP_LABELS = {
    TripKind.PICKUP: _l("Pick-up"),
    TripKind.DROPOFF: _l("Drop-off"),
    TripKind.SHUTTLE: _l("Shuttle"),
    TripKind.VISIT: _l("Visit"),
}


@bp.route("/transport/plan", methods=["POST"])
@event_view(Role.ORGANISER)
def plan(event):
    """Plan pick-ups and drop-offs again, in the job worker; once, however often clicked."""
    settings = plan_calendar.lock_event(event.id)
    since = settings.planning_since
    if since is not None and utcnow() - as_utc(since) < plan_calendar.PLANNING_STALE:
        db.session.rollback()
        flash(_("A plan is being made: its trips appear here in a moment."), "warning")
        return redirect(url_for("transport.planning", slug=event.slug))
    settings.planning_since = utcnow()
    jobs.later(tasks.plan_transport, event.id, current_user.id)
    commit()
    flash(_("Planning pick-ups and drop-offs: the trips appear here in a moment."), "success")
    return redirect(url_for("transport.planning", slug=event.slug))


@bp.route("/transport/send-pickups", methods=["POST"])
@event_view(Role.ORGANISER)
def send_pickups(event):
    """Every guest with a pick-up gets their "your pick-up" message, in their language."""
    jobs.later(tasks.send_pickup_messages, event.id)
    commit()
    flash(_("The pick-up messages are being sent."), "success")
    return redirect(url_for("transport.planning", slug=event.slug))
