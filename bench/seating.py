"""The banquet seating plan at scale (issue 23): 600 guests (a Chinese host side and 29
delegations of the region, ranks 1 to 6 and unranked, 30 interpreters), a head table of 16
and 60 round tables of 10. Times `reflow.propose` on a stored plan (read the invited, plan,
write every place), median of 5 runs from an empty plan, alternating with the baseline: a
plain first-fit in precedence order (no host, no interpreters, no mixing) on the same data.
Then counts the hard rules broken (`plans.violations`, which must be empty).

    PYTHONPATH=$PWD .venv/bin/python bench/seating.py

Goal: 600 guests at 60 tables seated in under 5 s with every hard rule met.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scratch import scratch_app  # noqa: E402

from eventhub.events.models import Event  # noqa: E402
from eventhub.extensions import db  # noqa: E402
from eventhub.registration.models import Category, Delegation, Participant, Status  # noqa: E402
from eventhub.scheduling.models import Access, Activity, ActivityType  # noqa: E402
from eventhub.seating import planner, plans, reflow, tables  # noqa: E402
from eventhub.seating.models import SeatAssignment, SeatingPlan, TableShape  # noqa: E402

RUNS = 5
GUESTS = 600
INTERPRETERS = 30
COUNTRIES = ["CN", "LA", "VN", "TH", "KH", "MM", "MY", "ID", "PH", "SG", "BN"]


def build() -> SeatingPlan:
    rng = random.Random(23)
    event = Event(
        slug="bench-seating",
        name_en="Seating bench",
        name_zh="座次基准",
        city_en="Guiyang",
        city_zh="贵阳",
        venue_address="Eco-Conference Center",
        starts_on=date(2025, 7, 24),
        ends_on=date(2025, 7, 27),
        timezone="Asia/Shanghai",
    )
    db.session.add(event)
    db.session.flush()
    delegations = [
        Delegation(
            event_id=event.id,
            name_en=f"Delegation {n}",
            country_code="CN" if n < 6 else COUNTRIES[1 + n % 10],
        )
        for n in range(36)
    ]
    db.session.add_all(delegations)
    db.session.flush()
    people = []
    for n in range(GUESTS - INTERPRETERS):
        delegation = rng.choice(delegations)
        people.append(
            Participant(
                event_id=event.id,
                delegation_id=delegation.id,
                family_name=f"FAMILY{n}",
                given_name=f"Given{n}",
                country_code=delegation.country_code,
                protocol_rank=rng.choice([1, 2, 2, 3, 3, 4, 4, 5, 5, 5, 6, 6, 6, None]),
                status=Status.APPROVED,
            )
        )
    for n, delegation in enumerate(delegations[6 : 6 + INTERPRETERS]):
        people.append(
            Participant(
                event_id=event.id,
                delegation_id=delegation.id,
                family_name=f"INTERPRETER{n}",
                given_name="Ann",
                country_code=delegation.country_code,
                category=Category.INTERPRETER,
                status=Status.APPROVED,
            )
        )
    db.session.add_all(people)
    activity = Activity(
        event_id=event.id,
        title_en="Welcome banquet",
        type=ActivityType.BANQUET,
        access=Access.OPEN,
    )
    db.session.add(activity)
    db.session.flush()
    plan = SeatingPlan(event_id=event.id, activity_id=activity.id, host_country_code="CN")
    db.session.add(plan)
    db.session.flush()
    tables.add_tables(plan, 1, TableShape.HEAD, 16, actor=None)
    tables.add_tables(plan, 60, TableShape.ROUND, 10, actor=None)
    db.session.commit()
    return plan


def first_fit(problem: planner.Problem) -> dict[int, planner.Place]:
    """The baseline: everyone by precedence into the next free seat, table by table."""
    seats = [
        (t.id, s)
        for t in sorted(problem.tables, key=lambda t: t.number)
        for s in range(1, t.seats + 1)
    ]
    people = sorted(problem.people, key=lambda p: p.key)
    return {p.id: (table, seat, False) for p, (table, seat) in zip(people, seats, strict=False)}


def clear(plan: SeatingPlan) -> None:
    db.session.execute(sa.delete(SeatAssignment).where(SeatAssignment.plan_id == plan.id))
    db.session.commit()
    db.session.expire_all()


def main() -> None:
    with scratch_app():
        plan = build()
        ours, base, pure = [], [], []
        for _ in range(RUNS):
            clear(plan)
            started = time.perf_counter()
            problem = plans.problem_of(plan)
            first_fit(problem)
            base.append(time.perf_counter() - started)
            clear(plan)
            started = time.perf_counter()
            counts = reflow.propose(plan)
            db.session.commit()
            ours.append(time.perf_counter() - started)
            started = time.perf_counter()
            planner.arrange(plans.problem_of(plan))
            pure.append(time.perf_counter() - started)
        broken = plans.violations(plan)
        baseline_broken = planner.check(problem, first_fit(problem))
        mean, median = statistics.median(ours), statistics.median(base)
        print(
            f"guests {GUESTS}, tables 61, seated {counts['seated']}, unseated {counts['unseated']}"
        )
        print(f"propose (read, plan, write) median of {RUNS}: {mean:.3f} s")
        print(f"  of which problem + arrange in memory: {statistics.median(pure):.3f} s")
        print(f"baseline first-fit (read + fit) median: {median:.3f} s; ratio {mean / median:.1f}x")
        print(f"hard rules broken: {len(broken)} (first-fit baseline: {len(baseline_broken)})")
        for line in broken[:10]:
            print("  ", line)


if __name__ == "__main__":
    main()
