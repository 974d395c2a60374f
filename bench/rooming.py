"""The automatic rooming proposal at the issue's size: 4,000 approved guests in 200
delegations (ranks 1-2 ministers, 3-4 presidents and deans, the rest staff), 10 hotels with
a standard twin, an accessible twin, an executive room and a suite each, blocks for the
nights 21-29 July; arrivals over 4 days (some before 06:00), departures over 4; one guest
in ten shares with a colleague, one in fifty needs an accessible room, one in five wishes a
hotel. Suites run short on the busiest night: the senior guests must get them.

    PYTHONPATH=$PWD .venv/bin/python bench/rooming.py

Goal (issue 22): under 30 s (median of the runs), no block over its contracted rooms, no
guest below their rank's class. Baseline in the same run: a greedy first fit (senior first,
cheapest fitting type, no delegation grouping), to show what the solver costs and buys.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scratch import scratch_app  # noqa: E402

from eventhub.accommodation import capacity, solver  # noqa: E402
from eventhub.accommodation.models import (  # noqa: E402
    CLASS_ORDER,
    Hotel,
    RoomBlock,
    RoomClass,
    RoomingPreference,
    RoomType,
)
from eventhub.accommodation.nights import (  # noqa: E402
    nights_between,
    nights_of,
    room_class_for,
    settings_of,
)
from eventhub.events.models import Event  # noqa: E402
from eventhub.extensions import db  # noqa: E402
from eventhub.registration.models import Delegation, Participant, Status  # noqa: E402

RUNS = 3
GUESTS = 4000
DELEGATIONS = 200
HOTELS = 10
NIGHTS = nights_between(date(2025, 7, 20), date(2025, 7, 29))
ZONE = ZoneInfo("Asia/Shanghai")


def build(seed: int = 22) -> Event:
    rng = random.Random(seed)
    event = Event(
        slug="bench-rooming",
        name_en="Rooming bench",
        name_zh="住宿测试",
        city_en="Guiyang",
        city_zh="贵阳",
        venue_address="Eco-Conference Center",
        starts_on=date(2025, 7, 24),
        ends_on=date(2025, 7, 27),
        timezone="Asia/Shanghai",
    )
    db.session.add(event)
    db.session.flush()
    for h in range(HOTELS):
        hotel = Hotel(event_id=event.id, name_en=f"Hotel {h + 1}", name_zh=f"酒店{h + 1}")
        db.session.add(hotel)
        kinds = [
            ("Standard twin", RoomClass.STANDARD, 2, False, 350, 400),
            ("Accessible twin", RoomClass.STANDARD, 2, True, 8, 420),
            ("Executive", RoomClass.EXECUTIVE, 1, False, 40, 900),
            ("Suite", RoomClass.SUITE, 1, False, 5, 2600),
        ]
        for name, room_class, beds, accessible, rooms, rate in kinds:
            room_type = RoomType(
                hotel=hotel, name_en=name, room_class=room_class, beds=beds, accessible=accessible
            )
            db.session.add(room_type)
            for night in NIGHTS:
                short = room_class is RoomClass.SUITE and night == date(2025, 7, 24)
                room_type.blocks.append(
                    RoomBlock(
                        night=night,
                        rooms=rooms - 2 if short else rooms,
                        rate=Decimal(rate + 10 * h),
                        cut_off=date(2025, 7, 1),
                    )
                )
    delegations = [
        Delegation(event_id=event.id, name_en=f"Delegation {d}", country_code="LA")
        for d in range(DELEGATIONS)
    ]
    db.session.add_all(delegations)
    db.session.flush()
    people = []
    for n in range(GUESTS):
        rank = 1 if n < 20 else 2 if n < 40 else 3 if n < 200 else 4 if n < 400 else 6
        arrival = datetime(2025, 7, 21 + rng.randrange(4), rng.randrange(24), 0, tzinfo=ZONE)
        departure = datetime(2025, 7, 26 + rng.randrange(4), 12, 0, tzinfo=ZONE)
        people.append(
            Participant(
                event_id=event.id,
                delegation_id=delegations[n % DELEGATIONS].id,
                given_name=f"Guest {n}",
                family_name="BENCH",
                country_code="LA",
                status=Status.APPROVED,
                protocol_rank=rank,
                arrival_at=arrival.astimezone(UTC),
                departure_at=departure.astimezone(UTC),
                hotel=f"Hotel {1 + rng.randrange(HOTELS)}" if rng.random() < 0.2 else "",
            )
        )
    db.session.add_all(people)
    db.session.flush()
    for n, person in enumerate(people):
        share = 400 <= n < GUESTS - DELEGATIONS and n % 20 == 0
        accessible = n % 50 == 7
        if share or accessible:
            db.session.add(
                RoomingPreference(
                    participant_id=person.id,
                    share_with_id=people[n + DELEGATIONS].id if share else None,
                    accessible=accessible,
                )
            )
    db.session.flush()
    return event


def greedy(event) -> tuple[int, int]:
    """The baseline: senior first, the cheapest type that fits every night; (placed, hotels
    per delegation summed)."""
    settings = settings_of(event)
    free = {key: block.rooms for key, block in solver.contracted(event).items()}
    types = list(db.session.scalars(db.select(RoomType)))
    people = sorted(
        db.session.scalars(db.select(Participant).where(Participant.event_id == event.id)),
        key=lambda p: p.protocol_rank or 99,
    )
    preferences = {p.participant_id: p for p in db.session.scalars(db.select(RoomingPreference))}
    placed, hotels = 0, defaultdict(set)
    for person in people:
        nights = nights_of(person, ZONE)
        preference = preferences.get(person.id)
        wanted = room_class_for(person, settings)
        days = nights_between(*nights)
        fitting = [
            t
            for t in types
            if CLASS_ORDER[t.room_class] >= CLASS_ORDER[wanted]
            and (t.accessible or not (preference and preference.accessible))
            and all(free.get((t.id, d), 0) > 0 for d in days)
        ]
        if not fitting:
            continue
        best = min(fitting, key=lambda t: (CLASS_ORDER[t.room_class], t.blocks[0].rate))
        for d in days:
            free[best.id, d] -= 1
        placed += 1
        hotels[person.delegation_id].add(best.hotel_id)
    return placed, sum(len(h) for h in hotels.values())


def check(event, proposal) -> tuple[int, int, int]:
    """(blocks over contract, guests below their class, hotels per delegation summed)."""
    blocks = solver.contracted(event)
    booked = capacity.booked_per_night(event)
    over = sum(1 for key, count in booked.items() if count > blocks[key].rooms)
    settings = settings_of(event)
    preferences = {p.participant_id: p for p in db.session.scalars(db.select(RoomingPreference))}
    below, hotels = 0, defaultdict(set)
    for room in proposal.rooms:
        for guest in room.guests:
            person = guest.participant
            preference = preferences.get(person.id)
            wanted = room_class_for(person, settings, preference and preference.room_class)
            if CLASS_ORDER[room.room_type.room_class] < CLASS_ORDER[wanted]:
                below += 1
            hotels[person.delegation_id].add(room.room_type.hotel_id)
    return over, below, sum(len(h) for h in hotels.values())


def main() -> None:
    with scratch_app(request=True):
        event = build()
        db.session.commit()
        times, base_times, proposal = [], [], None
        for _ in range(RUNS):
            started = time.perf_counter()
            base_placed, base_hotels = greedy(event)
            base_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            proposal = solver.propose(event)
            times.append(time.perf_counter() - started)
        over, below, hotels = check(event, proposal)
    median, base = statistics.median(times), statistics.median(base_times)
    reasons = defaultdict(int)
    for unplaced in proposal.unplaced:
        reasons[unplaced.reason] += 1
    print(f"guests: {GUESTS}; delegations: {DELEGATIONS}; hotels: {HOTELS}; runs: {RUNS}")
    print(
        f"solver, median: {median:.2f} s (min {min(times):.2f}, max {max(times):.2f}); "
        f"CP-SAT {proposal.solve_seconds:.1f} s, status {proposal.status}; "
        f"placed {proposal.placed}, unplaced {len(proposal.unplaced)}, "
        f"upgrades {proposal.upgrades}; rooms {len(proposal.rooms)}"
    )
    print(f"blocks over contract: {over}; guests below their class: {below}")
    print(
        f"hotels per delegation (summed over {DELEGATIONS}): solver {hotels}, greedy {base_hotels}"
    )
    print(
        f"greedy baseline, median: {base:.2f} s, placed {base_placed}; "
        f"solver / greedy time: {median / base:.1f}x"
    )
    for reason, count in sorted(reasons.items()):
        print(f"  unplaced {count}: {reason}")
    ok = median < 30 and over == 0 and below == 0
    print("goal met" if ok else "goal NOT met")


if __name__ == "__main__":
    main()
