"""Background jobs on Huey: print runs, mail, scheduler runs and periodic clean-up.

One API, three stores (JOBS_URL): a SQLite file in the instance folder by default (the
embedded set-up: `flask jobs` beside `flask run`, no other service), Redis in production (any
number of web and job workers on any number of hosts), and "immediate" in tests (a job runs
in the process that hands it over, at once).

A job is handed over only after the transaction that asked for it has committed: a worker must
never look for a print run the request has not stored yet, nor run one for a change that was
rolled back. Services call `later(task, ...)`; the commit moves those to "ready", and
`dispatch()` (after each request, job and CLI command) hands them to the queue.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, g, has_app_context
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from sqlalchemy.orm import Session

from eventhub import config
from eventhub.db import utcnow
from eventhub.extensions import db

log = logging.getLogger(__name__)

# One per process, configured by init_app; until then (imports, decorators) in memory. An app
# in immediate mode never touches it: its jobs are called directly (several apps in one test
# process must not change each other's queue).
huey: Huey = MemoryHuey("eventhub")
_worker_app: Flask | None = None

_PENDING = "eventhub_jobs_pending"
_READY = "eventhub_jobs_ready"


def init_app(app: Flask) -> None:
    """Point the queue at the store JOBS_URL names; hand over ready jobs after each request."""
    url = app.config.get("JOBS_URL") or ""
    app.extensions["eventhub_jobs_immediate"] = url == "immediate"
    if url != "immediate":
        if url.startswith(("redis://", "rediss://", "unix://")):
            huey.storage_class = RedisHuey.storage_class
            huey.storage_kwargs = {"url": url}
        else:
            path = url.removeprefix("sqlite:///") or str(Path(app.instance_path) / "jobs.sqlite3")
            _keep_private(app, path)
            huey.storage_class = SqliteHuey.storage_class
            huey.storage_kwargs = {"filename": path}
        huey.storage = huey.create_storage()
    app.teardown_request(_dispatch_after_request)


def _keep_private(app: Flask, path: str) -> None:
    """The queue's file holds jobs' arguments (a list being imported): its owner's alone."""
    if path in ("", ":memory:"):
        return
    try:
        if config.private(Path(path)):
            app.logger.warning("%s was readable by others; now by its owner alone.", path)
    except OSError as error:
        app.logger.warning("Could not make %s private: %s", path, error)


def immediate() -> bool:
    return bool(current_app.extensions.get("eventhub_jobs_immediate"))


def describe() -> str:
    """Where jobs go, for `flask doctor` and the worker's first line (no password)."""
    if immediate():
        return "immediate (in the process that asks)"
    kwargs = huey.storage_kwargs
    if "url" in kwargs:
        return "Redis " + sa.engine.make_url(kwargs["url"]).render_as_string(hide_password=True)
    return "SQLite " + kwargs.get("filename", "")


def _in_app(function: Callable[..., Any]) -> Callable[..., Any]:
    """`function` run as a job: in the asking request or test (immediate mode), else in an
    app context of the worker's app; one commit at the end."""

    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        if has_app_context():
            return _run_here(function, args, kwargs)
        if _worker_app is None:
            raise RuntimeError("A job ran before `flask jobs` set up the app.")
        with _worker_app.app_context():
            return _run_here(function, args, kwargs)

    return run


def _name(function: Callable[..., Any]) -> str:
    return f"{function.__module__}.{function.__name__}"


def job(*, retries: int = 2, retry_delay: int = 30, name: str | None = None):
    """A background job: runs in an app context, commits once when it ends, rolls back and is
    retried (up to `retries` times, `retry_delay` seconds apart) when it raises."""

    def decorate(function: Callable[..., Any]):
        return huey.task(retries=retries, retry_delay=retry_delay, name=name or _name(function))(
            _in_app(function)
        )

    return decorate


def periodic(schedule: crontab, *, name: str | None = None):
    """A job the worker runs on a schedule (clean-up, sweeps)."""

    def decorate(function: Callable[[], Any]):
        return huey.periodic_task(schedule, name=name or _name(function))(_in_app(function))

    return decorate


def _run_here(function: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    g.eventhub_in_job = True  # a print run's request context is no request of its own
    try:
        result = function(*args, **kwargs)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    finally:
        # What its committed transactions asked for goes on, even if a later step failed.
        try:
            dispatch()
        except Exception:
            current_app.logger.exception("A job could not hand over the jobs it asked for")
    return result


def later(task, *args: Any) -> None:
    """Hand `task(*args)` to the queue once the current transaction commits (dropped if it
    rolls back)."""
    pending = db.session.info.setdefault(_PENDING, [])
    if (task, args) not in pending:  # e.g. one delivery for all the mail of a transaction
        pending.append((task, args))


def commit() -> None:
    """Commit, then hand over the jobs the transaction asked for (CLI commands, scripts;
    requests hand theirs over when they end)."""
    db.session.commit()
    dispatch()


def dispatch() -> None:
    """Hand the jobs of committed transactions to the queue."""
    if not has_app_context():
        return
    ready = db.session.info.pop(_READY, [])
    held = current_app.extensions.get("eventhub_jobs_held")
    for task, args in ready:
        if held is not None:  # tests that look at a run before a worker takes it
            held.append((task, args))
        elif immediate():
            task.call_local(*args)
        else:
            task(*args)


def _dispatch_after_request(_error: BaseException | None) -> None:
    try:
        dispatch()
    except Exception:  # the request's answer stands; the sweep finds what was not handed over
        current_app.logger.exception("A job could not be handed to the queue")
    if g.get("eventhub_in_job"):
        return  # a job's own request context: the job's transaction is still open
    lost = db.session.info.pop(_PENDING, None)
    if lost and _error is None:
        # Asked for in a transaction the request never committed: a bug in that view.
        names = ", ".join(task.name for task, _args in lost)
        current_app.logger.error("Jobs asked for but never committed: %s", names)
        if current_app.testing:
            raise RuntimeError(f"Jobs asked for but never committed: {names}")


_FLUSHED = "eventhub_flushed_since_commit"


def nothing_written_yet() -> bool:
    """True when the current transaction has written nothing: what is added now can commit
    on its own (e.g. the mail about a change the request has already committed)."""
    session = db.session()
    return not (
        session.info.get(_FLUSHED)
        or session.in_nested_transaction()
        or session.new
        or session.dirty
        or session.deleted
    )


@sa.event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context) -> None:
    session.info[_FLUSHED] = True


@sa.event.listens_for(Session, "do_orm_execute")
def _written(state) -> None:
    # session.execute(update/insert/delete) writes without a flush.
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_FLUSHED] = True


@sa.event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    # No SQL may run here: only move the jobs along. A savepoint released inside a
    # transaction is no commit: that transaction may still roll back.
    if session.in_nested_transaction():
        return
    session.info.pop(_FLUSHED, None)
    pending = session.info.pop(_PENDING, [])
    if pending:
        session.info.setdefault(_READY, []).extend(pending)


@sa.event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous) -> None:
    if previous.parent is None:  # the whole transaction, not a savepoint inside it
        session.info.pop(_PENDING, None)
        session.info.pop(_FLUSHED, None)


def _consumer(app: Flask, *, workers: int, periodic: bool):
    global _worker_app  # noqa: PLW0603 (one app per worker process)
    _worker_app = app
    return huey.create_consumer(
        workers=workers, worker_type="thread", periodic=periodic, check_worker_health=True
    )


def run_worker(app: Flask, *, workers: int, periodic: bool = True) -> None:
    """The job worker (`flask jobs`): runs until stopped; SIGTERM lets running jobs finish."""
    _consumer(app, workers=workers, periodic=periodic).run()


def start_worker(app: Flask, *, workers: int = 1, periodic: bool = False):
    """A worker in threads of this process (tests); `.stop(graceful=True)` ends it."""
    consumer = _consumer(app, workers=workers, periodic=periodic)
    consumer.start()
    return consumer


# --- runs an organiser waits for (print runs, scheduler runs) --------------------------------
# Their records have: state (queued/running/done/failed), attempts, heartbeat_at, error,
# created_at, finished_at. A worker killed mid-run (deploy, out of memory) stops beating;
# the sweep tries the run again or marks it failed with the reason, so no page waits forever.


def _state(model, value: str):
    return model.__mapper__.columns["state"].type.enum_class(value)


def claim_run(model, run_id: int) -> bool:
    """Take a queued run for this worker (a conditional update: one worker wins)."""
    result = db.session.execute(
        sa.update(model)
        .where(model.id == run_id, model.state == _state(model, "queued"))
        .values(state=_state(model, "running"), attempts=model.attempts + 1, heartbeat_at=utcnow())
    )
    return result.rowcount == 1


class RunTakenOver(Exception):
    """The sweep gave this run to another worker (this one was silent too long): stop, and
    leave the run to that worker."""


def beat(model, run_id: int, attempts: int, **values: Any) -> None:
    """The worker's sign of life, with its progress, committed at once; only while the run is
    still this worker's (same try, still running), else RunTakenOver."""
    result = db.session.execute(
        sa.update(model)
        .where(
            model.id == run_id,
            model.attempts == attempts,
            model.state == _state(model, "running"),
        )
        .values(heartbeat_at=utcnow(), **values)
    )
    db.session.commit()
    if result.rowcount != 1:
        raise RunTakenOver(f"{model.__name__} {run_id} was taken over")


def recover_stalled_runs(model, task, *, event_id: int | None = None) -> int:
    """Runs whose worker stopped beating go back in the queue, or fail after the last try;
    runs no worker took for a long while fail, saying so. Returns how many changed."""
    config = current_app.config
    limit = timedelta(seconds=config["JOB_HEARTBEAT_SECONDS"])
    tries = config["JOB_MAX_ATTEMPTS"]
    now = utcnow()
    query = sa.select(model).where(
        model.state.in_([_state(model, "queued"), _state(model, "running")]),
        sa.func.coalesce(model.heartbeat_at, model.created_at) < now - limit,
    )
    if event_id is not None:
        query = query.where(model.event_id == event_id)
    changed = 0
    for run in db.session.scalars(query).all():
        values: dict[str, Any]
        if run.state == _state(model, "running") and run.attempts < tries:
            values = {"state": _state(model, "queued"), "heartbeat_at": now}
        elif run.state == _state(model, "running"):
            values = {
                "state": _state(model, "failed"),
                "finished_at": now,
                "error": (
                    f"The job worker stopped while working on this run ({run.attempts} tries). "
                    "Start it again; if it stops again, the run may be too large for its memory."
                ),
            }
        elif now - run.created_at > limit * tries * (3 if run.attempts else 1):
            values = {
                "state": _state(model, "failed"),
                "finished_at": now,
                "error": (
                    "No job worker took this run: is `flask jobs` running? Start the run "
                    "again once it is."
                ),
            }
        else:  # still waiting: hand it over again, in case the queue lost it
            values = {"heartbeat_at": now}
        # Only if nothing moved since it was read: a worker may have just finished it.
        result = db.session.execute(
            sa.update(model)
            .where(
                model.id == run.id,
                model.state == run.state,
                model.attempts == run.attempts,
                sa.func.coalesce(model.heartbeat_at, model.created_at)
                == (run.heartbeat_at or run.created_at),
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            continue
        if values.get("state", run.state) == _state(model, "queued"):
            later(task, run.id)
        changed += 1
        db.session.expire(run)
    db.session.flush()
    return changed
