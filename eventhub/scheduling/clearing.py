"""Taking a day off the timetable, for the scheduler to place again, and what it was."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from eventhub.audit import services as audit
from eventhub.audit.models import AuditEntry
from eventhub.auth.models import User
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.scheduling import change_notices
from eventhub.scheduling.activities import activity_query, on_day
from eventhub.scheduling.models import Activity, ActivityState, Room
from eventhub.scheduling.timetable import flush_or_stale, lock_timetable

UNSCHEDULE = change_notices.UNSCHEDULE  # the entry keeps the slot its people knew


def clear_day(event: Event, day: date, *, actor: User, may_move: bool = False) -> int:
    """Every activity of `day` loses its time and room; each keeps its real length and, unless
    `may_move` (or it already names its days), stays on that day. Audited with the old slot,
    which its people are told about, with the new one, once it is placed again (nobody is
    emailed twice, nor about a slot that is not decided yet)."""
    lock_timetable(event.id)
    activities = [
        a
        for a in on_day(event, db.session.scalars(activity_query(event)).unique(), day)
        if a.state != ActivityState.CANCELLED
    ]
    for activity in activities:
        before = {
            "starts_at": activity.starts_at,
            "ends_at": activity.ends_at,
            "room_id": activity.room_id,
        }
        activity.duration_minutes = int(
            (activity.ends_at - activity.starts_at).total_seconds() // 60
        )
        if not may_move and not activity.allowed_days:
            activity.allowed_days = day.isoformat()
        activity.starts_at = activity.ends_at = None
        activity.room_id, activity.room = None, None
        audit.record(
            UNSCHEDULE,
            activity,
            actor=actor,
            event_id=event.id,
            changes={key: [value, None] for key, value in before.items()},
        )
    flush_or_stale()
    return len(activities)


def previous_slots(
    event: Event, activities: list[Activity]
) -> dict[int, tuple[datetime, datetime, Room | None]]:
    """Where each activity was before its day was last cleared (none if never)."""
    ids = [str(a.id) for a in activities]
    if not ids:
        return {}
    entries = db.session.scalars(
        sa.select(AuditEntry)
        .where(
            AuditEntry.event_id == event.id,
            AuditEntry.action == UNSCHEDULE,
            AuditEntry.object_type == "Activity",
            AuditEntry.object_id.in_(ids),
        )
        .order_by(AuditEntry.id)
    )
    found: dict[int, tuple] = {}
    for entry in entries:  # the latest wins
        changes = entry.changes or {}
        try:
            starts = datetime.fromisoformat(changes["starts_at"][0])
            ends = datetime.fromisoformat(changes["ends_at"][0])
        except (KeyError, TypeError, ValueError):
            continue
        found[int(entry.object_id)] = (starts, ends, (changes.get("room_id") or [None])[0])
    rooms = {
        r.id: r
        for r in db.session.scalars(
            sa.select(Room).where(Room.id.in_([v[2] for v in found.values() if v[2]]))
        )
    }
    return {key: (s, e, rooms.get(room_id)) for key, (s, e, room_id) in found.items()}
