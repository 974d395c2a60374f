"""A registration sent twice registers once: a retry on a weak venue network, a double
click, or a client resending a call it got no answer to. Each form carries a random key
(each API call may carry an Idempotency-Key), claimed in the transaction that creates the
participant; the database's unique key lets one of two simultaneous claims through."""

from __future__ import annotations

import secrets

import sqlalchemy as sa

from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Participant, Submission

FORM = "form"
MAX_KEY = 255


def new_key() -> str:
    """The key of a freshly rendered registration form."""
    return secrets.token_urlsafe(24)


def api_scope(token_id: int) -> str:
    """API keys are the client's own: two clients choosing the same one do not collide."""
    return f"token:{token_id}"


def earlier(event: Event, scope: str, key: str) -> Submission | None:
    return db.session.scalar(
        sa.select(Submission).where(
            Submission.event_id == event.id, Submission.scope == scope, Submission.key == key
        )
    )


def claim(event: Event, scope: str, key: str) -> Submission | None:
    """The key, claimed for this request; None when another request claimed it first. On
    PostgreSQL the insert waits for a simultaneous claim to commit or roll back; SQLite
    runs one writing transaction at a time. The caller rolls back and shows `earlier`."""
    submission = Submission(event_id=event.id, scope=scope, key=key)
    try:
        with db.session.begin_nested():
            db.session.add(submission)
    except sa.exc.IntegrityError:
        return None
    return submission


def participant_of(submission: Submission | None) -> Participant | None:
    """Whom the earlier submission registered (None when since merged or deleted)."""
    if submission is None or submission.participant_id is None:
        return None
    return db.session.get(Participant, submission.participant_id)
