"""The organisers' interpretation pages: every activity's languages, channels, booths,
interpreters and gaps; an activity's set-up and rota; the interpreters."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm

from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.errors import abort_with
from eventhub.extensions import db
from eventhub.interpretation import bp, coverage, rota
from eventhub.interpretation import interpreters as roster
from eventhub.interpretation import setups as setup_rules
from eventhub.interpretation.forms import MODE_LABELS, InterpreterForm, SetupForm
from eventhub.interpretation.models import Interpreter, InterpreterAssignment
from eventhub.registration.languages import INTERPRETATION_LANGUAGES
from eventhub.scheduling.activities import activity_query, days_of, on_day
from eventhub.scheduling.models import Activity, ActivityState
from eventhub.web import attempt, id_arg, in_event_or_404

NO_ACTIVITY = _l("There is no such activity in this event.")
NO_INTERPRETER = _l("There is no such interpreter in this event.")


def _checked_form() -> None:
    if not FlaskForm().validate_on_submit():
        abort_with(400, _("The form has expired; reload the page and try again."))


def _day(event) -> date | None:
    try:
        day = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        return None
    return day if event.starts_on <= day <= event.ends_on else None


@bp.get("/interpretation")
@event_view(Role.ORGANISER)
def overview(event):
    """Every activity with its floor languages, channels, booths, interpreters and gaps."""
    activities = [
        a
        for a in db.session.scalars(activity_query(event)).unique()
        if a.state != ActivityState.CANCELLED
    ]
    day = _day(event)
    if day is not None:
        activities = on_day(event, activities, day)
    setups = setup_rules.setups_of(event)
    on_activity = defaultdict(list)
    for assignment in rota.assignments_of(event):
        on_activity[assignment.activity_id].append(assignment)
    gaps = defaultdict(list)
    for gap in coverage.gaps_of(activities):
        gaps[gap.activity.id].append(gap.message())
    problems = rota.rota_problems(event, setups)
    warnings = {
        a.id: setup_rules.booth_warnings(a, setups.get(a.id))
        + rota.staffing_warnings(a, setups.get(a.id), on_activity[a.id])
        for a in activities
    }
    return render_template(
        "interpretation/overview.html",
        event=event,
        activities=activities,
        days=days_of(event),
        day=day,
        setups=setups,
        on_activity=on_activity,
        gaps=gaps,
        problems=problems,
        warnings=warnings,
        names=INTERPRETATION_LANGUAGES,
        codes=setup_rules.codes,
        mode_labels=MODE_LABELS,
    )


def _activity(event, activity_id: int) -> Activity:
    return in_event_or_404(Activity, activity_id, event, NO_ACTIVITY)


@bp.route("/interpretation/activities/<int:activity_id>", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def setup(event, activity_id: int):
    """An activity's languages, channels, booths and mode; its rota beside."""
    activity = _activity(event, activity_id)
    current = setup_rules.setup_of(activity)
    form = SetupForm(obj=current)
    if request.method == "GET" and current is not None:
        form.floor_languages.data = setup_rules.codes(current.floor_languages)
        form.channels.data = setup_rules.codes(current.channels)
        form.mode.data = current.mode.value
    if form.validate_on_submit():
        ok, _saved = attempt(
            lambda: setup_rules.save_setup(activity, form.values(), actor=current_user), form
        )
        if ok:
            flash(_("Interpretation set-up saved."), "success")
            return redirect(url_for(".setup", slug=event.slug, activity_id=activity.id))
    assignments = [a for a in rota.assignments_of(event) if a.activity_id == activity.id]
    setups = setup_rules.setups_of(event)
    return render_template(
        "interpretation/setup.html",
        event=event,
        activity=activity,
        current=current,
        form=form,
        assignments=assignments,
        interpreters=roster.interpreters(event),
        channels=setup_rules.codes(current.channels) if current else [],
        names=INTERPRETATION_LANGUAGES,
        gaps=[g.message() for g in coverage.gaps_of([activity])],
        warnings=setup_rules.booth_warnings(activity, current)
        + rota.staffing_warnings(activity, current, assignments),
        problems=rota.rota_problems(event, setups).get(activity.id, []),
        codes=setup_rules.codes,
        action_form=FlaskForm(),
    )


@bp.post("/interpretation/activities/<int:activity_id>/assign")
@event_view(Role.ORGANISER)
def assign(event, activity_id: int):
    """Put an interpreter on a channel; refused with the rule it breaks."""
    activity = _activity(event, activity_id)
    _checked_form()
    interpreter = in_event_or_404(
        Interpreter, id_arg(request.form, "interpreter_id"), event, NO_INTERPRETER
    )
    channel = request.form.get("channel", "").strip().lower()[:8]
    ok, _done = attempt(
        lambda: rota.assign(event, activity, interpreter, channel, actor=current_user)
    )
    if ok:
        flash(
            _(
                "%(name)s is on the %(language)s channel.",
                name=interpreter.name,
                language=setup_rules.language_name(channel),
            ),
            "success",
        )
    return redirect(url_for(".setup", slug=event.slug, activity_id=activity.id) + "#rota")


@bp.post("/interpretation/activities/<int:activity_id>/unassign")
@event_view(Role.ORGANISER)
def unassign(event, activity_id: int):
    activity = _activity(event, activity_id)
    _checked_form()
    assignment = db.session.get(InterpreterAssignment, id_arg(request.form, "assignment_id") or 0)
    if assignment is None or assignment.activity_id != activity.id:
        abort_with(404, _("This interpreter is not on this activity."))
    name = assignment.interpreter.name
    ok, _done = attempt(lambda: rota.unassign(assignment, actor=current_user))
    if ok:
        flash(_("%(name)s is off this activity.", name=name), "success")
    return redirect(url_for(".setup", slug=event.slug, activity_id=activity.id) + "#rota")


@bp.post("/interpretation/activities/<int:activity_id>/auto")
@event_view(Role.ORGANISER)
def assign_automatically(event, activity_id: int):
    """Fill the empty channels with free interpreters who keep every rule."""
    activity = _activity(event, activity_id)
    _checked_form()
    pool = roster.interpreters(event)
    ok, added = attempt(
        lambda: rota.assign_automatically(event, activity, pool, actor=current_user)
    )
    if ok:
        if added:
            flash(
                ngettext("%(num)d interpreter assigned.", "%(num)d interpreters assigned.", added),
                "success",
            )
        else:
            flash(_("No free interpreter keeps the rules for the channels left."), "warning")
    return redirect(url_for(".setup", slug=event.slug, activity_id=activity.id) + "#rota")


@bp.get("/interpretation/interpreters")
@event_view(Role.ORGANISER)
def interpreters(event):
    return render_template(
        "interpretation/interpreters.html",
        event=event,
        interpreters=roster.interpreters(event),
        names=INTERPRETATION_LANGUAGES,
        codes=setup_rules.codes,
        delete_form=FlaskForm(),
    )


@bp.route("/interpretation/interpreters/new", methods=["GET", "POST"])
@bp.route("/interpretation/interpreters/<int:interpreter_id>", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def interpreter_form(event, interpreter_id: int | None = None):
    interpreter = (
        in_event_or_404(Interpreter, interpreter_id, event, NO_INTERPRETER)
        if interpreter_id is not None
        else None
    )
    form = InterpreterForm(obj=interpreter)
    people = roster.registered_interpreters(event)
    if (
        interpreter is not None
        and interpreter.participant
        and interpreter.participant not in people
    ):
        people.append(interpreter.participant)  # withdrawn since: kept, not refused on save
    form.set_participants(people)
    if request.method == "GET" and interpreter is not None:
        form.languages.data = setup_rules.codes(interpreter.languages)
        form.participant_id.data = str(interpreter.participant_id or "")
    if form.validate_on_submit():
        ok, _saved = attempt(
            lambda: roster.save_interpreter(event, interpreter, form.values(), actor=current_user),
            form,
        )
        if ok:
            flash(_("Interpreter saved."), "success")
            return redirect(url_for(".interpreters", slug=event.slug))
    return render_template(
        "interpretation/interpreter_form.html", event=event, interpreter=interpreter, form=form
    )


@bp.post("/interpretation/interpreters/<int:interpreter_id>/delete")
@event_view(Role.ORGANISER)
def interpreter_delete(event, interpreter_id: int):
    interpreter = in_event_or_404(Interpreter, interpreter_id, event, NO_INTERPRETER)
    _checked_form()
    name = interpreter.name
    ok, _done = attempt(lambda: roster.delete_interpreter(interpreter, actor=current_user))
    if ok:
        flash(_("Interpreter %(name)s removed from the rota.", name=name), "success")
    return redirect(url_for(".interpreters", slug=event.slug))
