"""A cancellation re-issues a handful of cards, not the room: the trial's organiser printed
every card, withdrew one guest at a round table and found 49 cards to reprint; withdrawing a
head of delegation left their interpreter breaking a rule."""

from __future__ import annotations

from datetime import timedelta

from eventhub import jobs
from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.registration import lists
from eventhub.registration.models import Participant, Status
from eventhub.seating import plans, reflow
from eventhub.seating.models import SeatAssignment, SeatingPlan, SeatingTable

from ..conftest import run_held
from .world import banquet


def _printed_plan(app, make, event, **kw):
    world = banquet(app, make, event, **kw)
    with app.app_context():
        plan = db.session.get(SeatingPlan, world.plan_id)
        reflow.propose(plan)
        printed = utcnow() - timedelta(minutes=5)
        for row in plans.places_of(plan):
            row.card_printed_at = printed
        db.session.commit()
    return world


def _places(app, world) -> dict[int, tuple]:
    with app.app_context():
        rows = db.session.query(SeatAssignment).filter_by(plan_id=world.plan_id).all()
        return {
            r.participant_id: (db.session.get(SeatingTable, r.table_id).number, r.seat, r.behind)
            for r in rows
        }


def _withdraw(app, as_role, held_jobs, pid) -> None:
    user = as_role("organiser")
    with app.app_context():
        lists.change_status(
            [db.session.get(Participant, pid)], Status.WITHDRAWN, actor=user, reason="ill"
        )
        jobs.commit()
    run_held(app, held_jobs)


def _moved(before, after) -> set[int]:
    return {pid for pid in after if pid in before and after[pid] != before[pid]}


def test_a_guest_leaving_a_round_table_moves_nobody_else(app, make, event, as_role, held_jobs):
    world = _printed_plan(app, make, event)
    before = _places(app, world)
    gone = next(
        pid
        for name, pid in world.ids.items()
        if name.startswith("th") and name[2:].isdigit() and before[pid][0] > 1
    )
    _withdraw(app, as_role, held_jobs, gone)
    after = _places(app, world)
    assert gone not in after
    assert _moved(before, after) == set()
    with app.app_context():
        assert plans.violations(db.session.get(SeatingPlan, world.plan_id)) == []


def test_a_gap_at_the_head_table_brings_up_one_guest(app, make, event, as_role, held_jobs):
    world = _printed_plan(app, make, event)
    before = _places(app, world)
    gone = world.ids["cn2"]
    assert before[gone][0] == 1
    _withdraw(app, as_role, held_jobs, gone)
    after = _places(app, world)
    moved = _moved(before, after)
    came_up = [pid for pid in moved if after[pid][0] == 1 and not after[pid][2]]
    assert len(came_up) == 1
    assert after[came_up[0]][1] == before[gone][1]  # into the freed seat
    # Only that guest and an interpreter who follows them change places.
    assert len(moved) <= 2
    with app.app_context():
        assert plans.violations(db.session.get(SeatingPlan, world.plan_id)) == []


def test_a_head_of_delegation_leaving_keeps_their_interpreter_within_the_rules(
    app, make, event, as_role, held_jobs
):
    world = _printed_plan(app, make, event)
    _withdraw(app, as_role, held_jobs, world.ids["la_head"])
    after = _places(app, world)
    assert world.ids["la_head"] not in after
    with app.app_context():
        assert plans.violations(db.session.get(SeatingPlan, world.plan_id)) == []
    assert world.ids["la_interpreter"] in after  # with the delegation's next principal
