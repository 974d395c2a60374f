"""Linking a registration to an account that already exists: only its owner may, from their
mailbox. A head of delegation who edits a member's email to someone else's address and gives
them a login must not hand that person the member's registration; the owner of the address
confirms first, through a signed link that expires."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from eventhub.audit import services as audit
from eventhub.auth import services as auth_services
from eventhub.auth.models import Role, User
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.registration.models import Participant


class LinkError(DomainError):
    """The confirmation link cannot link anything (expired, altered, or out of date)."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="account-link")


def request_link(participant: Participant, user: User, *, actor: User, ip: str = "") -> str:
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
        "participant.account_link_requested",
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
