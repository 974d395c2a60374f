"""The visa desk's pages: one person's visa step, and the event's visa list and its export."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth.access import event_view
from eventhub.db import utcnow
from eventhub.errors import abort_with
from eventhub.extensions import db
from eventhub.registration.access import ORGANISERS, participant_or_404
from eventhub.registration.exports import to_csv, to_xlsx
from eventhub.registration.labels import STATUS_LABELS
from eventhub.registration.letters import with_letters
from eventhub.registration.models import Delegation
from eventhub.visas import bp, lists, workflow
from eventhub.visas.forms import VisaStepForm
from eventhub.visas.labels import DATE_LABELS, STEP_LABELS
from eventhub.visas.models import VisaStep
from eventhub.web import attempt, id_arg, in_event, record_download


def _today(event):
    return utcnow().astimezone(ZoneInfo(event.timezone)).date()


@bp.route("/participants/<int:participant_id>/visa", methods=["GET", "POST"])
@event_view(*ORGANISERS)
def visa_case(event, participant_id: int):
    """One person's visa: the steps so far and the form to record the next (the visa desk
    and the organisers)."""
    participant = participant_or_404(event, participant_id)
    if participant.erased_at is not None:
        abort_with(409, _("This person's data has been erased: it can no longer be edited."))
    case = workflow.case_of(participant)
    form = VisaStepForm.for_case(case, workflow.state_of(participant, case))
    if form.validate_on_submit():
        ok, changed = attempt(
            lambda: workflow.record_step(
                participant, form.step(), today=_today(event), actor=current_user
            ),
            form,
        )
        if ok:
            flash(_("Visa step recorded.") if changed else _("Nothing was changed."), "success")
            return redirect(
                url_for(
                    "registration.participant_detail",
                    slug=event.slug,
                    participant_id=participant.id,
                )
            )
    return render_template(
        "visas/case.html",
        event=event,
        participant=participant,
        case=case,
        state=workflow.state_of(participant, case),
        form=form,
        step_labels=STEP_LABELS,
        date_labels=DATE_LABELS,
        status_labels=STATUS_LABELS,
    )


def _filters(event) -> tuple[lists.VisaFilters, Delegation | None]:
    delegation = in_event(Delegation, id_arg(request.args, "delegation"), event)
    state = request.args.get("state", "")
    return (
        lists.VisaFilters(
            state=state if state in set(VisaStep) else "",
            delegation=delegation.id if delegation else None,
        ),
        delegation,
    )


@bp.get("/visas/")
@event_view(*ORGANISERS)
def visa_list(event):
    filters, delegation = _filters(event)
    page = lists.visa_page(event, filters)
    left_out = []
    if delegation is not None and not filters.state:
        # Of the whole delegation, not of this page.
        members = [row.participant for row in lists.visa_rows(event, filters)]
        left_out = with_letters(members)[1]
    return render_template(
        "visas/list.html",
        event=event,
        page=page,
        filters=filters,
        delegation=delegation,
        left_out=left_out,
        counts=lists.step_counts(event, delegation),
        delegations=db.session.scalars(
            sa.select(Delegation)
            .where(Delegation.event_id == event.id)
            .order_by(Delegation.protocol_order, Delegation.name_en)
        ).all(),
        step_labels=STEP_LABELS,
        status_labels=STATUS_LABELS,
    )


@bp.get("/visas/export.<fmt>")
@event_view(*ORGANISERS)
def visa_export(event, fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort_with(404, _("There is no such list."))
    filters, _delegation = _filters(event)
    sheet = lists.sheet(lists.visa_rows(event, filters))
    if fmt == "csv":
        body, mimetype = to_csv(sheet), "text/csv; charset=utf-8"
    else:
        body = to_xlsx(sheet)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    record_download(event, f"{event.slug}-visas.{fmt}")
    response = Response(body, content_type=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{event.slug}-visas.{fmt}"'
    return response
