"""Agreement pages for organisers. Thin: parse, call a service, render."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.ceremonies import bp, labels, lists, operations, signed_record, workflow
from eventhub.ceremonies.access import agreement_or_404
from eventhub.ceremonies.models import Agreement, AgreementParty, AgreementScan, AgreementStatus
from eventhub.db import utcnow
from eventhub.directory.models import Organisation
from eventhub.directory.services import accepted_organisations
from eventhub.errors import abort_with
from eventhub.extensions import db
from eventhub.registration import precedence
from eventhub.registration.exports import to_csv, to_xlsx
from eventhub.registration.lists import ParticipantFilters, participant_query
from eventhub.registration.models import Participant
from eventhub.registration.validation import INTERPRETATION_LANGUAGES
from eventhub.web import (
    attempt,
    id_arg,
    id_list,
    in_event_or_404,
    pdf_response,
    record_download,
)


@bp.get("/agreements/")
@event_view(Role.ORGANISER)
def agreements(event):
    args = request.args
    items = (
        db.session.scalars(
            lists.agreements_query(
                event,
                status=args.get("status", ""),
                country=args.get("country", ""),
                field=args.get("field", ""),
                ceremony=id_arg(args, "ceremony"),
            )
        )
        .unique()
        .all()
    )
    now = utcnow()
    fields = sorted(
        set(
            db.session.scalars(
                sa.select(Agreement.field)
                .where(Agreement.event_id == event.id, Agreement.field != "")
                .distinct()
            )
        )
    )
    return render_template(
        "ceremonies/agreements.html",
        event=event,
        agreements=items,
        blockers={a.id: workflow.blockers(a, now=now) for a in items},
        status_labels=labels.STATUS_LABELS,
        kind_labels=labels.KIND_LABELS,
        ceremonies=lists.ceremonies_of(event),
        fields=fields,
        args=args,
    )


def _submitted(form, current: MultiDict | None = None, locked: frozenset[str] = frozenset()):
    """The agreement form as the service reads it; locked fields (shown disabled, so not sent)
    keep their current values. A locked field that is sent (a page opened before the
    agreement was signed) goes to the service, which refuses a change to it."""
    source = {
        name: (
            current
            if name in locked and current and ("party" if name == "parties" else name) not in form
            else form
        )
        for name in LOCKABLE
    }
    values = {name: source[name].get(name, "") for name in LOCKABLE if name != "parties"}
    values["ceremony_id"] = id_arg(source["ceremony_id"], "ceremony_id")
    values["languages"] = source["languages"].getlist("languages")
    parties = id_list(source["parties"], "party")
    return values, parties


LOCKABLE = (
    "title_en",
    "title_zh",
    "kind",
    "field",
    "notes",
    "ceremony_id",
    "languages",
    "prevailing_language",
    "originals",
    "parties",
)


def _as_form(agreement: Agreement) -> MultiDict:
    form = MultiDict(
        {
            "title_en": agreement.title_en,
            "title_zh": agreement.title_zh,
            "kind": agreement.kind.value,
            "field": agreement.field,
            "notes": agreement.notes,
            "ceremony_id": str(agreement.ceremony_id or ""),
            "prevailing_language": agreement.prevailing_language,
            "originals": str(agreement.originals or ""),
        }
    )
    form.setlist("languages", agreement.languages.split(","))
    form.setlist("party", [str(party.organisation_id) for party in agreement.parties])
    return form


def _form_page(template: str, event, form, **context):
    organisations = db.session.scalars(
        accepted_organisations().order_by(Organisation.country_code, Organisation.name_en)
    ).all()
    return render_template(
        template,
        event=event,
        organisations=organisations,
        ceremonies=lists.ceremonies_of(event),
        kind_labels=labels.KIND_LABELS,
        languages=INTERPRETATION_LANGUAGES,
        form=form,
        **context,
    )


@bp.route("/agreements/new", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def new_agreement(event):
    if request.method == "POST":
        values, parties = _submitted(request.form)
        ok, agreement = attempt(
            lambda: operations.create_agreement(event, values, parties, actor=current_user)
        )
        if ok:
            flash(_("Agreement added. Now name the signatories."), "success")
            return redirect(
                url_for("ceremonies.agreement", slug=event.slug, agreement_id=agreement.id)
            )
    return _form_page("ceremonies/new.html", event, request.form, locked=set())


@bp.route("/agreements/<int:agreement_id>/edit", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def edit_agreement(event, agreement_id: int):
    item = agreement_or_404(event, agreement_id)
    locked = frozenset(operations.locked_fields(item))
    current = _as_form(item)
    form = current
    if request.method == "POST":
        form = MultiDict(request.form)
        for name in locked:  # show what stays, not the blanks of disabled fields
            key = "party" if name == "parties" else name
            form.setlist(key, current.getlist(key))
        values, parties = _submitted(request.form, current, locked)
        ok, changes = attempt(
            lambda: operations.update_agreement(item, values, parties, actor=current_user)
        )
        if ok:
            flash(
                _("Agreement saved.") if changes else _("Nothing to save: no changes."),
                "success" if changes else "info",
            )
            return redirect(url_for("ceremonies.agreement", slug=event.slug, agreement_id=item.id))
    return _form_page(
        "ceremonies/edit.html",
        event,
        form,
        agreement=item,
        locked=locked,
        status_labels=labels.STATUS_LABELS,
    )


@bp.get("/agreements/<int:agreement_id>")
@event_view(Role.ORGANISER)
def agreement(event, agreement_id: int):
    return _agreement_page(event, agreement_or_404(event, agreement_id))


def _agreement_page(event, item: Agreement, typed: MultiDict | None = None):
    """The agreement's page; `typed` refills the amendment form after a refused one."""
    frozen = signed_record.is_frozen(item)
    people = {
        party.id: []
        if frozen
        else db.session.scalars(
            sa.select(Participant)
            .where(
                Participant.event_id == event.id,
                Participant.organisation_id == party.organisation_id,
            )
            .order_by(Participant.protocol_rank.nulls_last(), Participant.sort_name)
            .limit(300)
        ).all()
        for party in item.parties
    }
    query = request.args.get("witness", "").strip()
    candidates = (
        db.session.scalars(participant_query(event, ParticipantFilters(q=query)).limit(20))
        .unique()
        .all()
        if query and not frozen
        else []
    )
    steps = list(AgreementStatus)
    position = steps.index(item.status)
    return render_template(
        "ceremonies/agreement.html",
        event=event,
        agreement=item,
        frozen=frozen,
        signer=signed_record.signer,
        witness_as_signed=signed_record.witness,
        subjects=signed_record.subjects(item) if frozen else {},
        amendment_form=typed or MultiDict(),
        people=people,
        candidates=candidates,
        witness_query=query,
        ranks=precedence.ranks_by_level(event),
        status_labels=labels.STATUS_LABELS,
        kind_labels=labels.KIND_LABELS,
        languages=INTERPRETATION_LANGUAGES,
        scan=workflow.scan_of(item),
        blockers=workflow.blockers(item, now=utcnow()),
        next_status=steps[position + 1] if position + 1 < len(steps) else None,
        previous_status=steps[position - 1] if workflow.may_step_back(item) else None,
    )


@bp.post("/agreements/<int:agreement_id>/amendments")
@event_view(Role.ORGANISER)
def amend(event, agreement_id: int):
    """Correct a signed agreement's record; the record as signed is kept."""
    item = agreement_or_404(event, agreement_id)
    ok, _none = attempt(
        lambda: signed_record.record_amendment(item, request.form, actor=current_user)
    )
    if not ok:  # the reason is flashed; the form keeps what was typed
        return _agreement_page(event, item, MultiDict(request.form)), 422
    flash(_("Amendment recorded; the signing record is kept as signed."), "success")
    return redirect(url_for("ceremonies.agreement", slug=event.slug, agreement_id=item.id))


@bp.post("/agreements/<int:agreement_id>/signatory")
@event_view(Role.ORGANISER)
def signatory(event, agreement_id: int):
    item = agreement_or_404(event, agreement_id)
    party = db.session.get(AgreementParty, id_arg(request.form, "party_id") or 0)
    if party is None or party.agreement_id != item.id:
        abort_with(404, _("There is no such party in this agreement."))
    person_id = id_arg(request.form, "participant_id")
    person = db.session.get(Participant, person_id) if person_id else None
    assistant_id = id_arg(request.form, "assistant_id")
    assistant = db.session.get(Participant, assistant_id) if assistant_id else None

    def save():
        warnings = operations.set_signatory(party, person, actor=current_user)
        if "assistant_id" in request.form:
            operations.set_assistant(party, assistant, actor=current_user)
        return warnings

    ok, warnings = attempt(save)
    if ok:
        for warning in warnings:
            flash(warning, "warning")
        flash(_("Signatory saved."), "success")
    return redirect(url_for("ceremonies.agreement", slug=event.slug, agreement_id=item.id))


@bp.post("/agreements/<int:agreement_id>/witnesses")
@event_view(Role.ORGANISER)
def witness(event, agreement_id: int):
    item = agreement_or_404(event, agreement_id)
    person = in_event_or_404(
        Participant,
        id_arg(request.form, "participant_id"),
        event,
        _("There is no such participant in this event."),
    )
    ok, _none = attempt(lambda: operations.add_witness(item, person, actor=current_user))
    if ok:
        flash(_("Witness added."), "success")
    return redirect(url_for("ceremonies.agreement", slug=event.slug, agreement_id=item.id))


@bp.post("/agreements/<int:agreement_id>/scan")
@event_view(Role.ORGANISER)
def upload_scan(event, agreement_id: int):
    item = agreement_or_404(event, agreement_id)
    upload = request.files.get("scan")
    data = upload.read() if upload else b""
    filename = upload.filename if upload else ""
    ok, scan = attempt(lambda: workflow.attach_scan(item, data, filename, actor=current_user))
    if ok:
        flash(
            ngettext(
                "Scan filed (%(num)d page). The agreement can now be archived.",
                "Scan filed (%(num)d pages). The agreement can now be archived.",
                scan.pages,
            ),
            "success",
        )
    return redirect(url_for("ceremonies.agreement", slug=event.slug, agreement_id=item.id))


@bp.post("/agreements/<int:agreement_id>/scan/remove")
@event_view(Role.ORGANISER)
def remove_scan(event, agreement_id: int):
    item = agreement_or_404(event, agreement_id)
    ok, _none = attempt(lambda: workflow.remove_scan(item, actor=current_user))
    if ok:
        flash(_("Scan removed. File the right one before archiving."), "success")
    return redirect(url_for("ceremonies.agreement", slug=event.slug, agreement_id=item.id))


@bp.get("/agreements/<int:agreement_id>/scan.pdf")
@event_view(Role.ORGANISER)
def download_scan(event, agreement_id: int):
    item = agreement_or_404(event, agreement_id)
    scan = db.session.get(AgreementScan, item.id)
    if scan is None:
        abort_with(404, _("No scan of the signed copy has been filed yet."))
    return pdf_response(scan.content, f"agreement-{item.id}-signed.pdf", download=True)


@bp.post("/agreements/<int:agreement_id>/status")
@event_view(Role.ORGANISER)
def status(event, agreement_id: int):
    item = agreement_or_404(event, agreement_id)
    try:
        target = AgreementStatus(request.form.get("status", ""))
    except ValueError:
        abort_with(400, _("Choose a step of the workflow."))
    ok, _none = attempt(lambda: workflow.advance(item, target, actor=current_user))
    if ok:
        flash(
            _("The agreement is now: %(status)s.", status=labels.STATUS_LABELS[target]), "success"
        )
    return redirect(url_for("ceremonies.agreement", slug=event.slug, agreement_id=item.id))


@bp.get("/agreements/export.<fmt>")
@event_view(Role.ORGANISER)
def export(event, fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort_with(404, _("There is no such list."))
    sheet = lists.agreements_sheet(event)
    body = to_csv(sheet) if fmt == "csv" else to_xlsx(sheet)
    mimetype = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    record_download(event, f"{event.slug}-agreements.{fmt}")
    response = Response(body, content_type=mimetype)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{event.slug}-agreements.{fmt}"'
    )
    return response
