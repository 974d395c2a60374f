"""Who is inside now (entries minus exits today, per checkpoint), and the alerts raised when
someone needing attention is admitted: for the gate, the organisers and the live dashboard."""

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


def _counts(checkpoint_ids, timezone: str, day: date) -> dict[int, int]:
    start, end = day_bounds(timezone, day)
    scan = Scan.__table__
    sign = sa.case((scan.c.result == ScanResult.EXITED.value, -1), else_=1)
    rows = db.session.execute(
        sa.select(scan.c.checkpoint_id, sa.func.sum(sign))
        .where(
            scan.c.checkpoint_id.in_(checkpoint_ids),
            scan.c.result.in_([ScanResult.ADMITTED.value, ScanResult.EXITED.value]),
            scan.c.undone_at.is_(None),
            scan.c.scanned_at >= start,
            scan.c.scanned_at < end,
        )
        .group_by(scan.c.checkpoint_id)
    )
    # More exits than entries (a door without a scanner on the way in): nobody, not fewer.
    return {checkpoint_id: max(0, int(total or 0)) for checkpoint_id, total in rows}


def inside_now(checkpoint_id: int, timezone: str, day: date) -> int:
    """Entries minus exits at this checkpoint on the event's local `day`."""
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
