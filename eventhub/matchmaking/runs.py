"""The organisers' last "Propose meetings" run of an event: since when it runs (the guard
against a second click) and what it found, for the proposal page."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from eventhub.extensions import db

# A run queued longer ago than this is taken as lost (a worker stopped): the button works.
RUN_STALE = timedelta(minutes=10)


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


def lock_run(event_id: int) -> MatchmakingRun:
    """The event's run row, made if missing, locked until the transaction ends."""
    found = run_of(event_id, lock=True)
    if found is None:
        db.session.add(MatchmakingRun(event_id=event_id))
        db.session.flush()
        found = run_of(event_id, lock=True)
    return found
