"""Seating plans of banquets and ceremonies: the room's tables (round, long, the head table)
with their seats, and who sits where. A seat holds one guest; interpreters sit beside their
principal or on a chair behind them (`behind`)."""

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


class TableShape(enum.StrEnum):
    ROUND = "round"
    LONG = "long"  # guests on both long sides
    HEAD = "head"  # one long side, facing the room


class SeatingPlan(TimestampMixin, db.Model):
    """One plan per banquet or ceremony."""

    __tablename__ = "seating_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    activity_id: Mapped[int] = mapped_column(
        sa.ForeignKey("activity.id", ondelete="CASCADE"), unique=True
    )
    # The host side: its delegations fill the host's places at every table.
    host_country_code: Mapped[str] = mapped_column(sa.String(2), default="CN")
    # Chosen by hand, else the most senior host and guest by precedence.
    host_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="SET NULL")
    )
    guest_of_honour_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="SET NULL")
    )
    # Interpreters on a chair behind their principal (True) or in the next seat (False).
    interpreters_behind: Mapped[bool] = mapped_column(default=True)
    # Bumped on every change: a printed table plan shows which version it is.
    version: Mapped[int] = mapped_column(default=1)

    activity: Mapped[Activity] = relationship()
    host: Mapped[Participant | None] = relationship(foreign_keys=[host_id])
    guest_of_honour: Mapped[Participant | None] = relationship(foreign_keys=[guest_of_honour_id])
    tables: Mapped[list[SeatingTable]] = relationship(
        back_populates="plan", order_by="SeatingTable.number", cascade="all, delete-orphan"
    )
    # Published: guests see their places (agenda, badge back); a draft is the organisers' only.
    published_at: Mapped[datetime | None] = mapped_column(default=None)


class SeatingTable(db.Model):
    __tablename__ = "seating_table"
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "number"),
        sa.CheckConstraint("seats BETWEEN 1 AND 60", name="seats_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("seating_plan.id", ondelete="CASCADE"))
    number: Mapped[int]  # 1 is the head table
    name_en: Mapped[str] = mapped_column(sa.String(100), default="")  # e.g. "Mekong"
    name_zh: Mapped[str] = mapped_column(sa.String(100), default="")
    shape: Mapped[TableShape] = mapped_column(enum_column(TableShape), default=TableShape.ROUND)
    seats: Mapped[int] = mapped_column(default=10)
    # Where the table stands on the room's layout, in percent of its width and depth.
    x: Mapped[float] = mapped_column(sa.Float, default=50.0)
    y: Mapped[float] = mapped_column(sa.Float, default=50.0)

    plan: Mapped[SeatingPlan] = relationship(back_populates="tables")
    places: Mapped[list[SeatAssignment]] = relationship(
        back_populates="table", order_by="SeatAssignment.seat", cascade="all, delete-orphan"
    )


class SeatRole(enum.StrEnum):
    GUEST = "guest"
    INTERPRETER = "interpreter"


class SeatAssignment(db.Model):
    """Someone's place: a table, a seat number (1 the table's first seat, clockwise), or for
    an interpreter behind their principal, the principal's seat number with `behind` set."""

    __tablename__ = "seat_assignment"
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "participant_id"),
        sa.UniqueConstraint("table_id", "seat", "behind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("seating_plan.id", ondelete="CASCADE"))
    table_id: Mapped[int] = mapped_column(sa.ForeignKey("seating_table.id", ondelete="CASCADE"))
    seat: Mapped[int]
    behind: Mapped[bool] = mapped_column(default=False)
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[SeatRole] = mapped_column(enum_column(SeatRole), default=SeatRole.GUEST)
    # Placed by hand: a re-flow keeps it where it is.
    by_hand: Mapped[bool] = mapped_column(default=False)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When this place's card was last printed; None (or older than changed_at) asks for a
    # new card.
    card_printed_at: Mapped[datetime | None]

    table: Mapped[SeatingTable] = relationship(back_populates="places")
    participant: Mapped[Participant] = relationship()


class WithdrawnCard(db.Model):
    """A printed place card whose place is gone (the guest cancelled, or was taken out of the
    plan): it still stands on its table until someone collects it. Only cards that were
    printed are kept; a moved guest's old card is replaced by their reprint, not listed here.
    The name is as it was printed; erased with the person."""

    __tablename__ = "withdrawn_card"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("seating_plan.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(300), default="")
    table_number: Mapped[int]
    seat: Mapped[int]
    printed_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime] = mapped_column(default=utcnow)
    collected_at: Mapped[datetime | None]
