"""An event: one edition of the exchange week. One installation hosts many."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.db import TimestampMixin
from eventhub.extensions import db

if TYPE_CHECKING:
    from eventhub.auth.models import EventMembership


# The programme's day, the lunch break and the rest a VIP has between two duties, until an
# organiser sets an event's own (the scheduler keeps to them). Clock times of the event's
# zone. An installation may change these defaults (SCHEDULER_DAY_HOURS, SCHEDULER_LUNCH,
# SCHEDULER_VIP_REST_MINUTES in its configuration).
DAY_HOURS = (time(8, 30), time(18, 0))
LUNCH = (time(12, 15), time(14, 0))
VIP_REST_MINUTES = 5


def configured(name: str, default):
    """The installation's default for a new event's `name` setting, else `default`."""
    if has_app_context():
        return current_app.config.get(f"SCHEDULER_{name}", default)
    return default


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
    # What organisers write to guests, each translatable (events/content.py): a notice on
    # the event's page and the delegate's own page, help above the registration form, and a
    # note at the end of the registration and decision emails.
    guest_notice_en: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    guest_notice_zh: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    registration_help_en: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    registration_help_zh: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    email_note_en: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    email_note_zh: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # The programme's day and lunch on the event's clock (local times, not instants: 09:00
    # is 09:00 on every day of the event), and a VIP's rest between two duties.
    programme_opens_at: Mapped[time] = mapped_column(
        default=lambda: configured("DAY_HOURS", DAY_HOURS)[0], server_default="08:30:00"
    )
    programme_closes_at: Mapped[time] = mapped_column(
        default=lambda: configured("DAY_HOURS", DAY_HOURS)[1], server_default="18:00:00"
    )
    lunch_starts_at: Mapped[time] = mapped_column(
        default=lambda: configured("LUNCH", LUNCH)[0], server_default="12:15:00"
    )
    lunch_ends_at: Mapped[time] = mapped_column(
        default=lambda: configured("LUNCH", LUNCH)[1], server_default="14:00:00"
    )
    vip_rest_minutes: Mapped[int] = mapped_column(
        default=lambda: configured("VIP_REST_MINUTES", VIP_REST_MINUTES), server_default="5"
    )

    memberships: Mapped[list[EventMembership]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )

    def registration_open(self, now: datetime) -> bool:
        opens, closes = self.registration_opens_at, self.registration_closes_at
        return opens is not None and opens <= now and (closes is None or now < closes)

    @property
    def day_hours(self) -> tuple[time, time]:
        return self.programme_opens_at, self.programme_closes_at

    @property
    def lunch(self) -> tuple[time, time]:
        return self.lunch_starts_at, self.lunch_ends_at

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"
