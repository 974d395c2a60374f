"""What core holds about one participant, which only registration can find (privacy sits
below registration and never reads the participant's address): mails sent to them, their
user account, the audit log's entries about them. Read for the export, erased with them."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.auth.models import User
from eventhub.extensions import db
from eventhub.outbox.models import MailState, OutboxMessage
from eventhub.registration import erased_traces
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
    log's counts); the account loses this event's roles and tokens and, when it serves
    nothing else, is closed with its address erased; the audit log keeps every entry but
    no longer names the person (erased_traces)."""
    mails = 0
    for message in db.session.scalars(_mails(event, person)):
        message.recipient, message.subject, message.text, message.html = "", "", "", None
        if message.state in (MailState.QUEUED, MailState.SENDING):
            message.state, message.last_error = MailState.FAILED, "recipient erased"
        mails += 1
    addresses = {(person.email or "").strip().lower()} - {""}
    account = erased_traces.close_account(event, person)
    if account.closed is not None:
        addresses.add(account.email)
    # An address a live account still holds is that account's, not only this person's.
    live = set(
        db.session.scalars(sa.select(sa.func.lower(User.email)).where(User.email.in_(addresses)))
    )
    entries = erased_traces.scrub_audit(person, account.closed, addresses - live)
    return {
        "mails": mails,
        "audit_entries": entries,
        "accounts": int(account.closed is not None),
        "roles": account.roles,
        "api_tokens": account.tokens,
    }
