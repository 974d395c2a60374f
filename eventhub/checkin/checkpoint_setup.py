"""Checkpoints: found by id or short name, set up with rules, hours and staff; who scans where."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.audit import services as audit
from eventhub.auth.models import EventMembership, Role, User
from eventhub.badges.styles import styles_of
from eventhub.checkin.models import Checkpoint, CheckpointStaff, Direction
from eventhub.checkin.rules import by_ref
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.scheduling.models import Activity
from eventhub.web import as_id, in_event


def checkpoint_by_ref(event: Event, ref: str | int) -> Checkpoint | None:
    """A checkpoint by id or slug."""
    named = by_ref(ref)
    if named is None:
        return None
    column, value = named
    return db.session.scalar(
        sa.select(Checkpoint).where(
            Checkpoint.event_id == event.id, getattr(Checkpoint, column) == value
        )
    )


def may_scan_at(user_id: int, roles: set, checkpoint_id: int) -> bool:
    """Organisers scan anywhere; staff where they are assigned."""
    if Role.ORGANISER in roles:
        return True
    return (
        Role.STAFF in roles
        and db.session.get(CheckpointStaff, (checkpoint_id, user_id)) is not None
    )


# Pages living beside the checkpoints' addresses (/checkin/<slug>).
RESERVED_SLUGS = {"alerts", "arrivals", "attention", "checkpoints", "attendance.csv", "sw.js"}
CHECKPOINT_FIELDS = (
    "name_en",
    "name_zh",
    "slug",
    "categories",
    "zone",
    "activity_id",
    "enrolment_required",
    "opens_at",
    "closes_at",
    "reentry",
    "active",
    "daily_opens",
    "daily_closes",
    "direction",
    "capacity",
)


def save_checkpoint(
    event: Event,
    checkpoint: Checkpoint | None,
    data: dict,
    staff_ids: list[int],
    *,
    actor: User | None,
) -> Checkpoint:
    """Create or change a checkpoint and who scans there. Times are typed in the event's
    time zone and stored in UTC."""
    zone = ZoneInfo(event.timezone)
    values = {name: data.get(name) for name in CHECKPOINT_FIELDS}
    for name in ("opens_at", "closes_at"):
        text = (values[name] or "").strip()
        if not text:
            values[name] = None
            continue
        try:
            values[name] = datetime.fromisoformat(text).replace(tzinfo=zone)
        except ValueError as exc:
            raise DomainError(_l("A date and time, e.g. 2025-07-24 08:00."), field=name) from exc
    earliest = datetime.combine(event.starts_on - timedelta(days=30), datetime.min.time(), zone)
    latest = datetime.combine(event.ends_on + timedelta(days=30), datetime.min.time(), zone)
    for name in ("opens_at", "closes_at"):
        if values[name] and not earliest <= values[name] <= latest:
            raise DomainError(_l("A time around the event's days, please."), field=name)
    if values["opens_at"] and values["closes_at"] and values["closes_at"] <= values["opens_at"]:
        raise DomainError(_l("It must close after it opens."), field="closes_at")
    values["activity_id"] = as_id(values["activity_id"])
    activity_id = values["activity_id"]
    if activity_id is not None and in_event(Activity, activity_id, event) is None:
        raise DomainError(_l("Choose an activity of this event."), field="activity_id")
    if values["enrolment_required"] and values["activity_id"] is None:
        raise DomainError(
            _l("Choose the activity whose enrolled participants may pass."), field="activity_id"
        )
    values["categories"] = ",".join(values["categories"] or [])
    values["zone"] = (values["zone"] or "").strip().upper()
    _check_rules(event, values)
    taken = db.session.scalar(
        sa.select(Checkpoint.id).where(
            Checkpoint.event_id == event.id,
            Checkpoint.slug == values["slug"],
            Checkpoint.id != (checkpoint.id if checkpoint else -1),
        )
    )
    if taken:
        raise DomainError(_l("Another checkpoint already uses this short name."), field="slug")
    if values["slug"] in RESERVED_SLUGS:
        raise DomainError(_l("This short name is taken by a page; choose another."), field="slug")
    allowed_staff = set(
        db.session.scalars(
            sa.select(EventMembership.user_id).where(
                EventMembership.event_id == event.id, EventMembership.role == Role.STAFF
            )
        )
    )
    if set(staff_ids) - allowed_staff:
        raise DomainError(_l("Only the event's staff can be assigned."), field="staff")
    created = checkpoint is None
    checkpoint = checkpoint or Checkpoint(event_id=event.id)
    changes = {} if created else audit.diff(checkpoint, values)
    for name, value in values.items():
        setattr(checkpoint, name, value)
    db.session.add(checkpoint)
    db.session.flush()
    current = set(
        db.session.scalars(
            sa.select(CheckpointStaff.user_id).where(CheckpointStaff.checkpoint_id == checkpoint.id)
        )
    )
    for user_id in set(staff_ids) - current:
        db.session.add(CheckpointStaff(checkpoint_id=checkpoint.id, user_id=user_id))
    for user_id in current - set(staff_ids):
        db.session.delete(db.session.get(CheckpointStaff, (checkpoint.id, user_id)))
    if set(staff_ids) != current:
        changes["staff"] = [sorted(current), sorted(staff_ids)]
    audit.record(
        "checkpoint.create" if created else "checkpoint.update",
        checkpoint,
        actor=actor,
        event_id=event.id,
        changes=changes if not created else {"slug": [None, checkpoint.slug]},
    )
    db.session.flush()
    return checkpoint


def badge_zones(event: Event) -> list[str]:
    """The zones the event's badges carry (their styles' zones), "ALL" aside."""
    zones = {z.upper() for style in styles_of(event.id).values() for z in style.zones.split()}
    return sorted(zones - {"ALL"})


def _check_rules(event: Event, values: dict) -> None:
    """The zone is one that badges carry, the daily hours close after they open, the
    direction is known and a capacity counts people."""
    if values["zone"] and values["zone"] not in badge_zones(event):
        raise DomainError(
            _l(
                "No badge carries zone %(zone)s. Zones on this event's badges: %(zones)s.",
                zone=values["zone"],
                zones=", ".join(badge_zones(event)) or "-",
            ),
            field="zone",
        )
    opens, closes = values.get("daily_opens"), values.get("daily_closes")
    if opens and closes and closes <= opens:
        raise DomainError(_l("It must close after it opens."), field="daily_closes")
    values["direction"] = values.get("direction") or Direction.ENTRY
    if values["direction"] not in set(Direction):
        raise DomainError(_l("Choose entries, exits or both."), field="direction")
    if values.get("capacity") is not None and values["capacity"] < 1:
        raise DomainError(_l("At least one place, or empty for no limit."), field="capacity")
