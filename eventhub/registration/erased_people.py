"""An erased person gives up their place: erased before the event has ended, they are
withdrawn (privacy.signals.person_erase), so the capacity and quotas they held go to the
waiting list as after any withdrawal. After the event, their status stays: the statistics
count who attended.

A receiver of its own, apart from personal_data's erasure of the row: it reads only the
status and the ids, which that erasure leaves as they were, so the order in which the
receivers run does not matter."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.audit import display
from eventhub.audit import services as audit
from eventhub.extensions import db
from eventhub.privacy import kinds
from eventhub.privacy.signals import person_erase
from eventhub.registration import quotas
from eventhub.registration.models import Participant, Status

display.describe_fields({"erased_person": _l("Because the person's data was erased")})

# Statuses an erasure withdraws: a place held, or a turn on the waiting list.
GIVEN_UP = (Status.PENDING, Status.APPROVED, Status.WAITLISTED)


def event_over(event) -> bool:
    """Whether the event's last day is behind us (in its zone, on the movable clock)."""
    return kinds.event_today(event) > event.ends_on


@person_erase.connect
def withdraw_erased(event, *, participant_id: int, actor=None, **kwargs) -> dict[str, int]:
    """Withdraw the person (no reason given: it would say who), moving the waiting list up
    with its usual notices. Nothing when the event is over or they held no place."""
    if event_over(event):
        return {}
    status = db.session.scalar(
        sa.select(Participant.status).where(
            Participant.id == participant_id, Participant.event_id == event.id
        )
    )
    if status not in GIVEN_UP:
        return {}
    quotas.lock_places(event.id)  # before the row it counts (as every change of places)
    person = db.session.get(Participant, participant_id)
    audit.record(
        "participant.status",
        person,
        actor=actor,
        actor_label=None if actor else "erasure",
        event_id=event.id,
        changes={"status": [status.value, Status.WITHDRAWN.value], "erased_person": [None, True]},
    )
    person.status = Status.WITHDRAWN
    person.status_reason = ""
    person.withdrawn_from = None  # an erasure is not undone
    quotas.leave_waiting_list(person)
    db.session.flush()
    if status in quotas.HOLDING:
        quotas.fill_places(event.id, actor=actor)
    return {"withdrawn": 1}
