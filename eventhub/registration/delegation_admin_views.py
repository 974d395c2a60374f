"""The organisers' pages of delegations: the list in protocol order, creating, editing,
choosing the head, deleting an empty one, moving a participant to another delegation."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth import services as auth_services
from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.directory.services import organisation_names
from eventhub.errors import DomainError, abort_with
from eventhub.extensions import db
from eventhub.i18n import localized
from eventhub.mail import send_mail
from eventhub.registration import account_links, bp, delegation_admin, delegations, labels
from eventhub.registration.access import participant_or_404
from eventhub.registration.forms import DelegationForm
from eventhub.registration.models import Delegation
from eventhub.web import (
    attempt,
    commit,
    external_url,
    id_arg,
    in_event,
    in_event_or_404,
    public_base,
)


def _delegation(event, delegation_id: int) -> Delegation:
    return in_event_or_404(
        Delegation, delegation_id, event, _("There is no such delegation in this event.")
    )


def _to_list(event, delegation_id: int | None = None):
    url = url_for("registration.delegations_list", slug=event.slug)
    return redirect(f"{url}#delegation-{delegation_id}" if delegation_id else url)


@bp.get("/delegations/")
@event_view(Role.ORGANISER)
def delegations_list(event):
    return render_template(
        "registration/delegations.html",
        event=event,
        # Each row names its country, organisation and head: loaded with the list.
        delegations=db.session.scalars(
            delegation_admin.ordered_query(event).options(
                sa.orm.joinedload(Delegation.country),
                sa.orm.joinedload(Delegation.organisation),
                sa.orm.joinedload(Delegation.head),
            )
        ).all(),
        counts=delegation_admin.member_counts(event),
    )


@bp.route("/delegations/new", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def new_delegation(event):
    form = DelegationForm()
    form.submit.label.text = _("Create the delegation")
    if form.validate_on_submit():
        ok, created = attempt(
            lambda: delegation_admin.create(event, form.raw(), actor=current_user), form
        )
        if ok:
            flash(_("The delegation %(name)s has been created.", name=created.name_en), "success")
            return redirect(
                url_for("registration.edit_delegation", slug=event.slug, delegation_id=created.id)
            )
    return render_template(
        "registration/delegation_form.html",
        event=event,
        form=form,
        delegation=None,
        organisations=organisation_names(),
        title=_("New delegation"),
    )


@bp.route("/delegations/<int:delegation_id>/edit", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def edit_delegation(event, delegation_id: int):
    delegation = _delegation(event, delegation_id)
    form = DelegationForm(
        data={
            "name_en": delegation.name_en,
            "name_zh": delegation.name_zh,
            "country": delegation.country_code,
            "organisation": delegation.organisation.name_en if delegation.organisation else "",
        }
    )
    if form.validate_on_submit():
        ok, changes = attempt(
            lambda: delegation_admin.update(delegation, form.raw(), actor=current_user), form
        )
        if ok:
            flash(_("Saved.") if changes else _("Nothing was changed."), "success")
            return redirect(
                url_for(
                    "registration.edit_delegation", slug=event.slug, delegation_id=delegation.id
                )
            )
    return render_template(
        "registration/delegation_form.html",
        event=event,
        form=form,
        delegation=delegation,
        members=delegations.delegation_members(delegation),
        status_labels=labels.STATUS_LABELS,
        organisations=organisation_names(),
        title=delegation.name_en,
    )


@bp.post("/delegations/<int:delegation_id>/head")
@event_view(Role.ORGANISER)
def delegation_head(event, delegation_id: int):
    delegation = _delegation(event, delegation_id)
    head_id = id_arg(request.form, "head")
    head = participant_or_404(event, head_id) if head_id else None
    try:
        done = delegation_admin.set_head(
            delegation, head, actor=current_user, ip=request.remote_addr or ""
        )
        if done.invited is not None:
            public_base()  # the invitation is mailed after saving: refuse before
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        commit()
        if done.invited is not None:
            _invite_head(event, done.invited, head)
        if head is None:
            flash(_("%(name)s has no head now.", name=delegation.name_en), "success")
        elif done.asked is not None:
            flash(
                _("%(person)s heads %(name)s.", person=head.latin_name, name=delegation.name_en)
                + " "
                + account_links.told(done.asked),
                "info",
            )
        elif head.user_id is None:
            flash(
                _(
                    "%(person)s heads %(name)s; without an email address they cannot log in "
                    "to manage it until one is added.",
                    person=head.latin_name,
                    name=delegation.name_en,
                ),
                "warning",
            )
        else:
            flash(
                _("%(person)s heads %(name)s.", person=head.latin_name, name=delegation.name_en),
                "success",
            )
    return redirect(
        url_for("registration.edit_delegation", slug=event.slug, delegation_id=delegation.id)
    )


def _invite_head(event, user, head) -> None:
    """A new head's account needs a password: the invitation sets it."""
    link = external_url(
        "auth.reset_password", token=auth_services.make_reset_token(user, invitation=True)
    )
    with force_locale(head.language):
        send_mail(
            user.email,
            _("Your login for %(event)s", event=localized(event, "name")),
            render_template("email/member_login.txt", participant=head, event=event, link=link),
        )


@bp.post("/delegations/<int:delegation_id>/order")
@event_view(Role.ORGANISER)
def delegation_order(event, delegation_id: int):
    delegation = _delegation(event, delegation_id)
    direction = request.form.get("direction", "")
    position = id_arg(request.form, "position")
    if direction in ("up", "down"):
        delegation_admin.move_in_order(
            delegation, -1 if direction == "up" else 1, actor=current_user
        )
    elif position is not None:
        delegation_admin.place_at(delegation, position, actor=current_user)
    else:
        flash(_("Choose where to move the delegation."), "warning")
        return _to_list(event, delegation.id)
    commit()
    flash(
        _(
            "%(name)s is now number %(n)d in the protocol order.",
            name=delegation.name_en,
            n=delegation.protocol_order,
        ),
        "success",
    )
    return _to_list(event, delegation.id)


@bp.post("/delegations/<int:delegation_id>/delete")
@event_view(Role.ORGANISER)
def delete_delegation(event, delegation_id: int):
    delegation = _delegation(event, delegation_id)
    name = delegation.name_en
    ok, _result = attempt(lambda: delegation_admin.delete(delegation, actor=current_user))
    if ok:
        flash(_("The delegation %(name)s has been deleted.", name=name), "success")
    return _to_list(event)


@bp.post("/participants/<int:participant_id>/delegation")
@event_view(Role.ORGANISER)
def participant_delegation(event, participant_id: int):
    participant = participant_or_404(event, participant_id)
    if participant.erased_at is not None:
        abort_with(409, _("This person's data has been erased: it can no longer be edited."))
    target_id = id_arg(request.form, "delegation")
    target = in_event(Delegation, target_id, event)
    if target_id is not None and target is None:
        flash(_("There is no such delegation in this event."), "danger")
    else:
        moved = delegation_admin.move_people([participant], target, actor=current_user)
        commit()
        if not moved:
            flash(_("Nothing was changed."), "success")
        elif target is None:
            flash(_("%(name)s is in no delegation now.", name=participant.latin_name), "success")
        else:
            flash(
                _(
                    "%(name)s moved to %(delegation)s.",
                    name=participant.latin_name,
                    delegation=target.name_en,
                ),
                "success",
            )
    return redirect(
        url_for("registration.participant_detail", slug=event.slug, participant_id=participant.id)
    )
