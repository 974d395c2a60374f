"""Vehicles with their drivers and shifts, protocol escorts, and trips: airport and station
pick-ups and drop-offs, shuttles between hotels and venues, off-site visits."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.db import TimestampMixin, enum_column
from eventhub.extensions import db

if TYPE_CHECKING:
    from eventhub.accommodation.models import Hotel
    from eventhub.registration.models import Participant


class VehicleKind(enum.StrEnum):
    CAR = "car"  # a sedan: the protocol car of one guest of rank
    VAN = "van"
    MINIBUS = "minibus"
    COACH = "coach"


class Vehicle(TimestampMixin, db.Model):
    """A vehicle at the organisers' disposal, with its usual driver."""

    __tablename__ = "vehicle"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "label"),
        sa.CheckConstraint("seats BETWEEN 1 AND 80", name="seats_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    # The plate or fleet number the drivers and escorts know it by.
    label: Mapped[str] = mapped_column(sa.String(60))
    kind: Mapped[VehicleKind] = mapped_column(enum_column(VehicleKind), default=VehicleKind.VAN)
    seats: Mapped[int]  # passengers, the driver not counted
    driver_name: Mapped[str] = mapped_column(sa.String(120), default="")
    driver_phone: Mapped[str] = mapped_column(sa.String(50), default="")
    # Changes to the driver's trips are mailed here, in the driver's language.
    driver_email: Mapped[str] = mapped_column(sa.String(254), default="")
    driver_locale: Mapped[str] = mapped_column(sa.String(16), default="zh_Hans")
    # Out of service: the planner leaves it alone.
    available: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str] = mapped_column(sa.String(300), default="")

    shifts: Mapped[list[DriverShift]] = relationship(
        back_populates="vehicle", order_by="DriverShift.starts_at", cascade="all, delete-orphan"
    )


class DriverShift(db.Model):
    """When a vehicle is on the road and who drives it then. A vehicle with shifts is planned
    inside them only; one with none is available all day with its usual driver."""

    __tablename__ = "driver_shift"
    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vehicle_id: Mapped[int] = mapped_column(
        sa.ForeignKey("vehicle.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    driver_name: Mapped[str] = mapped_column(sa.String(120), default="")
    driver_phone: Mapped[str] = mapped_column(sa.String(50), default="")
    driver_email: Mapped[str] = mapped_column(sa.String(254), default="")

    vehicle: Mapped[Vehicle] = relationship(back_populates="shifts")


class Escort(TimestampMixin, db.Model):
    """A protocol officer who meets a guest of rank and rides with them."""

    __tablename__ = "escort"
    __table_args__ = (sa.UniqueConstraint("event_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(120))
    phone: Mapped[str] = mapped_column(sa.String(50), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    # Languages spoken besides Chinese, as codes ("lo en"): matched to the guest's.
    languages: Mapped[str] = mapped_column(sa.String(60), default="")
    available: Mapped[bool] = mapped_column(default=True)


class TransportSettings(db.Model):
    """The planner's rules for an event."""

    __tablename__ = "transport_settings"
    __table_args__ = (
        sa.CheckConstraint("max_wait_minutes BETWEEN 10 AND 240", name="max_wait_in_range"),
        sa.CheckConstraint(
            "meet_minutes >= 0 AND meet_minutes < max_wait_minutes", name="meet_within_wait"
        ),
    )

    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    # Guests at this protocol level or more senior (1 is the most senior) ride alone in a car
    # with a protocol escort.
    own_car_up_to: Mapped[int] = mapped_column(default=2)
    # No guest waits longer than this after landing before their vehicle leaves.
    max_wait_minutes: Mapped[int] = mapped_column(default=45)
    # Minutes from landing to the kerb (bags, immigration): the earliest a vehicle leaves.
    meet_minutes: Mapped[int] = mapped_column(default=20)
    # When the Plan button queued a plan that has not finished: a second click is refused.
    planning_since: Mapped[datetime | None]


class TripKind(enum.StrEnum):
    PICKUP = "pickup"  # airport or station to hotel
    DROPOFF = "dropoff"  # hotel to airport or station
    SHUTTLE = "shuttle"  # between hotels and venues, on a timetable
    VISIT = "visit"  # an off-site visit


class Trip(TimestampMixin, db.Model):
    """One vehicle's run from one place to another at one time, with its passengers."""

    __tablename__ = "trip"
    __table_args__ = (
        sa.Index("ix_trip_event_departs", "event_id", "departs_at"),
        sa.Index("ix_trip_vehicle_departs", "vehicle_id", "departs_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    kind: Mapped[TripKind] = mapped_column(enum_column(TripKind))
    vehicle_id: Mapped[int | None] = mapped_column(sa.ForeignKey("vehicle.id", ondelete="SET NULL"))
    escort_id: Mapped[int | None] = mapped_column(sa.ForeignKey("escort.id", ondelete="SET NULL"))
    departs_at: Mapped[datetime]
    arrives_at: Mapped[datetime | None]  # estimated, from the drive's minutes
    origin: Mapped[str] = mapped_column(sa.String(200), default="")
    destination: Mapped[str] = mapped_column(sa.String(200), default="")
    # The hotel at one end of a pick-up or drop-off.
    hotel_id: Mapped[int | None] = mapped_column(sa.ForeignKey("hotel.id", ondelete="SET NULL"))
    # The flight or train met (pick-up) or caught (drop-off).
    flight: Mapped[str] = mapped_column(sa.String(20), default="")
    # Made by the planner and not touched by hand since: a re-plan may change or remove it.
    # A trip an organiser made or edited stays as it is.
    planned: Mapped[bool] = mapped_column(default=False)
    # Set when the met flight landed (airport desk), for the arrivals dashboard.
    landed_at: Mapped[datetime | None]
    # The last change the driver must hear of: sheets mark trips changed after printing.
    changed_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(sa.String(300), default="")

    vehicle: Mapped[Vehicle | None] = relationship()
    escort: Mapped[Escort | None] = relationship()
    hotel: Mapped[Hotel | None] = relationship()
    passengers: Mapped[list[TripPassenger]] = relationship(
        back_populates="trip", cascade="all, delete-orphan"
    )


class TripPassenger(db.Model):
    """A guest on a trip, and when they were picked up (the escort's or desk's tick)."""

    __tablename__ = "trip_passenger"
    __table_args__ = (sa.Index("ix_trip_passenger_participant", "participant_id"),)

    trip_id: Mapped[int] = mapped_column(
        sa.ForeignKey("trip.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True
    )
    picked_up_at: Mapped[datetime | None]

    trip: Mapped[Trip] = relationship(back_populates="passengers")
    participant: Mapped[Participant] = relationship()
