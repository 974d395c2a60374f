"""Merging two registrations: both side by side, a value chosen per field, a confirmation."""

from __future__ import annotations

from babel.lists import format_list
from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.registration import bp, merging
from eventhub.web import commit, id_arg


@bp.route("/participants/duplicates/merge", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def merge(event):
    """GET: the two registrations field by field. POST `step=review`: the result to confirm.
    POST `step=confirm`: merged, the removed registration deleted (its id is never given to
    anyone else: see eventhub.db)."""
    source = request.form if request.method == "POST" else request.args
    keep, remove = id_arg(source, "keep"), id_arg(source, "remove")
    try:
        kept, removed, lines = merging.lines(event, keep or 0, remove or 0)
    except DomainError as error:
        flash(str(error), "danger")
        return redirect(url_for("registration.duplicates_list", slug=event.slug))
    choices = {line.field.key: source.get(line.field.key, "") for line in lines}
    lines = merging.with_choices(lines, choices)
    step = request.form.get("step") if request.method == "POST" else ""
    if step == "confirm":
        try:
            kept = merging.merge(event, kept.id, removed.id, choices, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            commit()
            flash(_("Merged into the registration of %(name)s.", name=kept.latin_name), "success")
            return redirect(url_for("registration.duplicates_list", slug=event.slug))
    return render_template(
        "registration/merge.html",
        event=event,
        kept=kept,
        removed=removed,
        lines=lines,
        review=step == "review",
        empty_in_both=format_list(
            [str(line.field.label) for line in lines if not (line.kept or line.removed)],
            locale=get_locale(),
        ),
    )
