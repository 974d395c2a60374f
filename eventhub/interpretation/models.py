"""Interpretation: per activity the languages spoken on the floor, the channels offered and
the booths; the interpreters, their languages and rota; the headsets lent at the door."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.db import TimestampMixin, enum_column, utcnow
from eventhub.extensions import db

if TYPE_CHECKING:
    from eventhub.registration.models import Participant
    from eventhub.scheduling.models import Activity


class InterpretationMode(enum.StrEnum):
    SIMULTANEOUS = "simultaneous"  # booths and headsets
    CONSECUTIVE = "consecutive"  # the interpreter beside the speaker
    WHISPERED = "whispered"  # chuchotage, for one or two listeners


class InterpretationSetup(db.Model):
    """What one activity offers: languages as ISO 639 codes, comma-separated."""

    __tablename__ = "interpretation_setup"

    activity_id: Mapped[int] = mapped_column(
        sa.ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True
    )
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    floor_languages: Mapped[str] = mapped_column(sa.String(100), default="")
    channels: Mapped[str] = mapped_column(sa.String(100), default="")
    booths: Mapped[int] = mapped_column(default=0)
    mode: Mapped[InterpretationMode] = mapped_column(
        enum_column(InterpretationMode), default=InterpretationMode.SIMULTANEOUS
    )
    headsets_needed: Mapped[bool] = mapped_column(default=True)
    notes: Mapped[str] = mapped_column(sa.String(500), default="")

    activity: Mapped[Activity] = relationship()


class Interpreter(TimestampMixin, db.Model):
    __tablename__ = "interpreter"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    # A registered participant (category interpreter), or an agency's interpreter by name.
    participant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="SET NULL")
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    phone: Mapped[str] = mapped_column(sa.String(50), default="")
    # ISO 639 codes, comma-separated: the languages they work between.
    languages: Mapped[str] = mapped_column(sa.String(100), default="")
    # Rest rules: minutes in the booth a day, and the pause between two activities.
    max_minutes_per_day: Mapped[int] = mapped_column(default=360)
    rest_minutes: Mapped[int] = mapped_column(default=30)
    note: Mapped[str] = mapped_column(sa.String(300), default="")

    participant: Mapped[Participant | None] = relationship()
    assignments: Mapped[list[InterpreterAssignment]] = relationship(
        back_populates="interpreter", cascade="all, delete-orphan"
    )


class InterpreterAssignment(db.Model):
    """An interpreter on an activity's channel; the whole activity when no times are set."""

    __tablename__ = "interpreter_assignment"
    __table_args__ = (sa.UniqueConstraint("activity_id", "interpreter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activity.id", ondelete="CASCADE"))
    interpreter_id: Mapped[int] = mapped_column(sa.ForeignKey("interpreter.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(sa.String(8))  # the language interpreted into
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]

    interpreter: Mapped[Interpreter] = relationship(back_populates="assignments")
    activity: Mapped[Activity] = relationship()


class HeadsetState(enum.StrEnum):
    AVAILABLE = "available"
    LOST = "lost"
    BROKEN = "broken"


class Headset(db.Model):
    __tablename__ = "headset"
    __table_args__ = (sa.UniqueConstraint("event_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    # The number on its label (and its barcode), as the desk reads it.
    number: Mapped[str] = mapped_column(sa.String(20))
    state: Mapped[HeadsetState] = mapped_column(
        enum_column(HeadsetState), default=HeadsetState.AVAILABLE
    )


class HeadsetLoan(db.Model):
    """A headset handed to a guest at a desk and, later, its return."""

    __tablename__ = "headset_loan"
    __table_args__ = (
        # One open loan per headset.
        sa.Index(
            "uq_headset_loan_open",
            "headset_id",
            unique=True,
            sqlite_where=sa.text("returned_at IS NULL"),
            postgresql_where=sa.text("returned_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    headset_id: Mapped[int] = mapped_column(sa.ForeignKey("headset.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    activity_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("activity.id", ondelete="SET NULL")
    )
    channel: Mapped[str] = mapped_column(sa.String(8), default="")
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    returned_at: Mapped[datetime | None]
    returned_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )

    headset: Mapped[Headset] = relationship()
    participant: Mapped[Participant] = relationship()
