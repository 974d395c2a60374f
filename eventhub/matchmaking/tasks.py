"""Matchmaking work done by the job worker: the organisers' "Propose meetings" button."""

from __future__ import annotations

import logging

from eventhub import jobs
from eventhub.audit import services as audit
from eventhub.auth.models import User
from eventhub.db import utcnow
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.matchmaking import solver
from eventhub.matchmaking.runs import FAILED, lock_run

log = logging.getLogger(__name__)


@jobs.job(retries=0)  # a fit that fails is the organiser's to see, not to repeat
def propose_meetings(event_id: int, actor_id: int | None = None) -> int:
    """Fit the meetings again, store the result for the proposal page; the number proposed."""
    event = db.session.get(Event, event_id)
    actor = db.session.get(User, actor_id) if actor_id else None
    try:
        result = solver.propose(event)
    except Exception:
        log.exception("Proposing the meetings of event %s failed", event_id)
        db.session.rollback()  # the button works again at once
        run = lock_run(event_id)
        run.running_since = None
        run.error = FAILED  # the page says it in the reader's words; the log has the rest
        db.session.commit()
        raise
    run = lock_run(event_id)
    run.running_since = None
    run.finished_at = utcnow()
    run.user_id = actor_id
    run.result = result.as_dict()
    run.error = ""
    audit.record(
        "matchmaking.propose",
        event,
        actor=actor,
        event_id=event.id,
        changes={
            "proposed": [None, result.proposed],
            "mutual_scheduled": [None, f"{result.mutual_scheduled}/{result.mutual_requested}"],
        },
    )
    return result.proposed
