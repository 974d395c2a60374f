"""The fleet's records: vehicles and their shifts, escorts, the planner's rules. Plain
functions that flush; the views commit."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.audit.services import record
from eventhub.exceptions import DomainError
from eventhub.extensions import db
from eventhub.transport.models import (
    DriverShift,
    Escort,
    TransportSettings,
    Trip,
    Vehicle,
    VehicleKind,
)

LABEL_TAKEN = _l("Another vehicle of the event has this label.")
NAME_TAKEN = _l("Another escort of the event has this name.")

VEHICLE_FIELDS = (
    "label",
    "kind",
    "seats",
    "driver_name",
    "driver_phone",
    "driver_email",
    "driver_locale",
    "available",
    "note",
)
ESCORT_FIELDS = ("name", "phone", "email", "languages", "available")


def vehicles(event) -> list[Vehicle]:
    return list(
        db.session.scalars(
            sa.select(Vehicle)
            .where(Vehicle.event_id == event.id)
            .options(sa.orm.selectinload(Vehicle.shifts))
            .order_by(Vehicle.label)
        )
    )


def escorts(event) -> list[Escort]:
    return list(
        db.session.scalars(
            sa.select(Escort).where(Escort.event_id == event.id).order_by(Escort.name)
        )
    )


def _taken(model, column, value, event, record_id) -> bool:
    return (
        db.session.scalar(
            sa.select(model.id).where(
                model.event_id == event.id, column == value, model.id != (record_id or 0)
            )
        )
        is not None
    )


def save_vehicle(event, vehicle: Vehicle | None, values: dict, *, actor=None) -> Vehicle:
    """Create or change a vehicle; its label is unique in the event."""
    values = {k: values[k] for k in VEHICLE_FIELDS if k in values}
    values["label"] = values["label"].strip()
    values["kind"] = VehicleKind(values["kind"])
    if _taken(Vehicle, Vehicle.label, values["label"], event, vehicle and vehicle.id):
        raise DomainError(LABEL_TAKEN, field="label")
    creating = vehicle is None
    if not creating:
        _check_load(event, vehicle, values.get("seats", vehicle.seats))
    if creating:
        vehicle = Vehicle(event_id=event.id)
        db.session.add(vehicle)
    changes = {k: v for k, v in values.items() if getattr(vehicle, k, None) != v}
    for name, value in values.items():
        setattr(vehicle, name, value)
    db.session.flush()
    action = "vehicle.create" if creating else "vehicle.update"
    record(action, vehicle, actor=actor, event_id=event.id, changes=_plain(changes))
    return vehicle


def trips_of(vehicle: Vehicle) -> list[Trip]:
    """The vehicle's trips in departure order, with their passengers."""
    return list(
        db.session.scalars(
            sa.select(Trip)
            .where(Trip.vehicle_id == vehicle.id)
            .options(sa.orm.selectinload(Trip.passengers))
            .order_by(Trip.departs_at)
        )
    )


def local_time(event, moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(event.timezone)).strftime("%Y-%m-%d %H:%M")


def _check_load(event, vehicle: Vehicle, seats: int) -> None:
    """Fewer seats than a trip of the vehicle carries is refused, naming the trip."""
    fullest = max(trips_of(vehicle), key=lambda t: len(t.passengers), default=None)
    if fullest is not None and len(fullest.passengers) > seats:
        raise DomainError(
            _l(
                "%(n)d passengers ride on the trip of %(time)s (%(origin)s → %(destination)s):"
                " move them first.",
                n=len(fullest.passengers),
                time=local_time(event, fullest.departs_at),
                origin=fullest.origin,
                destination=fullest.destination,
            ),
            field="seats",
        )


def save_escort(event, escort: Escort | None, values: dict, *, actor=None) -> Escort:
    values = {k: values[k] for k in ESCORT_FIELDS if k in values}
    values["name"] = values["name"].strip()
    values["languages"] = " ".join((values.get("languages") or "").lower().split())
    if _taken(Escort, Escort.name, values["name"], event, escort and escort.id):
        raise DomainError(NAME_TAKEN, field="name")
    creating = escort is None
    if creating:
        escort = Escort(event_id=event.id)
        db.session.add(escort)
    changes = {k: v for k, v in values.items() if getattr(escort, k, None) != v}
    for name, value in values.items():
        setattr(escort, name, value)
    db.session.flush()
    action = "escort.create" if creating else "escort.update"
    record(action, escort, actor=actor, event_id=event.id, changes=_plain(changes))
    return escort


def shift_span(event, day: date, starts: time, ends: time) -> tuple[datetime, datetime]:
    """A shift typed on the event's clock, in UTC; an end before the start is next day's."""
    zone = ZoneInfo(event.timezone)
    begin = datetime.combine(day, starts, zone)
    end = datetime.combine(day + timedelta(days=1) if ends <= starts else day, ends, zone)
    return begin.astimezone(UTC), end.astimezone(UTC)


def add_shift(event, vehicle: Vehicle, values: dict, *, actor=None) -> DriverShift:
    begin, end = shift_span(event, values["day"], values["starts"], values["ends"])
    shift = DriverShift(
        vehicle=vehicle,
        starts_at=begin,
        ends_at=end,
        driver_name=values.get("driver_name") or "",
        driver_phone=values.get("driver_phone") or "",
        driver_email=values.get("driver_email") or "",
    )
    db.session.add(shift)
    db.session.flush()
    record(
        "vehicle.shift_add",
        vehicle,
        actor=actor,
        event_id=event.id,
        changes={"starts_at": begin.isoformat(), "ends_at": end.isoformat()},
    )
    return shift


def remove_shift(event, shift: DriverShift, *, actor=None) -> None:
    record(
        "vehicle.shift_remove",
        shift.vehicle,
        actor=actor,
        event_id=event.id,
        changes={"starts_at": shift.starts_at.isoformat()},
    )
    db.session.delete(shift)
    db.session.flush()


def settings_for_edit(event) -> TransportSettings:
    """The event's stored rules, made (with the defaults) when it has none yet."""
    found = db.session.get(TransportSettings, event.id)
    if found is None:
        found = TransportSettings(
            event_id=event.id, own_car_up_to=2, max_wait_minutes=45, meet_minutes=20
        )
        db.session.add(found)
    return found


def save_settings(event, values: dict, *, actor=None) -> TransportSettings:
    settings = settings_for_edit(event)
    changes = {}
    for name in ("own_car_up_to", "max_wait_minutes", "meet_minutes"):
        value = values[name] or 0
        if getattr(settings, name) != value:
            changes[name] = value
        setattr(settings, name, value)
    db.session.flush()
    record("transport.settings", event, actor=actor, event_id=event.id, changes=changes)
    return settings


def _plain(changes: dict) -> dict:
    return {k: (v.value if hasattr(v, "value") else v) for k, v in changes.items()}
