"""Conflicts to review: duplicates (two devices admitted one badge while offline) and
disagreements (the gate let in someone the server would refuse, or the reverse)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.audit import services as audit
from eventhub.auth.models import User
from eventhub.checkin.attendance import conflict_filter
from eventhub.checkin.models import Scan
from eventhub.db import utcnow
from eventhub.errors import DomainError
from eventhub.events.models import Event

SHOWN = ("unreviewed", "reviewed", "all")


def listing(event: Event, shown: str) -> sa.Select:
    """The event's conflicts, latest scan first; `shown` one of SHOWN."""
    query = (
        sa.select(Scan)
        .where(Scan.event_id == event.id, conflict_filter())
        .options(sa.orm.joinedload(Scan.participant), sa.orm.joinedload(Scan.checkpoint))
        .order_by(Scan.scanned_at.desc(), Scan.id.desc())
    )
    if shown == "unreviewed":
        query = query.where(Scan.reviewed_at.is_(None))
    elif shown == "reviewed":
        query = query.where(Scan.reviewed_at.is_not(None))
    return query


def mark_reviewed(event: Event, scan: Scan, *, actor: User) -> None:
    """An organiser looked at it (and dealt with the person at the door): it leaves the list
    of those to review, with an audit entry saying who and when."""
    if scan.event_id != event.id or not (scan.duplicate or scan.disagrees):
        raise DomainError(_l("This scan is not a conflict to review."))
    if scan.reviewed_at is not None:
        raise DomainError(_l("This conflict was already reviewed."))
    scan.reviewed_at = utcnow()
    scan.reviewed_by_id = actor.id
    audit.record(
        "scan.review",
        scan,
        actor=actor,
        event_id=event.id,
        changes={"reviewed_at": [None, scan.reviewed_at.isoformat()]},
    )
