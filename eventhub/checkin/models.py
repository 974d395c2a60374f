"""Checkpoints, the staff who scan at them, every scan, and the admissions they make."""

from __future__ import annotations

import enum
from datetime import date, datetime, time

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.db import enum_column, utcnow
from eventhub.events.content import Field, Kind, register
from eventhub.extensions import db
from eventhub.registration.models import Participant


class Direction(enum.StrEnum):
    ENTRY = "entry"
    EXIT = "exit"
    BOTH = "both"


class Checkpoint(db.Model):
    """A gate, hall door, banquet entrance or bus, with who may pass and when."""

    __tablename__ = "checkpoint"
    __table_args__ = (sa.UniqueConstraint("event_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(sa.String(64))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    name_zh: Mapped[str] = mapped_column(sa.String(200), default="")
    # Participant categories allowed, comma-separated; empty: every category.
    categories: Mapped[str] = mapped_column(sa.String(200), default="")
    # A badge zone required (e.g. "V" for the VIP lounge); empty: none.
    zone: Mapped[str] = mapped_column(sa.String(10), default="")
    # The activity this checkpoint admits to: with `enrolment_required`, only its enrolled.
    activity_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("activity.id", ondelete="SET NULL")
    )
    enrolment_required: Mapped[bool] = mapped_column(default=False)
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    # Without re-entry a person is admitted once a day here; a second scan says when.
    reentry: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    # Hours every day, in the event's time zone (with or instead of opens_at/closes_at).
    daily_opens: Mapped[time | None]
    daily_closes: Mapped[time | None]
    # What a scan here records: entries, exits, or either (the scanner chooses).
    direction: Mapped[Direction] = mapped_column(
        enum_column(Direction, 10), default=Direction.ENTRY
    )
    # Places in the room behind this door: entries are refused once that many are inside.
    capacity: Mapped[int | None]


class CheckpointStaff(db.Model):
    """Staff assigned to scan at a checkpoint."""

    __tablename__ = "checkpoint_staff"

    checkpoint_id: Mapped[int] = mapped_column(
        sa.ForeignKey("checkpoint.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )


class ScanResult(enum.StrEnum):
    ADMITTED = "admitted"
    ALREADY_ADMITTED = "already_admitted"
    EXITED = "exited"  # left through an exit: never an arrival
    DENIED = "denied"
    INVALID = "invalid"


class Scan(db.Model):
    """One scan as a device sent it. `client_scan_id` (made by the device) makes a resend
    (weak network, offline queue) return the first answer instead of counting twice."""

    __tablename__ = "scan"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "client_scan_id"),
        sa.Index("ix_scan_checkpoint_received", "checkpoint_id", "received_at"),
        # Who is inside a door today (occupancy), and what open dashboards watch (live).
        sa.Index("ix_scan_checkpoint_scanned", "checkpoint_id", "scanned_at"),
        sa.Index("ix_scan_event_undone", "event_id", "undone_at"),
        sa.Index("ix_scan_event_reviewed", "event_id", "reviewed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    checkpoint_id: Mapped[int] = mapped_column(sa.ForeignKey("checkpoint.id", ondelete="CASCADE"))
    client_scan_id: Mapped[str] = mapped_column(sa.String(64))
    code: Mapped[str] = mapped_column(sa.String(64), default="")
    participant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="SET NULL"), index=True
    )
    result: Mapped[ScanResult] = mapped_column(enum_column(ScanResult))
    reason: Mapped[str] = mapped_column(sa.String(40), default="")  # a key of REASONS
    detail: Mapped[str] = mapped_column(sa.String(200), default="")  # e.g. "09:12, Gate B"
    scanned_at: Mapped[datetime]  # the device's clock (offline scans arrive later)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    device: Mapped[str] = mapped_column(sa.String(100), default="")  # token label or browser
    undone_at: Mapped[datetime | None]
    # Two devices admitted one badge while offline: the later is kept and flagged.
    duplicate: Mapped[bool] = mapped_column(default=False)
    # Judged on the device without the server (offline, or the server too slow). Then
    # `result` and `reason` say what the gate decided and did (a refusal stays a refusal),
    # and `server_result`/`server_reason` what the server would have decided at that time.
    offline: Mapped[bool] = mapped_column(default=False)
    server_result: Mapped[ScanResult | None] = mapped_column(enum_column(ScanResult))
    server_reason: Mapped[str] = mapped_column(sa.String(40), default="")
    # The gate let in someone the server would refuse, or the reverse: for organisers to review.
    disagrees: Mapped[bool] = mapped_column(default=False)
    # An organiser looked at this duplicate or disagreement and dealt with it.
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )

    participant: Mapped[Participant | None] = relationship()
    checkpoint: Mapped[Checkpoint] = relationship()


class Admission(db.Model):
    """A person admitted at a checkpoint without re-entry, once a day: the unique key is what
    makes two gates scanning one badge at the same instant admit it once."""

    __tablename__ = "admission"
    __table_args__ = (sa.UniqueConstraint("checkpoint_id", "participant_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checkpoint_id: Mapped[int] = mapped_column(sa.ForeignKey("checkpoint.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("participant.id", ondelete="CASCADE"))
    day: Mapped[date]  # the event's local date
    scan_id: Mapped[int] = mapped_column(sa.ForeignKey("scan.id", ondelete="CASCADE"))

    scan: Mapped[Scan] = relationship()


class AttentionAlert(db.Model):
    """Someone flagged as needing attention (a VIP) was admitted: protocol staff go to meet
    them, and acknowledge the alert when they have."""

    __tablename__ = "attention_alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("participant.id", ondelete="CASCADE"))
    checkpoint_id: Mapped[int] = mapped_column(sa.ForeignKey("checkpoint.id", ondelete="CASCADE"))
    scan_id: Mapped[int] = mapped_column(sa.ForeignKey("scan.id", ondelete="CASCADE"))
    scanned_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )

    participant: Mapped[Participant] = relationship()
    checkpoint: Mapped[Checkpoint] = relationship()


# Shown on the scanners' verdicts and the guests' pages, in every language (events/content.py).
register(
    Kind(
        "checkpoint",
        _l("Checkpoints"),
        (Field("name", _l("Checkpoint name"), max_length=200),),
        lambda event: db.session.scalars(
            sa.select(Checkpoint)
            .where(Checkpoint.event_id == event.id)
            .order_by(Checkpoint.name_en)
        ),
        order=30,
    )
)
