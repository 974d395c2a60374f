"""Messages about rides: a changed trip to its driver (in the driver's language), and a guest's
own "your pick-up" message (in the guest's). Plain text built with gettext under the reader's
locale; times on the event's clock. No secret in them."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_babel import force_locale, gettext

from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.i18n import normalise_locale, zoned_datetime
from eventhub.mail import send_mail
from eventhub.registration.delegations import organisers
from eventhub.registration.models import Participant, Status
from eventhub.scheduling.agenda import language_of
from eventhub.transport.models import Trip, TripKind, TripPassenger, Vehicle, VehicleKind
from eventhub.web import external_url

ADDED, REMOVED, CHANGED, CANCELLED = "added", "removed", "changed", "cancelled"


def _when(event: Event, moment: datetime | None) -> str:
    if moment is None:
        return "—"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return zoned_datetime(moment, event.timezone)


def _kind(kind: VehicleKind) -> str:
    return {
        VehicleKind.CAR: gettext("car"),
        VehicleKind.VAN: gettext("van"),
        VehicleKind.MINIBUS: gettext("minibus"),
        VehicleKind.COACH: gettext("coach"),
    }[kind]


def driver_of(trip: Trip, vehicle: Vehicle | None = None) -> tuple[str, str, str]:
    """(name, phone, email) of who drives the trip (in `vehicle`, else its own): the
    shift's driver then, else the vehicle's usual one."""
    vehicle = vehicle or trip.vehicle
    if vehicle is None:
        return "", "", ""
    departs = trip.departs_at if trip.departs_at.tzinfo else trip.departs_at.replace(tzinfo=UTC)
    for shift in vehicle.shifts:
        starts = shift.starts_at if shift.starts_at.tzinfo else shift.starts_at.replace(tzinfo=UTC)
        ends = shift.ends_at if shift.ends_at.tzinfo else shift.ends_at.replace(tzinfo=UTC)
        if starts <= departs < ends and (shift.driver_name or shift.driver_email):
            return (
                shift.driver_name or vehicle.driver_name,
                shift.driver_phone or vehicle.driver_phone,
                shift.driver_email or vehicle.driver_email,
            )
    return vehicle.driver_name, vehicle.driver_phone, vehicle.driver_email


def _trip_lines(event: Event, trip: Trip, what: str = CHANGED, taken_off=()) -> list[str]:
    """The trip as the driver reads it; a cancelled trip names who was on it (those still
    on it when it is deleted, and `taken_off`, the guests just removed from it)."""
    lines = [
        gettext("Leaves: %(time)s", time=_when(event, trip.departs_at)),
        gettext("From: %(place)s", place=trip.origin),
        gettext("To: %(place)s", place=trip.destination),
    ]
    if trip.flight:
        lines.append(gettext("Flight: %(flight)s", flight=trip.flight))
    names = [tp.participant.latin_name for tp in trip.passengers]
    if what == CANCELLED:
        names += [p.latin_name for p in taken_off if p.latin_name not in names]
        lines.append(gettext("Passengers taken off (%(count)d):", count=len(names)))
    else:
        lines.append(gettext("Passengers (%(count)d):", count=len(names)))
    lines += [f"  - {name}" for name in names]
    if trip.escort is not None:
        lines.append(
            gettext("Escort: %(name)s %(phone)s", name=trip.escort.name, phone=trip.escort.phone)
        )
    return lines


def tell_driver(
    trip: Trip, what: str = CHANGED, *, vehicle: Vehicle | None = None, taken_off=()
) -> bool:
    """Mail the trip (as it is now) to its driver, saying what changed; `vehicle` is the one
    it was taken off (its driver hears it is no longer theirs); `taken_off`, the guests just
    removed from a trip now cancelled (the driver reads their names)."""
    vehicle = vehicle or trip.vehicle
    _name, _phone, email = driver_of(trip, vehicle)
    if not email:
        return False
    event = db.session.get(Event, trip.event_id)
    locale = normalise_locale(vehicle.driver_locale) or "zh_Hans"
    with force_locale(locale):
        heading = {
            ADDED: gettext("New trip for %(vehicle)s", vehicle=vehicle.label),
            REMOVED: gettext("Trip taken off %(vehicle)s", vehicle=vehicle.label),
            CANCELLED: gettext("Trip cancelled for %(vehicle)s", vehicle=vehicle.label),
        }.get(what) or gettext("Trip changed for %(vehicle)s", vehicle=vehicle.label)
        body = "\n".join(
            [heading, "", *_trip_lines(event, trip, what, taken_off), "", event.name_en]
        )
        return send_mail(
            email, f"{heading} — {_when(event, trip.departs_at)}", body, event_id=event.id
        )


def pickup_of(participant: Participant) -> Trip | None:
    return db.session.scalar(
        sa.select(Trip)
        .join(TripPassenger, TripPassenger.trip_id == Trip.id)
        .where(TripPassenger.participant_id == participant.id, Trip.kind == TripKind.PICKUP)
        .order_by(Trip.departs_at)
        .limit(1)
    )


def tell_guest(participant: Participant, *, cancelled: bool = False) -> bool:
    """The guest's "your pick-up" message: flight, landing, where to meet, the vehicle, its
    driver, the escort and the hotel. With no pick-up (any more): a short "cancelled"
    message when `cancelled` (it was taken away), else nothing. False when nothing sent."""
    trip = pickup_of(participant)
    if trip is None and cancelled:
        return _tell_cancelled(participant)
    if (
        trip is None
        or not participant.email
        or participant.erased_at is not None
        or participant.status in (Status.WITHDRAWN, Status.REJECTED)
    ):
        return False
    event = db.session.get(Event, participant.event_id)
    driver, phone, _email = driver_of(trip)
    with force_locale(language_of(participant)):
        subject = gettext("Your pick-up: %(event)s", event=event.name_en)
        lines = [
            gettext("Dear %(name)s,", name=participant.salutation_name),
            "",
            gettext("We will meet you on arrival and drive you to your hotel."),
            "",
            gettext(
                "Flight: %(flight)s, landing %(time)s",
                flight=participant.arrival_flight or "—",
                time=_when(event, participant.arrival_at),
            ),
            gettext(
                "Where to meet: arrivals hall of %(place)s, at the sign with the event's name",
                place=trip.origin,
            ),
            gettext("Your vehicle leaves at: %(time)s", time=_when(event, trip.departs_at)),
        ]
        if trip.vehicle is not None:
            lines.append(
                gettext(
                    "Vehicle: %(label)s (%(kind)s)",
                    label=trip.vehicle.label,
                    kind=_kind(trip.vehicle.kind),
                )
            )
        if driver or phone:
            lines.append(gettext("Driver: %(name)s %(phone)s", name=driver, phone=phone))
        if trip.escort is not None:
            lines.append(
                gettext(
                    "Your protocol escort: %(name)s %(phone)s",
                    name=trip.escort.name,
                    phone=trip.escort.phone,
                )
            )
        lines.append(gettext("Hotel: %(hotel)s", hotel=trip.destination))
        lines += ["", event.name_en]
        return send_mail(participant.email, subject, "\n".join(lines), event_id=event.id)


def _tell_cancelled(participant: Participant) -> bool:
    if (
        not participant.email
        or participant.erased_at is not None
        or participant.status in (Status.WITHDRAWN, Status.REJECTED)
    ):
        return False
    event = db.session.get(Event, participant.event_id)
    with force_locale(language_of(participant)):
        subject = gettext("Your pick-up is cancelled: %(event)s", event=event.name_en)
        lines = [
            gettext("Dear %(name)s,", name=participant.salutation_name),
            "",
            gettext(
                "Your pick-up on arrival is cancelled. If you still need one, please reply "
                "to this message; we will write again when a new one is arranged."
            ),
            "",
            event.name_en,
        ]
        return send_mail(participant.email, subject, "\n".join(lines), event_id=event.id)


def tell_organisers(trip: Trip, person: Participant, texts) -> int:
    """A guest's travel changed and a trip made by hand no longer fits it: it is kept (the
    organisers' to change) and each organiser hears of it, with the board's words
    (`texts()`, in their language) and a link to the trip. Returns how many were written to."""
    event = db.session.get(Event, trip.event_id)
    link = external_url("transport.trip_detail", slug=event.slug, trip_id=trip.id)
    sent = 0
    for organiser in organisers(event):
        with force_locale(organiser.locale or "en"):
            subject = gettext(
                "%(name)s's travel changed: a trip made by hand no longer fits",
                name=person.latin_name,
            )
            lines = [
                gettext(
                    "The trip of %(time)s (%(origin)s → %(destination)s) was made or changed "
                    "by hand, so it was kept as it is. Please look at it:",
                    time=_when(event, trip.departs_at),
                    origin=trip.origin,
                    destination=trip.destination,
                ),
                "",
                *texts(),
                "",
                link,
            ]
            sent += send_mail(organiser.email, subject, "\n".join(lines), event_id=event.id)
    return sent


def tell_guests(event: Event) -> int:
    """Everyone with a pick-up gets their message (the organisers' button). Returns how many."""
    people = db.session.scalars(
        sa.select(Participant)
        .join(TripPassenger, TripPassenger.participant_id == Participant.id)
        .join(Trip, Trip.id == TripPassenger.trip_id)
        .where(Trip.event_id == event.id, Trip.kind == TripKind.PICKUP)
        .distinct()
    ).all()
    return sum(tell_guest(person) for person in people)
