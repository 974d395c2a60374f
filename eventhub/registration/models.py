"""Participants of an event and the delegations they travel in."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.db import TimestampMixin, enum_column
from eventhub.extensions import db

if TYPE_CHECKING:
    from eventhub.auth.models import User
    from eventhub.directory.models import Country, Organisation
    from eventhub.events.models import Event


class Category(enum.StrEnum):
    """What a participant is at the event; drives badge colour and access."""

    OFFICIAL = "official"  # officials and VIPs
    DELEGATE = "delegate"
    SPEAKER = "speaker"
    MEDIA = "media"
    INTERPRETER = "interpreter"
    STAFF = "staff"
    VOLUNTEER = "volunteer"


class Status(enum.StrEnum):
    PENDING = "pending"  # registered, waiting for review
    APPROVED = "approved"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Delegation(TimestampMixin, db.Model):
    """A group travelling together: a country's delegation or an organisation's."""

    __tablename__ = "delegation"
    __table_args__ = (sa.UniqueConstraint("event_id", "name_en"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    name_zh: Mapped[str] = mapped_column(sa.String(200), default="")
    country_code: Mapped[str] = mapped_column(sa.ForeignKey("country.code"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    # The head is one of the members; the cycle is broken by creating the FK after both
    # tables exist (use_alter) and updating it after the insert (post_update).
    head_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participant.id", use_alter=True, ondelete="SET NULL")
    )

    event: Mapped[Event] = relationship()
    country: Mapped[Country] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    head: Mapped[Participant | None] = relationship(foreign_keys=[head_id], post_update=True)

    def __repr__(self) -> str:
        return f"<Delegation {self.name_en!r}>"


class Participant(TimestampMixin, db.Model):
    """A person attending an event, named as in their passport and in their own script."""

    __tablename__ = "participant"
    __table_args__ = (
        sa.Index("ix_participant_event_status", "event_id", "status"),
        sa.Index("ix_participant_event_country", "event_id", "country_code"),
        sa.Index("ix_participant_event_email", "event_id", "email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    delegation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("delegation.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    # Latin letters as in the passport. Many people in Myanmar and Indonesia have one name
    # only: it goes in given_name and family_name stays empty.
    family_name: Mapped[str] = mapped_column(sa.String(100), default="")
    given_name: Mapped[str] = mapped_column(sa.String(150))
    native_name: Mapped[str] = mapped_column(sa.String(200), default="")
    honorific: Mapped[str] = mapped_column(sa.String(60), default="")
    position: Mapped[str] = mapped_column(sa.String(300), default="")
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id"), index=True
    )
    country_code: Mapped[str] = mapped_column(sa.ForeignKey("country.code"))
    category: Mapped[Category] = mapped_column(enum_column(Category), default=Category.DELEGATE)
    status: Mapped[Status] = mapped_column(enum_column(Status), default=Status.PENDING)
    # Order of precedence: 1 is the most senior; None for people without protocol rank.
    protocol_rank: Mapped[int | None]
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    phone: Mapped[str] = mapped_column(sa.String(50), default="")

    event: Mapped[Event] = relationship()
    delegation: Mapped[Delegation | None] = relationship(foreign_keys=[delegation_id])
    organisation: Mapped[Organisation | None] = relationship()
    country: Mapped[Country] = relationship()
    user: Mapped[User | None] = relationship()

    @property
    def latin_name(self) -> str:
        """'YANG Ming': family name in capitals first, the convention on badges and lists."""
        if self.family_name:
            return f"{self.family_name.upper()} {self.given_name}"
        return self.given_name

    def __repr__(self) -> str:
        return f"<Participant {self.id} {self.latin_name!r}>"
