"""The hotel desk's page (organisers and on-site staff, on a phone): the guests due at a
hotel on a day, a button to check each in (and undo), and the room number the hotel gives."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.accommodation import bp, desk
from eventhub.accommodation.models import Hotel, HotelRoom
from eventhub.accommodation.rooming_lists import local
from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.db import utcnow
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.web import commit, id_arg, in_event

DESK = (Role.ORGANISER, Role.STAFF)


def _day(event, source) -> date:
    """The day asked for, else today on the event's clock."""
    try:
        return date.fromisoformat(source.get("day", ""))
    except ValueError:
        return utcnow().astimezone(ZoneInfo(event.timezone)).date()


def _back(event, hotel_id, day: date, anchor: str | None = None):
    return redirect(
        url_for(
            "accommodation.hotel_desk",
            slug=event.slug,
            hotel=hotel_id,
            day=day.isoformat(),
            _anchor=anchor,
        )
    )


def _page(event, hotel, day: date, *, errors=None, typed=None, status: int = 200):
    hotels = list(
        db.session.scalars(
            sa.select(Hotel).where(Hotel.event_id == event.id).order_by(Hotel.name_en, Hotel.id)
        )
    )
    if hotel is None and len(hotels) == 1:
        hotel = hotels[0]
    rows = desk.due(hotel, day) if hotel else []
    html = render_template(
        "accommodation/desk.html",
        event=event,
        hotels=hotels,
        hotel=hotel,
        day=day,
        rows=rows,
        checked=sum(1 for row in rows if row.checked_in),
        errors=errors or {},
        typed=typed or {},
        local=local,
        zone=ZoneInfo(event.timezone),
        number_length=desk.NUMBER_LENGTH,
    )
    return html, status


@bp.get("/hotel-desk/")
@event_view(*DESK)
def hotel_desk(event):
    hotel = in_event(Hotel, id_arg(request.args, "hotel"), event)
    return _page(event, hotel, _day(event, request.args))


@bp.post("/hotel-desk/check-in")
@event_view(*DESK)
def desk_check_in(event):
    """Check a guest in, or undo it (the desk pressed the wrong row)."""
    day = _day(event, request.form)
    guest = desk.guest_in_event(event, id_arg(request.form, "guest"))
    if guest is None:
        flash(_("This guest has no room in this event."), "warning")
        return _back(event, id_arg(request.form, "hotel"), day)
    undo = request.form.get("undo") == "1"
    desk.check_in(guest, current_user, undo=undo)
    commit()
    name = _("erased") if guest.participant.erased_at else guest.participant.mrz_name
    flash(
        _("Hotel check-in of %(name)s undone.", name=name)
        if undo
        else _("%(name)s checked in at the hotel.", name=name),
        "success",
    )
    return _back(event, guest.room.room_type.hotel_id, day, f"guest-{guest.participant_id}")


@bp.post("/hotel-desk/room-number")
@event_view(*DESK)
def desk_room_number(event):
    """The room number the hotel gave; a bad one is shown again with what is wrong."""
    day = _day(event, request.form)
    room = in_event(HotelRoom, id_arg(request.form, "room"), event)
    if room is None:
        flash(_("This room is not booked in this event."), "warning")
        return _back(event, id_arg(request.form, "hotel"), day)
    number = request.form.get("number", "")
    try:
        desk.set_number(room, number, current_user)
    except DomainError as error:
        db.session.rollback()
        hotel = db.session.get(Hotel, room.room_type.hotel_id)
        return _page(
            event, hotel, day, errors={room.id: str(error)}, typed={room.id: number}, status=400
        )
    commit()
    flash(_("Room number saved."), "success")
    return _back(event, room.room_type.hotel_id, day, f"room-{room.id}")
