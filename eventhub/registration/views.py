"""Registration pages. Thin: parse, call a service, render."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import (
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.audit import services as audit
from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.db import utcnow
from eventhub.directory.models import Organisation
from eventhub.errors import DomainError, abort_with
from eventhub.extensions import db, limiter
from eventhub.mail import send_mail
from eventhub.registration import (
    bp,
    delegations,
    duplicates,
    importer,
    importing,
    labels,
    letters,
    lists,
    own_link,
    precedence,
    privacy,
    registering,
)
from eventhub.registration.access import participant_or_404, photo_response
from eventhub.registration.exports import EXPORTS, to_csv, to_xlsx
from eventhub.registration.forms import (
    CATEGORY_CHOICES,
    DIET_LABELS,
    HISTORY_LABELS,
    IMPORT_FIELD_LABELS,
    ImportForm,
    LadderForm,
    RegistrationForm,
)
from eventhub.registration.models import (
    Category,
    Delegation,
    ImportBatch,
    ParticipantPhoto,
    Source,
    Status,
)
from eventhub.registration.signals import own_page_panels, participant_panels
from eventhub.web import (
    attempt,
    external_url,
    id_arg,
    id_list,
    in_event_or_404,
    paginate,
    panels,
    safe_next,
)

# Who may look at participants; only organisers change them.
ORGANISERS = (Role.ORGANISER, Role.VISA_OFFICER)
PER_PAGE = 50


def _organisation_names() -> list[str]:
    return list(db.session.scalars(sa.select(Organisation.name_en).order_by(Organisation.name_en)))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTRATION_RATE_LIMIT"], methods=["POST"])
@event_view()
def register(event):
    try:
        registering.ensure_open(event)
    except registering.RegistrationClosed as closed:
        return render_template("registration/closed.html", event=event, reason=str(closed))
    form = RegistrationForm()
    if form.validate_on_submit():
        ok, result = attempt(
            lambda: registering.register(
                event,
                form.raw(),
                source=Source.FORM,
                photo=form.photo_bytes(),
                photo_token=form.photo_token.data,
            ),
            form,
        )
        if ok:
            participant, key = result
            if own_link.send_confirmation(participant, key):
                flash(
                    _(
                        "Thank you. Your registration has been received; a confirmation with "
                        "the link to this page has been sent to %(email)s.",
                        email=participant.email,
                    ),
                    "success",
                )
            else:
                flash(
                    _(
                        "Thank you. Your registration has been received, but we could not "
                        "send the confirmation email: bookmark this page, its address is your "
                        "link to your registration."
                    ),
                    "warning",
                )
            return redirect(url_for("registration.own_page", slug=event.slug, key=key))
    return render_template(
        "registration/register.html", event=event, form=form, organisations=_organisation_names()
    )


@bp.route("/me/<key>", methods=["GET", "POST"])
@event_view()
def own_page(event, key: str):
    """The participant's own page, opened by the secret link from the confirmation email."""
    participant = own_link.participant_by_access_key(event, key)
    if participant is None:
        abort_with(
            404, _("This link is not valid. Use the link from your most recent confirmation email.")
        )
    form = RegistrationForm(data=own_link.form_values(participant))
    if form.validate_on_submit():
        ok, changes = attempt(
            lambda: registering.update_participant(
                participant, form.raw(), photo=form.photo_bytes(), photo_token=form.photo_token.data
            ),
            form,
        )
        if ok:
            flash(
                _("Your changes have been saved.") if changes else _("Nothing was changed."),
                "success",
            )
            return redirect(url_for("registration.own_page", slug=event.slug, key=key))
    return render_template(
        "registration/own_page.html",
        event=event,
        participant=participant,
        form=form,
        key=key,
        organisations=_organisation_names(),
        status_labels=labels.STATUS_LABELS,
        passport=registering.passport_view(participant, unmasked=False),
        has_photo=db.session.get(ParticipantPhoto, participant.id) is not None,
        panels=panels(own_page_panels, participant, event=event, key=key),
    )


@bp.get("/me/<key>/photo")
@event_view()
def own_photo(event, key: str):
    participant = own_link.participant_by_access_key(event, key)
    if participant is None:
        abort_with(404, _("This link is not valid."))
    return photo_response(participant.id)


@bp.get("/participants/")
@event_view(*ORGANISERS)
def participant_list(event):
    args = request.args
    filters = lists.ParticipantFilters(
        q=args.get("q", "")[:200],
        status=args.get("status", ""),
        country=args.get("country", ""),
        delegation=id_arg(args, "delegation"),
        category=args.get("category", ""),
        organisation=id_arg(args, "organisation"),
        arrival=args.get("arrival", ""),
        precedence=args.get("precedence", ""),
        sort=args.get("sort", "name"),
        descending=args.get("dir") == "desc",
    )
    page = paginate(lists.participant_query(event, filters), per_page=PER_PAGE)
    delegations = db.session.scalars(
        sa.select(Delegation).where(Delegation.event_id == event.id).order_by(Delegation.name_en)
    ).all()
    countries = lists.country_codes_in_event(event)
    return render_template(
        "registration/list.html",
        event=event,
        page=page,
        filters=filters,
        delegations=delegations,
        countries=countries,
        status_labels=labels.STATUS_LABELS,
        category_labels=dict(CATEGORY_CHOICES),
        ranks=precedence.ranks_by_level(event),
    )


def _form_ids(name: str = "ids") -> list[int]:
    """Participant ids from a form; anything that is not an id is ignored."""
    return id_list(request.form, name)


@bp.post("/participants/bulk")
@event_view(Role.ORGANISER)
def bulk_action(event):
    ids = _form_ids()
    chosen = lists.participants_in_event(event, ids)
    action = request.form.get("action", "")
    back = safe_next(
        request.form.get("back"), url_for("registration.participant_list", slug=event.slug)
    )
    if not chosen:
        flash(_("Select at least one participant first."), "warning")
        return redirect(back)
    statuses = {
        "approve": Status.APPROVED,
        "reject": Status.REJECTED,
        "waitlist": Status.WAITLISTED,
        "pending": Status.PENDING,
    }
    try:
        if action in statuses:
            changed = lists.change_status(
                chosen, statuses[action], actor=current_user, reason=request.form.get("reason", "")
            )
            count = len(changed)
            if request.form.get("notify"):
                db.session.commit()  # the decision stands even if a mail server fails
                failed = [p for p in changed if p.email and not lists.send_status_notice(p)]
                if failed:
                    flash(
                        _("%(count)d notification emails could not be sent.", count=len(failed)),
                        "warning",
                    )
        elif action == "category":
            try:
                category = Category(request.form.get("category", ""))
            except ValueError as exc:
                raise DomainError(_("Choose a category.")) from exc
            count = lists.change_category(chosen, category, actor=current_user)
        elif action == "email":
            count = _email_participants(
                event, chosen, request.form.get("subject", ""), request.form.get("message", "")
            )
        elif action in ("lock", "unlock"):
            count = lists.set_locked(chosen, action == "lock", actor=current_user)
        else:
            raise DomainError(_("Choose an action."))
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return redirect(back)
    db.session.commit()
    flash(
        _("%(count)d of %(total)d participants changed.", count=count, total=len(chosen)), "success"
    )
    return redirect(back)


@bp.route("/participants/<int:participant_id>", methods=["GET", "POST"])
@event_view(*ORGANISERS)
def participant_detail(event, participant_id: int):
    participant = participant_or_404(event, participant_id)
    if request.method == "POST" and Role.ORGANISER not in g.event_roles:
        abort_with(403, _("Only organisers change participants' data."))
    form = RegistrationForm(data=own_link.form_values(participant))
    form.submit.label.text = _("Save")
    if form.validate_on_submit():
        ok, changes = attempt(
            lambda: registering.update_participant(
                participant,
                form.raw(),
                photo=form.photo_bytes(),
                photo_token=form.photo_token.data,
                actor=current_user,
                may_edit_locked=True,
            ),
            form,
        )
        if ok:
            flash(_("Saved.") if changes else _("Nothing was changed."), "success")
            return redirect(
                url_for(
                    "registration.participant_detail",
                    slug=event.slug,
                    participant_id=participant.id,
                )
            )
    return render_template(
        "registration/detail.html",
        event=event,
        participant=participant,
        form=form,
        organisations=_organisation_names(),
        status_labels=labels.STATUS_LABELS,
        category_labels=dict(CATEGORY_CHOICES),
        diet_labels=DIET_LABELS,
        passport=registering.passport_view(
            participant, unmasked=Role.VISA_OFFICER in g.event_roles
        ),
        has_photo=db.session.get(ParticipantPhoto, participant.id) is not None,
        history=audit.history(participant),
        history_labels=HISTORY_LABELS,
        ranks=precedence.ranks_by_level(event),
        panels=panels(participant_panels, participant, event=event, roles=g.event_roles),
        action_labels=audit.ACTION_LABELS,
    )


@bp.post("/participants/<int:participant_id>/protocol-rank")
@event_view(Role.ORGANISER)
def participant_rank(event, participant_id: int):
    participant = participant_or_404(event, participant_id)
    raw = request.form.get("level", "").strip()
    if raw and not (raw.isascii() and raw.isdigit()):
        abort_with(400, _("Choose a rank of this event's order of precedence."))
    level = int(raw) if raw else None
    ok, changed = attempt(lambda: precedence.set_rank(participant, level, actor=current_user))
    if ok:
        flash(_("Protocol rank set.") if changed else _("Nothing was changed."), "success")
    return redirect(
        url_for("registration.participant_detail", slug=event.slug, participant_id=participant.id)
    )


@bp.route("/protocol-ranks", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def ladder(event):
    """The event's order of precedence, edited as one table and saved all at once."""
    form = LadderForm()
    rows: list[precedence.RankRow]
    errors: dict[int, list[str]] = {}
    if form.validate_on_submit():
        rows = LadderForm.rows_from(request.form)
        try:
            precedence.save_ladder(event, rows, actor=current_user)
        except precedence.LadderInvalid as error:
            db.session.rollback()
            errors = error.errors
            if not errors:
                flash(str(error), "danger")
        else:
            db.session.commit()
            flash(_("The order of precedence has been saved."), "success")
            return redirect(url_for("registration.ladder", slug=event.slug))
    else:
        rows = [
            precedence.RankRow(str(r.level), r.label_en, r.label_zh, r.vip, was=r.level)
            for r in precedence.ladder(event)
        ]
    blank = LadderForm.BLANK_ROWS - sum(1 for r in rows if r.was is None)
    rows += [precedence.RankRow("", "", "") for _n in range(max(blank, 0))]
    return render_template(
        "registration/ladder.html",
        event=event,
        form=form,
        rows=rows,
        errors=errors,
        holders=precedence.holders(event),
    )


@bp.get("/participants/<int:participant_id>/photo")
@event_view(*ORGANISERS)
def participant_photo(event, participant_id: int):
    participant = participant_or_404(event, participant_id)
    return photo_response(participant.id)


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
            db.session.commit()
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
    preview = importer.preview(event, batch.content, mapping)
    if request.method == "POST" and request.form.get("action") == "import":
        try:
            count = importing.import_participants(event, batch, preview, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
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
            db.session.commit()
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


@bp.get("/participants/duplicates")
@event_view(Role.ORGANISER)
def duplicates_list(event):
    pairs = duplicates.possible_duplicates(event)
    return render_template(
        "registration/duplicates.html",
        event=event,
        pairs=pairs[:200],
        total=len(pairs),
        reasons=duplicates.REASONS,
        status_labels=labels.STATUS_LABELS,
    )


@bp.post("/participants/duplicates")
@event_view(Role.ORGANISER)
def duplicates_decide(event):
    form = request.form
    try:
        first, second = int(form.get("first", "")), int(form.get("second", ""))
        if form.get("decision") == "keep_both":
            duplicates.keep_both(event, first, second, actor=current_user)
            message = _("Both registrations are kept; the pair is no longer listed.")
        elif form.get("decision") in ("keep_first", "keep_second"):
            keep, drop = (first, second) if form["decision"] == "keep_first" else (second, first)
            kept = duplicates.merge(event, keep, drop, actor=current_user)
            message = _("Merged into the registration of %(name)s.", name=kept.latin_name)
        else:
            raise DomainError(_("Choose an action."))
    except (DomainError, ValueError) as error:
        db.session.rollback()
        flash(str(error) if isinstance(error, DomainError) else _("Choose an action."), "danger")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("registration.duplicates_list", slug=event.slug))


@bp.get("/me/<key>/data.json")
@event_view()
def own_data(event, key: str):
    """Everything stored about the participant, as a file they can keep."""
    participant = own_link.participant_by_access_key(event, key)
    if participant is None:
        abort_with(404, _("This link is not valid."))
    response = Response(
        json.dumps(privacy.personal_data(participant), ensure_ascii=False, indent=2),
        mimetype="application/json",
    )
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{event.slug}-my-registration.json"'
    )
    response.headers["Cache-Control"] = "no-store"
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
        db.session.commit()
        flash(_("%(count)d participants have been anonymised.", count=count), "success")
    return redirect(url_for("registration.exports", slug=event.slug))


def _pdf_response(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _letters(event, people, filename: str):
    try:
        body = letters.visa_letters_pdf(
            event, people, issued=utcnow().astimezone(ZoneInfo(event.timezone)).date()
        )
    except DomainError as error:
        flash(str(error), "warning")
        return None
    return _pdf_response(body, filename)


@bp.get("/participants/<int:participant_id>/visa-letter.pdf")
@event_view(Role.VISA_OFFICER)
def visa_letter(event, participant_id: int):
    participant = participant_or_404(event, participant_id)
    response = _letters(event, [participant], f"visa-letter-{participant.id}.pdf")
    if response is None:
        return redirect(
            url_for(
                "registration.participant_detail", slug=event.slug, participant_id=participant.id
            )
        )
    audit.record("participant.visa_letter", participant, actor=current_user, event_id=event.id)
    db.session.commit()
    return response


@bp.get("/delegations/<int:delegation_id>/visa-letters.pdf")
@event_view(Role.VISA_OFFICER)
def delegation_visa_letters(event, delegation_id: int):
    delegation = in_event_or_404(
        Delegation, delegation_id, event, _("There is no such delegation in this event.")
    )
    members = delegations.delegation_members(delegation)
    response = _letters(event, members, f"visa-letters-delegation-{delegation.id}.pdf")
    if response is None:
        return redirect(
            url_for("registration.participant_list", slug=event.slug, delegation=delegation.id)
        )
    audit.record(
        "participant.visa_letter",
        delegation,
        actor=current_user,
        event_id=event.id,
        changes={"letters": [None, sum(1 for m in members if m.visa_letter_requested)]},
    )
    db.session.commit()
    return response


def _email_participants(event, chosen, subject: str, message: str) -> int:
    """Send each selected participant the organisers' message with a fresh personal link."""
    subject, message = subject.strip(), message.strip()
    if not subject or not message:
        raise DomainError(_("Write a subject and a message for the email."))
    sent = 0
    for participant in chosen:
        if not participant.email:
            continue
        key = own_link.access_key(participant)
        link = external_url("registration.own_page", slug=event.slug, key=key)
        with force_locale(participant.locale or "en"):  # their language, not the sender's
            body = render_template(
                "email/organisers_message.txt", participant=participant, message=message, link=link
            )
        if send_mail(participant.email, subject, body):
            sent += 1
    audit.record(
        "participant.email",
        event,
        actor=current_user,
        event_id=event.id,
        changes={"subject": [None, subject], "recipients": [None, sent]},
    )
    db.session.flush()
    return sent
