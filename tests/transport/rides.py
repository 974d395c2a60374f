"""Vehicles, escorts and trips made directly in the database for the transport tests
(the planner is tested on its own)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from eventhub.extensions import db
from eventhub.transport.models import Escort, Trip, TripKind, TripPassenger, Vehicle

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of July 2025 on the event's clock (Asia/Shanghai), as UTC."""
    return datetime(2025, 7, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


def vehicle(app, event, **values) -> Vehicle:
    values = {
        "label": "贵A·12345",
        "seats": 7,
        "driver_name": "王师傅",
        "driver_phone": "+86 138 0000 0001",
    } | values
    with app.app_context():
        row = Vehicle(event_id=event.id, **values)
        db.session.add(row)
        db.session.commit()
        return row


def escort(app, event, **values) -> Escort:
    values = {"name": "Li Na", "phone": "+86 139 0000 0002"} | values
    with app.app_context():
        row = Escort(event_id=event.id, **values)
        db.session.add(row)
        db.session.commit()
        return row


def trip(app, event, *, passengers=(), minutes: int = 40, **values) -> Trip:
    values = {
        "kind": TripKind.PICKUP,
        "departs_at": local(24, 10),
        "origin": "Guiyang Longdongbao Airport",
        "destination": "Guiyang Lakeside Hotel",
        "flight": "QV911",
        "planned": True,
    } | values
    values.setdefault("arrives_at", values["departs_at"] + timedelta(minutes=minutes))
    with app.app_context():
        row = Trip(event_id=event.id, **values)
        row.passengers = [TripPassenger(participant_id=p.id) for p in passengers]
        db.session.add(row)
        db.session.commit()
        return row


def reload(app, model, row_id):
    with app.app_context():
        found = db.session.get(model, row_id)
        if isinstance(found, Trip):
            _ = [(p.participant, p.picked_up_at) for p in found.passengers]
            _ = (found.vehicle, found.escort)
        return found


def _utc(moment: datetime | None) -> datetime | None:
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)
