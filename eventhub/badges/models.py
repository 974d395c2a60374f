"""A participant's badge: its version is in the QR code, so a reprint revokes the old one.
An event's badge styles and back, and print runs."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.db import TimestampMixin, enum_column, utcnow
from eventhub.extensions import db
from eventhub.registration.models import Category, Participant


class Badge(TimestampMixin, db.Model):
    __tablename__ = "badge"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), unique=True
    )
    # Raised by every reprint; a code carrying an older version is refused at checkpoints.
    version: Mapped[int] = mapped_column(default=1)
    reprint_reason: Mapped[str] = mapped_column(sa.String(200), default="")
    # The version last printed and when: "new and changed since the last print".
    printed_version: Mapped[int | None]
    printed_at: Mapped[datetime | None]

    participant: Mapped[Participant] = relationship()


class BadgeStyle(db.Model):
    """An event's colour band, letter code and access zones for a participant category;
    categories without a row use the defaults in styles.DEFAULT_STYLES."""

    __tablename__ = "badge_style"
    __table_args__ = (sa.UniqueConstraint("event_id", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    category: Mapped[Category] = mapped_column(enum_column(Category))
    colour: Mapped[str] = mapped_column(sa.String(7))  # "#c8102e"
    code: Mapped[str] = mapped_column(sa.String(3))  # printed large in the band
    label_en: Mapped[str] = mapped_column(sa.String(60))
    label_zh: Mapped[str] = mapped_column(sa.String(60))
    zones: Mapped[str] = mapped_column(sa.String(60), default="")  # e.g. "1 2 3 V"


class BatchState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class BadgeBatch(db.Model):
    """A print run asked for from the web: drawn by a job worker, never inside a web request;
    its progress and its PDF live in the database, where every worker sees them."""

    __tablename__ = "badge_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    # What to print, as the organiser chose it: {"delegation": 3, "category": "", ...}.
    filters: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    layout: Mapped[str] = mapped_column(sa.String(8), default="a4")
    # "badges"; "certificates" or "certificate-mail" (then `filters` holds the certificate
    # kind): runs of the certificates module, which prints and mails them the same way.
    kind: Mapped[str] = mapped_column(sa.String(16), default="badges", server_default="badges")
    state: Mapped[BatchState] = mapped_column(enum_column(BatchState), default=BatchState.QUEUED)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(sa.String(500), default="")
    content: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    # Tries so far, and the worker's last sign of life (see jobs.recover_stalled_runs).
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    heartbeat_at: Mapped[datetime | None]


class BadgeSettings(db.Model):
    """What the back of an event's badges says (Wi-Fi, emergency numbers, shuttle times)."""

    __tablename__ = "badge_settings"

    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    back_en: Mapped[str] = mapped_column(sa.String(600), default="")
    back_zh: Mapped[str] = mapped_column(sa.String(600), default="")
