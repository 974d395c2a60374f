"""The organisers' page about how long personal data is kept: the report of what is past its
date, the days per kind, "Erase now", and the erasures done."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from eventhub import jobs
from eventhub.auth.access import event_view
from eventhub.auth.models import Role, User
from eventhub.extensions import db
from eventhub.privacy import bp, kinds, retention, tasks
from eventhub.privacy.models import ErasureRun, ErasureTrigger
from eventhub.privacy.retention_forms import EraseForm, RetentionForm, field_name
from eventhub.web import commit, paginate

TRIGGER_LABELS = {
    ErasureTrigger.NIGHTLY: _l("Nightly job"),
    ErasureTrigger.MANUAL: _l("Erase now, by an organiser"),
    ErasureTrigger.PERSON: _l("One person erased"),
    ErasureTrigger.IMPORT: _l("Event restored from an archive"),
}


@bp.route("/privacy", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def retention_page(event):
    """The report per kind, the days per kind (saved here), and the erasures done."""
    form = RetentionForm()
    typed: dict[str, str] = {}
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        wanted, typed, errors = RetentionForm.days_from(request.form)
        if not errors:
            changes = retention.set_days(event, wanted, current_user)
            commit()
            flash(
                _("How long personal data is kept was saved.")
                if changes
                else _("Nothing was changed."),
                "success",
            )
            return redirect(url_for("privacy.retention_page", slug=event.slug))
    rows = retention.report(event)
    if not typed:
        typed = {field_name(row.kind): str(row.days) for row in rows}
    runs = paginate(
        sa.select(ErasureRun)
        .where(ErasureRun.event_id == event.id)
        .order_by(ErasureRun.started_at.desc(), ErasureRun.id.desc()),
        per_page=20,
    )
    return render_template(
        "privacy/retention.html",
        event=event,
        form=form,
        erase_form=EraseForm(),
        rows=rows,
        typed=typed,
        errors=errors,
        field_name=field_name,
        due=sum(row.due for row in rows),
        runs=runs,
        actors=_actors(runs.items),
        trigger_labels=TRIGGER_LABELS,
        kind_labels=kinds.KIND_LABELS,
        max_days=kinds.MAX_DAYS,
    )


@bp.route("/privacy/erase", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def retention_erase(event):
    """Confirm, then hand the erasure of what is past its date to the job worker."""
    form = EraseForm()
    if form.validate_on_submit():
        jobs.later(tasks.erase_event, event.id, current_user.id)
        commit()
        flash(
            _(
                "The erasure has started: what is past its date is erased in a moment. "
                "It appears below when done."
            ),
            "success",
        )
        return redirect(url_for("privacy.retention_page", slug=event.slug))
    rows = [row for row in retention.report(event) if row.due]
    return render_template("privacy/retention_erase.html", event=event, form=form, rows=rows)


def _actors(runs) -> dict[int, User]:
    ids = {run.actor_id for run in runs if run.actor_id}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}
