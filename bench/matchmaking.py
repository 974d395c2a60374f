"""The matchmaking fitter at scale (issue 23): 300 organisations whose representatives have
a programme (2-4 forums or duties each, in 4 venues 15-40 min apart, some landing late or
leaving early), ~1,000 meeting requests (350 mutual pairs), 2 days of sessions (09:00-12:00
and 14:00-18:00, 20-minute slots, 30 tables). Times `solver.propose` (median of the runs, the
proposals replaced each time), checks `violations() == []`, and compares with a greedy
first-fit baseline in the same run (mutual pairs first, each at its first common free slot).

    PYTHONPATH=$PWD .venv/bin/python bench/matchmaking.py

Goal: >= 90 % of mutual pairs scheduled, 0 violations, under 60 s.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scratch import scratch_app  # noqa: E402

from eventhub.directory.models import Organisation  # noqa: E402
from eventhub.events.models import Event  # noqa: E402
from eventhub.extensions import db  # noqa: E402
from eventhub.matchmaking import solver  # noqa: E402
from eventhub.matchmaking.models import (  # noqa: E402
    MatchmakingSession,
    MatchProfile,
    MeetingRequest,
)
from eventhub.matchmaking.topics import TOPICS  # noqa: E402
from eventhub.matchmaking.violations import violations  # noqa: E402
from eventhub.registration.models import Participant, Status  # noqa: E402
from eventhub.scheduling.models import (  # noqa: E402
    Activity,
    ActivityPerson,
    ActivityRole,
    ActivityState,
    Enrolment,
    EnrolmentStatus,
    Room,
    TravelTime,
    Venue,
)

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
ORGANISATIONS = 300
MUTUAL = 350
ONE_WAY = 300
TABLES = int(sys.argv[2]) if len(sys.argv) > 2 else 14
COUNTRIES = ["LA", "VN", "TH", "KH", "MM", "MY", "ID", "PH", "SG", "BN", "CN"]
DAYS = [date(2025, 7, 25), date(2025, 7, 26)]


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=8)


def build() -> Event:
    rng = random.Random(23)
    event = Event(
        slug="bench-match",
        name_en="Matchmaking bench",
        name_zh="洽谈基准",
        city_en="Guiyang",
        city_zh="贵阳",
        venue_address="Eco-Conference Center",
        starts_on=date(2025, 7, 24),
        ends_on=date(2025, 7, 27),
        timezone="Asia/Shanghai",
    )
    db.session.add(event)
    db.session.flush()
    venues = [Venue(event_id=event.id, name_en=f"Venue {n}") for n in range(4)]
    db.session.add_all(venues)
    db.session.flush()
    for i, a in enumerate(venues):
        for b in venues[i + 1 :]:
            db.session.add(
                TravelTime(from_venue_id=a.id, to_venue_id=b.id, minutes=rng.choice([15, 25, 40]))
            )
    rooms = [Room(venue_id=v.id, name_en=f"Hall {v.id}", capacity=400) for v in venues]
    db.session.add_all(rooms)
    db.session.flush()
    forums = []
    for day in DAYS:
        for n in range(20):
            starts = local(day, rng.choice([9, 10, 11, 14, 15, 16]), rng.choice([0, 30]))
            forums.append(
                Activity(
                    event_id=event.id,
                    title_en=f"Forum {day.day}-{n}",
                    starts_at=starts,
                    ends_at=starts + timedelta(minutes=90),
                    room_id=rng.choice(rooms).id,
                    state=ActivityState.PUBLISHED,
                )
            )
    db.session.add_all(forums)
    db.session.flush()
    profiles = []
    for n in range(ORGANISATIONS):
        organisation = Organisation(
            name_en=f"Bench University {n}", country_code=rng.choice(COUNTRIES)
        )
        arrival = local(date(2025, 7, 24), 15)
        departure = local(date(2025, 7, 27), 18)
        if n % 10 == 0:  # lands on the first matchmaking morning
            arrival = local(DAYS[0], 10)
        if n % 10 == 1:  # leaves on the last afternoon
            departure = local(DAYS[1], 19)
        person = Participant(
            event_id=event.id,
            family_name=f"REP{n}",
            given_name="Bench",
            country_code=organisation.country_code,
            status=Status.APPROVED,
            email=f"rep{n}@bench.example",
            arrival_at=arrival,
            departure_at=departure,
        )
        db.session.add_all([organisation, person])
        db.session.flush()
        for forum in rng.sample(forums, rng.randint(3, 5)):
            db.session.add(
                Enrolment(
                    activity_id=forum.id, participant_id=person.id, status=EnrolmentStatus.ENROLLED
                )
            )
        if n % 8 == 0:
            db.session.add(
                ActivityPerson(
                    activity_id=rng.choice(forums).id,
                    participant_id=person.id,
                    role=ActivityRole.SPEAKER,
                )
            )
        topics = rng.sample(list(TOPICS), 3)
        profile = MatchProfile(
            event_id=event.id,
            organisation_id=organisation.id,
            representative_id=person.id,
            topics=",".join(topics),
        )
        db.session.add(profile)
        profiles.append(profile)
    db.session.flush()
    for day in DAYS:
        for start, end in ((9, 12), (14, 18)):
            db.session.add(
                MatchmakingSession(
                    event_id=event.id,
                    starts_at=local(day, start),
                    ends_at=local(day, end),
                    room_id=rooms[0].id,
                    tables=TABLES,
                    slot_minutes=20,
                )
            )
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < MUTUAL + ONE_WAY:
        a, b = rng.sample(profiles, 2)
        pairs.add((min(a.id, b.id), max(a.id, b.id)))
    for n, (a, b) in enumerate(sorted(pairs, key=lambda _p: rng.random())):
        topic = rng.choice(list(TOPICS))
        db.session.add(
            MeetingRequest(event_id=event.id, from_profile_id=a, to_profile_id=b, topics=topic)
        )
        if n < MUTUAL:
            db.session.add(
                MeetingRequest(event_id=event.id, from_profile_id=b, to_profile_id=a, topics=topic)
            )
    db.session.flush()
    return event


def greedy(event) -> tuple[float, int, int]:
    """The baseline: `solver.first_fit` alone (mutual pairs first, each at its first slot
    where both sides are free and a table is left)."""
    started = time.perf_counter()
    problem = solver.Problem(event)
    todo = solver.wanted(problem)
    chosen = solver.first_fit(problem, todo)
    mutual = sum(1 for key in chosen if todo[key].mutual)
    return time.perf_counter() - started, mutual, len(chosen) - mutual


def main() -> None:
    with scratch_app():
        event = build()
        base_time, base_mutual, base_one_way = greedy(event)
        times, result = [], None
        for _ in range(RUNS):
            started = time.perf_counter()
            result = solver.propose(event)
            times.append(time.perf_counter() - started)
        broken = violations(event)
        db.session.rollback()
    assert result is not None
    share = result.mutual_scheduled / result.mutual_requested
    reasons: dict[str, int] = defaultdict(int)
    for _a, _b, why in result.unscheduled:
        reasons[why] += 1
    print(
        f"organisations {ORGANISATIONS}, mutual pairs {result.mutual_requested}, "
        f"one-way pairs {result.one_way_requested}; runs {RUNS}"
    )
    print(
        f"baseline (greedy first fit): {base_time:.2f} s, mutual {base_mutual}, "
        f"one-way {base_one_way}"
    )
    print(
        f"solver: median {statistics.median(times):.2f} s (max {max(times):.2f}), "
        f"status {result.status} (objective {result.objective:.0f}, bound {result.bound:.0f}), "
        f"mutual {result.mutual_scheduled} ({share:.1%}), "
        f"one-way {result.one_way_scheduled}, unscheduled mutual by reason {dict(reasons)}"
    )
    print(f"violations: {len(broken)} {broken[:5]}")
    ok = share >= 0.9 and not broken and statistics.median(times) < 60
    print("goal met" if ok else "GOAL NOT MET")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
