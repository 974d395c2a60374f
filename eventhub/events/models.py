"""An event: one edition of the exchange week. One installation hosts many."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.db import TimestampMixin
from eventhub.extensions import db

if TYPE_CHECKING:
    from eventhub.auth.models import EventMembership


class Event(TimestampMixin, db.Model):
    __tablename__ = "event"
    __table_args__ = (sa.CheckConstraint("ends_on >= starts_on", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name_en: Mapped[str] = mapped_column(sa.String(200))
    name_zh: Mapped[str] = mapped_column(sa.String(200))
    city_en: Mapped[str] = mapped_column(sa.String(100))
    city_zh: Mapped[str] = mapped_column(sa.String(100), default="")
    venue_address: Mapped[str] = mapped_column(sa.String(500), default="")
    venue_address_zh: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    # IANA name; every stored time is UTC and shown in this zone.
    timezone: Mapped[str] = mapped_column(sa.String(64), default="Asia/Shanghai")
    # Online registration is open between these instants (UTC); closed when unset.
    registration_opens_at: Mapped[datetime | None]
    registration_closes_at: Mapped[datetime | None]
    # Visa invitation letters: who issues and signs them, printed as the letterhead.
    letter_issuer_en: Mapped[str] = mapped_column(sa.String(300), default="")
    letter_issuer_zh: Mapped[str] = mapped_column(sa.String(300), default="")
    letter_signatory: Mapped[str] = mapped_column(sa.String(200), default="")
    letter_signatory_title_en: Mapped[str] = mapped_column(sa.String(200), default="")
    letter_signatory_title_zh: Mapped[str] = mapped_column(sa.String(200), default="")
    letter_contact: Mapped[str] = mapped_column(sa.String(500), default="")

    memberships: Mapped[list[EventMembership]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )

    def registration_open(self, now: datetime) -> bool:
        opens, closes = self.registration_opens_at, self.registration_closes_at
        return opens is not None and opens <= now and (closes is None or now < closes)

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"
