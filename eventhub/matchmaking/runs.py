"""The organisers' last "Propose meetings" run of an event: since when it runs (the guard
against a second click) and what it found, for the proposal page."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from eventhub.db import utcnow
from eventhub.extensions import db

# A run queued longer ago than this is taken as lost (a worker stopped): the button works.
RUN_STALE = timedelta(minutes=10)

# What a failed run stores in `error` (the exception itself goes to the log, not the page).
FAILED = "failed"
ERROR_MESSAGES = {
    FAILED: _l(
        "an unexpected error stopped it; nothing was changed. Try again; if it fails again,"
        " tell the technical team."
    ),
}


class MatchmakingRun(db.Model):
    """One row per event: the running marker and the last result."""

    __tablename__ = "matchmaking_run"

    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    running_since: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    # See solver.Result.as_dict: counts, unscheduled mutual pairs and their reasons.
    result: Mapped[dict | None] = mapped_column(sa.JSON)
    error: Mapped[str] = mapped_column(sa.String(500), default="")


def run_of(event_id: int, *, lock: bool = False) -> MatchmakingRun | None:
    query = sa.select(MatchmakingRun).where(MatchmakingRun.event_id == event_id)
    return db.session.scalar(query.with_for_update() if lock else query)


def _ensure_row(event_id: int) -> None:
    """INSERT ... ON CONFLICT DO NOTHING: two first clicks never both insert."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(
        insert(MatchmakingRun.__table__)
        .values(event_id=event_id, error="")
        .on_conflict_do_nothing(index_elements=["event_id"])
    )


def claim_run(event_id: int) -> bool:
    """Mark the event's run as started, unless one is already running (and not stale).
    One conditional UPDATE decides: of two clicks at once only one changes the row, on
    PostgreSQL (the second waits for the first's lock, then finds it running) and SQLite."""
    _ensure_row(event_id)
    now = utcnow()
    claimed = db.session.execute(
        sa.update(MatchmakingRun)
        .where(
            MatchmakingRun.event_id == event_id,
            sa.or_(
                MatchmakingRun.running_since.is_(None),
                MatchmakingRun.running_since < now - RUN_STALE,
            ),
        )
        .values(running_since=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    return claimed == 1


def lock_run(event_id: int) -> MatchmakingRun:
    """The event's run row, made if missing, locked until the transaction ends."""
    _ensure_row(event_id)
    return run_of(event_id, lock=True)


def error_message(run: MatchmakingRun | None):
    """What the proposal page says about the last run's failure ("" when none)."""
    if run is None or not run.error:
        return ""
    return ERROR_MESSAGES.get(run.error, ERROR_MESSAGES[FAILED])
