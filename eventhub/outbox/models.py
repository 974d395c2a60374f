"""A message waiting in the outbox, and what became of it."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from eventhub.db import enum_column, utcnow
from eventhub.extensions import db


class MailState(enum.StrEnum):
    QUEUED = "queued"  # waiting for its first try, or for the next after a failure
    SENDING = "sending"  # a worker has it (claimed_at says since when)
    SENT = "sent"
    FAILED = "failed"  # given up after the last try; the reason is kept


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"
    __table_args__ = (sa.Index("ix_outbox_message_state_next", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Kept when the event is deleted: the delivery log outlives it like the audit log.
    event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("event.id", ondelete="SET NULL"), index=True
    )
    recipient: Mapped[str] = mapped_column(sa.String(320))
    subject: Mapped[str] = mapped_column(sa.String(500))
    # The body holds personal links: emptied once the message is sent or given up.
    text: Mapped[str] = mapped_column(sa.Text, default="")
    html: Mapped[str | None] = mapped_column(sa.Text)
    # Fixed when queued, so a retried message is the same message to the recipient's server.
    message_id: Mapped[str] = mapped_column(sa.String(200), unique=True)
    # A mail to an erased person (their own erasure, approved): once sent or given up, it
    # forgets the address and subject too, so the outbox holds nothing that names them.
    forget_after_delivery: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    state: Mapped[MailState] = mapped_column(enum_column(MailState), default=MailState.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
