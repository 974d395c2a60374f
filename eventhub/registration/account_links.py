"""Linking a registration to an account that already exists: only its owner may, from their
mailbox. A head of delegation who edits a member's email to someone else's address and gives
them a login must not hand that person the member's registration; the owner of the address
confirms first, through a signed link that expires."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale, format_timedelta
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from eventhub.audit import services as audit
from eventhub.audit.models import AuditEntry
from eventhub.auth import services as auth_services
from eventhub.auth.models import Role, User
from eventhub.db import utcnow
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.i18n import localized, normalise_locale
from eventhub.mail import send_mail
from eventhub.registration.models import Delegation, Participant
from eventhub.web import external_url

REQUESTED = "participant.account_link_requested"


class LinkError(DomainError):
    """The confirmation link cannot link anything (expired, altered, or out of date)."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="account-link")


def request_link(participant: Participant, user: User, *, actor: User | None, ip: str = "") -> str:
    """A token for `user`'s owner to confirm that `participant` is theirs; nothing is linked
    yet. It names the registration's address and current account: changing either (or
    confirming once) makes it stale."""
    token = _serializer().dumps(
        {
            "p": participant.id,
            "u": user.id,
            "e": (participant.email or "").strip().lower(),
            "was": participant.user_id,
        }
    )
    audit.record(
        REQUESTED,
        participant,
        actor=actor,
        event_id=participant.event_id,
        changes={"account": [None, user.email]},
        ip_address=ip,
    )
    db.session.flush()
    return token


def pending_link(token: str) -> tuple[Participant, User]:
    """The registration and account a confirmation link names, while it still applies."""
    try:
        data: Any = _serializer().loads(token, max_age=current_app.config["ACCOUNT_LINK_MAX_AGE"])
    except SignatureExpired:
        raise LinkError(
            _l(
                "This confirmation link has expired. Ask the head of your delegation to send "
                "it again."
            )
        ) from None
    except BadSignature:
        raise LinkError(_l("This confirmation link is not valid.")) from None
    participant = db.session.get(Participant, data.get("p")) if isinstance(data, dict) else None
    user = db.session.get(User, data.get("u")) if participant is not None else None
    if (
        participant is None
        or user is None
        or not user.active
        or (participant.email or "").strip().lower() != data.get("e")
        or participant.user_id != data.get("was")
    ):
        raise LinkError(
            _l(
                "This confirmation link no longer applies: the registration has changed since "
                "it was sent, or it is linked already."
            )
        )
    return participant, user


def confirm_link(token: str, *, ip: str = "") -> Participant:
    """The owner confirmed: the registration is theirs to see from now on."""
    participant, user = pending_link(token)
    previous = participant.user.email if participant.user else None
    participant.user_id = user.id
    auth_services.grant_role(user, participant.event, Role.DELEGATE, actor=user)
    if _heads_a_delegation(participant):
        # Made head while waiting for this confirmation (delegation_admin.set_head).
        auth_services.grant_role(user, participant.event, Role.HEAD_OF_DELEGATION, actor=user)
    audit.record(
        "participant.account_linked",
        participant,
        actor=user,
        event_id=participant.event_id,
        changes={"account": [previous, user.email]},
        ip_address=ip,
    )
    db.session.flush()
    return participant


def _heads_a_delegation(participant: Participant) -> bool:
    return (
        db.session.scalar(
            sa.select(Delegation.id).where(Delegation.head_id == participant.id).limit(1)
        )
        is not None
    )


def needs_confirmation(participant: Participant, user: User) -> bool:
    """Whether linking `participant` to the existing account `user` must wait for its owner."""
    return participant.user_id != user.id


@dataclass(frozen=True)
class Asked:
    """A confirmation asked of an account's owner: when it was mailed, and whether this
    request mailed it (False: one mailed a short while ago is still pending)."""

    user: User
    sent_at: datetime
    mailed: bool


def _last_request(participant: Participant, email: str) -> datetime | None:
    """When a confirmation for this registration and address was last mailed."""
    entry = db.session.scalar(
        sa.select(AuditEntry)
        .where(
            AuditEntry.action == REQUESTED,
            AuditEntry.object_type == "Participant",
            AuditEntry.object_id == str(participant.id),
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    if entry is None or (entry.changes.get("account") or [None, None])[1] != email:
        return None
    return entry.created_at


def ask_owner(
    participant: Participant, user: User, *, actor: User | None, by: str, ip: str = ""
) -> Asked:
    """Mail the owner of `user` a link to confirm `participant` is theirs; at most one mail
    per registration and address within ACCOUNT_LINK_RESEND_INTERVAL (a head clicking again
    must not flood a stranger's mailbox). `by` is who asked: "head" or "organisers"."""
    last = _last_request(participant, user.email)
    interval = timedelta(seconds=current_app.config["ACCOUNT_LINK_RESEND_INTERVAL"])
    if last is not None and utcnow() - last < interval:
        return Asked(user, last, mailed=False)
    token = request_link(participant, user, actor=actor, ip=ip)
    event = participant.event
    with force_locale(normalise_locale(user.locale) or participant.language):
        send_mail(
            user.email,
            _(
                "Confirm: a registration for %(event)s on your account",
                event=localized(event, "name"),
            ),
            render_template(
                "email/account_link.txt",
                participant=participant,
                event=event,
                by=by,
                link=external_url("account.confirm_link", token=token),
                days=current_app.config["ACCOUNT_LINK_MAX_AGE"] // 86400,
            ),
        )
    return Asked(user, utcnow(), mailed=True)


def told(asked: Asked) -> str:
    """What the organiser or head who asked reads: the mail sent, or the one pending."""
    if asked.mailed:
        return _(
            "%(email)s already has an account: a confirmation was sent to %(email)s, and the "
            "registration is linked once its owner confirms.",
            email=asked.user.email,
        )
    return _(
        "A confirmation sent to %(email)s %(when)s is still pending; no new one was sent. "
        "The registration is linked once its owner confirms.",
        email=asked.user.email,
        when=format_timedelta(asked.sent_at - utcnow(), add_direction=True),
    )
