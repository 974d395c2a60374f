"""Scheduler runs as jobs: the solver may use its whole time limit, never inside a request."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from huey import crontab

from eventhub import jobs
from eventhub.db import utcnow
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.scheduling import solver
from eventhub.scheduling.models import Activity, Room, RunState, SolverRun, Venue
from eventhub.scheduling.solver_progress import StopSolving

# At most one progress write a second (CP-SAT may find hundreds of timetables).
PROGRESS_EVERY = 1.0


def start(event: Event, *, actor, locale: str) -> SolverRun:
    """Queue a run; the worker takes it once the asking request commits."""
    run = SolverRun(
        event_id=event.id,
        user_id=actor.id if actor else None,
        locale=locale,
        time_limit=solver.SECONDS,
    )
    db.session.add(run)
    db.session.flush()
    jobs.later(solve, run.id)
    return run


@jobs.job(retries=0)
def solve(run_id: int) -> None:
    if not jobs.claim_run(SolverRun, run_id):
        return  # taken by another worker, or cancelled before any took it
    db.session.commit()
    run = db.session.get(SolverRun, run_id)
    event = db.session.get(Event, run.event_id)
    attempts, limit = run.attempts, run.time_limit or solver.SECONDS

    def release() -> None:
        """Everything is read: the search begins (the page counts its seconds from here)."""
        db.session.commit()
        jobs.beat(SolverRun, run_id, attempts, solving_since=utcnow(), solutions=0)

    progress = _reporter(run_id, attempts)
    try:
        with force_locale(run.locale):
            proposal = solver.propose(event, time_limit=limit, release=release, progress=progress)
    except jobs.RunTakenOver:
        db.session.rollback()  # cancelled, or given to another worker, before the search
        return
    except Exception as error:
        db.session.rollback()
        run.state, run.finished_at = RunState.FAILED, utcnow()
        run.error = f"{type(error).__name__}: {error}"[:500]
        return
    # Only a run still running is finished here: a cancelled one stays cancelled.
    db.session.execute(
        sa.update(SolverRun)
        .where(
            SolverRun.id == run_id,
            SolverRun.attempts == attempts,
            SolverRun.state == RunState.RUNNING,
        )
        .values(
            state=RunState.DONE,
            finished_at=utcnow(),
            # The last timetables found may have come between two progress writes.
            solutions=progress.seen["total"],
            best_score=proposal.soft_cost if proposal.placements else SolverRun.best_score,
            result={
                "placements": [
                    [
                        p.activity.id,
                        p.starts_at.isoformat(),
                        p.ends_at.isoformat(),
                        p.room.id if p.room else None,  # none: an off-site visit
                    ]
                    for p in proposal.placements
                ],
                "scores": [[s.rule, s.label, s.kept, s.total] for s in proposal.scores],
                "day_loads": proposal.day_loads,
                "problems": [str(problem) for problem in proposal.problems],
                "soft_cost": proposal.soft_cost,
                "seconds": proposal.seconds,
            },
        )
        .execution_options(synchronize_session=False)
    )


def _reporter(run_id: int, attempts: int):
    """The solver's progress, stored on the run (at most once a second, and the first
    timetable at once); StopSolving when the run was cancelled or taken over. CP-SAT calls
    it from its own threads: each write in an app context (and a session) of its own."""
    app = current_app._get_current_object()  # noqa: SLF001 (the thread has no app context)
    seen = {"at": None, "total": 0}

    def report(found: dict) -> None:
        # Counted here: each search (any timetable, then a better one) counts from one.
        seen["total"] += 1
        now = utcnow()
        if seen["at"] and (now - seen["at"]).total_seconds() < PROGRESS_EVERY:
            return
        seen["at"] = now
        values = {"solutions": seen["total"]}
        if found["score"] is not None:
            values["best_score"] = found["score"]
        with app.app_context():
            try:
                jobs.beat(SolverRun, run_id, attempts, **values)
            except jobs.RunTakenOver as stopped:
                raise StopSolving from stopped

    report.seen = seen  # type: ignore[attr-defined]
    return report


def cancel(run: SolverRun) -> bool:
    """Stop a queued or running run; False when it had already ended."""
    result = db.session.execute(
        sa.update(SolverRun)
        .where(SolverRun.id == run.id, SolverRun.state.in_([RunState.QUEUED, RunState.RUNNING]))
        .values(state=RunState.CANCELLED, finished_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.expire(run)
    return result.rowcount == 1


def status_of(run: SolverRun) -> dict:
    """What the waiting page shows: state, seconds searched of the limit, timetables found
    and the best one's score."""
    seconds = None
    if run.solving_since is not None:
        end = run.finished_at or utcnow()
        seconds = max(0.0, min((end - run.solving_since).total_seconds(), run.time_limit))
    return {
        "state": run.state.value,
        "seconds": round(seconds, 1) if seconds is not None else None,
        "time_limit": run.time_limit,
        "solutions": run.solutions,
        "best_score": run.best_score,
        "error": run.error,
    }


def proposal_of(run: SolverRun) -> solver.Proposal | None:
    """The stored proposal with its activities and rooms, as the review page shows it."""
    if run.state != RunState.DONE or not run.result:
        return None
    rows = run.result["placements"]
    activities = {
        a.id: a
        for a in db.session.scalars(
            sa.select(Activity).where(
                Activity.event_id == run.event_id, Activity.id.in_([r[0] for r in rows])
            )
        )
    }
    rooms = {
        r.id: r
        for r in db.session.scalars(
            sa.select(Room)
            .join(Venue)
            .where(Venue.event_id == run.event_id, Room.id.in_([r[3] for r in rows]))
        )
    }
    proposal = solver.Proposal(
        problems=list(run.result["problems"]),
        soft_cost=run.result["soft_cost"],
        seconds=run.result["seconds"],
        scores=[solver.rules.Score(*row) for row in run.result.get("scores", [])],
        day_loads=list(run.result.get("day_loads", [])),
    )
    for activity_id, starts, ends, room_id in rows:
        # No room: an off-site visit.
        if activity_id in activities and (room_id is None or room_id in rooms):
            proposal.placements.append(
                solver.Placement(
                    activities[activity_id],
                    datetime.fromisoformat(starts),
                    datetime.fromisoformat(ends),
                    rooms[room_id] if room_id is not None else None,
                )
            )
    return proposal


@jobs.periodic(crontab(minute="*"))
def recover_solver_runs() -> None:
    jobs.recover_stalled_runs(SolverRun, solve)
