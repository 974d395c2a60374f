"""The automatic scheduler on the demo week: every forum and workshop of the 116 activities
taken off the timetable (ceremonies, plenaries, banquets, tours stay), then placed again in
the demo's rooms over four days. Baseline in the same run: the solver on one day's worth.

    .venv/bin/python bench/scheduler_bench.py

Goal (issue 4): the demo's 116 activities, 20 rooms, 4 days without hard conflict in < 10 s.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eventhub import create_app  # noqa: E402
from eventhub.demo.builder import build_demo  # noqa: E402
from eventhub.events.services import get_event_by_slug  # noqa: E402
from eventhub.extensions import db  # noqa: E402
from eventhub.scheduling import solver  # noqa: E402
from eventhub.scheduling.activities import activity_query  # noqa: E402
from eventhub.scheduling.conflicts import HARD, conflicts_of  # noqa: E402
from eventhub.scheduling.models import ActivityType  # noqa: E402
from eventhub.scheduling.venues import rooms_of  # noqa: E402

RUNS = 3


def main() -> None:
    folder = tempfile.mkdtemp()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
            "INSTANCE_PATH": folder,
            "SECRET_KEY": "bench",
        }
    )
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        build_demo()
        db.session.commit()
        event = get_event_by_slug("caecw-2025")
        activities = db.session.scalars(activity_query(event)).unique().all()
        movable = [
            a
            for a in activities
            if a.type in (ActivityType.FORUM, ActivityType.WORKSHOP) and a.room_id
        ]
        for activity in movable:
            activity.starts_at = activity.ends_at = None
            activity.room_id, activity.room = None, None  # the solver chooses the room too
        db.session.flush()
        times, placed = [], 0
        for _ in range(RUNS):
            started = time.perf_counter()
            proposal = solver.propose(event)
            times.append(time.perf_counter() - started)
            assert proposal.ok, proposal.problems
            placed, cost = len(proposal.placements), proposal.soft_cost
        for placement in proposal.placements:
            activity = placement.activity
            activity.starts_at, activity.ends_at = placement.starts_at, placement.ends_at
            activity.room_id, activity.room = placement.room.id, placement.room
        db.session.flush()
        hard = [c for c in conflicts_of(event) if c.severity == HARD]
        rooms = len(rooms_of(event))
        db.session.rollback()
    print(
        f"activities: {len(activities)} ({placed} placed by the solver, the rest fixed); "
        f"rooms: {rooms}; days: 4; runs: {RUNS}"
    )
    print(
        f"solve, median: {statistics.median(times):.2f} s (min {min(times):.2f}, "
        f"max {max(times):.2f}); soft cost {cost}; hard conflicts after applying: "
        f"{len(hard)}"
    )
    print(
        f"goal < 10 s without hard conflict: "
        f"{'met' if statistics.median(times) < 10 and not hard else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
