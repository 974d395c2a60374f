"""Who is inside now (each person's last entry or exit today, per checkpoint), and the
alerts raised when someone needing attention is admitted: for the gate, the organisers
and the live dashboard."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from eventhub.auth.models import User
from eventhub.checkin.models import AttentionAlert, Checkpoint, Scan, ScanResult
from eventhub.db import utcnow
from eventhub.events.models import Event
from eventhub.extensions import db


def day_bounds(timezone: str, day: date) -> tuple[datetime, datetime]:
    """The instants a local `day` starts and ends in the event's zone."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(day, time.min, zone)
    return start, datetime.combine(day + timedelta(days=1), time.min, zone)


def _last_movements(checkpoint_ids, timezone: str, day: date):
    """Each person's last entry or exit at each checkpoint that day (undone scans aside):
    a subquery of (checkpoint_id, participant_id, result)."""
    start, end = day_bounds(timezone, day)
    scan = Scan.__table__
    latest = (
        sa.func.row_number()
        .over(
            partition_by=(scan.c.checkpoint_id, scan.c.participant_id),
            order_by=(scan.c.scanned_at.desc(), scan.c.id.desc()),
        )
        .label("latest")
    )
    return (
        sa.select(scan.c.checkpoint_id, scan.c.participant_id, scan.c.result, latest)
        .where(
            scan.c.checkpoint_id.in_(checkpoint_ids),
            scan.c.participant_id.is_not(None),
            scan.c.result.in_([ScanResult.ADMITTED.value, ScanResult.EXITED.value]),
            scan.c.undone_at.is_(None),
            scan.c.scanned_at >= start,
            scan.c.scanned_at < end,
        )
        .subquery()
    )


def _counts(checkpoint_ids, timezone: str, day: date) -> dict[int, int]:
    # Counted per person from their last movement, not entries minus exits: an exit by
    # someone never in, or out twice, must not make room (the door overfilled).
    moves = _last_movements(checkpoint_ids, timezone, day)
    rows = db.session.execute(
        sa.select(moves.c.checkpoint_id, sa.func.count())
        .where(moves.c.latest == 1, moves.c.result == ScanResult.ADMITTED.value)
        .group_by(moves.c.checkpoint_id)
    )
    return {checkpoint_id: int(total) for checkpoint_id, total in rows}


def is_inside(checkpoint_id: int, participant_id: int, timezone: str, day: date) -> bool:
    """Whether the person's last movement at this checkpoint that day was an entry."""
    moves = _last_movements([checkpoint_id], timezone, day)
    return (
        db.session.scalar(
            sa.select(moves.c.result).where(
                moves.c.latest == 1, moves.c.participant_id == participant_id
            )
        )
        == ScanResult.ADMITTED.value
    )


def lock_door(checkpoint_id: int) -> None:
    """Wait for the door's other scans (PostgreSQL: its checkpoint row, held until the
    commit), so two gates counting at once cannot both take the last place. SQLite's
    BEGIN IMMEDIATE serialises writers already."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            sa.select(Checkpoint.__table__.c.id)
            .where(Checkpoint.__table__.c.id == checkpoint_id)
            .with_for_update()
        )


def inside_now(checkpoint_id: int, timezone: str, day: date) -> int:
    """The people whose last movement here on the event's local `day` was an entry."""
    return _counts([checkpoint_id], timezone, day).get(checkpoint_id, 0)


def inside_by_checkpoint(event: Event, day: date | None = None) -> dict[int, int]:
    """Inside now at each of the event's checkpoints today (the event's day)."""
    day = day or utcnow().astimezone(ZoneInfo(event.timezone)).date()
    ids = sa.select(Checkpoint.id).where(Checkpoint.event_id == event.id).scalar_subquery()
    return _counts(ids, event.timezone, day)


def raise_alert(gate, participant_id: int, scan_id: int, scanned_at: datetime) -> None:
    """An alert for protocol staff: someone needing attention was admitted at `gate`."""
    db.session.execute(
        sa.insert(AttentionAlert.__table__).values(
            event_id=gate.event_id,
            participant_id=participant_id,
            checkpoint_id=gate.id,
            scan_id=scan_id,
            scanned_at=scanned_at,
        )
    )


def open_alerts(event_id: int, limit: int = 100) -> list[AttentionAlert]:
    """Unacknowledged arrivals needing attention, newest first: for the organisers' list and
    the live dashboard."""
    return list(
        db.session.scalars(
            sa.select(AttentionAlert)
            .where(AttentionAlert.event_id == event_id, AttentionAlert.acknowledged_at.is_(None))
            .options(
                sa.orm.joinedload(AttentionAlert.participant),
                sa.orm.joinedload(AttentionAlert.checkpoint),
            )
            .order_by(AttentionAlert.scanned_at.desc(), AttentionAlert.id.desc())
            .limit(limit)
        )
    )


def recent_alerts(event_id: int, limit: int = 50) -> list[AttentionAlert]:
    """Acknowledged alerts, newest first (who met whom)."""
    return list(
        db.session.scalars(
            sa.select(AttentionAlert)
            .where(AttentionAlert.event_id == event_id, AttentionAlert.acknowledged_at.is_not(None))
            .options(
                sa.orm.joinedload(AttentionAlert.participant),
                sa.orm.joinedload(AttentionAlert.checkpoint),
            )
            .order_by(AttentionAlert.acknowledged_at.desc(), AttentionAlert.id.desc())
            .limit(limit)
        )
    )


def acknowledge(alert: AttentionAlert, *, user: User | None) -> None:
    if alert.acknowledged_at is None:
        alert.acknowledged_at = utcnow()
        alert.acknowledged_by_id = user.id if user else None
        db.session.flush()
