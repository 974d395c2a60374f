"""The automatic plan meets every hard rule: the host in the head table's centre, the guest
of honour on the host's right, interpreters with their principals, capacity, hand-placed
guests kept; and mixes the other tables."""

from __future__ import annotations

from collections import Counter

import pytest

from eventhub.extensions import db
from eventhub.registration.models import Participant
from eventhub.seating import plans, reflow
from eventhub.seating.models import SeatAssignment, SeatingPlan

from .world import banquet


def _propose(app, world):
    with app.app_context():
        plan = db.session.get(SeatingPlan, world.plan_id)
        reflow.propose(plan)
        db.session.commit()


def _places(app, world) -> dict[int, tuple[int, int, bool]]:
    """participant id -> (table number, seat, behind)."""
    with app.app_context():
        plan = db.session.get(SeatingPlan, world.plan_id)
        numbers = {t.id: t.number for t in plan.tables}
        return {
            a.participant_id: (numbers[a.table_id], a.seat, a.behind) for a in plans.places_of(plan)
        }


def _violations(app, world) -> list[str]:
    with app.app_context():
        return plans.violations(db.session.get(SeatingPlan, world.plan_id))


@pytest.mark.parametrize("behind", [True, False])
def test_the_proposed_plan_meets_every_hard_rule(app, make, event, behind):
    world = banquet(app, make, event, behind=behind)
    _propose(app, world)
    places = _places(app, world)
    ids = world.ids
    assert _violations(app, world) == []
    assert len(places) == 22  # everyone invited has a seat
    # Head table of 8 seats: the centre is seat 4, the host's right seat 3.
    assert places[ids["host"]] == (1, 4, False)
    assert places[ids["la_head"]] == (1, 3, False)  # the most senior guest
    for head, interpreter in (("la_head", "la_interpreter"), ("th_head", "th_interpreter")):
        table, seat, _ = places[ids[head]]
        if behind:
            assert places[ids[interpreter]] == (table, seat, True)
        else:
            other_table, other_seat, was_behind = places[ids[interpreter]]
            assert other_table == table and not was_behind
            assert abs(other_seat - seat) == 1
    front = Counter((t, s) for t, s, b in places.values() if not b)
    assert max(front.values()) == 1


def test_no_table_is_all_one_delegation_and_every_table_has_a_host(app, make, event):
    world = banquet(app, make, event)
    _propose(app, world)
    with app.app_context():
        country = {p.id: p.country_code for p in db.session.query(Participant)}
    tables: dict[int, list[str]] = {}
    for pid, (table, _seat, behind) in _places(app, world).items():
        if not behind:
            tables.setdefault(table, []).append(country[pid])
    for table, countries in tables.items():
        assert "CN" in countries, table
        assert len(set(countries)) > 1, table


def test_a_hand_placed_guest_stays_when_the_plan_is_proposed_again(app, make, event, as_role):
    world = banquet(app, make, event)
    _propose(app, world)
    user = as_role("organiser")
    ids = world.ids
    with app.app_context():
        plan = db.session.get(SeatingPlan, world.plan_id)
        last = plans.table_of(plan, 5)
        plans.move(plan, db.session.get(Participant, ids["cn2"]), last, 6, actor=user)
        db.session.commit()
    _propose(app, world)
    assert _places(app, world)[ids["cn2"]] == (5, 6, False)
    assert _violations(app, world) == []


def test_moving_the_host_off_the_centre_is_refused(app, make, event):
    world = banquet(app, make, event)
    _propose(app, world)
    with app.app_context():
        plan = db.session.get(SeatingPlan, world.plan_id)
        with pytest.raises(plans.MoveRefused, match="host"):
            plans.move(
                plan,
                db.session.get(Participant, world.ids["host"]),
                plans.table_of(plan, 2),
                1,
                actor=None,
            )
        db.session.rollback()


def test_a_full_table_refuses_an_unseated_guest_naming_its_seats(app, make, event):
    world = banquet(app, make, event, round_tables=1, seats=6)  # 8 + 6 seats for 20 people
    _propose(app, world)
    places = _places(app, world)
    with app.app_context():
        plan = db.session.get(SeatingPlan, world.plan_id)
        unseated = next(p for p in plans.audience(plan) if p.id not in places)
        with pytest.raises(plans.MoveRefused, match="Table 2 has 6 seats; all are taken"):
            plans.move(plan, unseated, plans.table_of(plan, 2), 3, actor=None)
        db.session.rollback()


def test_nobody_is_seated_twice_and_no_seat_past_a_tables_size(app, make, event):
    world = banquet(app, make, event)
    _propose(app, world)
    with app.app_context():
        rows = db.session.query(SeatAssignment).filter_by(plan_id=world.plan_id).all()
        plan = db.session.get(SeatingPlan, world.plan_id)
        size = {t.id: t.seats for t in plan.tables}
    assert len({r.participant_id for r in rows}) == len(rows)
    assert all(1 <= r.seat <= size[r.table_id] for r in rows)


@pytest.mark.parametrize("behind", [True, False])
def test_swapping_with_a_principal_brings_their_interpreter_along(app, make, event, behind):
    world = banquet(app, make, event, behind=behind)
    _propose(app, world)
    ids = world.ids
    places = _places(app, world)
    th_table, th_seat, _ = places[ids["th_head"]]
    mover = next(
        pid
        for pid, (t, _s, b) in places.items()
        if t != th_table
        and not b
        and pid not in (ids["host"], ids["la_head"])
        and pid not in (ids["la_interpreter"], ids["la_head"])
        and t != places[ids["la_head"]][0]
    )
    with app.app_context():
        plan = db.session.get(SeatingPlan, world.plan_id)
        table = next(t for t in plan.tables if t.number == th_table)
        if not behind:  # no free seat next to the principal's new place for the interpreter
            with pytest.raises(plans.MoveRefused, match="would not sit together"):
                plans.move(plan, db.session.get(Participant, mover), table, th_seat, actor=None)
            db.session.rollback()
            assert _places(app, world) == places
            return
        plans.move(plan, db.session.get(Participant, mover), table, th_seat, actor=None)
        db.session.commit()
    after = _places(app, world)
    assert after[mover] == (th_table, th_seat, False)
    assert after[ids["th_head"]][0] == places[mover][0]
    assert after[ids["th_interpreter"]][0] == places[mover][0]
    assert _violations(app, world) == []
