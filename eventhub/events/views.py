"""Event pages. Thin: parse, call a service, render."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth import services as auth_services
from eventhub.auth.access import admin_required, event_view
from eventhub.auth.models import ApiToken, EventMembership, Role
from eventhub.errors import DomainError, abort_with
from eventhub.events import bp, copying
from eventhub.events import services as event_services
from eventhub.events.forms import (
    ROLE_LABELS,
    TEAM_ROLES,
    EventForm,
    NextEditionForm,
    TeamMemberForm,
)
from eventhub.events.signals import event_home_panels, token_checkpoint_choices
from eventhub.extensions import db
from eventhub.i18n import localized, normalise_locale, select_locale
from eventhub.mail import send_mail
from eventhub.web import as_id, commit, external_url, in_event_or_404, panels, public_base


@bp.get("/")
def index():
    events = event_services.events_for(current_user)
    return render_template("events/index.html", events=events)


@bp.route("/events/new", methods=["GET", "POST"])
@admin_required
def create():
    form = EventForm()
    if form.validate_on_submit():
        try:
            event = event_services.create_event(form.data_for_service(), actor=current_user)
        except DomainError as error:
            db.session.rollback()
            form[error.field or "slug"].errors.append(str(error))
        else:
            commit()
            flash(_("The event has been created."), "success")
            return redirect(url_for("events.home", slug=event.slug))
    return render_template("events/form.html", form=form, event=None)


@bp.get("/events/<slug>/")
@event_view()
def home(event):
    """The event's page: what each module shows the visitor here (their registration, the
    organisers' key figures...), gathered through the event_home_panels signal."""
    shown = panels(event_home_panels, event, user=current_user, roles=g.event_roles)
    return render_template("events/home.html", event=event, panels=shown)


@bp.route("/events/<slug>/settings", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def settings(event):
    form = EventForm.for_event(event)
    if form.validate_on_submit():
        try:
            changes = event_services.update_event(
                event, form.data_for_service(), actor=current_user
            )
        except DomainError as error:
            db.session.rollback()
            form[error.field or "slug"].errors.append(str(error))
        else:
            commit()
            flash(_("Settings saved.") if changes else _("Nothing was changed."), "success")
            return redirect(url_for("events.home", slug=event.slug))
    return render_template("events/form.html", form=form, event=event)


@bp.route("/events/<slug>/next-edition", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def next_edition(event):
    """Copy the event's configuration (venues, programme skeleton, checkpoints...) as the
    next edition; no people come along."""
    form = NextEditionForm(data=copying.next_edition_defaults(event))
    if form.validate_on_submit():
        try:
            copy = copying.copy_event(event, form.data_for_service(), actor=current_user)
        except DomainError as error:
            db.session.rollback()
            form[error.field if error.field in form else "slug"].errors.append(str(error))
        else:
            commit()
            flash(
                _(
                    "%(name)s is ready: its programme is in draft, its registrations empty.",
                    name=localized(copy, "name"),
                ),
                "success",
            )
            return redirect(url_for("events.home", slug=copy.slug))
    return render_template("events/next_edition.html", form=form, event=event)


@bp.route("/events/<slug>/team", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def team(event):
    form = TeamMemberForm()
    if form.validate_on_submit():
        user = auth_services.get_user_by_email(form.email.data)
        invited = user is None
        try:
            if invited:
                public_base()  # the invitation is mailed after saving: refuse before
            if user is None:
                user = auth_services.create_user(
                    form.email.data, None, display_name=form.display_name.data or ""
                )
            granted = auth_services.grant_role(
                user, event, Role(form.role.data), actor=current_user
            )
        except DomainError as error:
            db.session.rollback()
            form[error.field or "email"].errors.append(str(error))
        else:
            commit()
            if invited:
                _send_invitation(user, event)  # leaves through the outbox
            role_label = ROLE_LABELS[Role(form.role.data)]
            if granted:
                flash(_("%(email)s is now %(role)s.", email=user.email, role=role_label), "success")
            else:
                flash(_("%(email)s already has this role.", email=user.email), "info")
            return redirect(url_for("events.team", slug=event.slug))
    # Only the roles this person may give are offered; the service refuses the others.
    form.role.choices = [
        choice
        for choice in form.role.choices
        if auth_services.may_grant(current_user, Role(choice.value))
    ]
    return render_template(
        "events/team.html",
        event=event,
        form=form,
        people=event_services.team(event, TEAM_ROLES),
        role_labels=ROLE_LABELS,
    )


@bp.post("/events/<slug>/team/<int:membership_id>/remove")
@event_view(Role.ORGANISER)
def remove_member(event, membership_id: int):
    missing = _("This role assignment does not exist.")
    membership = in_event_or_404(EventMembership, membership_id, event, missing)
    if membership.role not in TEAM_ROLES:
        abort_with(404, missing)
    try:
        auth_services.revoke_role(membership, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        commit()
        flash(_("The role has been removed."), "success")
    return redirect(url_for("events.team", slug=event.slug))


def _send_invitation(user, event) -> bool:
    """Email a new team member a link to choose their password."""
    token = auth_services.make_reset_token(user, invitation=True)
    link = external_url("auth.reset_password", token=token)
    with force_locale(normalise_locale(user.locale) or select_locale()):
        return send_mail(
            user.email,
            _("You have been added to %(event)s on EventHub", event=localized(event, "name")),
            render_template(
                "email/invitation.txt",
                user=user,
                event=event,
                link=link,
                days=current_app.config["INVITATION_MAX_AGE"] // 86400,
            ),
        )


# Devices and partners reach the JSON API with tokens: a gate phone, a hardware scanner's
# host, an embassy's registration system. Scanning devices are given the staff role.
TOKEN_ROLES = (Role.STAFF, Role.PARTNER, Role.ORGANISER)


@bp.route("/events/<slug>/tokens", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def tokens(event):
    """Issue a token for a device (shown once) and revoke lost or stolen ones."""
    issued = None
    checkpoints = dict(
        choice
        for _receiver, choices in token_checkpoint_choices.send(event)
        for choice in choices or ()
    )
    if request.method == "POST":
        label = " ".join(request.form.get("label", "").split())[:200]
        role = request.form.get("role", "")
        chosen = {as_id(value) for value in request.form.getlist("checkpoints")}
        everywhere = bool(request.form.get("all_checkpoints"))
        if not label:
            flash(_("Name the device, e.g. Gate B phone 3."), "danger")
        elif role not in {r.value for r in TOKEN_ROLES}:
            flash(_("Choose a role for the token."), "danger")
        elif not chosen <= checkpoints.keys():
            flash(_("Choose checkpoints of this event."), "danger")
        elif role == Role.STAFF and not chosen and not everywhere:
            # A gate phone scans at its gate: all of them is a choice, never a default.
            flash(_("Choose the checkpoints this device scans at, or all of them."), "danger")
        else:
            _token, issued = auth_services.issue_api_token(
                event,
                Role(role),
                label=label,
                actor=current_user,
                may_write=request.form.get("access") != "read",
                checkpoint_ids=None if everywhere or not chosen else chosen,
            )
            commit()
    listing = db.session.scalars(
        sa.select(ApiToken)
        .where(ApiToken.event_id == event.id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc())
    ).all()
    return render_template(
        "events/tokens.html",
        event=event,
        tokens=listing,
        issued=issued,
        token_roles={r: ROLE_LABELS[r] for r in TOKEN_ROLES},
        role_labels=ROLE_LABELS,
        checkpoints=checkpoints,
        scopes={
            token_id: ", ".join(sorted(checkpoints.get(i, "?") for i in ids))
            for token_id, ids in auth_services.token_checkpoints(t.id for t in listing).items()
        },
    )


@bp.post("/events/<slug>/tokens/<int:token_id>/revoke")
@event_view(Role.ORGANISER)
def revoke_token(event, token_id: int):
    token = in_event_or_404(ApiToken, token_id, event, _("There is no such token in this event."))
    auth_services.revoke_api_token(token, actor=current_user)
    commit()
    flash(_("Token revoked: the device can no longer reach the API."), "success")
    return redirect(url_for("events.tokens", slug=event.slug))
