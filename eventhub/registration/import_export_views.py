"""Participants in and out: importing a list, the exports page, and anonymising after the event."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Response, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from eventhub import jobs
from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.db import utcnow
from eventhub.directory.services import countries_for_choice
from eventhub.errors import DomainError, abort_with
from eventhub.extensions import db
from eventhub.privacy import retention
from eventhub.privacy.kinds import Purpose
from eventhub.registration import bp, dates, importer, importing, privacy, tasks
from eventhub.registration.access import ORGANISERS
from eventhub.registration.exports import EXPORTS, to_csv, to_xlsx
from eventhub.registration.forms import CATEGORY_CHOICES, IMPORT_FIELD_LABELS, ImportForm
from eventhub.registration.models import Delegation, ImportBatch, ImportState, Status
from eventhub.registration.reading import ENCODINGS
from eventhub.web import commit, in_event_or_404, record_download

# The columns an organiser can map; a person's language only comes from a list or the API
# (the form takes the browser's), so its label is not among the form's.
IMPORT_LABELS = {**IMPORT_FIELD_LABELS, "locale": _l("Language of the pages and mails")}


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
    settings = _settings_from(request.form) if request.method == "POST" else None
    if batch.state is not None:
        if jobs.recover_stalled_runs(ImportBatch, tasks.import_rows, event_id=event.id):
            commit()
        if batch.state in (ImportState.QUEUED, ImportState.RUNNING):
            return render_template("registration/import_running.html", event=event, batch=batch)
        if batch.state == ImportState.FAILED and request.method == "GET":
            flash(_("The import failed: %(error)s", error=batch.error), "danger")
            settings = importer.Settings.from_stored(batch.mapping, batch.settings)
    try:
        preview = importer.preview(event, batch.content, settings)
    except importer.ImportUnreadable as error:  # the encoding chosen does not fit the bytes
        if not (settings and settings.encoding):
            raise
        flash(str(error), "danger")
        settings.encoding = None
        preview = importer.preview(event, batch.content, settings)
    large = len(preview.rows) > current_app.config["IMPORT_INLINE_ROWS"]
    importing_now = request.method == "POST" and request.form.get("action") == "import"
    attested = {
        purpose: request.form.get(f"attest_{purpose.value}") == "y"
        for purpose in importing.ATTESTED
    }
    # Without the registration attestation nothing is imported: said next to its box.
    unattested = importing_now and preview.ok and not attested[Purpose.REGISTRATION]
    importing_now = importing_now and not unattested
    if importing_now and large:
        if not preview.ok:
            flash(_("The file has errors; nothing was imported."), "danger")
        else:
            tasks.start(
                batch, preview.settings, locale=str(get_locale() or "en"), attested=attested
            )
            commit()
            return redirect(
                url_for("registration.import_preview", slug=event.slug, batch_id=batch.id)
            )
    elif importing_now:
        try:
            count = importing.import_participants(
                event, batch, preview, actor=current_user, attested=attested
            )
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
        field_labels=IMPORT_LABELS,
        date_fields=importer.DATE_FIELDS,
        date_orders=dates.ORDERS,
        encodings=ENCODINGS,
        delegations=db.session.scalars(
            sa.select(Delegation)
            .where(Delegation.event_id == event.id)
            .order_by(Delegation.name_en)
        ).all(),
        countries=countries_for_choice(),
        categories=CATEGORY_CHOICES,
        attested={purpose.value: yes for purpose, yes in attested.items()},
        attest_error=importing.NOT_ATTESTED if unattested else None,
    )


def _settings_from(form) -> importer.Settings:
    """The organiser's choices as the preview form sends them."""

    def numbered(prefix: str) -> dict[int, str]:
        return {
            int(key[len(prefix) :]): value
            for key, value in form.items()
            if key.startswith(prefix)
            and key[len(prefix) :].isascii()
            and key[len(prefix) :].isdigit()
        }

    encoding = form.get("encoding", "")
    return importer.Settings(
        mapping=numbered("map_") or None,
        encoding=encoding if encoding in ENCODINGS else None,
        date_orders={k: v for k, v in numbered("order_").items() if v in dates.ORDERS},
        defaults={
            name: form.get(f"default_{name}", "").strip()[:200]
            for name in importer.DEFAULT_FIELDS
            if form.get(f"default_{name}", "").strip()
        },
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
    include_passport = kind == "participants" and request.args.get("passport") == "1"
    if include_passport and Role.VISA_OFFICER not in g.event_roles:
        abort_with(403, _("Only the visa desk may export passport data."))
    if kind == "participants":
        sheet = builder(event, statuses, include_passport=include_passport)
    else:
        sheet = builder(event, statuses)
    if fmt == "csv":
        body, mimetype = to_csv(sheet), "text/csv; charset=utf-8"
    else:
        body = to_xlsx(sheet)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = Response(body, content_type=mimetype)
    filename = f"{event.slug}-{kind}.{fmt}"
    # Passport numbers in it: one entry names the file and says so.
    record_download(
        event,
        filename,
        action="participant.export_passport" if include_passport else "data.export",
    )
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
        retention.reclaim()  # no old copy of what was erased stays in the database's files
        flash(_("%(count)d participants have been anonymised.", count=count), "success")
    return redirect(url_for("registration.exports", slug=event.slug))
