"""Participants in and out: importing a list, the exports page, and anonymising after the event."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Response, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from eventhub import jobs
from eventhub.audit import services as audit
from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.db import utcnow
from eventhub.errors import DomainError, abort_with
from eventhub.extensions import db
from eventhub.registration import bp, importer, importing, privacy, tasks
from eventhub.registration.access import ORGANISERS
from eventhub.registration.exports import EXPORTS, to_csv, to_xlsx
from eventhub.registration.forms import IMPORT_FIELD_LABELS, ImportForm
from eventhub.registration.models import ImportBatch, ImportState, Status
from eventhub.web import commit, in_event_or_404


@bp.route("/participants/import", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def import_upload(event):
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        content = upload.read()
        try:
            importer.read_table(content)
        except importer.ImportUnreadable as error:
            form.file.errors.append(str(error))
        else:
            batch = ImportBatch(
                event_id=event.id,
                user_id=current_user.id,
                filename=(upload.filename or "upload")[:255],
                content=content,
            )
            db.session.add(batch)
            commit()
            return redirect(
                url_for("registration.import_preview", slug=event.slug, batch_id=batch.id)
            )
    return render_template("registration/import.html", event=event, form=form)


@bp.route("/participants/import/<int:batch_id>", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def import_preview(event, batch_id: int):
    batch = in_event_or_404(
        ImportBatch, batch_id, event, _("This upload does not exist. Upload the file again.")
    )
    if batch.imported_at is not None and batch.state == ImportState.DONE:
        flash(  # a large list, imported by the job worker while the page waited
            _(
                "%(count)d participants imported from %(file)s.",
                count=batch.imported_count,
                file=batch.filename,
            ),
            "success",
        )
        return redirect(url_for("registration.participant_list", slug=event.slug))
    if batch.imported_at is not None:
        flash(
            _(
                "This file has already been imported (%(count)d participants).",
                count=batch.imported_count,
            ),
            "info",
        )
        return redirect(url_for("registration.participant_list", slug=event.slug))
    # The organiser's column choices, when the form sent them; else the guesses.
    mapping = {
        int(key[4:]): value
        for key, value in request.form.items()
        if key.startswith("map_") and key[4:].isascii() and key[4:].isdigit()
    } or None
    if batch.state is not None:
        if jobs.recover_stalled_runs(ImportBatch, tasks.import_rows, event_id=event.id):
            commit()
        if batch.state in (ImportState.QUEUED, ImportState.RUNNING):
            return render_template("registration/import_running.html", event=event, batch=batch)
        if batch.state == ImportState.FAILED and request.method == "GET":
            flash(_("The import failed: %(error)s", error=batch.error), "danger")
    preview = importer.preview(event, batch.content, mapping)
    large = len(preview.rows) > current_app.config["IMPORT_INLINE_ROWS"]
    if request.method == "POST" and request.form.get("action") == "import" and large:
        if not preview.ok:
            flash(_("The file has errors; nothing was imported."), "danger")
        else:
            tasks.start(batch, mapping, locale=str(get_locale() or "en"))
            commit()
            return redirect(
                url_for("registration.import_preview", slug=event.slug, batch_id=batch.id)
            )
    elif request.method == "POST" and request.form.get("action") == "import":
        try:
            count = importing.import_participants(event, batch, preview, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            commit()
            flash(
                _(
                    "%(count)d participants imported from %(file)s.",
                    count=count,
                    file=batch.filename,
                ),
                "success",
            )
            return redirect(
                url_for(
                    "registration.participant_list", slug=event.slug, sort="registered", dir="desc"
                )
            )
    return render_template(
        "registration/import_preview.html",
        event=event,
        batch=batch,
        preview=preview,
        field_labels=IMPORT_FIELD_LABELS,
    )


@bp.get("/participants/exports")
@event_view(*ORGANISERS)
def exports(event):
    return render_template(
        "registration/exports.html",
        event=event,
        exports=EXPORTS,
        visa_desk=Role.VISA_OFFICER in g.event_roles,
    )


@bp.get("/participants/export/<kind>.<fmt>")
@event_view(*ORGANISERS)
def export(event, kind: str, fmt: str):
    if kind not in EXPORTS or fmt not in ("csv", "xlsx"):
        abort_with(404, _("There is no such list."))
    statuses = list(Status) if request.args.get("status") == "all" else [Status.APPROVED]
    builder = EXPORTS[kind][1]
    if kind == "participants":
        include_passport = request.args.get("passport") == "1"
        if include_passport:
            if Role.VISA_OFFICER not in g.event_roles:
                abort_with(403, _("Only the visa desk may export passport data."))
            audit.record(
                "participant.export_passport", event, actor=current_user, event_id=event.id
            )
            commit()
        sheet = builder(event, statuses, include_passport=include_passport)
    else:
        sheet = builder(event, statuses)
    if fmt == "csv":
        body, mimetype = to_csv(sheet), "text/csv; charset=utf-8"
    else:
        body = to_xlsx(sheet)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = Response(body, mimetype=mimetype)
    filename = f"{event.slug}-{kind}.{fmt}"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.post("/participants/anonymise")
@event_view(Role.ORGANISER)
def anonymise(event):
    if request.form.get("confirm", "").strip() != event.slug:
        flash(_("Type the event's address (%(slug)s) to confirm.", slug=event.slug), "danger")
        return redirect(url_for("registration.exports", slug=event.slug))
    today = utcnow().astimezone(ZoneInfo(event.timezone)).date()
    try:
        count = privacy.anonymise_event(event, actor=current_user, today=today)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        commit()
        flash(_("%(count)d participants have been anonymised.", count=count), "success")
    return redirect(url_for("registration.exports", slug=event.slug))
