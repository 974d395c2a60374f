"""The automatic scheduler on the demo week: its busiest day (26 July, 45 activities:
forums, campus workshops, tours, a signing ceremony, bilateral meetings) taken off the
timetable, then placed again; the proposal applied and read back: hard conflicts (a room or
a person twice, no time to travel) and violations of the kind rules (solver_rules.py).

    PYTHONPATH=$PWD .venv/bin/python bench/scheduler_bench.py [--may-move]

Goal (issue 19): 0 hard conflicts, 0 violations, in under 10 s (median of the runs).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eventhub import create_app  # noqa: E402
from eventhub.demo.builder import build_demo  # noqa: E402
from eventhub.events.services import get_event_by_slug  # noqa: E402
from eventhub.extensions import db  # noqa: E402
from eventhub.scheduling import solver  # noqa: E402
from eventhub.scheduling.activities import activity_query  # noqa: E402
from eventhub.scheduling.clearing import clear_day  # noqa: E402
from eventhub.scheduling.conflicts import HARD, conflicts_of  # noqa: E402
from eventhub.scheduling.venues import rooms_of  # noqa: E402

RUNS = 3
DAY = date(2025, 7, 26)


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
        # --may-move: the cleared activities may go to any day (the load spread over them).
        cleared = clear_day(event, DAY, actor=None, may_move="--may-move" in sys.argv)
        db.session.flush()
        times, proposal = [], None
        for _ in range(RUNS):
            started = time.perf_counter()
            proposal = solver.propose(event)
            times.append(time.perf_counter() - started)
            assert proposal.ok, proposal.problems
        for placement in proposal.placements:
            activity = placement.activity
            activity.starts_at, activity.ends_at = placement.starts_at, placement.ends_at
            activity.room = placement.room
            activity.room_id = placement.room.id if placement.room else None
        db.session.flush()
        hard = [c for c in conflicts_of(event) if c.severity == HARD]
        rooms = len(rooms_of(event))
        total = len(db.session.scalars(activity_query(event)).unique().all())
        db.session.rollback()
    violations = sum(s.total - s.kept for s in proposal.scores)
    median = statistics.median(times)
    print(
        f"activities: {total} ({cleared} of {DAY} cleared and placed by the solver, the rest "
        f"fixed); rooms: {rooms}; days: 4; runs: {RUNS}"
    )
    print(
        f"solve, median: {median:.2f} s (min {min(times):.2f}, max {max(times):.2f}); "
        f"soft cost {proposal.soft_cost}; hard conflicts after applying: {len(hard)}; "
        f"kind-rule violations: {violations}"
    )
    for score in proposal.scores:
        print(f"  {score.label}: {score.kept}/{score.total}")
    print(f"  activities per day: {' · '.join(map(str, proposal.day_loads))}")
    met = median < 10 and not hard and not violations
    print(f"goal < 10 s, 0 hard conflicts, 0 violations: {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
