"""Matchmaking: organisations say whom they want to meet and on which topics; the solver
fits one-to-one meetings into the sessions' slots around each person's programme; both sides
accept; a meeting can become a draft agreement between the two organisations."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.db import TimestampMixin, enum_column, utcnow
from eventhub.extensions import db

if TYPE_CHECKING:
    from eventhub.directory.models import Organisation
    from eventhub.registration.models import Participant
    from eventhub.scheduling.models import Room


class MatchmakingSession(db.Model):
    """A block of time with tables where meetings are held, cut into slots."""

    __tablename__ = "matchmaking_session"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("tables BETWEEN 1 AND 500", name="tables_in_range"),
        sa.CheckConstraint("slot_minutes BETWEEN 10 AND 120", name="slot_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    room_id: Mapped[int | None] = mapped_column(sa.ForeignKey("room.id", ondelete="SET NULL"))
    tables: Mapped[int] = mapped_column(default=20)
    slot_minutes: Mapped[int] = mapped_column(default=30)

    room: Mapped[Room | None] = relationship()


class MatchProfile(TimestampMixin, db.Model):
    """An organisation taking part in matchmaking at one event, and who meets for it."""

    __tablename__ = "match_profile"
    __table_args__ = (sa.UniqueConstraint("event_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    # The participant who goes to the meetings (their programme bounds the slots).
    representative_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="SET NULL")
    )
    # Topic keys (see topics.TOPICS), comma-separated.
    topics: Mapped[str] = mapped_column(sa.String(500), default="")
    offers: Mapped[str] = mapped_column(sa.Text, default="")
    seeks: Mapped[str] = mapped_column(sa.Text, default="")

    organisation: Mapped[Organisation] = relationship()
    representative: Mapped[Participant | None] = relationship()


class MeetingRequest(db.Model):
    __tablename__ = "meeting_request"
    __table_args__ = (
        sa.UniqueConstraint("from_profile_id", "to_profile_id"),
        sa.CheckConstraint("from_profile_id <> to_profile_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    from_profile_id: Mapped[int] = mapped_column(
        sa.ForeignKey("match_profile.id", ondelete="CASCADE")
    )
    to_profile_id: Mapped[int] = mapped_column(
        sa.ForeignKey("match_profile.id", ondelete="CASCADE")
    )
    topics: Mapped[str] = mapped_column(sa.String(500), default="")
    note: Mapped[str] = mapped_column(sa.String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    from_profile: Mapped[MatchProfile] = relationship(foreign_keys=[from_profile_id])
    to_profile: Mapped[MatchProfile] = relationship(foreign_keys=[to_profile_id])


class MeetingState(enum.StrEnum):
    PROPOSED = "proposed"  # by the solver, waiting for both sides
    CONFIRMED = "confirmed"  # both sides accepted
    DECLINED = "declined"
    CANCELLED = "cancelled"


class Meeting(TimestampMixin, db.Model):
    """A one-to-one meeting at a table in a session's slot."""

    __tablename__ = "match_meeting"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("first_profile_id <> second_profile_id", name="two_sides"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("matchmaking_session.id", ondelete="CASCADE")
    )
    first_profile_id: Mapped[int] = mapped_column(
        sa.ForeignKey("match_profile.id", ondelete="CASCADE")
    )
    second_profile_id: Mapped[int] = mapped_column(
        sa.ForeignKey("match_profile.id", ondelete="CASCADE")
    )
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    table: Mapped[int]
    topics: Mapped[str] = mapped_column(sa.String(500), default="")
    state: Mapped[MeetingState] = mapped_column(
        enum_column(MeetingState), default=MeetingState.PROPOSED
    )
    first_accepted_at: Mapped[datetime | None]
    second_accepted_at: Mapped[datetime | None]
    # The draft agreement the meeting led to.
    agreement_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agreement.id", ondelete="SET NULL")
    )

    session: Mapped[MatchmakingSession] = relationship()
    first_profile: Mapped[MatchProfile] = relationship(foreign_keys=[first_profile_id])
    second_profile: Mapped[MatchProfile] = relationship(foreign_keys=[second_profile_id])
