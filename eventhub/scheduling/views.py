"""The organisers' timetable pages: venues, activities, the grid, health, the scheduler."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from eventhub import jobs
from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.errors import DomainError, abort_with, error_response
from eventhub.extensions import db
from eventhub.i18n import local_date
from eventhub.registration.lists import ParticipantFilters, participant_query
from eventhub.registration.models import Participant
from eventhub.scheduling import bp, calendars, enrolments, tasks
from eventhub.scheduling.access import activity_or_404
from eventhub.scheduling.activities import (
    activity_query,
    days_of,
    enrolled_counts,
    local_to_utc,
    on_day,
)
from eventhub.scheduling.clearing import clear_day, previous_slots
from eventhub.scheduling.conflicts import HARD, SOFT, conflicts_of
from eventhub.scheduling.forms import STATE_LABELS, TYPE_LABELS, ActivityForm, RoomForm, VenueForm
from eventhub.scheduling.grid import blocks as grid_blocks
from eventhub.scheduling.grid import change_on_grid
from eventhub.scheduling.labels import ENROLMENT_LABELS, ROLE_LABELS
from eventhub.scheduling.models import (
    Activity,
    ActivityRole,
    ActivityState,
    Room,
    SolverRun,
    Venue,
)
from eventhub.scheduling.solver_rules import needs_room
from eventhub.scheduling.timetable import place_all, save_activity, set_people
from eventhub.scheduling.venues import (
    add_room,
    add_venue,
    rooms_of,
    travel_times,
    venues_with_rooms,
)
from eventhub.scheduling.warnings import publishing, warnings_of
from eventhub.web import as_id, attempt, commit, id_arg, in_event, in_event_or_404


def _day(event, text: str | None) -> date:
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        return event.starts_on
    return day if event.starts_on <= day <= event.ends_on else event.starts_on


GRID_FIRST_HOUR, GRID_LAST_HOUR = 7, 23


@bp.app_template_filter("minutes_from")
def minutes_from(moment, event, hour: int) -> int:
    """Minutes from `hour` o'clock on the event's local clock to `moment` (grid rows)."""
    local = moment.astimezone(ZoneInfo(event.timezone))
    return (local.hour - hour) * 60 + local.minute


@bp.route("/schedule/venues", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def venues(event):
    venue_form, room_form = VenueForm(prefix="venue"), RoomForm(prefix="room")
    if venue_form.submit.data and venue_form.validate_on_submit():
        ok, _venue = attempt(
            lambda: add_venue(event, venue_form.data, actor=current_user), venue_form
        )
        if ok:
            flash(_("Venue added."), "success")
            return redirect(url_for("scheduling.venues", slug=event.slug))
    if room_form.submit.data and room_form.validate_on_submit():
        venue = in_event_or_404(
            Venue, as_id(room_form.venue_id.data), event, _("There is no such venue in this event.")
        )
        ok, _room = attempt(lambda: add_room(venue, room_form.data, actor=current_user), room_form)
        if ok:
            flash(_("Room added."), "success")
            return redirect(url_for("scheduling.venues", slug=event.slug))
    return render_template(
        "scheduling/venues.html",
        travel=travel_times(event),
        event=event,
        venues=venues_with_rooms(event),
        venue_form=venue_form,
        room_form=room_form,
    )


@bp.get("/schedule/")
@event_view(Role.ORGANISER)
def timetable(event):
    activities = db.session.scalars(activity_query(event)).unique().all()
    state = request.args.get("state", "")
    if state in ActivityState.__members__.values():
        activities = [a for a in activities if a.state == state]
    unscheduled = [a for a in activities if a.starts_at is None]
    counts = enrolled_counts([a.id for a in activities])
    return render_template(
        "scheduling/timetable.html",
        event=event,
        days=days_of(event),
        by_day={d: on_day(event, activities, d) for d in days_of(event)},
        unscheduled=unscheduled,
        counts=counts,
        type_labels=TYPE_LABELS,
        state_labels=STATE_LABELS,
        state=state,
        conflicts=conflicts_of(event),
        warnings=warnings_of(activities),
    )


@bp.get("/schedule/grid")
@event_view(Role.ORGANISER)
def grid(event):
    day = _day(event, request.args.get("day"))
    activities = db.session.scalars(activity_query(event)).unique().all()
    today = on_day(event, activities, day)
    # The grid shows 07:00 to 23:00 on the day itself; the rest is listed under it.
    on_grid = [
        a
        for a in today
        if a.room_id
        and minutes_from(a.starts_at, event, 0) >= GRID_FIRST_HOUR * 60
        and minutes_from(a.ends_at, event, 0) <= GRID_LAST_HOUR * 60
        and a.ends_at - a.starts_at < timedelta(hours=16)
    ]
    return render_template(
        "scheduling/grid.html",
        event=event,
        day=day,
        days=days_of(event),
        rooms=rooms_of(event),
        activities=on_grid,
        elsewhere=[a for a in today if a not in on_grid],
        blocks=grid_blocks(event, on_grid),
        warnings=warnings_of(today),
        type_labels=TYPE_LABELS,
    )


@bp.get("/schedule/health")
@event_view(Role.ORGANISER)
def health(event):
    found = conflicts_of(event)
    return render_template(
        "scheduling/health.html",
        event=event,
        hard=[c for c in found if c.severity == HARD],
        soft=[c for c in found if c.severity == SOFT],
    )


@bp.route("/schedule/activities/new", methods=["GET", "POST"])
@bp.route("/schedule/activities/<int:activity_id>", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def edit_activity(event, activity_id: int | None = None):
    activity = activity_or_404(event, activity_id) if activity_id else None
    form = ActivityForm(
        obj=activity,
        data=_activity_form_data(event, activity) if activity and request.method == "GET" else None,
    )
    if activity is None and request.method == "GET" and request.args.get("day"):
        # From an empty slot of the grid: that day, that room, that time (90 minutes, as
        # the scheduler's default length, ending by midnight).
        form.day.data = _day(event, request.args.get("day"))
        start = _slot_start(request.args)
        if start is not None:
            end = datetime.combine(form.day.data, start) + timedelta(minutes=90)
            form.start.data = start
            form.end.data = end.time() if end.date() == form.day.data else time(23, 59)
        form.room_id.data = request.args.get("room", "")
    form.set_rooms(rooms_of(event))
    warnings = warnings_of([activity]).get(activity.id, []) if activity else []
    held_back = warnings and publishing(activity, form.state.data) and not form.publish_anyway.data
    if held_back and form.validate_on_submit():
        form.publish_anyway.errors = [
            _("Tick this box to publish with the warnings above, or save it as a draft.")
        ]
    elif form.validate_on_submit():
        # The field keeps the activity's own (an int) when the post leaves it out.
        sent = str(form.version.data or "")
        version = int(sent) if sent.isdigit() else None
        ok, saved = attempt(
            lambda: save_activity(
                event, form.values(event), actor=current_user, activity=activity, version=version
            ),
            form,
        )
        if ok:
            for moved_up in getattr(saved, "promoted", []):
                calendars.notify_promoted(moved_up)
            flash(_("Activity saved."), "success")
            return redirect(
                url_for("scheduling.edit_activity", slug=event.slug, activity_id=saved.id)
            )
    people = (
        sorted(activity.people, key=lambda p: (p.role, p.participant.sort_name)) if activity else []
    )
    candidates = []
    query = request.args.get("person", "").strip()
    if activity and query:
        filters = ParticipantFilters(q=query)
        candidates = db.session.scalars(participant_query(event, filters).limit(20)).unique().all()
    return render_template(
        "scheduling/activity_form.html",
        event=event,
        activity=activity,
        form=form,
        people=people,
        candidates=candidates,
        person_query=query,
        role_labels=ROLE_LABELS,
        conflicts=conflicts_of(event, [activity]) if activity else [],
        warnings=warnings,
        enrolments=enrolments.enrolments_of(activity) if activity else [],
        enrolment_labels=ENROLMENT_LABELS,
    )


def _slot_start(args) -> time | None:
    """The start of a grid slot: `start` (HH:MM), or the older `hour`."""
    try:
        return time.fromisoformat(args.get("start", ""))
    except ValueError:
        hour = args.get("hour", type=int)
        return time(hour) if hour is not None and 0 <= hour <= 23 else None


def _activity_form_data(event, activity: Activity) -> dict:
    zone = ZoneInfo(event.timezone)
    data = {
        "version": activity.version,
        "room_id": str(activity.room_id or ""),
        "type": activity.type.value,
        "access": activity.access.value,
        "visibility": activity.visibility.value,
        "state": activity.state.value,
    }
    if activity.starts_at:
        local_start, local_end = (
            activity.starts_at.astimezone(zone),
            activity.ends_at.astimezone(zone),
        )
        data.update(day=local_start.date(), start=local_start.time(), end=local_end.time())
    return data


@bp.post("/schedule/activities/<int:activity_id>/invite")
@event_view(Role.ORGANISER)
def invite(event, activity_id: int):
    """Give a participant a place (an invitation, or a seat in a limited activity)."""
    activity = activity_or_404(event, activity_id)
    participant = in_event_or_404(
        Participant,
        id_arg(request.form, "participant_id"),
        event,
        _("There is no such participant in this event."),
    )
    ok, enrolment = attempt(lambda: enrolments.enrol(activity, participant, invited=True))
    if ok:
        flash(
            _(
                "%(name)s is invited (%(status)s).",
                name=participant.latin_name,
                status=ENROLMENT_LABELS[enrolment.status],
            ),
            "success",
        )
    return redirect(url_for("scheduling.edit_activity", slug=event.slug, activity_id=activity.id))


@bp.post("/schedule/activities/<int:activity_id>/people")
@event_view(Role.ORGANISER)
def activity_people(event, activity_id: int):
    activity = activity_or_404(event, activity_id)
    try:
        role = ActivityRole(request.form.get("role", ""))
        participant_id = int(request.form.get("participant_id", ""))
    except ValueError:
        abort_with(400, _("Choose a person and a role."))
    current = [p.participant_id for p in activity.people if p.role == role]
    wanted = (
        [*current, participant_id]
        if request.form.get("action") == "add"
        else [i for i in current if i != participant_id]
    )
    set_people(activity, role, wanted)
    found = [c for c in conflicts_of(event, [activity]) if c.severity == HARD]
    if found and request.form.get("action") == "add":
        db.session.rollback()
        flash(_("Not added: %(reason)s", reason=found[0].message), "danger")
    else:
        commit()
    return redirect(url_for("scheduling.edit_activity", slug=event.slug, activity_id=activity.id))


@bp.route("/schedule/auto", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def auto_schedule(event):
    """Propose a timetable for the unscheduled activities; the organiser reviews the changes
    and accepts them or not. The proposal travels in the form, not in server memory."""
    if request.method == "POST" and request.form.get("action") == "accept":
        placements = []
        for value in request.form.getlist("placement"):
            try:
                activity_id, starts, ends, room_text = value.split("|")
                activity_id = as_id(activity_id)
                activity = activity_id and db.session.get(Activity, activity_id)
                # No room only for an off-site visit.
                room = (
                    db.session.get(Room, as_id(room_text) or 0)
                    if room_text or (activity and needs_room(activity))
                    else None
                )
                if not activity or (room is None and (room_text or needs_room(activity))):
                    raise ValueError(value)
                placements.append(
                    (
                        activity,
                        datetime.fromisoformat(starts),
                        datetime.fromisoformat(ends),
                        room,
                    )
                )
            except (ValueError, TypeError):
                abort_with(400, _("The proposal could not be read; make a new one."))
        ok, count = attempt(lambda: place_all(event, placements, actor=current_user))
        if ok:
            flash(_("%(count)d activities placed.", count=count), "success")
            return redirect(url_for("scheduling.timetable", slug=event.slug))
        return redirect(url_for("scheduling.auto_schedule", slug=event.slug))
    if request.method == "POST" and request.form.get("action") == "clear":
        return _clear_day(event)
    if request.method == "POST":
        ok, run = attempt(
            lambda: tasks.start(event, actor=current_user, locale=str(get_locale() or "en"))
        )
        return redirect(
            url_for("scheduling.auto_schedule", slug=event.slug, run=run.id if ok else None)
        )
    run = None
    if run_id := id_arg(request.args, "run"):
        run = _solver_run(event, run_id)
        if jobs.recover_stalled_runs(SolverRun, tasks.solve, event_id=event.id):
            commit()
            db.session.refresh(run)
    proposal = tasks.proposal_of(run) if run else None
    activities = [
        a
        for a in db.session.scalars(activity_query(event)).unique()
        if a.state != ActivityState.CANCELLED
    ]
    pending = [a for a in activities if not a.starts_at]
    return render_template(
        "scheduling/auto.html",
        roomless=[a for a in activities if a.starts_at and not a.room_id and needs_room(a)],
        event=event,
        pending=pending,
        proposal=proposal,
        run=run,
        days=days_of(event),
        previous=previous_slots(event, pending),
        run_status=tasks.status_of(run) if run else None,
    )


def _solver_run(event, run_id: int) -> SolverRun:
    return in_event_or_404(SolverRun, run_id, event, _("There is no such scheduler run."))


@bp.get("/schedule/auto/runs/<int:run_id>.json")
@event_view(Role.ORGANISER)
def run_status(event, run_id: int):
    """What the waiting page polls: the run's state and the solver's progress."""
    run = _solver_run(event, run_id)
    if jobs.recover_stalled_runs(SolverRun, tasks.solve, event_id=event.id):
        commit()
        db.session.refresh(run)
    return jsonify(tasks.status_of(run))


@bp.post("/schedule/auto/runs/<int:run_id>/cancel")
@event_view(Role.ORGANISER)
def cancel_run(event, run_id: int):
    run = _solver_run(event, run_id)
    if tasks.cancel(run):
        commit()
        flash(_("Scheduler run cancelled."), "success")
    else:
        flash(_("This run had already ended."), "info")
    return redirect(url_for("scheduling.auto_schedule", slug=event.slug))


def _clear_day(event):
    """Take a day's activities off the timetable, for the scheduler to place again."""
    try:
        day = date.fromisoformat(request.form.get("day", ""))
    except ValueError:
        day = None
    if day not in days_of(event):
        flash(_("Choose a day of the event to clear."), "danger")
        return redirect(url_for("scheduling.auto_schedule", slug=event.slug))
    may_move = request.form.get("may_move") == "1"
    ok, count = attempt(lambda: clear_day(event, day, actor=current_user, may_move=may_move))
    if ok:
        flash(
            _(
                "%(count)d activities of %(day)s taken off the timetable; propose a timetable "
                "to place them again.",
                count=count,
                day=local_date(day, "full"),
            ),
            "success",
        )
    return redirect(url_for("scheduling.auto_schedule", slug=event.slug))


def _grid_change(activity, change):
    """Apply a drag on the grid: JSON with the new version, or 409 with the reason."""
    try:
        change()
    except DomainError as error:
        db.session.rollback()
        return error_response(409, str(error))
    commit()
    return jsonify({"id": activity.id, "version": activity.version})


@bp.post("/schedule/activities/<int:activity_id>/move")
@event_view(Role.ORGANISER)
def move(event, activity_id: int):
    """The grid's drag and drop, and its keyboard 'Move…': JSON in ({day, start, room_id,
    version}, and minutes for a new length), JSON out."""
    activity = activity_or_404(event, activity_id)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return error_response(422, _("Send day, start, room_id and version."))
    try:
        day = date.fromisoformat(str(body.get("day", "")))
        start = time.fromisoformat(str(body.get("start", "")))
        room = in_event(Room, as_id(int(body.get("room_id", 0))), event, via=Venue)
        version = int(body.get("version", 0))
        minutes = None if body.get("minutes") is None else int(body["minutes"])
    except (TypeError, ValueError):
        return error_response(422, _("Send day, start, room_id and version."))
    if room is None:
        return error_response(404, _("There is no such room in this event."))
    return _grid_change(
        activity,
        lambda: change_on_grid(
            activity,
            starts=local_to_utc(event, day, start),
            room=room,
            minutes=minutes,
            version=version,
            actor=current_user,
        ),
    )


@bp.post("/schedule/activities/<int:activity_id>/resize")
@event_view(Role.ORGANISER)
def resize(event, activity_id: int):
    """The grid's resize handle: JSON in ({minutes, version}), JSON out."""

    activity = activity_or_404(event, activity_id)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return error_response(422, _("Send minutes and version."))
    try:
        minutes, version = int(body.get("minutes", 0)), int(body.get("version", 0))
    except (TypeError, ValueError):
        return error_response(422, _("Send minutes and version."))
    return _grid_change(
        activity,
        lambda: change_on_grid(activity, minutes=minutes, version=version, actor=current_user),
    )
