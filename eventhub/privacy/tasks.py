"""The erasure of personal data past its date: every night, and when an organiser asks.

Jobs carry ids only (the queue's store never holds personal data) and return nothing (the
queue stores no result)."""

from __future__ import annotations

from huey import crontab

from eventhub import jobs
from eventhub.auth.models import User
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.privacy import retention
from eventhub.privacy.models import ErasureTrigger


# 18:30 UTC: 02:30 in China and most of South-East Asia, the quietest hour of the week.
@jobs.periodic(crontab(hour="18", minute="30"))
def erase_nightly() -> None:
    retention.erase_all_due(ErasureTrigger.NIGHTLY)
    db.session.commit()
    retention.reclaim()


@jobs.job(retries=2, retry_delay=60)
def erase_event(event_id: int, actor_id: int | None) -> None:
    """An organiser's "Erase what is past its date now"."""
    event = db.session.get(Event, event_id)
    if event is None:  # deleted meanwhile
        return
    actor = db.session.get(User, actor_id) if actor_id else None
    retention.erase_due(event, trigger=ErasureTrigger.MANUAL, actor=actor)
    db.session.commit()
    retention.reclaim()
