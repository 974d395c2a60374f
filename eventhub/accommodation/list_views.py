"""The organisers' rooming lists: per hotel, one night or all, previewed with the changes
since the list last sent, downloaded as XLSX or PDF, and recorded as sent."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.accommodation import bp, changes
from eventhub.accommodation.models import Hotel
from eventhub.accommodation.rooming_lists import local, nights_of_hotel, rooming_list
from eventhub.accommodation.rooming_pdf import rooming_pdf
from eventhub.accommodation.rooming_xlsx import change_label, notes_of, workbook
from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.web import (
    commit,
    content_disposition,
    id_arg,
    in_event,
    pdf_response,
    record_download,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _hotels(event) -> list[Hotel]:
    return list(
        db.session.scalars(
            sa.select(Hotel).where(Hotel.event_id == event.id).order_by(Hotel.name_en, Hotel.id)
        )
    )


def _night(source) -> date | None:
    """The night asked for (an ISO date), None for all nights or anything else."""
    try:
        return date.fromisoformat(source.get("night", ""))
    except ValueError:
        return None


def _filename(event, hotel: Hotel, night: date | None, ext: str) -> str:
    which = night.isoformat() if night else "all-nights"
    return f"{event.slug}-rooming-{hotel.id}-{which}.{ext}"


@bp.get("/rooming-lists/")
@event_view(Role.ORGANISER)
def rooming_lists(event):
    """Choose a hotel and a night; the list as the hotel will get it, and what changed."""
    hotels = _hotels(event)
    hotel = in_event(Hotel, id_arg(request.args, "hotel"), event)
    if hotel is None and len(hotels) == 1:
        hotel = hotels[0]
    night = _night(request.args)
    listing = rooming_list(hotel, night, now=utcnow()) if hotel else None
    return render_template(
        "accommodation/rooming_list.html",
        event=event,
        hotels=hotels,
        hotel=hotel,
        night=night,
        nights=nights_of_hotel(hotel) if hotel else [],
        listing=listing,
        change_label=change_label,
        notes_of=notes_of,
        local=local,
    )


@bp.get("/rooming-lists/download")
@event_view(Role.ORGANISER)
def rooming_list_download(event):
    """The list as XLSX or PDF (the download is audited)."""
    hotel = in_event(Hotel, id_arg(request.args, "hotel"), event)
    kind = request.args.get("as", "xlsx")
    if hotel is None or kind not in ("xlsx", "pdf"):
        flash(_("Choose a hotel, then the list to download."), "warning")
        return redirect(url_for("accommodation.rooming_lists", slug=event.slug))
    night = _night(request.args)
    listing = rooming_list(hotel, night, now=utcnow())
    filename = _filename(event, hotel, night, kind)
    record_download(event, filename)
    if kind == "pdf":
        return pdf_response(rooming_pdf(listing), filename, download=True)
    response = Response(workbook(listing), content_type=XLSX)
    response.headers["Content-Disposition"] = content_disposition("attachment", filename)
    return response


@bp.post("/rooming-lists/sent")
@event_view(Role.ORGANISER)
def rooming_list_sent(event):
    """The list now shown is the one the hotel has: the next shows changes since it."""
    hotel = in_event(Hotel, id_arg(request.form, "hotel"), event)
    if hotel is None:
        flash(_("Choose a hotel, then the list to record."), "warning")
        return redirect(url_for("accommodation.rooming_lists", slug=event.slug))
    night = _night(request.form)
    listing = rooming_list(hotel, night, now=utcnow())
    changes.record_sent(hotel, listing.lines, current_user, night=night)
    commit()
    flash(_("Recorded as sent to %(hotel)s.", hotel=hotel.name_en), "success")
    return redirect(
        url_for(
            "accommodation.rooming_lists",
            slug=event.slug,
            hotel=hotel.id,
            night=night.isoformat() if night else None,
        )
    )
