"""The participant's registration pages: the public form, their own page, photo and data."""

from __future__ import annotations

import json

from flask import Response, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from eventhub.auth.access import event_view
from eventhub.directory.services import organisation_names
from eventhub.errors import abort_with
from eventhub.extensions import db, limiter
from eventhub.privacy.kinds import Purpose
from eventhub.privacy.models import ConsentSource
from eventhub.registration import (
    bp,
    consent_fields,
    labels,
    own_link,
    privacy,
    quotas,
    registering,
    review_notices,
    submissions,
)
from eventhub.registration.access import photo_response
from eventhub.registration.forms import RegistrationForm
from eventhub.registration.models import ParticipantPhoto, Source, Status
from eventhub.registration.signals import own_page_panels
from eventhub.registration.validation import Checked
from eventhub.web import attempt, commit, links_can_be_mailed, panels


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
        if not links_can_be_mailed():  # the link is mailed after saving: refuse before
            return _form(event, form), 503
        key = (form.submission.data or "")[: submissions.MAX_KEY]
        if key and (sent_before := submissions.earlier(event, submissions.FORM, key)):
            return _sent_before(event, sent_before)
        already = own_link.registered_with_email(event, form.email.data)
        if already is not None:
            # The link goes by email to the address, never onto this page: anyone who knows
            # someone's email address could otherwise open that person's registration.
            own_link.send_already_registered(already)
            commit()  # a link made now for an older registration is kept
            flash(
                _(
                    "%(email)s is already registered for this event. We have sent the link to "
                    "that registration to this address; use it to see or change the details.",
                    email=form.email.data.strip(),
                ),
                "info",
            )
            return redirect(url_for("registration.register", slug=event.slug))
        claimed = submissions.claim(event, submissions.FORM, key) if key else None
        if key and claimed is None:  # the same form, sent at the same instant, went first
            db.session.rollback()
            return _sent_before(event, submissions.earlier(event, submissions.FORM, key))

        def register_once():
            participant, key = registering.register(
                event,
                form.raw(),
                source=Source.FORM,
                photo=form.photo_bytes(),
                photo_token=form.photo_token.data,
                consents=consent_fields.from_form(form, ConsentSource.FORM),
            )
            if claimed is not None:
                claimed.participant_id = participant.id
            return participant, key

        ok, result = attempt(register_once, form)
        if ok:
            participant, key = result
            position = quotas.position_of(participant)
            sent = own_link.send_confirmation(participant, key, position)
            if position is not None:
                flash(
                    _(
                        "Thank you. Your registration has been received, but all places are "
                        "taken for now: you are number %(position)d on the waiting list. When "
                        "a place becomes free, the first person on the list receives it and "
                        "an email.",
                        position=position,
                    ),
                    "warning",
                )
                if not sent:
                    flash(
                        _(
                            "We could not send the confirmation email: bookmark this page, its "
                            "address is your link to your registration."
                        ),
                        "warning",
                    )
            elif sent:
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
    return _form(event, form)


def _form(event, form):
    return render_template(
        "registration/register.html",
        event=event,
        form=form,
        organisations=organisation_names(),
        **consent_fields.template_context(event, mode="new"),
    )


def _sent_before(event, submission):
    """The form was sent before (a retry, a double click): the first one's result, with
    nothing registered or mailed again."""
    participant = submissions.participant_of(submission)
    if participant is None:  # since merged or withdrawn by the organisers
        flash(_("This form has already been sent."), "info")
        return redirect(url_for("registration.register", slug=event.slug))
    flash(
        _(
            "Your registration had already been received: here it is. Nothing was "
            "registered or sent twice."
        ),
        "info",
    )
    key = own_link.access_key(participant)
    commit()  # a link made now for an older registration is kept
    return redirect(url_for("registration.own_page", slug=event.slug, key=key))


@bp.route("/me/<key>", methods=["GET", "POST"])
@event_view()
def own_page(event, key: str):
    """The participant's own page, opened by the secret link from the confirmation email."""
    participant = _own_participant(event, key)
    form = RegistrationForm(data=own_link.form_values(participant))
    if form.validate_on_submit():
        ok, changes = attempt(
            lambda: registering.update_participant(
                participant,
                form.raw(),
                photo=form.photo_bytes(),
                photo_token=form.photo_token.data,
                # The consents have their own form below; a new photo still needs its own.
                consents=consent_fields.from_record(participant.id, ConsentSource.OWN_PAGE),
            ),
            form,
        )
        if ok:
            if "status" in changes:  # approved, and changed who they are: reviewed again
                review_notices.tell_organisers(
                    participant, "changed", changes, by=participant.latin_name
                )
                flash(
                    _(
                        "Your changes have been saved. Your registration is pending review "
                        "again: the organisers have been told and will approve it again."
                    ),
                    "warning",
                )
            else:
                flash(
                    _("Your changes have been saved.") if changes else _("Nothing was changed."),
                    "success",
                )
            return redirect(url_for("registration.own_page", slug=event.slug, key=key))
    consent_form = consent_fields.ConsentForm(data=consent_fields.form_values(participant.id))
    return _own_page(event, participant, key, form, consent_form)


@bp.post("/me/<key>/consents")
@event_view()
def own_consents(event, key: str):
    """The person changes their consents alone, even on a locked registration: only the
    changed answers are recorded; the registration consent is withdrawn by erasure."""
    participant = _own_participant(event, key)
    consent_form = consent_fields.ConsentForm()
    if consent_form.validate_on_submit():
        answers = consent_fields.from_form(
            consent_form, ConsentSource.OWN_PAGE, new=False, participant_id=participant.id
        )
        answers.given.pop(Purpose.REGISTRATION, None)
        checked = Checked()
        consent_fields.check(event, checked, answers, photo_added=False)
        if checked.ok:
            saved = consent_fields.save(event, participant.id, answers)
            commit()
            flash(
                _("Your answers have been saved.") if saved else _("Nothing was changed."),
                "success",
            )
            return redirect(url_for("registration.own_page", slug=event.slug, key=key))
        for name, messages in checked.errors.items():
            consent_form[name].errors = list(messages)
    form = RegistrationForm(formdata=None, data=own_link.form_values(participant))
    return _own_page(event, participant, key, form, consent_form)


def _own_participant(event, key: str):
    participant = own_link.participant_by_access_key(event, key)
    if participant is None:
        abort_with(
            404, _("This link is not valid. Use the link from your most recent confirmation email.")
        )
    return participant


def _own_page(event, participant, key: str, form, consent_form):
    return render_template(
        "registration/own_page.html",
        event=event,
        participant=participant,
        form=form,
        consent_form=consent_form,
        key=key,
        organisations=organisation_names(),
        status_labels=labels.STATUS_LABELS,
        passport=registering.passport_view(participant, unmasked=False),
        waiting_position=quotas.position_of(participant),
        has_photo=db.session.get(ParticipantPhoto, participant.id) is not None,
        panels=panels(own_page_panels, participant, event=event, key=key),
        review_warning=participant.status == Status.APPROVED,
        **consent_fields.template_context(event, mode="own", participant_id=participant.id),
    )


@bp.get("/me/<key>/photo")
@event_view()
def own_photo(event, key: str):
    participant = own_link.participant_by_access_key(event, key)
    if participant is None:
        abort_with(404, _("This link is not valid."))
    return photo_response(participant.id)


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
