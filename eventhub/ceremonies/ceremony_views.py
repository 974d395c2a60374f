"""Signing ceremony pages for organisers: running order, run of show, stage, materials, prints."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.ceremonies import (
    bp,
    labels,
    lists,
    preparation,
    run_of_show,
    running_order,
    script,
    seating,
    workflow,
)
from eventhub.ceremonies import pdf as ceremony_pdf
from eventhub.ceremonies.access import agreement_or_404
from eventhub.db import utcnow
from eventhub.errors import abort_with
from eventhub.registration import precedence
from eventhub.registration.exports import to_xlsx
from eventhub.scheduling.models import Activity, ActivityType
from eventhub.web import attempt, id_arg, in_event_or_404, pdf_response, record_download


def _ceremony(event, activity_id: int):
    missing = _("There is no such signing ceremony in this event.")
    ceremony = in_event_or_404(Activity, activity_id, event, missing)
    if ceremony.type != ActivityType.SIGNING_CEREMONY:
        abort_with(404, missing)
    return ceremony


@bp.get("/ceremonies/<int:activity_id>")
@event_view(Role.ORGANISER)
def ceremony(event, activity_id: int):
    return _ceremony_page(event, _ceremony(event, activity_id))


def _ceremony_page(event, item, typed: dict | None = None):
    """The ceremony page; `typed` refills the settings form after a refused save."""
    cues, problems = run_of_show.run_of_show(item)
    problems += run_of_show.people_clashes(item)
    now = utcnow()
    agreements = running_order.ceremony_agreements(item)
    problems += seating.rank_gaps(agreements, event).values()
    if unranked := seating.unranked_signatories(agreements):
        problems.append(unranked)
    stored = run_of_show.settings_of(item)
    return render_template(
        "ceremonies/ceremony.html",
        event=event,
        ceremony=item,
        agreements=agreements,
        cues=cues,
        problems=problems,
        settings=typed or stored,
        convention=seating.CONVENTIONS[stored.host_left],  # chosen on the stage page
        tie_break=precedence.TIE_BREAK_LABELS.get(stored.tie_break, ""),
        settings_open=typed is not None,
        setting_labels=run_of_show.SETTING_LABELS,
        status_labels=labels.STATUS_LABELS,
        blockers={a.id: workflow.blockers(a, now=now) for a in agreements},
    )


@bp.get("/ceremonies/<int:activity_id>/stage")
@event_view(Role.ORGANISER)
def stage(event, activity_id: int):
    return _stage_page(event, _ceremony(event, activity_id))


def _stage_page(event, item, typed: dict | None = None):
    """The stage plans, under the conventions chosen for the ceremony (`typed` refills the
    conventions form after a refused save)."""
    settings = run_of_show.settings_of(item)
    agreements = running_order.ceremony_agreements(item)
    leaders = seating.delegation_leaders(agreements)
    plans = [
        seating.stage_plan(
            agreement, host_left=settings.host_left, leaders=leaders, tie_break=settings.tie_break
        )
        for agreement in agreements
    ]
    return render_template(
        "ceremonies/stage.html",
        event=event,
        ceremony=item,
        plans=plans,
        tables=settings.tables or 1,
        host_left=settings.host_left,
        convention=seating.CONVENTIONS[settings.host_left],
        form=typed or {"host_left": settings.host_left, "tie_break": settings.tie_break},
        tie_break=settings.tie_break,
        tie_break_labels=precedence.TIE_BREAK_LABELS,
        rank_gaps=seating.rank_gaps(agreements, event),
        ranks=precedence.ranks_by_level(event),
    )


@bp.post("/ceremonies/<int:activity_id>/stage/settings")
@event_view(Role.ORGANISER)
def stage_settings(event, activity_id: int):
    item = _ceremony(event, activity_id)
    settings = run_of_show.settings_of(item)
    ok, _none = attempt(
        lambda: seating.save_conventions(item, settings, request.form, actor=current_user)
    )
    if not ok:
        typed = {
            "host_left": request.form.get("host_left") != "right",
            "tie_break": request.form.get("tie_break", ""),
        }
        return _stage_page(event, item, typed), 422
    flash(_("Stage conventions saved."), "success")
    return redirect(url_for("ceremonies.stage", slug=event.slug, activity_id=item.id))


@bp.route("/ceremonies/<int:activity_id>/materials", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def materials(event, activity_id: int):
    item = _ceremony(event, activity_id)
    if request.method == "POST":
        keys = request.form.getlist("key")
        changes = {
            key: (request.form.get(f"prepared_by-{key}", ""), f"ready-{key}" in request.form)
            for key in keys
        }
        ok, count = attempt(lambda: preparation.save_materials(item, changes, actor=current_user))
        if ok:
            flash(
                ngettext("%(num)d line saved.", "%(num)d lines saved.", count)
                if count
                else _("Nothing to save: no changes."),
                "success" if count else "info",
            )
        return redirect(url_for("ceremonies.materials", slug=event.slug, activity_id=item.id))
    lines = preparation.materials(item)
    return render_template(
        "ceremonies/materials.html",
        event=event,
        ceremony=item,
        lines=lines,
        ready=sum(1 for line in lines if line.ready),
    )


@bp.post("/ceremonies/<int:activity_id>/settings")
@event_view(Role.ORGANISER)
def ceremony_settings(event, activity_id: int):
    item = _ceremony(event, activity_id)
    ok, _none = attempt(lambda: run_of_show.save_settings(item, request.form, actor=current_user))
    if not ok:  # show the page again with what was typed, not the stored values
        typed = {name: request.form.get(name, "") for name in run_of_show.SETTING_LABELS}
        return _ceremony_page(event, item, typed), 422
    flash(_("Ceremony settings saved; the run of show follows them."), "success")
    return redirect(url_for("ceremonies.ceremony", slug=event.slug, activity_id=item.id))


@bp.post("/ceremonies/<int:activity_id>/order")
@event_view(Role.ORGANISER)
def ceremony_order(event, activity_id: int):
    item = _ceremony(event, activity_id)
    if request.form.get("action") == "precedence":
        ok, _none = attempt(lambda: running_order.order_by_precedence(item, actor=current_user))
        if ok:
            flash(_("Running order set by protocol precedence."), "success")
    else:
        agreement = agreement_or_404(event, id_arg(request.form, "agreement_id") or 0)
        offset = -1 if request.form.get("action") == "up" else 1
        attempt(lambda: running_order.move_in_order(item, agreement, offset, actor=current_user))
    return redirect(url_for("ceremonies.ceremony", slug=event.slug, activity_id=item.id))


def _back_to_ceremony(event, ceremony, why: str):
    """A document that cannot be printed yet: say why on the ceremony's page."""
    flash(why, "warning")
    return redirect(url_for("ceremonies.ceremony", slug=event.slug, activity_id=ceremony.id))


@bp.get("/ceremonies/<int:activity_id>/register.pdf")
@event_view(Role.ORGANISER)
def signing_register(event, activity_id: int):
    item = _ceremony(event, activity_id)
    body = ceremony_pdf.signing_register(event, item, running_order.ceremony_agreements(item))
    return pdf_response(body, f"signing-register-{item.id}.pdf")


@bp.get("/ceremonies/<int:activity_id>/cover-sheets.pdf")
@event_view(Role.ORGANISER)
def cover_sheets(event, activity_id: int):
    item = _ceremony(event, activity_id)
    agreements = running_order.ceremony_agreements(item)
    if not agreements:
        return _back_to_ceremony(event, item, _("No agreements in this ceremony yet."))
    body = ceremony_pdf.cover_sheets(event, item, agreements)
    return pdf_response(body, f"cover-sheets-{item.id}.pdf")


@bp.get("/ceremonies/<int:activity_id>/programme.pdf")
@event_view(Role.ORGANISER)
def ceremony_programme(event, activity_id: int):
    item = _ceremony(event, activity_id)
    cues, problems = run_of_show.run_of_show(item)
    if not cues:
        return _back_to_ceremony(
            event, item, problems[0] if problems else _("The ceremony has no time yet.")
        )
    body = ceremony_pdf.ceremony_programme(event, item, cues)
    return pdf_response(body, f"ceremony-programme-{item.id}.pdf")


@bp.get("/ceremonies/<int:activity_id>/press-list.pdf")
@event_view(Role.ORGANISER)
def press_list(event, activity_id: int):
    item = _ceremony(event, activity_id)
    times = run_of_show.signing_times(item)
    agreements = running_order.ceremony_agreements(item)
    body = ceremony_pdf.signing_register(event, item, agreements, signing_times=times)
    return pdf_response(body, f"press-list-{item.id}.pdf")


@bp.get("/ceremonies/<int:activity_id>/press-list.xlsx")
@event_view(Role.ORGANISER)
def press_sheet(event, activity_id: int):
    item = _ceremony(event, activity_id)
    sheet = lists.press_sheet(
        item, running_order.ceremony_agreements(item), run_of_show.signing_times(item)
    )
    name = f"press-list-{item.id}.xlsx"
    record_download(event, name)
    response = Response(
        to_xlsx(sheet),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/ceremonies/<int:activity_id>/name-cards.pdf")
@event_view(Role.ORGANISER)
def name_cards(event, activity_id: int):
    item = _ceremony(event, activity_id)
    holders = preparation.name_card_holders(item)
    if not holders:
        return _back_to_ceremony(
            event, item, _("No signatories named yet: there are no name cards to print.")
        )
    return pdf_response(ceremony_pdf.tent_cards(event, holders), f"name-cards-{item.id}.pdf")


@bp.get("/ceremonies/<int:activity_id>/mc-script.pdf")
@event_view(Role.ORGANISER)
def mc_script(event, activity_id: int):
    item = _ceremony(event, activity_id)
    lines, problems = script.mc_script(item)
    if not lines:
        return _back_to_ceremony(
            event, item, problems[0] if problems else _("The ceremony has no time yet.")
        )
    body = ceremony_pdf.mc_script(event, item, lines, problems)
    return pdf_response(body, f"mc-script-{item.id}.pdf")
