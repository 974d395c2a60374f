"""The pick-up planner at scale (issue 22): 1,000 guests landing over 3 days into 10 hotels,
40 vehicles (8 protocol cars, 20 vans, 8 minibuses, 4 coaches), 10 escorts; each guest also
flies home. Times `planner.plan` (median of the runs), checks `violations() == []`, and
compares with a baseline in the same run: the same planner giving every guest a trip of
their own (what a desk does without grouping).

    PYTHONPATH=$PWD .venv/bin/python bench/transport.py

Goal: a plan in under 30 s meeting every hard rule.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scratch import scratch_app  # noqa: E402

from eventhub.accommodation.models import Hotel  # noqa: E402
from eventhub.events.models import Event  # noqa: E402
from eventhub.extensions import db  # noqa: E402
from eventhub.registration.models import Delegation, Participant, Status  # noqa: E402
from eventhub.transport import planner, replanning  # noqa: E402
from eventhub.transport.models import (  # noqa: E402
    Escort,
    TransportSettings,
    Vehicle,
    VehicleKind,
)

RUNS = 3
GUESTS = 1000
COUNTRIES = ["LA", "VN", "TH", "KH", "MM", "MY", "ID", "PH", "SG", "BN"]


def build() -> Event:
    rng = random.Random(22)
    event = Event(
        slug="bench-rides",
        name_en="Rides bench",
        name_zh="接送基准",
        city_en="Guiyang",
        city_zh="贵阳",
        venue_address="Eco-Conference Center",
        starts_on=date(2025, 7, 24),
        ends_on=date(2025, 7, 27),
        timezone="Asia/Shanghai",
    )
    db.session.add(event)
    db.session.flush()
    db.session.add(TransportSettings(event_id=event.id))
    hotels = [
        Hotel(event_id=event.id, name_en=f"Hotel {n}", drive_minutes=25 + 5 * n) for n in range(10)
    ]
    db.session.add_all(hotels)
    kinds = [(VehicleKind.CAR, 4)] * 8 + [(VehicleKind.VAN, 7)] * 20
    kinds += [(VehicleKind.MINIBUS, 18)] * 8 + [(VehicleKind.COACH, 45)] * 4
    db.session.add_all(
        Vehicle(event_id=event.id, label=f"GZ-{n:03}", kind=kind, seats=seats)
        for n, (kind, seats) in enumerate(kinds)
    )
    db.session.add_all(
        Escort(event_id=event.id, name=f"Escort {n}", languages=COUNTRIES[n].lower())
        for n in range(10)
    )
    delegations = [
        Delegation(event_id=event.id, name_en=f"Delegation {n}", country_code=COUNTRIES[n % 10])
        for n in range(40)
    ]
    db.session.add_all(delegations)
    db.session.flush()
    # 60 flights over 3 days, 06:00 to 23:00 local (UTC+8); each guest on one of them.
    start = datetime(2025, 7, 23, 22, 0, tzinfo=UTC)
    flights = [
        (f"FD{100 + n}", start + timedelta(days=n // 20, minutes=rng.randrange(0, 17 * 60)))
        for n in range(60)
    ]
    for n in range(GUESTS):
        flight, lands = rng.choice(flights)
        back, leaves = rng.choice(flights)
        delegation = delegations[n % 40]
        db.session.add(
            Participant(
                event_id=event.id,
                given_name=f"Guest {n}",
                country_code=delegation.country_code,
                delegation_id=delegation.id,
                status=Status.APPROVED,
                protocol_rank=1 if n % 50 == 0 else (2 if n % 50 == 1 else 5),
                arrival_at=lands,
                arrival_flight=flight,
                arrival_point="KWE",
                departure_at=leaves + timedelta(days=3, hours=2),
                departure_flight=back,
                departure_point="KWE",
                hotel=hotels[n % 10].name_en,
            )
        )
    db.session.flush()
    return event


def timed(event, share: bool):
    planner.Builder.share = share
    times, report = [], None
    for _ in range(RUNS):
        started = time.perf_counter()
        report = planner.plan(event)
        times.append(time.perf_counter() - started)
    return statistics.median(times), report


def main() -> None:
    with scratch_app():
        event = build()
        base_time, base = timed(event, share=False)
        base_broken = planner.violations(event)
        median, report = timed(event, share=True)
        broken = planner.violations(event)
        # A changed flight: 20 guests, one after the other, each land 3 hours later.
        moved = db.session.scalars(
            sa.select(Participant).where(Participant.event_id == event.id).limit(20)
        ).all()
        replans = []
        for person in moved:
            person.arrival_at += timedelta(hours=3)
            db.session.flush()
            started = time.perf_counter()
            replanning.replan(person.id)
            replans.append(time.perf_counter() - started)
        broken_after = planner.violations(event)
        db.session.rollback()
    legs = 2 * GUESTS
    print(f"guests: {GUESTS} ({legs} pick-ups and drop-offs), hotels 10, vehicles 40; runs {RUNS}")
    for name, (t, r, v) in {
        "baseline (a trip each)": (base_time, base, base_broken),
        "planner": (median, report, broken),
    }.items():
        print(
            f"{name}: median {t:.2f} s; trips {r.trips}; placed {r.placed}/{legs}; "
            f"not placed {len(r.not_placed)}; violations {len(v)}"
        )
    print(f"trips ratio baseline/planner: {base.trips / max(report.trips, 1):.1f}x")
    print(
        f"one guest re-planned: median {statistics.median(replans) * 1000:.0f} ms, "
        f"max {max(replans) * 1000:.0f} ms (20 guests); violations after: {len(broken_after)}"
    )
    for line in broken[:10]:
        print("  ", line)
    reasons: dict[str, int] = {}
    for _p, why in report.not_placed:
        reasons[why] = reasons.get(why, 0) + 1
    print("not placed:", reasons)


if __name__ == "__main__":
    main()
