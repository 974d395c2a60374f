"""The organisers' matchmaking pages: the sessions (add, change, remove) and the proposal
page (what was asked, the "Propose meetings" button, the last run's result and meetings)."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, SubmitField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from eventhub import jobs
from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.i18n import localized
from eventhub.matchmaking import bp, solver, tasks
from eventhub.matchmaking.busy import aware
from eventhub.matchmaking.models import (
    MatchmakingSession,
    MatchProfile,
    Meeting,
    MeetingRequest,
    MeetingState,
)
from eventhub.matchmaking.runs import RUN_STALE, claim_run, error_message, run_of
from eventhub.matchmaking.sessions import SessionInput, remove_session, save_session, sessions_of
from eventhub.scheduling.forms import ClockField
from eventhub.scheduling.models import Room, Venue
from eventhub.web import attempt, commit, id_arg, in_event, in_event_or_404

NO_SESSION = _l("There is no such matchmaking session in this event.")
REASONS = {
    solver.NO_SESSION: _l("no session to meet in"),
    solver.NO_COMMON_SLOT: _l("no common free slot"),
    solver.TABLES_FULL: _l("tables full in their common free slots"),
    solver.SIDES_TAKEN: _l("their common free slots went to their other meetings"),
    solver.DECLINED: _l("declined"),
}


class SessionForm(FlaskForm):
    # InputRequired: a time typed wrong ("25:99") keeps its own message, where DataRequired
    # would replace it with "This field is required."
    day = DateField(_l("Day"), validators=[InputRequired()])
    starts = ClockField(_l("From"), validators=[InputRequired()])
    ends = ClockField(_l("Until"), validators=[InputRequired()])
    room_id = SelectField(_l("Room"), coerce=str, validate_choice=False)
    tables = IntegerField(_l("Tables"), validators=[DataRequired(), NumberRange(1, 500)])
    slot_minutes = IntegerField(
        _l("Slot length (minutes)"), validators=[DataRequired(), NumberRange(10, 120)]
    )
    submit = SubmitField(_l("Save the session"))


def _rooms(event) -> list[tuple[str, str]]:
    rooms = db.session.execute(
        sa.select(Room, Venue)
        .join(Venue)
        .where(Venue.event_id == event.id)
        .order_by(Venue.name_en, Room.name_en)
    )
    return [("", _("No room yet"))] + [
        (str(room.id), f"{localized(venue, 'name')} · {localized(room, 'name')}")
        for room, venue in rooms
    ]


@bp.route("/matchmaking/sessions", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def sessions(event):
    """The sessions and the form to add one or change one (?session=id)."""
    editing = None
    if request.args.get("session") is not None:
        editing = in_event_or_404(
            MatchmakingSession, id_arg(request.args, "session"), event, NO_SESSION
        )
    form = SessionForm()
    form.room_id.choices = _rooms(event)
    if request.method == "GET" and editing is not None:
        from zoneinfo import ZoneInfo  # noqa: PLC0415 -- only when editing

        zone = ZoneInfo(event.timezone)
        starts, ends = (
            aware(editing.starts_at).astimezone(zone),
            aware(editing.ends_at).astimezone(zone),
        )
        form.day.data, form.starts.data, form.ends.data = starts.date(), starts.time(), ends.time()
        form.room_id.data = str(editing.room_id or "")
        form.tables.data, form.slot_minutes.data = editing.tables, editing.slot_minutes
    elif request.method == "GET":
        form.tables.data, form.slot_minutes.data = 20, 30
    if form.validate_on_submit():
        given = SessionInput(
            day=form.day.data,
            starts=form.starts.data,
            ends=form.ends.data,
            room_id=id_arg(form.data, "room_id"),
            tables=form.tables.data,
            slot_minutes=form.slot_minutes.data,
        )
        if form.room_id.data and given.room_id is None:
            form.room_id.errors = [*form.room_id.errors, _("There is no such room in this event.")]
        else:
            ok, _saved = attempt(
                lambda: save_session(event, given, session=editing, actor=current_user), form
            )
            if ok:
                flash(_("The session is saved."), "success")
                return redirect(url_for("matchmaking.sessions", slug=event.slug))
    return render_template(
        "matchmaking/sessions.html",
        event=event,
        form=form,
        editing=editing,
        sessions=sessions_of(event),
    )


@bp.route("/matchmaking/sessions/remove", methods=["POST"])
@event_view(Role.ORGANISER)
def session_remove(event):
    """Remove the session the form names; one not in this event is said so, nothing moves."""
    session = in_event(MatchmakingSession, id_arg(request.form, "session_id"), event)
    if session is None:
        flash(str(NO_SESSION), "danger")
    else:
        ok, _result = attempt(lambda: remove_session(event, session, actor=current_user))
        if ok:
            flash(_("The session is removed."), "success")
    return redirect(url_for("matchmaking.sessions", slug=event.slug))


@bp.route("/matchmaking/propose", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def propose(event):
    """What was asked and what the last run found; POST: fit the meetings again, once
    however often clicked."""
    if request.method == "POST":
        if not claim_run(event.id):
            db.session.rollback()
            flash(_("Meetings are being proposed: they appear here in a moment."), "warning")
            return redirect(url_for("matchmaking.propose", slug=event.slug))
        jobs.later(tasks.propose_meetings, event.id, current_user.id)
        commit()
        flash(_("Proposing meetings: they appear here in a moment."), "success")
        return redirect(url_for("matchmaking.propose", slug=event.slug))
    return render_template("matchmaking/propose.html", event=event, **_page(event))


def _page(event) -> dict:
    profiles = {
        p.id: p
        for p in db.session.scalars(
            sa.select(MatchProfile)
            .where(MatchProfile.event_id == event.id)
            .options(sa.orm.joinedload(MatchProfile.organisation))
        )
    }
    pairs = solver.pairs_of(event)
    meetings = list(
        db.session.scalars(
            sa.select(Meeting)
            .where(
                Meeting.event_id == event.id,
                Meeting.state.in_([MeetingState.PROPOSED, MeetingState.CONFIRMED]),
            )
            .order_by(Meeting.starts_at, Meeting.table)
        )
    )
    run = run_of(event.id)
    result = run.result if run is not None else None
    unscheduled = []
    for first, second, reason in (result or {}).get("unscheduled", []):
        if first in profiles and second in profiles:
            unscheduled.append((profiles[first], profiles[second], REASONS.get(reason, reason)))
    return {
        "sessions": sessions_of(event),
        "profiles": profiles,
        "requests": db.session.scalar(
            sa.select(sa.func.count(MeetingRequest.id)).where(MeetingRequest.event_id == event.id)
        ),
        "mutual": sum(1 for p in pairs.values() if p.mutual),
        "one_way": sum(1 for p in pairs.values() if not p.mutual),
        "meetings": meetings,
        "states": Counter(m.state for m in meetings),
        "run": run,
        "run_error": error_message(run),
        "running": run is not None
        and run.running_since is not None
        and utcnow() - aware(run.running_since) < RUN_STALE,
        "result": result,
        "unscheduled": unscheduled,
    }
