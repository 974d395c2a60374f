"""A logged-in person's own registrations, in every event: their page, badge, visa letter,
certificates and agenda, each only when it applies."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Response, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from eventhub.audit import services as audit
from eventhub.db import utcnow
from eventhub.errors import DomainError, abort_with, error_response
from eventhub.registration import account_bp, account_links, labels, letters, own_link
from eventhub.registration.models import Participant, Status
from eventhub.registration.signals import own_page_panels
from eventhub.web import commit, panels, private


def wants_visa_letter(participant: Participant) -> bool:
    """Approved, asked for a letter and gave the passport details it is written from."""
    return (
        participant.status == Status.APPROVED
        and participant.visa_letter_requested
        and bool(participant.passport_number_encrypted)
    )


@account_bp.app_context_processor
def navigation() -> dict:
    """Whether the navigation shows "My registration": asked only by pages that draw it."""

    def has_registrations() -> bool:
        return current_user.is_authenticated and own_link.has_registrations(current_user)

    return {"has_own_registrations": has_registrations}


@account_bp.get("")
@login_required
def my_registration():
    entries = []
    for participant in own_link.registrations_of_user(current_user):
        event = participant.event
        key = own_link.access_key(participant)  # made on first use, kept by the commit
        entries.append(
            {
                "participant": participant,
                "event": event,
                "key": key,
                "visa_letter": wants_visa_letter(participant),
                # Badge and certificates come from their own modules (own_page_panels).
                "panels": panels(own_page_panels, participant, event=event, key=key),
            }
        )
    commit()
    return render_template(
        "registration/my_registration.html", entries=entries, status_labels=labels.STATUS_LABELS
    )


@account_bp.get("/<int:participant_id>/visa-letter.pdf")
@login_required
def my_visa_letter(participant_id: int):
    """The person's own letter, for their account only (it carries the passport number, so
    it is not served over the secret link that might be forwarded)."""
    participant = next(
        (p for p in own_link.registrations_of_user(current_user) if p.id == participant_id), None
    )
    if participant is None or not wants_visa_letter(participant):
        abort_with(404, _("There is no visa letter for you here."))
    event = participant.event
    try:
        body = letters.visa_letters_pdf(
            event,
            [participant],
            issued=utcnow().astimezone(ZoneInfo(event.timezone)).date(),
            # The covering page in the person's language, as their mail is written.
            covering_locale=participant.language,
        )
    except DomainError as error:
        abort_with(404, str(error))
    audit.record(
        "participant.visa_letter",
        participant,
        actor=current_user,
        event_id=event.id,
        changes={"by": [None, "participant"]},
    )
    commit()
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="visa-letter-{participant.id}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


# The session key of a confirmation link's token, once the browser has left the link.
LINK_TOKEN = "eventhub_account_link"  # noqa: S105 (a session key, not a secret)


@account_bp.route("/link/<token>", methods=["GET", "POST"])
def confirm_link(token: str):
    """The owner of an account, from the link mailed to them, confirms that a registration
    given their address is theirs (account_links). Like a reset link, the token is
    checked, kept in the session and left out of the address the browser goes on to. (A
    POST here is a page opened before that; it still works.)"""
    try:
        account_links.pending_link(token)
    except account_links.LinkError as error:
        return private(error_response(400, str(error)))
    if request.method == "POST":
        return _confirm(token)
    session[LINK_TOKEN] = token
    return private(redirect(url_for("account.link_confirmation"), 303))


@account_bp.route("/link", methods=["GET", "POST"])
def link_confirmation():
    token = session.get(LINK_TOKEN)
    if not token:
        return private(error_response(400, _("Open the link in your email again to confirm.")))
    return _confirm(token)


def _confirm(token: str):
    """The link is the proof: someone logged in as another account is refused."""
    try:
        participant, user = account_links.pending_link(token)
    except account_links.LinkError as error:
        session.pop(LINK_TOKEN, None)
        return private(error_response(400, str(error)))
    if current_user.is_authenticated and current_user.id != user.id:
        abort_with(
            403, _("This link is for the account %(email)s. Log out first.", email=user.email)
        )
    if request.method == "POST":
        account_links.confirm_link(token, ip=request.remote_addr or "")
        session.pop(LINK_TOKEN, None)
        commit()
        flash(_("The registration is linked to your account."), "success")
        if current_user.is_authenticated:
            return redirect(url_for("account.my_registration"))
        return redirect(url_for("auth.login", next=url_for("account.my_registration")))
    return private(
        render_template(
            "registration/account_link.html",
            participant=participant,
            user=user,
            event=participant.event,
        )
    )
