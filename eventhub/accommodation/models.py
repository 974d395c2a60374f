"""Hotels, their room types and the rooms contracted per night (blocks), and the rooms booked
for the guests: who sleeps where, which nights, and what the hotel was last sent."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.db import TimestampMixin, enum_column
from eventhub.events.content import Field, Kind, register
from eventhub.extensions import db

if TYPE_CHECKING:
    from eventhub.auth.models import User
    from eventhub.registration.models import Participant


class RoomClass(enum.StrEnum):
    """What a guest's rank entitles them to; a higher class may stand in for a lower one
    (an upgrade), never the reverse."""

    SUITE = "suite"
    EXECUTIVE = "executive"
    STANDARD = "standard"


# Higher is better: an upgrade is a room of a higher class than the guest's.
CLASS_ORDER = {RoomClass.STANDARD: 1, RoomClass.EXECUTIVE: 2, RoomClass.SUITE: 3}


class Hotel(TimestampMixin, db.Model):
    """A hotel the organisers contracted rooms in."""

    __tablename__ = "hotel"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "name_en"),
        sa.CheckConstraint("drive_minutes BETWEEN 0 AND 600", name="drive_minutes_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    name_zh: Mapped[str] = mapped_column(sa.String(200), default="")
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    phone: Mapped[str] = mapped_column(sa.String(50), default="")
    # The reservations desk: rooming lists are sent there.
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    # Minutes by road from the arrival airport or station: pick-ups plan with it.
    drive_minutes: Mapped[int] = mapped_column(default=40, server_default="40")
    note: Mapped[str] = mapped_column(sa.String(500), default="")

    room_types: Mapped[list[RoomType]] = relationship(
        back_populates="hotel", order_by="RoomType.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Hotel {self.name_en!r}>"


class RoomType(db.Model):
    """A kind of room of a hotel ("Deluxe twin", "Presidential suite")."""

    __tablename__ = "room_type"
    __table_args__ = (
        sa.UniqueConstraint("hotel_id", "name_en"),
        sa.CheckConstraint("beds BETWEEN 1 AND 4", name="beds_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hotel_id: Mapped[int] = mapped_column(sa.ForeignKey("hotel.id", ondelete="CASCADE"))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    name_zh: Mapped[str] = mapped_column(sa.String(120), default="")
    room_class: Mapped[RoomClass] = mapped_column(
        enum_column(RoomClass), default=RoomClass.STANDARD
    )
    # How many guests may share one room of this type.
    beds: Mapped[int] = mapped_column(default=1)
    # Step-free, wide door, accessible bathroom.
    accessible: Mapped[bool] = mapped_column(default=False)

    hotel: Mapped[Hotel] = relationship(back_populates="room_types")
    blocks: Mapped[list[RoomBlock]] = relationship(
        back_populates="room_type", order_by="RoomBlock.night", cascade="all, delete-orphan"
    )


class RoomBlock(db.Model):
    """Rooms of one type contracted for one night: never more are booked that night; after
    the cut-off date the hotel may release them or charge for changes."""

    __tablename__ = "room_block"
    __table_args__ = (
        sa.UniqueConstraint("room_type_id", "night"),
        sa.CheckConstraint("rooms >= 0", name="rooms_not_negative"),
        sa.CheckConstraint("rate >= 0", name="rate_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_type_id: Mapped[int] = mapped_column(sa.ForeignKey("room_type.id", ondelete="CASCADE"))
    night: Mapped[date]  # the date the night begins
    rooms: Mapped[int]
    rate: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2), default=Decimal("0"))
    currency: Mapped[str] = mapped_column(sa.String(3), default="CNY")
    cut_off: Mapped[date | None]

    room_type: Mapped[RoomType] = relationship(back_populates="blocks")


class AccommodationSettings(db.Model):
    """The event's rule from protocol rank to room class: levels up to `suite_up_to` get a
    suite, up to `executive_up_to` an executive room, the others a standard room."""

    __tablename__ = "accommodation_settings"

    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    suite_up_to: Mapped[int] = mapped_column(default=2)
    executive_up_to: Mapped[int] = mapped_column(default=4)


class RoomingPreference(db.Model):
    """What a guest asked for: someone to share with, an accessible room, a hotel, a class
    other than their rank's (set by organisers only)."""

    __tablename__ = "rooming_preference"

    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True
    )
    share_with_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="SET NULL")
    )
    accessible: Mapped[bool] = mapped_column(default=False)
    hotel_id: Mapped[int | None] = mapped_column(sa.ForeignKey("hotel.id", ondelete="SET NULL"))
    room_class: Mapped[RoomClass | None] = mapped_column(enum_column(RoomClass))
    note: Mapped[str] = mapped_column(sa.String(300), default="")

    participant: Mapped[Participant] = relationship(foreign_keys=[participant_id])
    share_with: Mapped[Participant | None] = relationship(foreign_keys=[share_with_id])
    hotel: Mapped[Hotel | None] = relationship()


class HotelRoom(TimestampMixin, db.Model):
    """One room booked for a run of nights, with its guest or the guests who share it.
    Nights are first_night..last_night inclusive: the guests check out the day after."""

    __tablename__ = "hotel_room"
    __table_args__ = (
        sa.Index("ix_hotel_room_event_type", "event_id", "room_type_id"),
        sa.CheckConstraint("last_night >= first_night", name="nights_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    room_type_id: Mapped[int] = mapped_column(sa.ForeignKey("room_type.id", ondelete="CASCADE"))
    first_night: Mapped[date]
    last_night: Mapped[date]
    # The hotel's room number, once given at check-in.
    number: Mapped[str] = mapped_column(sa.String(20), default="")
    # Made by the automatic proposal and not touched by hand since: a new proposal may
    # replace it; a room an organiser placed or edited stays as it is.
    proposed: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(sa.String(300), default="")

    room_type: Mapped[RoomType] = relationship()
    guests: Mapped[list[RoomGuest]] = relationship(
        back_populates="room", order_by="RoomGuest.participant_id", cascade="all, delete-orphan"
    )


class RoomGuest(db.Model):
    """A guest in a room: one room per guest for the event."""

    __tablename__ = "room_guest"

    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True
    )
    room_id: Mapped[int] = mapped_column(
        sa.ForeignKey("hotel_room.id", ondelete="CASCADE"), index=True
    )
    # The hotel desk's check-in (the arrivals dashboard counts it).
    checked_in_at: Mapped[datetime | None]

    room: Mapped[HotelRoom] = relationship(back_populates="guests")
    participant: Mapped[Participant] = relationship()


class RoomingListSent(db.Model):
    """A rooming list as it was sent to a hotel: the next list shows what changed since.
    `lines` holds ids only (room, type, nights, guests), never names: an erased guest's name
    must not survive in it."""

    __tablename__ = "rooming_list_sent"
    __table_args__ = (sa.Index("ix_rooming_list_sent_hotel_at", "hotel_id", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hotel_id: Mapped[int] = mapped_column(sa.ForeignKey("hotel.id", ondelete="CASCADE"))
    sent_at: Mapped[datetime]
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    lines: Mapped[list] = mapped_column(sa.JSON, default=list)
    # The night the list was for; None: all nights (so were lists sent before it was kept).
    night: Mapped[date | None]

    hotel: Mapped[Hotel] = relationship()
    sent_by: Mapped[User | None] = relationship()


# Hotels and kinds of room, shown to guests with their rooms (events/content.py).
register(
    Kind(
        "hotel",
        _l("Hotels"),
        (Field("name", _l("Hotel name"), max_length=200),),
        lambda event: db.session.scalars(
            sa.select(Hotel).where(Hotel.event_id == event.id).order_by(Hotel.name_en)
        ),
        order=70,
    )
)
register(
    Kind(
        "room_type",
        _l("Room types"),
        (Field("name", _l("Kind of room"), max_length=120),),
        lambda event: db.session.scalars(
            sa.select(RoomType)
            .join(Hotel)
            .where(Hotel.event_id == event.id)
            .order_by(Hotel.name_en, RoomType.name_en)
        ),
        describe=lambda room_type: room_type.hotel.name_en,
        order=71,
    )
)
