"""Scheduler runs as jobs: the solver may use its whole time limit, never inside a request."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import force_locale
from huey import crontab

from eventhub import jobs
from eventhub.db import utcnow
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.scheduling import solver
from eventhub.scheduling.models import Activity, Room, RunState, SolverRun, Venue


def start(event: Event, *, actor, locale: str) -> SolverRun:
    """Queue a run; the worker takes it once the asking request commits."""
    run = SolverRun(event_id=event.id, user_id=actor.id if actor else None, locale=locale)
    db.session.add(run)
    db.session.flush()
    jobs.later(solve, run.id)
    return run


@jobs.job(retries=0)
def solve(run_id: int) -> None:
    if not jobs.claim_run(SolverRun, run_id):
        return
    db.session.commit()
    run = db.session.get(SolverRun, run_id)
    event = db.session.get(Event, run.event_id)
    try:
        with force_locale(run.locale):
            proposal = solver.propose(event, release=db.session.commit)
    except Exception as error:
        db.session.rollback()
        run.state, run.finished_at = RunState.FAILED, utcnow()
        run.error = f"{type(error).__name__}: {error}"[:500]
        return
    run = db.session.get(SolverRun, run_id)
    run.result = {
        "placements": [
            [
                p.activity.id,
                p.starts_at.isoformat(),
                p.ends_at.isoformat(),
                p.room.id if p.room else None,
            ]
            for p in proposal.placements
        ],
        "scores": [[s.rule, s.label, s.kept, s.total] for s in proposal.scores],
        "day_loads": proposal.day_loads,
        "problems": [str(problem) for problem in proposal.problems],
        "soft_cost": proposal.soft_cost,
        "seconds": proposal.seconds,
    }
    run.state, run.finished_at = RunState.DONE, utcnow()


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
