"""When a seated guest cancels (any path: their status leaves approved, or their enrolment is
cancelled), the plan re-flows in a job after the commit: the freed seat is filled by people
below by precedence, moved places are marked for new cards, hand-placed guests stay."""

from __future__ import annotations

from datetime import timedelta

from eventhub import jobs
from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.registration import lists
from eventhub.registration.models import Participant, Status
from eventhub.seating import plans, reflow, tasks
from eventhub.seating.models import SeatAssignment, SeatingPlan

from ..conftest import run_held
from .world import banquet


def _setup(app, make, event, as_role):
    world = banquet(app, make, event)
    user = as_role("organiser")
    printed = utcnow() - timedelta(minutes=5)
    with app.app_context():
        plan = db.session.get(SeatingPlan, world.plan_id)
        reflow.propose(plan)
        # One hand-placed guest at the last table; every card printed.
        plans.move(
            plan,
            db.session.get(Participant, world.ids["th4"]),
            plans.table_of(plan, 5),
            6,
            actor=user,
        )
        for row in plans.places_of(plan):
            row.card_printed_at = printed
        db.session.commit()
    return world, user


def _rows(app, world) -> dict[int, SeatAssignment]:
    with app.app_context():
        rows = db.session.query(SeatAssignment).filter_by(plan_id=world.plan_id).all()
        db.session.expunge_all()
        return {r.participant_id: r for r in rows}


def test_a_cancelled_guest_is_replaced_and_moved_cards_are_reissued(
    app, make, event, as_role, held_jobs
):
    world, user = _setup(app, make, event, as_role)
    before = _rows(app, world)
    gone = world.ids["cn2"]  # on the head table
    freed = (before[gone].table_id, before[gone].seat)
    with app.app_context():
        version = db.session.get(SeatingPlan, world.plan_id).version
        lists.change_status(
            [db.session.get(Participant, gone)], Status.WITHDRAWN, actor=user, reason="ill"
        )
        jobs.commit()
    assert tasks.reflow_plan in [task for task, _args in held_jobs]
    run_held(app, held_jobs)
    after = _rows(app, world)
    assert gone not in after
    taker = [r for r in after.values() if (r.table_id, r.seat) == freed and not r.behind]
    assert len(taker) == 1  # the freed seat is filled
    assert taker[0].card_printed_at < taker[0].changed_at  # its card is to print again
    moved = [
        pid
        for pid, r in after.items()
        if pid in before
        and (r.table_id, r.seat, r.behind)
        != (before[pid].table_id, before[pid].seat, before[pid].behind)
    ]
    assert moved and all(after[pid].card_printed_at < after[pid].changed_at for pid in moved)
    unmoved = [pid for pid in after if pid in before and pid not in moved]
    assert all(after[pid].changed_at == before[pid].changed_at for pid in unmoved)
    hand = after[world.ids["th4"]]
    assert (hand.seat, hand.by_hand) == (6, True) and hand.changed_at == before[
        world.ids["th4"]
    ].changed_at
    with app.app_context():
        plan = db.session.get(SeatingPlan, world.plan_id)
        assert plan.version > version
        assert plans.violations(plan) == []


def test_the_host_cancelling_puts_the_next_host_in_the_centre(app, make, event, as_role, held_jobs):
    world, user = _setup(app, make, event, as_role)
    with app.app_context():
        lists.change_status(
            [db.session.get(Participant, world.ids["host"])],
            Status.WITHDRAWN,
            actor=user,
            reason="called away",
        )
        jobs.commit()
    run_held(app, held_jobs)
    after = _rows(app, world)
    with app.app_context():
        plan = db.session.get(SeatingPlan, world.plan_id)
        head = plans.table_of(plan, 1)
        assert after[world.ids["cn2"]].table_id == head.id and after[world.ids["cn2"]].seat == 4
        assert plans.violations(plan) == []


def test_a_cancelled_enrolment_frees_the_seat(app, make, event, as_role, held_jobs):
    from eventhub.scheduling.models import Enrolment, EnrolmentStatus

    world = banquet(app, make, event)
    with app.app_context():
        plan = db.session.get(SeatingPlan, world.plan_id)
        # Invitations entered: everyone is enrolled in the banquet.
        for pid in world.ids.values():
            db.session.add(
                Enrolment(
                    activity_id=plan.activity_id,
                    participant_id=pid,
                    status=EnrolmentStatus.ENROLLED,
                )
            )
        reflow.propose(plan)
        db.session.commit()
    gone = world.ids["th2"]
    assert gone in _rows(app, world)
    with app.app_context():
        enrolment = db.session.query(Enrolment).filter_by(participant_id=gone).one()
        enrolment.status = EnrolmentStatus.CANCELLED
        jobs.commit()
    run_held(app, held_jobs)
    assert gone not in _rows(app, world)
