"""The plan made again: proposed by the organisers (hand-placed guests stay), or re-flowed
when a seated guest cancels (their status leaves approved, they are erased, or their
enrolment in the activity is cancelled): the smallest change that keeps the rules
(settling.py), every moved place marked for a new card, the plan's version up."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventhub import jobs
from eventhub.audit import services as audit
from eventhub.extensions import db
from eventhub.registration.signals import travel_changed
from eventhub.scheduling.models import Enrolment, EnrolmentStatus
from eventhub.seating import planner, plans, settling
from eventhub.seating.models import SeatAssignment, SeatingPlan


def propose(plan: SeatingPlan, *, actor=None, action: str = "seating.propose") -> dict:
    """Seat everyone invited by precedence, keeping hand-placed places. Returns counts."""
    plan = plans.lock(plan)
    problem = plans.problem_of(plan)
    places, unseated = planner.arrange(problem)
    moved = plans.write_places(plan, places)
    if moved:
        plan.version += 1
    audit.record(
        action,
        plan,
        actor=actor,
        actor_label="seating re-flow" if actor is None else None,
        event_id=plan.event_id,
        changes={"moved": len(moved), "unseated": len(unseated), "version": plan.version},
    )
    return {"seated": len(places), "moved": len(moved), "unseated": len(unseated)}


def reflow(plan_id: int) -> int:
    """Re-flow one plan (the job's work); how many places changed."""
    plan = db.session.get(SeatingPlan, plan_id)
    if plan is None:
        return 0
    plan = plans.lock(plan)  # a hand move or a Propose meanwhile waits, or is waited for
    places, unseated = settling.settle(plan)
    moved = plans.write_places(plan, places)
    if moved:
        plan.version += 1
    audit.record(
        "seating.reflow",
        plan,
        actor=None,
        actor_label="seating re-flow",
        event_id=plan.event_id,
        changes={"moved": len(moved), "unseated": len(unseated), "version": plan.version},
    )
    return len(moved)


def plans_seating(participant_id: int) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(SeatAssignment.plan_id).where(SeatAssignment.participant_id == participant_id)
        )
    )


@travel_changed.connect
def reflow_on_cancel(participant, *, fields, **kwargs) -> None:
    """A seated guest whose status or erasure changed: their plans re-flow after commit."""
    if not {"status", "erased_at", "category", "protocol_rank"} & set(fields):
        return
    from eventhub.seating import tasks  # noqa: PLC0415 -- tasks imports this module

    for plan_id in plans_seating(participant.id):
        jobs.later(tasks.reflow_plan, plan_id)


@sa.event.listens_for(Session, "before_flush")
def _enrolment_cancelled(session: Session, _context, _instances) -> None:
    """An enrolment cancelled in a seated activity: its plan re-flows after commit."""
    cancelled = [
        record
        for record in session.dirty
        if isinstance(record, Enrolment)
        and record.status == EnrolmentStatus.CANCELLED
        and sa.inspect(record).attrs.status.history.has_changes()
    ]
    if not cancelled:
        return
    from eventhub.seating import tasks  # noqa: PLC0415 -- tasks imports this module

    with session.no_autoflush:
        for enrolment in cancelled:
            plan_id = session.scalar(
                sa.select(SeatingPlan.id).where(SeatingPlan.activity_id == enrolment.activity_id)
            )
            if plan_id is not None:
                jobs.later(tasks.reflow_plan, plan_id)
