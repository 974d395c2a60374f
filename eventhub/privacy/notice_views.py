"""The organisers' page of an event's notices: the text shown for each purpose in each
language, a new version saved from a textarea, and every earlier version."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth.access import event_view
from eventhub.auth.models import Role, User
from eventhub.errors import abort_with
from eventhub.extensions import db
from eventhub.i18n import LOCALE_LABELS, supported_locales
from eventhub.privacy import bp, notices
from eventhub.privacy.kinds import PURPOSE_LABELS, Purpose
from eventhub.privacy.models import Consent, Notice
from eventhub.web import commit


def languages(event) -> list[str]:
    """English and Chinese, the app's languages, and any language already written or shown
    to the event's registrants."""
    used = (
        db.session.scalars(
            sa.select(Notice.language).where(Notice.event_id == event.id).distinct()
        ).all()
        + db.session.scalars(
            sa.select(Consent.language).where(Consent.event_id == event.id).distinct()
        ).all()
    )
    return list(dict.fromkeys([*notices.LANGUAGES, *supported_locales(), *filter(None, used)]))


@bp.route("/privacy/notices", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def notices_page(event):
    langs = languages(event)
    typed: dict[tuple[str, str], str] = {}
    errors: dict[tuple[str, str], str] = {}
    if request.method == "POST":
        try:
            purpose = Purpose(request.form.get("purpose", ""))
        except ValueError:
            abort_with(400, _("Choose one of the listed purposes."))
        language = request.form.get("language", "")
        if language not in langs:
            abort_with(400, _("Choose one of the listed languages."))
        text = request.form.get("text", "")
        key = (purpose.value, language)
        typed[key] = text[: notices.MAX_LENGTH * 2]
        if not text.strip():
            errors[key] = _("Write the notice: an empty notice cannot be shown to registrants.")
        elif len(text.strip()) > notices.MAX_LENGTH:
            errors[key] = _(
                "The notice is %(n)d characters long; keep it under %(max)d.",
                n=len(text.strip()),
                max=notices.MAX_LENGTH,
            )
        else:
            saved = notices.save(event, purpose, language, text, current_user)
            commit()
            if saved is None:
                flash(_("The text is the current one: no new version was added."), "info")
            else:
                flash(
                    _(
                        "Version %(n)d of the notice is saved; new registrants see it from now "
                        "on. Consents already given keep the version they were given under.",
                        n=saved.version,
                    ),
                    "success",
                )
            anchor = f"notice-{purpose.value}-{language}"
            return redirect(url_for("privacy.notices_page", slug=event.slug) + "#" + anchor)
    versions: dict[tuple[str, str], list[Notice]] = {}
    for notice in notices.history(event):
        versions.setdefault((notice.purpose.value, notice.language), []).append(notice)
    authors = {
        user.id: user.email
        for user in db.session.scalars(
            sa.select(User).where(
                User.id.in_({n.created_by_id for vs in versions.values() for n in vs} - {None})
            )
        )
    }
    current = {
        (purpose.value, lang): notices.current(event, purpose, lang)
        for purpose in Purpose
        for lang in langs
    }
    return render_template(
        "privacy/notices.html",
        event=event,
        purposes=list(Purpose),
        purpose_labels=PURPOSE_LABELS,
        languages=langs,
        language_labels=LOCALE_LABELS,
        current=current,
        versions=versions,
        authors=authors,
        typed=typed,
        errors=errors,
        max_length=notices.MAX_LENGTH,
    ), (422 if errors else 200)
