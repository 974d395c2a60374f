"""The organisers' pages for setting up the accommodation: hotels and room types, the
blocks grid per room type, the import of blocks and the rank -> room class rule."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from eventhub.accommodation import blocks_import, bp
from eventhub.accommodation import hotels as setup
from eventhub.accommodation.capacity import booked_per_night
from eventhub.accommodation.forms import (
    CLASS_LABELS,
    BlocksImportForm,
    HotelForm,
    RoomTypeForm,
    SettingsForm,
)
from eventhub.accommodation.models import Hotel, RoomType
from eventhub.accommodation.nights import room_class_for, settings_of
from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.errors import abort_with
from eventhub.extensions import db
from eventhub.registration import precedence
from eventhub.registration.exports import to_csv, to_xlsx
from eventhub.registration.reading import ImportUnreadable, read_table
from eventhub.web import attempt, commit, in_event_or_404

NO_HOTEL = _l("There is no such hotel in this event.")
NO_TYPE = _l("There is no such room type in this event.")


def _hotel(event, hotel_id: int) -> Hotel:
    return in_event_or_404(Hotel, hotel_id, event, NO_HOTEL)


def _room_type(event, room_type_id: int) -> RoomType:
    return in_event_or_404(RoomType, room_type_id, event, NO_TYPE, via=Hotel)


@bp.get("/hotels/")
@event_view(Role.ORGANISER)
def hotel_list(event):
    """Every hotel with its room types and, per night, rooms booked against contracted."""
    found = setup.hotels(event)
    booked = booked_per_night(event)
    nights = sorted(
        {b.night for h in found for rt in h.room_types for b in rt.blocks}
        | {night for (_t, night) in booked}
    )
    return render_template(
        "accommodation/hotels.html",
        event=event,
        hotels=found,
        nights=nights,
        booked=booked,
        class_labels=CLASS_LABELS,
        delete_form=FlaskForm(),
    )


@bp.get("/hotels/<int:hotel_id>")
@event_view(Role.ORGANISER)
def hotel_detail(event, hotel_id: int):
    hotel = _hotel(event, hotel_id)
    return render_template(
        "accommodation/hotel.html",
        event=event,
        hotel=hotel,
        booked=booked_per_night(event),
        class_labels=CLASS_LABELS,
        delete_form=FlaskForm(),
    )


@bp.route("/hotels/new", methods=["GET", "POST"])
@bp.route("/hotels/<int:hotel_id>/edit", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def hotel_form(event, hotel_id: int | None = None):
    hotel = _hotel(event, hotel_id) if hotel_id is not None else None
    form = HotelForm(obj=hotel)
    if form.validate_on_submit():
        ok, saved = attempt(
            lambda: setup.save_hotel(event, hotel, form.values(), actor=current_user), form
        )
        if ok:
            flash(_("Hotel saved."), "success")
            return redirect(url_for(".hotel_detail", slug=event.slug, hotel_id=saved.id))
    return render_template("accommodation/hotel_form.html", event=event, hotel=hotel, form=form)


@bp.post("/hotels/<int:hotel_id>/delete")
@event_view(Role.ORGANISER)
def hotel_delete(event, hotel_id: int):
    hotel = _hotel(event, hotel_id)
    if not FlaskForm().validate_on_submit():
        abort_with(400, _("The form has expired; reload the page and try again."))
    name = hotel.name_en
    ok, _result = attempt(lambda: setup.delete_hotel(hotel, actor=current_user))
    if ok:
        flash(_("Hotel %(name)s deleted.", name=name), "success")
        return redirect(url_for(".hotel_list", slug=event.slug))
    return redirect(url_for(".hotel_detail", slug=event.slug, hotel_id=hotel_id))


@bp.route("/hotels/<int:hotel_id>/room-types/new", methods=["GET", "POST"])
@bp.route("/room-types/<int:room_type_id>/edit", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def room_type_form(event, hotel_id: int | None = None, room_type_id: int | None = None):
    room_type = _room_type(event, room_type_id) if room_type_id is not None else None
    hotel = room_type.hotel if room_type is not None else _hotel(event, hotel_id)
    form = RoomTypeForm(obj=room_type)
    if room_type is not None and request.method == "GET":
        form.room_class.data = room_type.room_class.value
    if form.validate_on_submit():
        ok, _saved = attempt(
            lambda: setup.save_room_type(hotel, room_type, form.values(), actor=current_user),
            form,
        )
        if ok:
            flash(_("Room type saved."), "success")
            return redirect(url_for(".hotel_detail", slug=event.slug, hotel_id=hotel.id))
    return render_template(
        "accommodation/room_type_form.html",
        event=event,
        hotel=hotel,
        room_type=room_type,
        form=form,
    )


@bp.post("/room-types/<int:room_type_id>/delete")
@event_view(Role.ORGANISER)
def room_type_delete(event, room_type_id: int):
    room_type = _room_type(event, room_type_id)
    hotel_id, name = room_type.hotel_id, room_type.name_en
    if not FlaskForm().validate_on_submit():
        abort_with(400, _("The form has expired; reload the page and try again."))
    ok, _result = attempt(lambda: setup.delete_room_type(room_type, actor=current_user))
    if ok:
        flash(_("Room type %(name)s deleted.", name=name), "success")
    return redirect(url_for(".hotel_detail", slug=event.slug, hotel_id=hotel_id))


def read_grid(nights: list[date], form) -> tuple[dict[date, setup.BlockInput], dict]:
    """The grid's cells as blocks, and what is wrong cell by cell (key: "rooms-<night>")."""
    wanted: dict[date, setup.BlockInput] = {}
    errors: dict[str, list[str]] = {}
    for night in nights:
        key = night.isoformat()
        if f"rooms-{key}" not in form:
            continue
        rooms_text = form.get(f"rooms-{key}", "").strip()
        rate_text = form.get(f"rate-{key}", "").strip().replace(",", "")
        currency = form.get(f"currency-{key}", "").strip().upper() or "CNY"
        cut_text = form.get(f"cutoff-{key}", "").strip()
        rooms = rate = cut_off = None
        if rooms_text:
            if rooms_text.isascii() and rooms_text.isdigit() and int(rooms_text) <= 100_000:
                rooms = int(rooms_text)
            else:
                errors[f"rooms-{key}"] = [_("Write a whole number of rooms, 0 or more.")]
        try:
            rate = Decimal(rate_text or "0")
            if not rate.is_finite() or rate < 0 or rate >= Decimal("1e8"):
                raise InvalidOperation
        except InvalidOperation:
            errors[f"rate-{key}"] = [_("Write the rate as a number, e.g. 680 or 680.50.")]
        if not (len(currency) == 3 and currency.isascii() and currency.isalpha()):
            errors[f"currency-{key}"] = [_("Write the currency as three letters (CNY, USD).")]
        if cut_text:
            try:
                cut_off = date.fromisoformat(cut_text)
            except ValueError:
                errors[f"cutoff-{key}"] = [_("Write the date as 2025-06-30.")]
            if cut_off and cut_off > night:
                errors[f"cutoff-{key}"] = [str(blocks_import.cut_off_after(night))]
                cut_off = None
        if rooms is not None and rate is not None:
            wanted[night] = setup.BlockInput(
                rooms, rate.quantize(Decimal("0.01")), currency, cut_off
            )
        elif not rooms_text and f"rooms-{key}" not in errors:
            wanted[night] = setup.BlockInput(None)
    return wanted, errors


@bp.route("/room-types/<int:room_type_id>/blocks", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def blocks(event, room_type_id: int):
    """The rooms contracted per night for one room type, as a grid."""
    room_type = _room_type(event, room_type_id)
    nights = setup.grid_nights(event, room_type)
    form = FlaskForm()
    errors: dict[str, list[str]] = {}
    typed = None
    if form.validate_on_submit():
        wanted, errors = read_grid(nights, request.form)
        typed = request.form
        # Every cell's problem at once: those of the typing and those of the bookings.
        errors = setup.below_booked(event, room_type, wanted) | errors
        if not errors:
            try:
                changed = setup.save_blocks(event, room_type, wanted, actor=current_user)
            except setup.BlocksInvalid as error:  # booked meanwhile
                db.session.rollback()
                errors = error.errors
            else:
                commit()
                if changed:
                    flash(_("Blocks saved: %(n)d nights changed.", n=changed), "success")
                else:
                    flash(_("Nothing was changed."), "info")
                return redirect(url_for(".blocks", slug=event.slug, room_type_id=room_type.id))
    existing = {b.night: b for b in room_type.blocks}
    booked = booked_per_night(event)
    return render_template(
        "accommodation/blocks.html",
        event=event,
        room_type=room_type,
        hotel=room_type.hotel,
        rows=[(n, existing.get(n), booked.get((room_type.id, n), 0)) for n in nights],
        form=form,
        errors=errors,
        typed=typed,
    )


@bp.route("/hotels/import", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def blocks_import_upload(event):
    """Blocks from a CSV or Excel file: all rows or none, each problem by row and column."""
    form = BlocksImportForm()
    checked = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            checked = _checked_file(event, upload.read(), form.encoding.data or None)
        except ImportUnreadable as error:
            form.file.errors.append(str(error))
        else:
            if checked.ok:
                filename = (upload.filename or "upload")[:255]
                ok, changed = attempt(
                    lambda: blocks_import.import_blocks(
                        event, checked, actor=current_user, filename=filename
                    )
                )
                if ok:
                    flash(
                        _(
                            "%(rows)d rows imported: %(n)d nights changed.",
                            rows=len(checked.lines),
                            n=changed,
                        ),
                        "success",
                    )
                    return redirect(url_for(".hotel_list", slug=event.slug))
    return render_template(
        "accommodation/blocks_import.html", event=event, form=form, checked=checked
    )


# Detectors take short Chinese CSV (GBK) for Korean or Big5: then GB18030 is tried too.
_CJK_GUESSES = ("cp949", "big5", "shift_jis")


def _checked_file(event, content: bytes, encoding: str | None) -> blocks_import.Checked:
    """The file's rows checked, read as the organiser chose or as detected; when the
    detection is unsure between Chinese, Korean and Japanese, the reading with fewer
    problems (GB18030 on a tie: the hotels here write Chinese)."""
    table = read_table(content, encoding)
    checked = blocks_import.check(event, table)
    if encoding or table.kind != "csv" or table.encoding not in _CJK_GUESSES or checked.ok:
        return checked
    try:
        chinese = blocks_import.check(event, read_table(content, "gb18030"))
    except ImportUnreadable:
        return checked
    return chinese if len(chinese.problems) <= len(checked.problems) else checked


@bp.get("/hotels/import-template.<fmt>")
@event_view(Role.ORGANISER)
def blocks_template(event, fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort_with(404, _("There is no such list."))
    sheet = blocks_import.template()
    if fmt == "csv":
        body, mimetype = to_csv(sheet), "text/csv; charset=utf-8"
    else:
        body = to_xlsx(sheet)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = Response(body, content_type=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="blocks-template.{fmt}"'
    return response


@bp.route("/accommodation/settings", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def accommodation_settings(event):
    """The rank -> room class rule, with the class each of the event's ranks gets."""
    current = settings_of(event)
    form = SettingsForm(
        data={"suite_up_to": current.suite_up_to, "executive_up_to": current.executive_up_to}
    )
    if form.validate_on_submit():
        ok, changed = attempt(
            lambda: setup.save_settings(
                event, form.suite_up_to.data, form.executive_up_to.data, actor=current_user
            ),
            form,
        )
        if ok:
            flash(_("Rule saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for(".accommodation_settings", slug=event.slug))
    shown = settings_of(event)

    class Ranked:
        def __init__(self, level):
            self.protocol_rank = level

    ranks = [(rank, room_class_for(Ranked(rank.level), shown)) for rank in precedence.ladder(event)]
    return render_template(
        "accommodation/settings.html",
        event=event,
        form=form,
        ranks=ranks,
        class_labels=CLASS_LABELS,
    )
