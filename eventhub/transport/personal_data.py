"""Transport's answers about one person (privacy.signals): their trips in the export; on
erasure they leave their trips (a trip left empty goes, its driver told nothing: the
vehicle is simply free), the others on them keep theirs."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.extensions import db
from eventhub.privacy.readable import Reading
from eventhub.privacy.signals import person_data, person_erase, person_reading
from eventhub.transport.models import Trip, TripKind, TripPassenger

KIND_LABELS = {
    TripKind.PICKUP: _l("Pick-up"),
    TripKind.DROPOFF: _l("Drop-off"),
    TripKind.SHUTTLE: _l("Shuttle"),
    TripKind.VISIT: _l("Visit"),
}


def _seats(event, participant_id: int) -> list[TripPassenger]:
    return list(
        db.session.scalars(
            sa.select(TripPassenger)
            .join(Trip, Trip.id == TripPassenger.trip_id)
            .where(TripPassenger.participant_id == participant_id, Trip.event_id == event.id)
            .order_by(Trip.departs_at)
        )
    )


@person_data.connect
def transport_export(event, *, participant_id: int, **kwargs):
    seats = _seats(event, participant_id)
    if not seats:
        return None
    when = lambda d: d.isoformat() if d else None  # noqa: E731
    return (
        "transport",
        {
            "trips": [
                {
                    "kind": seat.trip.kind.value,
                    "departs_at": when(seat.trip.departs_at),
                    "origin": seat.trip.origin,
                    "destination": seat.trip.destination,
                    "flight": seat.trip.flight,
                    "vehicle": seat.trip.vehicle.label if seat.trip.vehicle else "",
                    "escort": seat.trip.escort.name if seat.trip.escort else "",
                    "picked_up_at": when(seat.picked_up_at),
                }
                for seat in seats
            ]
        },
    )


@person_erase.connect
def transport_erase(event, *, participant_id: int, **kwargs) -> dict[str, int]:
    seats = _seats(event, participant_id)
    for seat in seats:
        trip = seat.trip
        trip.passengers.remove(seat)
        if not trip.passengers:
            db.session.delete(trip)
    return {"trip_seats": len(seats)} if seats else {}


TRANSPORT = Reading(
    title=_l("Pick-ups and rides"),
    order=60,
    labels={
        "trips": _l("Trips"),
        "kind": _l("Trip"),
        "departs_at": _l("Leaves at"),
        "origin": _l("From"),
        "destination": _l("To"),
        "flight": _l("Flight or train"),
        "vehicle": _l("Vehicle"),
        "escort": _l("Escort"),
        "picked_up_at": _l("Picked up at"),
    },
    values={"kind": KIND_LABELS},
)


@person_reading.connect
def transport_reading(event, **kwargs):
    return ("transport", TRANSPORT)
