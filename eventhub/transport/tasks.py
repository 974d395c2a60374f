"""Transport work done by the job worker: the whole plan (the organisers' button), one guest's
re-plan after their travel changed, the pick-up messages."""

from __future__ import annotations

from eventhub import jobs
from eventhub.auth.models import User
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.transport import notices, plan_calendar, planner, replanning


@jobs.job(retries=0)  # a plan that fails is the organiser's to see, not to repeat
def plan_transport(event_id: int, actor_id: int | None = None) -> int:
    event = db.session.get(Event, event_id)
    actor = db.session.get(User, actor_id) if actor_id else None
    try:
        return planner.plan(event, actor=actor).trips
    except Exception:
        db.session.rollback()  # the Plan button works again at once
        plan_calendar.lock_event(event_id).planning_since = None
        db.session.commit()
        raise


@jobs.job()
def replan_travel(participant_id: int) -> int:
    return replanning.replan(participant_id).placed


@jobs.job()
def send_pickup_messages(event_id: int) -> int:
    return notices.tell_guests(db.session.get(Event, event_id))
