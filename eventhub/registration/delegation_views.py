"""Pages for heads of delegation (and organisers): the members, adding, editing, withdrawing,
giving a member their own login."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth import services as auth_services
from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.db import utcnow
from eventhub.errors import DomainError, abort_with
from eventhub.extensions import db
from eventhub.i18n import localized
from eventhub.mail import send_mail
from eventhub.privacy.models import ConsentSource
from eventhub.registration import (
    account_links,
    bp,
    consent_fields,
    delegations,
    labels,
    letters,
    own_link,
    quotas,
    registering,
    review_notices,
    submissions,
)
from eventhub.registration.forms import RegistrationForm
from eventhub.registration.models import Delegation, Participant, Source, Status
from eventhub.registration.signals import delegation_panels
from eventhub.web import (
    attempt,
    commit,
    external_url,
    in_event_or_404,
    links_can_be_mailed,
    panels,
    public_base,
)

MANAGERS = (Role.ORGANISER, Role.HEAD_OF_DELEGATION)


def _delegation(event, delegation_id: int) -> Delegation:
    delegation = in_event_or_404(
        Delegation, delegation_id, event, _("There is no such delegation in this event.")
    )
    if not delegations.may_manage_delegation(current_user, g.event_roles, delegation):
        abort_with(403, _("Only the head of this delegation and the organisers may do this."))
    return delegation


def _by() -> str:
    """Who acted, as the organisers' email names them."""
    return current_user.display_name or current_user.email


def _member(delegation: Delegation, participant_id: int) -> Participant:
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.delegation_id != delegation.id:
        abort_with(404, _("This person is not a member of the delegation."))
    return participant


@bp.get("/delegations/<int:delegation_id>/")
@event_view(*MANAGERS)
def delegation(event, delegation_id: int):
    delegation = _delegation(event, delegation_id)
    members = delegations.delegation_members(delegation)
    return render_template(
        "registration/delegation.html",
        event=event,
        delegation=delegation,
        members=members,
        status_labels=labels.STATUS_LABELS,
        may_restore=Role.ORGANISER in g.event_roles or event.registration_open(utcnow()),
        letters_left_out=letters.with_letters(members)[1],
        panels=panels(
            delegation_panels, delegation, event=event, members=members, roles=g.event_roles
        ),
    )


@bp.route("/delegations/<int:delegation_id>/members/new", methods=["GET", "POST"])
@event_view(*MANAGERS)
def add_member(event, delegation_id: int):
    delegation = _delegation(event, delegation_id)
    form = RegistrationForm(
        data={
            "country": delegation.country_code,
            "organisation": delegations.default_organisation(delegation),
        }
    )
    form.submit.label.text = _("Add member")
    submitted, status = form.validate_on_submit(), 200
    if submitted and not links_can_be_mailed():  # the member's link is mailed after saving
        submitted, status = False, 503
    if submitted:
        back = url_for("registration.delegation", slug=event.slug, delegation_id=delegation.id)
        # The same form sent twice (a retry, a double click) adds the member once.
        key = (form.submission.data or "")[: submissions.MAX_KEY]
        sent_before = key and submissions.earlier(event, submissions.FORM, key)
        claimed = (
            None if sent_before or not key else submissions.claim(event, submissions.FORM, key)
        )
        if sent_before or (key and claimed is None):
            db.session.rollback()
            flash(_("This form has already been sent."), "info")
            return redirect(back)

        def add():
            if Role.ORGANISER not in g.event_roles:
                registering.ensure_open(event)
            participant, key = registering.register(
                event,
                form.raw(),
                source=Source.DELEGATION,
                photo=form.photo_bytes(),
                photo_token=form.photo_token.data,
                actor=current_user,
                delegation=delegation,
                consents=consent_fields.from_form(form, ConsentSource.HEAD, actor=current_user),
            )
            if claimed is not None:
                claimed.participant_id = participant.id
            return participant, key

        ok, result = attempt(add, form)
        if ok:
            participant, key = result
            position = quotas.position_of(participant)
            own_link.send_confirmation(participant, key, position)
            flash(
                _("%(name)s has been added to the delegation.", name=participant.latin_name),
                "success",
            )
            if position is not None:
                flash(
                    _(
                        "No place is free for now: %(name)s is number %(position)d on the "
                        "waiting list, and moves up with an email when a place becomes free.",
                        name=participant.latin_name,
                        position=position,
                    ),
                    "warning",
                )
            return redirect(
                url_for("registration.delegation", slug=event.slug, delegation_id=delegation.id)
            )
    return render_template(
        "registration/member_form.html",
        event=event,
        form=form,
        delegation=delegation,
        participant=None,
        organisations=[],
        title=_("Add a member"),
        **consent_fields.template_context(event, mode="head"),
    ), status


@bp.route("/delegations/<int:delegation_id>/members/<int:participant_id>", methods=["GET", "POST"])
@event_view(*MANAGERS)
def edit_member(event, delegation_id: int, participant_id: int):
    delegation = _delegation(event, delegation_id)
    participant = _member(delegation, participant_id)
    if participant.erased_at is not None:
        abort_with(409, _("This person's data has been erased: it can no longer be edited."))
    form = RegistrationForm(data=own_link.form_values(participant))
    form.submit.label.text = _("Save")
    by_organiser = Role.ORGANISER in g.event_roles
    review_warning = not by_organiser and participant.status == Status.APPROVED
    confirm_review = False
    if form.validate_on_submit() and review_warning and not request.form.get("confirm_review"):
        # A new photo sends an approved member back to review: ask first, storing nothing.
        ok, token = attempt(
            lambda: registering.keep_photo(form.photo_bytes(), form.photo_token.data), form
        )
        if token:
            form.photo_token.data = token
        confirm_review = not ok or token is not None
    if not confirm_review and form.validate_on_submit():
        ok, changes = attempt(
            lambda: registering.update_participant(
                participant,
                form.raw(),
                photo=form.photo_bytes(),
                photo_token=form.photo_token.data,
                actor=current_user,
                may_edit_locked=by_organiser,
            ),
            form,
        )
        if ok:
            if "status" in changes:  # an approval is for the person approved
                review_notices.tell_organisers(participant, "changed", changes, by=_by())
                flash(
                    _(
                        "Saved. %(name)s is back to pending review: the organisers have been "
                        "told and will approve again; until then their badge is not valid.",
                        name=participant.latin_name,
                    ),
                    "warning",
                )
            else:
                flash(_("Saved."), "success")
            return redirect(
                url_for("registration.delegation", slug=event.slug, delegation_id=delegation.id)
            )
    return render_template(
        "registration/member_form.html",
        event=event,
        form=form,
        delegation=delegation,
        participant=participant,
        organisations=[],
        title=participant.latin_name,
        review_warning=review_warning,
        confirm_review=confirm_review and bool(form.photo_token.data),
    )


@bp.route(
    "/delegations/<int:delegation_id>/members/<int:participant_id>/withdraw",
    methods=["GET", "POST"],
)
@event_view(*MANAGERS)
def withdraw_member(event, delegation_id: int, participant_id: int):
    """Asks first (a page, so it works without scripts); the form of that page withdraws."""
    delegation = _delegation(event, delegation_id)
    participant = _member(delegation, participant_id)
    back = url_for("registration.delegation", slug=event.slug, delegation_id=delegation.id)
    if participant.status == Status.WITHDRAWN:
        flash(_("%(name)s is already withdrawn.", name=participant.latin_name), "info")
        return redirect(back)
    if request.method == "POST" and request.form.get("confirmed") == "yes":
        delegations.withdraw(participant, actor=current_user)
        commit()
        flash(
            _(
                "%(name)s has been withdrawn. Changed your mind? Use Restore in their row.",
                name=participant.latin_name,
            ),
            "success",
        )
        return redirect(back)
    return render_template(
        "registration/withdraw_confirm.html",
        event=event,
        delegation=delegation,
        participant=participant,
        themselves=participant.user_id is not None and participant.user_id == current_user.id,
        may_restore_until=None if Role.ORGANISER in g.event_roles else event.registration_closes_at,
        status_labels=labels.STATUS_LABELS,
        back=back,
    )


@bp.post("/delegations/<int:delegation_id>/members/<int:participant_id>/restore")
@event_view(*MANAGERS)
def restore_member(event, delegation_id: int, participant_id: int):
    """Undo a withdrawal: heads while registration is open, organisers at any time."""
    delegation = _delegation(event, delegation_id)
    participant = _member(delegation, participant_id)
    was_approved = participant.withdrawn_from == Status.APPROVED

    def restore():
        if Role.ORGANISER not in g.event_roles:
            registering.ensure_open(event)
        return delegations.restore(participant, actor=current_user)

    ok, status = attempt(restore)
    if ok:
        if was_approved and Role.ORGANISER not in g.event_roles:
            review_notices.tell_organisers(participant, "restored", {}, by=_by())
        message = _(
            "%(name)s is back in the delegation: %(status)s.",
            name=participant.latin_name,
            status=labels.STATUS_LABELS[status],
        )
        if was_approved:
            message += " " + _(
                "They were approved before their withdrawal: the organisers review them again."
            )
        flash(message, "success")
    return redirect(
        url_for("registration.delegation", slug=event.slug, delegation_id=delegation.id)
    )


@bp.post("/delegations/<int:delegation_id>/members/<int:participant_id>/login")
@event_view(*MANAGERS)
def member_login(event, delegation_id: int, participant_id: int):
    delegation = _delegation(event, delegation_id)
    participant = _member(delegation, participant_id)
    try:
        public_base()  # an account's link goes by mail after saving: refuse before
        given = delegations.give_login(
            participant, actor=current_user, ip=request.remote_addr or ""
        )
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        user = given.user
        if given.asked is not None:
            commit()
            flash(account_links.told(given.asked), "info")
            return redirect(
                url_for("registration.delegation", slug=event.slug, delegation_id=delegation.id)
            )
        commit()
        if given.created or not user.password_hash:
            link = external_url(
                "auth.reset_password", token=auth_services.make_reset_token(user, invitation=True)
            )
            with force_locale(participant.language):  # the member's language, not the head's
                send_mail(
                    user.email,
                    _("Your login for %(event)s", event=localized(event, "name")),
                    render_template(
                        "email/member_login.txt", participant=participant, event=event, link=link
                    ),
                )
        flash(
            _("%(email)s can now log in to see their own registration.", email=user.email),
            "success",
        )
    return redirect(
        url_for("registration.delegation", slug=event.slug, delegation_id=delegation.id)
    )
