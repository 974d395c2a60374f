"""What core holds about one participant, which only registration can find (privacy sits
below registration and never reads the participant's address): mails sent to them, their
user account, the audit log's entries about them. Read for the export, erased with them."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.auth import sessions
from eventhub.auth.models import EventMembership
from eventhub.extensions import db
from eventhub.outbox.models import MailState, OutboxMessage
from eventhub.registration.models import Participant


def _mails(event, person: Participant) -> sa.Select:
    address = (person.email or "").strip().lower()
    return sa.select(OutboxMessage).where(
        OutboxMessage.event_id == event.id,
        sa.func.lower(OutboxMessage.recipient) == address if address else sa.false(),
    )


def _audit(person: Participant) -> sa.Select:
    return sa.select(AuditEntry).where(
        AuditEntry.object_type == "Participant", AuditEntry.object_id == str(person.id)
    )


def export(event, person: Participant) -> dict[str, Any]:
    """Mails (subject, when, state; never the bodies), the account, audit entries."""
    mails = [
        {
            "subject": m.subject,
            "queued_at": m.created_at.isoformat(),
            "finished_at": m.finished_at.isoformat() if m.finished_at else None,
            "state": m.state.value,
        }
        for m in db.session.scalars(_mails(event, person).order_by(OutboxMessage.id))
    ]
    audit = [
        {"action": e.action, "at": e.created_at.isoformat(), "by": e.actor}
        for e in db.session.scalars(_audit(person).order_by(AuditEntry.id))
    ]
    user = person.user
    account = (
        {
            "email": user.email,
            "display_name": user.display_name,
            "created_at": user.created_at.isoformat(),
            "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
        }
        if user
        else None
    )
    return {"mails": mails, "account": account, "audit": audit}


def erase(event, person: Participant) -> dict[str, int]:
    """Mails to the address lose address and bodies (state and times stay: the delivery
    log's counts), audit details about the person are emptied, the account is unlinked
    and, when it serves nothing else, disabled with its address erased."""
    mails = 0
    for message in db.session.scalars(_mails(event, person)):
        message.recipient, message.subject, message.text, message.html = "", "", "", None
        if message.state in (MailState.QUEUED, MailState.SENDING):
            message.state, message.last_error = MailState.FAILED, "recipient erased"
        mails += 1
    entries = db.session.execute(
        sa.update(AuditEntry)
        .where(AuditEntry.object_type == "Participant", AuditEntry.object_id == str(person.id))
        .values(changes={})
    ).rowcount
    return {"mails": mails, "audit_entries": entries, "accounts": _account(person)}


def _account(person: Participant) -> int:
    """Unlink the account; disable and erase it when it has no role and no other row."""
    user = person.user
    if user is None:
        return 0
    person.user_id = None
    others = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Participant)
        .where(Participant.user_id == user.id, Participant.id != person.id)
    )
    roles = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(EventMembership)
        .where(EventMembership.user_id == user.id)
    )
    if others or roles or user.is_admin:
        return 0
    user.email = f"erased-{user.id}@invalid"
    user.display_name, user.password_hash, user.active = "", "", False
    user.totp_secret_encrypted, user.totp_enabled_at = None, None
    sessions.revoke_all(user)
    return 1
