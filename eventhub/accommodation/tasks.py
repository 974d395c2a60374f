"""Rooming as jobs: the proposal may use its whole time limit, never inside a request; a
guest's room follows their travel after the commit that changed it."""

from __future__ import annotations

from flask_babel import force_locale

from eventhub import jobs
from eventhub.accommodation import assigning, solver
from eventhub.audit import services as audit
from eventhub.auth.models import User
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Participant


@jobs.job(retries=0)  # a proposal that failed is the organiser's to see and ask again
def propose_rooms(event_id: int, actor_id: int | None) -> None:
    event = db.session.get(Event, event_id)
    actor = db.session.get(User, actor_id) if actor_id else None
    if event is None:
        return
    try:
        with force_locale((actor and actor.locale) or "en"):
            solver.propose(event, actor=actor)
    except Exception as error:
        # The board stops saying "running" and shows that it failed.
        db.session.rollback()
        audit.record(
            "rooms.propose",
            event,
            actor=actor,
            event_id=event.id,
            changes={"error": [None, f"{type(error).__name__}: {error}"[:300]]},
        )
    db.session.commit()


@jobs.job()
def follow_travel(participant_id: int) -> None:
    participant = db.session.get(Participant, participant_id)
    if participant is None:
        return
    with force_locale("en"):
        assigning.follow_travel(participant)
    db.session.commit()
