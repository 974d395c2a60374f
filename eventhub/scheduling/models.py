"""Venues, rooms, activities, the people an activity needs, and enrolments."""

from __future__ import annotations

import enum
from datetime import datetime, time
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.db import TimestampMixin, enum_column, utcnow
from eventhub.events.content import Field, Kind, register
from eventhub.extensions import db
from eventhub.i18n import medium_datetime

if TYPE_CHECKING:
    from eventhub.registration.models import Participant


class Venue(db.Model):
    """A conference centre, university campus or hotel; off-site ones need travel time."""

    __tablename__ = "venue"
    __table_args__ = (sa.UniqueConstraint("event_id", "name_en"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    name_zh: Mapped[str] = mapped_column(sa.String(200), default="")
    address: Mapped[str] = mapped_column(sa.String(500), default="")
    on_site: Mapped[bool] = mapped_column(default=True)
    # Local opening hours; activities outside them are flagged.
    opens_at: Mapped[time | None]
    closes_at: Mapped[time | None]

    rooms: Mapped[list[Room]] = relationship(
        back_populates="venue", order_by="Room.name_en", cascade="all, delete-orphan"
    )


class TravelTime(db.Model):
    """Minutes from one venue to another (both directions unless stated otherwise)."""

    __tablename__ = "travel_time"
    __table_args__ = (sa.UniqueConstraint("from_venue_id", "to_venue_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    from_venue_id: Mapped[int] = mapped_column(sa.ForeignKey("venue.id", ondelete="CASCADE"))
    to_venue_id: Mapped[int] = mapped_column(sa.ForeignKey("venue.id", ondelete="CASCADE"))
    minutes: Mapped[int]


class Room(db.Model):
    __tablename__ = "room"
    __table_args__ = (
        sa.UniqueConstraint("venue_id", "name_en"),
        sa.CheckConstraint("capacity > 0", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(sa.ForeignKey("venue.id", ondelete="CASCADE"))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    name_zh: Mapped[str] = mapped_column(sa.String(200), default="")
    capacity: Mapped[int]
    layout: Mapped[str] = mapped_column(sa.String(40), default="theatre")
    # Comma-separated features the scheduler can ask for: interpretation, stage, video...
    equipment: Mapped[str] = mapped_column(sa.String(500), default="")

    venue: Mapped[Venue] = relationship(back_populates="rooms")


class ActivityType(enum.StrEnum):
    OPENING_CEREMONY = "opening_ceremony"
    PLENARY = "plenary"
    FORUM = "forum"
    WORKSHOP = "workshop"
    SIGNING_CEREMONY = "signing_ceremony"
    STUDY_TOUR = "study_tour"
    CULTURAL_VISIT = "cultural_visit"
    BANQUET = "banquet"
    BILATERAL_MEETING = "bilateral_meeting"


class Access(enum.StrEnum):
    OPEN = "open"  # anyone with a badge walks in
    REGISTRATION = "registration"  # enrolment required, up to capacity
    INVITATION = "invitation"  # organisers invite


class ActivityVisibility(enum.StrEnum):
    PUBLIC = "public"  # in the programme, the feeds and the API for everyone
    # Only organisers and the people concerned see it (a bilateral meeting's time and room).
    PRIVATE = "private"


class ActivityState(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class Activity(TimestampMixin, db.Model):
    __tablename__ = "activity"
    __table_args__ = (
        sa.Index("ix_activity_event_starts", "event_id", "starts_at"),
        sa.CheckConstraint("ends_at IS NULL OR ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    title_en: Mapped[str] = mapped_column(sa.String(300))
    title_zh: Mapped[str] = mapped_column(sa.String(300), default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    description_zh: Mapped[str] = mapped_column(sa.Text, default="")
    type: Mapped[ActivityType] = mapped_column(
        enum_column(ActivityType), default=ActivityType.FORUM
    )
    track: Mapped[str] = mapped_column(sa.String(100), default="")
    track_zh: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    # Both unset while the activity waits for the scheduler.
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    duration_minutes: Mapped[int] = mapped_column(default=90)
    # For the automatic scheduler: the days it may use (ISO dates, comma-separated; all when
    # empty) and the equipment the room must have (comma-separated words from rooms').
    allowed_days: Mapped[str] = mapped_column(sa.String(200), default="")
    required_equipment: Mapped[str] = mapped_column(sa.String(300), default="")
    room_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("room.id", ondelete="SET NULL"), index=True
    )
    # Seats offered; the room's capacity when unset.
    capacity: Mapped[int | None]
    access: Mapped[Access] = mapped_column(enum_column(Access), default=Access.OPEN)
    visibility: Mapped[ActivityVisibility] = mapped_column(
        enum_column(ActivityVisibility),
        default=ActivityVisibility.PUBLIC,
        server_default=ActivityVisibility.PUBLIC.value,
    )
    state: Mapped[ActivityState] = mapped_column(
        enum_column(ActivityState), default=ActivityState.DRAFT
    )
    # Raised by every save: a second organiser saving an old copy is told, not overwritten.
    version: Mapped[int] = mapped_column(default=1)

    room: Mapped[Room | None] = relationship()
    people: Mapped[list[ActivityPerson]] = relationship(
        back_populates="activity", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @property
    def is_private(self) -> bool:
        return self.visibility == ActivityVisibility.PRIVATE

    @property
    def seats(self) -> int | None:
        if self.capacity is not None:
            return self.capacity
        return self.room.capacity if self.room is not None else None


class ActivityRole(enum.StrEnum):
    SPEAKER = "speaker"
    MODERATOR = "moderator"
    REQUIRED_VIP = "required_vip"


class ActivityPerson(db.Model):
    """Someone an activity cannot run without."""

    __tablename__ = "activity_person"
    __table_args__ = (sa.UniqueConstraint("activity_id", "participant_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activity.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[ActivityRole] = mapped_column(enum_column(ActivityRole))

    activity: Mapped[Activity] = relationship(back_populates="people")
    participant: Mapped[Participant] = relationship()


class EnrolmentStatus(enum.StrEnum):
    ENROLLED = "enrolled"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class Enrolment(db.Model):
    __tablename__ = "enrolment"
    __table_args__ = (
        sa.UniqueConstraint("activity_id", "participant_id"),
        sa.Index("ix_enrolment_activity_status", "activity_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activity.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[EnrolmentStatus] = mapped_column(enum_column(EnrolmentStatus))
    invited: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    activity: Mapped[Activity] = relationship()
    participant: Mapped[Participant] = relationship()


class AgendaFeed(db.Model):
    """The secret, revocable address of a participant's own calendar feed."""

    __tablename__ = "agenda_feed"

    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True
    )
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # Encrypted, so the agenda page can show the same address again.
    key_encrypted: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RunState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"  # by the organiser; the worker stops at its next solution


class SolverRun(db.Model):
    """An automatic scheduler run asked for from the web: solved by a job worker (it may take
    the solver's whole time limit); the proposal waits here for the organiser to review."""

    __tablename__ = "solver_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    # The asker's language: the proposal's problems are written in it.
    locale: Mapped[str] = mapped_column(sa.String(16), default="en")
    state: Mapped[RunState] = mapped_column(enum_column(RunState), default=RunState.QUEUED)
    # {"placements": [[activity id, starts, ends, room id], ...], "problems": [...], ...}
    result: Mapped[dict | None] = mapped_column(sa.JSON)
    error: Mapped[str] = mapped_column(sa.String(500), default="")
    attempts: Mapped[int] = mapped_column(default=0)
    heartbeat_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    # Progress, as the solver reports it: when the search began (everything read), its time
    # limit, the timetables found so far and the best one's score (lower is better).
    solving_since: Mapped[datetime | None]
    time_limit: Mapped[float] = mapped_column(sa.Float, default=0.0, server_default="0")
    solutions: Mapped[int] = mapped_column(default=0, server_default="0")
    best_score: Mapped[int | None]


# What organisers may give in every language (events/content.py): shown on the programme.
register(
    Kind(
        "activity",
        _l("Programme"),
        (
            Field("title", _l("Activity title"), max_length=300),
            Field("description", _l("Description"), long=True, max_length=10000),
            Field("track", _l("Track"), max_length=100),
        ),
        lambda event: db.session.scalars(
            sa.select(Activity)
            .where(Activity.event_id == event.id)
            .order_by(Activity.starts_at.is_(None), Activity.starts_at, Activity.title_en)
        ),
        # When it is, on the event's clock: organisers know the programme by its days.
        describe=lambda activity: medium_datetime(activity.starts_at),
        order=10,
    )
)
register(
    Kind(
        "venue",
        _l("Venues"),
        (Field("name", _l("Venue name"), max_length=200),),
        lambda event: db.session.scalars(
            sa.select(Venue).where(Venue.event_id == event.id).order_by(Venue.name_en)
        ),
        order=20,
    )
)
register(
    Kind(
        "room",
        _l("Meeting rooms"),
        (Field("name", _l("Meeting room name"), max_length=200),),
        lambda event: db.session.scalars(
            sa.select(Room)
            .join(Venue)
            .where(Venue.event_id == event.id)
            .order_by(Venue.name_en, Room.name_en)
        ),
        describe=lambda room: room.venue.name_en,
        order=21,
    )
)
