"""The organisers' Translations page: every text they wrote, in English, beside its
translation into each language other than English and Chinese."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.events import bp, content
from eventhub.extensions import db
from eventhub.i18n import LOCALE_LABELS
from eventhub.web import commit

PER_PAGE = 20  # objects per page: an event has over a hundred activities


@bp.route("/events/<slug>/translations", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def translations(event):
    """One language and one kind of text at a time, a page of objects at a time; saved
    all at once, nothing saved while one text is refused (what was typed is kept)."""
    locales = content.locales_to_translate()
    if not locales:
        abort(404)
    locale = request.args.get("lang") if request.args.get("lang") in locales else locales[0]
    kinds = content.kinds()
    kind = content.REGISTRY.get(request.args.get("kind", "")) or kinds[0]
    objects = list(kind.objects(event))
    pages = max(1, -(-len(objects) // PER_PAGE))
    page = request.args.get("page", 1, type=int)
    page = page if 1 <= page <= pages else 1
    shown = objects[(page - 1) * PER_PAGE : page * PER_PAGE]
    found = content.entries(event, kind, locale, shown)
    errors: dict[str, str] = {}
    typed: dict[str, str] = {}
    if request.method == "POST":
        typed = {entry.name: request.form.get(entry.name, "") for entry in found}
        errors = content.validate(found, request.form)  # said above the form
        if not errors:
            confirmed = set(request.form.getlist("confirm"))
            changes = content.save(
                event, locale, found, request.form, confirmed, actor=current_user
            )
            commit()
            flash(_("Translations saved.") if changes else _("Nothing was changed."), "success")
            return redirect(
                url_for(
                    "events.translations", slug=event.slug, lang=locale, kind=kind.kind, page=page
                )
            )
        db.session.rollback()
    return render_template(
        "events/translations.html",
        event=event,
        locales=locales,
        locale=locale,
        locale_labels=LOCALE_LABELS,
        kinds=kinds,
        kind=kind,
        entries=found,
        typed=typed,
        errors=errors,
        progress=content.progress(event),
        page=page,
        pages=pages,
    ), (422 if errors else 200)
