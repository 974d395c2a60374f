"""The organisers' participant pages: the list, bulk actions, a record, precedence, visa letters."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from flask import Response, flash, g, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.audit import display as audit_display
from eventhub.audit import services as audit
from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.db import utcnow
from eventhub.directory.services import organisation_names
from eventhub.errors import DomainError, abort_with
from eventhub.extensions import db
from eventhub.mail import send_mail
from eventhub.registration import (
    bp,
    delegation_admin,
    duplicates,
    labels,
    letters,
    lists,
    own_link,
    photo_crops,
    precedence,
    registering,
)
from eventhub.registration.access import ORGANISERS, participant_or_404, photo_response
from eventhub.registration.delegations import delegation_members
from eventhub.registration.forms import (
    CATEGORY_CHOICES,
    DIET_LABELS,
    LadderForm,
    RegistrationForm,
)
from eventhub.registration.models import Category, Delegation, ParticipantPhoto, Status
from eventhub.registration.signals import participant_panels, visa_letters_issued
from eventhub.web import (
    as_id,
    attempt,
    commit,
    external_url,
    id_arg,
    id_list,
    in_event,
    in_event_or_404,
    paginate,
    panels,
    safe_next,
)

PER_PAGE = 50


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
    delegations = delegation_admin.in_order(event)
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
    erased = [person for person in chosen if person.erased_at is not None]
    if erased:  # nothing left to change on them, and nothing personal may be added back
        chosen = [person for person in chosen if person.erased_at is None]
        flash(
            _(
                "%(count)d erased people were left out: their data can no longer be changed.",
                count=len(erased),
            ),
            "warning",
        )
        if not chosen:
            return redirect(back)
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
            waiting = [p for p in changed if p.status != statuses[action]]
            if waiting:
                flash(
                    _(
                        "No place was free for %(count)d of them: they are on the waiting "
                        "list, and move up in turn when a place becomes free.",
                        count=len(waiting),
                    ),
                    "warning",
                )
            if request.form.get("notify"):
                # Queued with the decision; sent after the commit (Administration → Mail sent).
                for person in changed:
                    if person.email:
                        lists.send_status_notice(person)
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
        elif action == "delegation":
            count = _move_to_delegation(event, chosen, request.form.get("delegation", ""))
        else:
            raise DomainError(_("Choose an action."))
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return redirect(back)
    commit()
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
    if participant.erased_at is not None:  # nameless: nothing left to edit
        if request.method == "POST":
            abort_with(409, _("This person's data has been erased: it can no longer be edited."))
        return render_template(
            "registration/erased.html",
            event=event,
            participant=participant,
            status_labels=labels.STATUS_LABELS,
            category_labels=dict(CATEGORY_CHOICES),
            panels=panels(participant_panels, participant, event=event, roles=g.event_roles),
        )
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
    photo = db.session.get(ParticipantPhoto, participant.id)
    return render_template(
        "registration/detail.html",
        event=event,
        participant=participant,
        form=form,
        organisations=organisation_names(),
        status_labels=labels.STATUS_LABELS,
        category_labels=dict(CATEGORY_CHOICES),
        diet_labels=DIET_LABELS,
        passport=registering.passport_view(
            participant, unmasked=Role.VISA_OFFICER in g.event_roles
        ),
        has_photo=photo is not None,
        photo=photo,
        box=(photo_crops.crop_box(photo) or (0, 0, photo.width, photo.height)) if photo else None,
        history=audit.history(participant),
        changes_of=audit_display.changes_of,
        ranks=precedence.ranks_by_level(event),
        delegations=delegation_admin.in_order(event),
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
    appointed_on = participant.appointed_on
    if "appointed_on" in request.form:  # the form always sends it; an API-style post may not
        typed = request.form.get("appointed_on", "").strip()
        try:
            appointed_on = date.fromisoformat(typed) if typed else None
        except ValueError:
            abort_with(400, _("Appointed on: give a date such as 2024-05-01."))
    ok, changed = attempt(
        lambda: precedence.set_rank(
            participant, level, actor=current_user, appointed_on=appointed_on
        )
    )
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
            commit()
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
            # Merging is chosen field by field on its own page (merge_views).
            keep, drop = (first, second) if form["decision"] == "keep_first" else (second, first)
            return redirect(url_for("registration.merge", slug=event.slug, keep=keep, remove=drop))
        else:
            raise DomainError(_("Choose an action."))
    except (DomainError, ValueError) as error:
        db.session.rollback()
        flash(str(error) if isinstance(error, DomainError) else _("Choose an action."), "danger")
    else:
        commit()
        flash(message, "success")
    return redirect(url_for("registration.duplicates_list", slug=event.slug))


def _pdf_response(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _letters(event, people, filename: str):
    """The letters as a PDF response, recorded, or None (with a message) when none is due."""
    issued = utcnow().astimezone(ZoneInfo(event.timezone)).date()
    try:
        body = letters.visa_letters_pdf(event, people, issued=issued)
    except DomainError as error:
        flash(str(error), "warning")
        return None
    given, _left_out = letters.with_letters(people)
    for person in given:
        audit.record("participant.visa_letter", person, actor=current_user, event_id=event.id)
    visa_letters_issued.send(event, people=given, day=issued, actor=current_user)
    commit()
    return _pdf_response(body, filename)


@bp.get("/participants/<int:participant_id>/visa-letter.pdf")
@event_view(Role.VISA_OFFICER)
def visa_letter(event, participant_id: int):
    participant = participant_or_404(event, participant_id)
    if not letters.may_have_letter(participant):
        abort_with(
            409,
            _(
                "Only approved participants get a visa letter; %(name)s is not approved.",
                name=participant.latin_name,
            ),
        )
    response = _letters(event, [participant], f"visa-letter-{participant.id}.pdf")
    if response is None:
        return redirect(
            url_for(
                "registration.participant_detail", slug=event.slug, participant_id=participant.id
            )
        )
    return response


@bp.get("/delegations/<int:delegation_id>/visa-letters.pdf")
@event_view(Role.VISA_OFFICER)
def delegation_visa_letters(event, delegation_id: int):
    delegation = in_event_or_404(
        Delegation, delegation_id, event, _("There is no such delegation in this event.")
    )
    members = delegation_members(delegation)
    response = _letters(event, members, f"visa-letters-delegation-{delegation.id}.pdf")
    if response is None:
        return redirect(
            url_for("registration.participant_list", slug=event.slug, delegation=delegation.id)
        )
    return response


def _move_to_delegation(event, chosen, choice: str) -> int:
    """The bulk move: "none" takes people out of any delegation."""
    if choice == "none":
        return delegation_admin.move_people(chosen, None, actor=current_user)
    target = in_event(Delegation, as_id(choice), event)
    if target is None:
        raise DomainError(_("Choose the delegation to move them to."))
    return delegation_admin.move_people(chosen, target, actor=current_user)


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
        with force_locale(participant.language):  # their language, not the sender's
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
