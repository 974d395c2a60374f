"""The organisers' seating pages: the event's banquets and ceremonies, a plan's layout and
list, the automatic plan, hand moves (keyboard form or pointer), tables and settings."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from eventhub.audit import services as audit
from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.db import utcnow
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.i18n import localized
from eventhub.registration.models import Participant
from eventhub.scheduling.models import Activity
from eventhub.seating import bp, forms, plans, reflow, tables
from eventhub.seating.models import SeatingPlan, SeatingTable, TableShape
from eventhub.web import as_id, attempt, commit, in_event_or_404

NO_PLAN = _l("There is no such seating plan in this event.")
NO_TABLE = _l("There is no such table in this plan.")
NO_ACTIVITY = _l("There is no such banquet or ceremony in this event.")
CHANGED_MEANWHILE = _l(
    "The plan was changed at the same moment (a second click, or another organiser):"
    " nothing was saved. Look at it again and retry."
)


def _clashed() -> None:
    """Two writes met on a unique rule (a double click, two organisers): said, not a 500."""
    db.session.rollback()
    flash(str(CHANGED_MEANWHILE), "warning")


def _back(event, plan, **anchor) -> str:
    return url_for("seating.plan", slug=event.slug, plan_id=plan.id, **anchor)


@bp.route("/seating", endpoint="plans")
@event_view(Role.ORGANISER)
def plans_page(event):
    """The event's banquets and ceremonies, each with its plan or a button to make one."""
    return render_template(
        "seating/plans.html",
        event=event,
        activities=plans.seated_activities(event),
        plans=plans.plans_by_activity(event),
        form=forms.CreatePlanForm(),
    )


@bp.route("/seating/new", methods=["POST"])
@event_view(Role.ORGANISER)
def plan_create(event):
    form = forms.CreatePlanForm()
    if not form.validate_on_submit() or as_id(form.activity_id.data) is None:
        flash(_("Choose a banquet or ceremony, then press Create plan."), "danger")
        return redirect(url_for("seating.plans", slug=event.slug))
    activity = in_event_or_404(Activity, as_id(form.activity_id.data), event, NO_ACTIVITY)
    try:
        ok, plan = attempt(lambda: plans.create_plan(event, activity, actor=current_user))
    except sa.exc.IntegrityError:  # the same plan created by a second click meanwhile
        _clashed()
        ok = False
    if not ok:
        return redirect(url_for("seating.plans", slug=event.slug))
    flash(_("Seating plan created. Add its tables: the first is the head table."), "success")
    return redirect(url_for("seating.tables", slug=event.slug, plan_id=plan.id))


def _move_form(plan: SeatingPlan, people, **kwargs) -> forms.MoveForm:
    form = forms.MoveForm(**kwargs)
    form.participant_id.choices = [("", _("Choose a guest"))] + [
        (str(p.id), p.titled_name) for p in people
    ]
    form.table.choices = [("", _("Choose a table"))] + [
        (str(t.number), _("Table %(number)s", number=t.number)) for t in plan.tables
    ]
    form.version.data = str(plan.version)  # the version this page shows
    return form


def _render_plan(event, plan: SeatingPlan, move_form=None, status: int = 200):
    people = plans.audience(plan)
    rows = plans.places_of(plan)
    by_person = {p.id: p for p in people}
    seated = {row.participant_id for row in rows}
    if move_form is None:
        move_form = _move_form(plan, people)
        picked = as_id(request.args.get("guest"))
        if picked in by_person:
            move_form.participant_id.data = str(picked)
    settings = forms.SettingsForm(obj=plan, formdata=None, prefix="settings")
    choices = [("", _("The most senior, by precedence"))] + [
        (str(p.id), p.titled_name) for p in people
    ]
    settings.host_id.choices = settings.guest_of_honour_id.choices = choices
    settings.host_id.data = str(plan.host_id or "")
    settings.guest_of_honour_id.data = str(plan.guest_of_honour_id or "")
    host, goh = plans.host_and_guest(plan, people)
    at = {(row.table_id, row.seat, row.behind): row for row in rows}
    layout = [
        (t, [(n, at.get((t.id, n, False)), at.get((t.id, n, True))) for n in range(1, t.seats + 1)])
        for t in plan.tables
    ]
    numbers = {t.id: t.number for t in plan.tables}
    listed = sorted(rows, key=lambda r: (numbers.get(r.table_id, 0), r.seat, r.behind))
    return render_template(
        "seating/plan.html",
        event=event,
        plan=plan,
        title=localized(plan.activity, "title"),
        people=by_person,
        rows=listed,
        layout=layout,
        numbers=numbers,
        unseated=[p for p in people if p.id not in seated],
        problems=plans.violations(plan),
        move_form=move_form,
        settings=settings,
        host_id=host,
        guest_of_honour_id=goh,
        max_seats=max((t.seats for t in plan.tables), default=0),
    ), status


@bp.route("/seating/<int:plan_id>")
@event_view(Role.ORGANISER)
def plan(event, plan_id: int):
    """The room's layout with everyone in their seat, the same as a list, the unseated."""
    plan = in_event_or_404(SeatingPlan, plan_id, event, NO_PLAN)
    return _render_plan(event, plan)


@bp.route("/seating/<int:plan_id>/propose", methods=["POST"])
@event_view(Role.ORGANISER)
def plan_propose(event, plan_id: int):
    """The automatic plan by precedence; hand-placed guests stay where they are."""
    plan = in_event_or_404(SeatingPlan, plan_id, event, NO_PLAN)
    if not FlaskForm().validate_on_submit():  # its CSRF token only
        flash(_("The form expired; please try again."), "danger")
        return redirect(_back(event, plan))
    if not plan.tables:
        flash(_("Add tables first: the plan has none."), "warning")
        return redirect(url_for("seating.tables", slug=event.slug, plan_id=plan.id))
    try:
        counts = reflow.propose(plan, actor=current_user)
        commit()
    except sa.exc.IntegrityError:
        _clashed()
        return redirect(_back(event, plan))
    flash(
        _(
            "Plan proposed: %(seated)d seated, %(moved)d places changed, %(unseated)d without"
            " a seat.",
            **counts,
        ),
        "success" if not counts["unseated"] else "warning",
    )
    return redirect(_back(event, plan))


@bp.route("/seating/<int:plan_id>/publish", methods=["POST"])
@event_view(Role.ORGANISER)
def plan_publish(event, plan_id: int):
    """Guests see their table and seat (agenda, badge back) from now on."""
    return _set_published(event, plan_id, True)


@bp.route("/seating/<int:plan_id>/unpublish", methods=["POST"])
@event_view(Role.ORGANISER)
def plan_unpublish(event, plan_id: int):
    """Back to a draft: guests no longer see their places."""
    return _set_published(event, plan_id, False)


def _set_published(event, plan_id: int, published: bool):
    plan = in_event_or_404(SeatingPlan, plan_id, event, NO_PLAN)
    if not FlaskForm().validate_on_submit():  # its CSRF token only
        flash(_("The form expired; please try again."), "danger")
        return redirect(_back(event, plan))
    plan = plans.lock(plan)
    if published and plan.published_at is None:
        plan.published_at = utcnow()
    elif not published:
        plan.published_at = None
    audit.record(
        "seating.publish" if published else "seating.unpublish",
        plan,
        actor=current_user,
        event_id=event.id,
        changes={"version": plan.version},
    )
    commit()
    if published:
        flash(
            _("Plan published: guests see their table and seat on their agenda and badge."),
            "success",
        )
    else:
        flash(_("Plan back to a draft: guests no longer see their places."), "success")
    return redirect(_back(event, plan))


@bp.route("/seating/<int:plan_id>/move", methods=["POST"])
@event_view(Role.ORGANISER)
def plan_move(event, plan_id: int):
    """Move a guest to a table and seat by hand (a taken seat: the two swap)."""
    plan = in_event_or_404(SeatingPlan, plan_id, event, NO_PLAN)
    people = plans.audience(plan)
    seen = as_id(request.form.get("version"))  # None: a client that does not send it
    form = _move_form(plan, people)
    if not form.validate_on_submit():
        return _render_plan(event, plan, form, 422)
    person = db.session.get(Participant, int(form.participant_id.data))
    table = plans.table_of(plan, int(form.table.data))
    seat = form.seat.data
    try:
        swapped = plans.move(plan, person, table, seat, actor=current_user, seen_version=seen)
        commit()
    except plans.PlanChanged as error:
        db.session.rollback()
        flash(str(error), "warning")
        return _render_plan(event, plan, _move_form(plan, people), 409)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return _render_plan(event, plan, form, 422)
    except sa.exc.IntegrityError:
        _clashed()
        return redirect(_back(event, plan))
    if swapped:
        message = _(
            "%(name)s now sits at table %(table)s, seat %(seat)d; %(other)s took their place.",
            name=person.titled_name,
            table=table.number,
            seat=seat,
            other=swapped,
        )
    else:
        message = _(
            "%(name)s now sits at table %(table)s, seat %(seat)d.",
            name=person.titled_name,
            table=table.number,
            seat=seat,
        )
    flash(message, "success")
    return redirect(_back(event, plan, _anchor=f"table-{table.number}"))


@bp.route("/seating/<int:plan_id>/settings", methods=["POST"])
@event_view(Role.ORGANISER)
def plan_settings(event, plan_id: int):
    plan = in_event_or_404(SeatingPlan, plan_id, event, NO_PLAN)
    people = plans.audience(plan)
    ids = {str(p.id) for p in people}
    form = forms.SettingsForm(prefix="settings")
    choices = [("", "")] + [(i, i) for i in ids]
    form.host_id.choices = form.guest_of_honour_id.choices = choices
    if not form.validate_on_submit():
        flash(
            _(
                "The settings were not saved: %(why)s",
                why="; ".join(str(e) for errors in form.errors.values() for e in errors),
            ),
            "danger",
        )
        return redirect(_back(event, plan))
    wanted = {
        "host_country_code": form.host_country_code.data.strip().upper(),
        "host_id": as_id(form.host_id.data),
        "guest_of_honour_id": as_id(form.guest_of_honour_id.data),
        "interpreters_behind": bool(form.interpreters_behind.data),
    }
    if all(getattr(plan, name) == value for name, value in wanted.items()):
        # Saved unchanged: the plan's version (printed on the entrance plan) stays.
        flash(_("Nothing changed in the settings."), "info")
        return redirect(_back(event, plan))
    for name, value in wanted.items():
        setattr(plan, name, value)
    plan.version += 1
    audit.record(
        "seating.settings",
        plan,
        actor=current_user,
        event_id=event.id,
        changes={
            "host_country_code": plan.host_country_code,
            "host_id": plan.host_id,
            "guest_of_honour_id": plan.guest_of_honour_id,
            "interpreters_behind": plan.interpreters_behind,
        },
    )
    commit()
    flash(_("Settings saved. Propose the plan again to apply them."), "success")
    return redirect(_back(event, plan))


@bp.route("/seating/<int:plan_id>/tables", methods=["GET", "POST"], endpoint="tables")
@event_view(Role.ORGANISER)
def tables_page(event, plan_id: int):
    """Add tables in numbers; the list of tables with their places on the layout."""
    plan = in_event_or_404(SeatingPlan, plan_id, event, NO_PLAN)
    form = forms.AddTablesForm()
    if not plan.tables and request.method == "GET":
        form.shape.data, form.seats.data = TableShape.HEAD.value, 16
    if form.validate_on_submit():
        try:
            ok, added = attempt(
                lambda: tables.add_tables(
                    plan,
                    form.count.data,
                    TableShape(form.shape.data),
                    form.seats.data,
                    actor=current_user,
                ),
                form,
            )
        except sa.exc.IntegrityError:  # the same numbers added by a second click meanwhile
            _clashed()
            return redirect(url_for("seating.tables", slug=event.slug, plan_id=plan.id))
        if ok:
            flash(_("%(n)d table(s) added.", n=len(added)), "success")
            return redirect(url_for("seating.tables", slug=event.slug, plan_id=plan.id))
    return render_template(
        "seating/tables.html",
        event=event,
        plan=plan,
        title=localized(plan.activity, "title"),
        form=form,
        shapes=forms.SHAPE_LABELS,
    ), (422 if form.errors else 200)


@bp.route("/seating/<int:plan_id>/tables/<int:table_id>", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def table(event, plan_id: int, table_id: int):
    plan = in_event_or_404(SeatingPlan, plan_id, event, NO_PLAN)
    table = _table_or_404(plan, table_id)
    form = forms.TableForm(obj=table)
    if request.method == "GET":
        form.shape.data = table.shape.value
    if form.validate_on_submit():
        values = dict(
            form.data, shape=TableShape(form.shape.data), x=float(form.x.data), y=float(form.y.data)
        )
        ok, _saved = attempt(lambda: tables.save_table(table, values, actor=current_user), form)
        if ok:
            flash(_("Table %(n)s saved.", n=table.number), "success")
            return redirect(url_for("seating.tables", slug=event.slug, plan_id=plan.id))
    return render_template(
        "seating/table.html",
        event=event,
        plan=plan,
        table=table,
        form=form,
        remove_form=forms.RemoveTableForm(formdata=None),
    ), (422 if form.errors else 200)


def _table_or_404(plan: SeatingPlan, table_id: int) -> SeatingTable:
    table = next((t for t in plan.tables if t.id == table_id), None)
    if table is None:
        from eventhub.errors import abort_with

        abort_with(404, NO_TABLE)
    return table


@bp.route("/seating/<int:plan_id>/tables/<int:table_id>/remove", methods=["POST"])
@event_view(Role.ORGANISER)
def table_remove(event, plan_id: int, table_id: int):
    plan = in_event_or_404(SeatingPlan, plan_id, event, NO_PLAN)
    table = _table_or_404(plan, table_id)
    form = forms.RemoveTableForm()
    if form.validate_on_submit():
        number = table.number
        ok, unseated = attempt(
            lambda: tables.remove_table(table, confirmed=form.confirm.data, actor=current_user)
        )
        if ok:
            flash(
                _("Table %(n)s removed; %(k)d guest(s) unseated.", n=number, k=unseated), "success"
            )
            return redirect(url_for("seating.tables", slug=event.slug, plan_id=plan.id))
    return redirect(url_for("seating.table", slug=event.slug, plan_id=plan.id, table_id=table_id))


@bp.route("/seating/<int:plan_id>/tables/<int:table_id>/position", methods=["POST"])
@event_view(Role.ORGANISER)
def table_position(event, plan_id: int, table_id: int):
    """A table dragged on the layout (the keyboard uses the table's form)."""
    plan = in_event_or_404(SeatingPlan, plan_id, event, NO_PLAN)
    table = _table_or_404(plan, table_id)
    form = forms.PositionForm()
    if not form.validate_on_submit():
        return {"error": _("Give x and y between 0 and 100.")}, 422
    tables.move_table(
        table, float(form.x.data or Decimal(0)), float(form.y.data or 0), actor=current_user
    )
    commit()
    return {"x": table.x, "y": table.y}
