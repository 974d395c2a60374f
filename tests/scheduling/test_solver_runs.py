"""A scheduler run is a job: the organiser's request returns at once, the page follows the
solver's progress (time searched, timetables found, best score), and the run can be
cancelled."""

from __future__ import annotations

import re

import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.scheduling import solver, tasks
from eventhub.scheduling.models import Access, ActivityState, RunState, SolverRun

from ..conftest import run_held


def _pending(make, event, count: int) -> None:
    for n in range(count):
        make.activity(
            event,
            title_en=f"Workshop {n}",
            access=Access.REGISTRATION,
            state=ActivityState.PUBLISHED,
            duration_minutes=90,
        )


def _start(client, event) -> tuple[str, int]:
    response = client.post(f"/events/{event.slug}/schedule/auto", data={"action": "propose"})
    assert response.status_code == 302
    run_id = int(re.search(r"run=(\d+)", response.headers["Location"]).group(1))
    return response.headers["Location"], run_id


def test_the_start_request_returns_before_the_solver_runs_and_progress_is_shown(
    client, as_role, app, event, rooms, make, held_jobs
):
    _pending(make, event, 3)
    as_role("organiser")
    page_url, run_id = _start(client, event)
    # Answered with the run only queued: the solving is the worker's.
    assert [task.name for task, _args in held_jobs] == ["eventhub.scheduling.tasks.solve"]
    status_url = f"/events/{event.slug}/schedule/auto/runs/{run_id}.json"
    status = client.get(status_url).get_json()
    assert status["state"] == "queued" and status["solutions"] == 0
    assert status["seconds"] is None and status["time_limit"] == solver.SECONDS
    page = client.get(page_url).get_data(as_text=True)
    assert "Waiting for the job worker" in page and "Cancel this run" in page
    assert f'data-status-url="{status_url}"' in page

    run_held(app, held_jobs)
    status = client.get(status_url).get_json()
    assert status["state"] == "done"
    # The solver's callback reported what it found while it searched.
    assert status["solutions"] >= 1 and status["best_score"] is not None
    assert 0 <= status["seconds"] <= status["time_limit"]
    assert "Accept the proposal" in client.get(page_url).get_data(as_text=True)


def test_a_queued_run_is_cancelled_and_never_solved(
    client, as_role, app, event, rooms, make, held_jobs
):
    _pending(make, event, 2)
    as_role("organiser")
    page_url, run_id = _start(client, event)
    response = client.post(
        f"/events/{event.slug}/schedule/auto/runs/{run_id}/cancel", follow_redirects=True
    )
    assert "Scheduler run cancelled." in response.get_data(as_text=True)
    run_held(app, held_jobs)  # the worker takes it up: nothing to do
    with app.app_context():
        run = db.session.get(SolverRun, run_id)
        assert run.state == RunState.CANCELLED and run.result is None and run.attempts == 0
    page = client.get(page_url).get_data(as_text=True)
    assert "was cancelled" in page and "Propose a timetable" in page
    again = client.post(
        f"/events/{event.slug}/schedule/auto/runs/{run_id}/cancel", follow_redirects=True
    )
    assert "This run had already ended." in again.get_data(as_text=True)


def test_a_run_cancelled_while_searching_stops_and_proposes_nothing(
    client, as_role, app, event, rooms, make, held_jobs, monkeypatch
):
    _pending(make, event, 3)
    as_role("organiser")
    _page_url, run_id = _start(client, event)
    real_propose, reports = solver.propose, []

    def propose(event, **kwargs):
        report = kwargs["progress"]

        def cancelled_at_first_timetable(found):
            if not reports:  # the organiser presses Cancel while the solver works
                with app.app_context():
                    tasks.cancel(db.session.get(SolverRun, run_id))
                    db.session.commit()
            reports.append(found)
            report(found)

        return real_propose(event, **{**kwargs, "progress": cancelled_at_first_timetable})

    monkeypatch.setattr(solver, "propose", propose)
    run_held(app, held_jobs)
    assert reports  # it was searching when cancelled
    with app.app_context():
        run = db.session.get(SolverRun, run_id)
        assert run.state == RunState.CANCELLED and run.result is None
        assert run.solutions == 0  # nothing written after the cancellation


def test_another_events_run_is_not_found(client, as_role, app, make, event):
    other = make.event()
    with app.app_context():
        theirs = SolverRun(event_id=other.id)
        db.session.add(theirs)
        db.session.commit()
    as_role("organiser")
    base = f"/events/{event.slug}/schedule/auto/runs/{theirs.id}"
    assert client.get(f"{base}.json").status_code == 404
    assert client.post(f"{base}/cancel").status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(SolverRun.state).where(SolverRun.id == theirs.id)) == (
            RunState.QUEUED
        )
