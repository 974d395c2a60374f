"""Organisers' pages about one participant's personal data: everything held, downloaded
as JSON or a readable PDF (each download audited), and the person's erasure after a page
saying what goes and what stays. Organisers only: visa officers see passports for letters,
not a person's whole file, and never erase."""

from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.audit import services as audit
from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.privacy import person_pdf, persons, retention
from eventhub.registration import bp
from eventhub.registration.access import participant_or_404
from eventhub.registration.erasure_summary import summary
from eventhub.registration.signals import participant_panels
from eventhub.web import Panel, commit, pdf_response


@participant_panels.connect
def personal_data_panel(participant, *, event, roles, **kwargs) -> Panel | None:
    if Role.ORGANISER not in roles:
        return None
    return Panel.rendered(
        "registration/_panel_personal_data.html", order=90, event=event, participant=participant
    )


def _filename(participant, ext: str) -> str:
    return f"personal-data-{participant.event.slug}-{participant.id}.{ext}"


@bp.get("/participants/<int:participant_id>/personal-data.json")
@event_view(Role.ORGANISER)
def personal_data_json(event, participant_id: int):
    participant = participant_or_404(event, participant_id)
    export = persons.export_person(event, participant.id)
    audit.record_export(
        event, _filename(participant, "json"), actor=current_user, action="person.export"
    )
    commit()
    response = Response(
        json.dumps(export, ensure_ascii=False, indent=2), mimetype="application/json"
    )
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{_filename(participant, "json")}"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/participants/<int:participant_id>/personal-data.pdf")
@event_view(Role.ORGANISER)
def personal_data_pdf(event, participant_id: int):
    participant = participant_or_404(event, participant_id)
    export = persons.export_person(event, participant.id)
    body = person_pdf.render(event, export, locale=str(get_locale() or "en"))
    audit.record_export(
        event, _filename(participant, "pdf"), actor=current_user, action="person.export"
    )
    commit()
    response = pdf_response(body, _filename(participant, "pdf"), download=True)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/participants/<int:participant_id>/erase", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def erase_person(event, participant_id: int):
    participant = participant_or_404(event, participant_id)
    back = url_for(
        "registration.participant_detail", slug=event.slug, participant_id=participant.id
    )
    if participant.erased_at is not None:
        flash(_("This person's data has already been erased: nothing was changed."), "info")
        return redirect(back)
    if request.method == "POST":
        try:
            persons.erase_person(event, participant.id, actor=current_user)
        except DomainError as error:  # erased meanwhile (a second tab, a double click)
            db.session.rollback()
            flash(str(error), "info")
            return redirect(back)
        commit()
        retention.reclaim()  # no copy of what was erased left in the database's files
        flash(
            _("The person's data has been erased; what must be kept stays without the name."),
            "success",
        )
        return redirect(back)
    export = persons.export_person(event, participant.id)
    goes, stays = summary(export)
    return render_template(
        "registration/erase_confirm.html",
        event=event,
        participant=participant,
        goes=goes,
        stays=stays,
    )
