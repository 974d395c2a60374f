"""The rooms board: the rooms of one hotel at a time (a page of them), the guests not yet
placed and why, the automatic proposal as a job, and the hand edits of one room."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField
from wtforms.validators import DataRequired, Optional

from eventhub import jobs
from eventhub.accommodation import assigning, bp, tasks
from eventhub.accommodation.models import (
    Hotel,
    HotelRoom,
    RoomGuest,
    RoomType,
)
from eventhub.accommodation.nights import nights_of
from eventhub.audit.models import AuditEntry
from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.clock import today_in
from eventhub.extensions import db
from eventhub.registration.models import Participant, Status
from eventhub.web import attempt, id_arg, in_event, in_event_or_404, paginate, safe_next

# Rooms a page: a hotel of 400 rooms is read in a few pages.
PER_PAGE = 60


class PlaceForm(FlaskForm):
    """A guest into a room type (a new room), or into a room with a free bed."""

    participant_id = HiddenField(validators=[DataRequired()])
    target = SelectField(_l("Room"), validators=[DataRequired()], validate_choice=False)
    first_night = DateField(_l("First night"), validators=[Optional()])
    last_night = DateField(_l("Last night"), validators=[Optional()])


class NightsForm(FlaskForm):
    first_night = DateField(_l("First night"), validators=[DataRequired()])
    last_night = DateField(_l("Last night"), validators=[DataRequired()])


class RemoveForm(FlaskForm):
    participant_id = HiddenField(validators=[DataRequired()])


def _types(event) -> list[RoomType]:
    return list(
        db.session.scalars(
            sa.select(RoomType)
            .join(Hotel)
            .where(Hotel.event_id == event.id)
            .options(sa.orm.joinedload(RoomType.hotel))
            .order_by(Hotel.name_en, RoomType.id)
        )
    )


def _targets(event, *, rooms_with_bed=()) -> list[tuple[str, str]]:
    choices = [(f"type-{t.id}", _("New room: %(type)s, %(hotel)s", type=t.name_en,
                                   hotel=t.hotel.name_en)) for t in _types(event)]  # fmt: skip
    for room in rooms_with_bed:
        names = ", ".join(g.participant.latin_name for g in room.guests)
        choices.append((f"room-{room.id}", _("Share with %(names)s", names=names)))
    return choices


def _last(event, action: str) -> AuditEntry | None:
    return db.session.scalar(
        sa.select(AuditEntry)
        .where(AuditEntry.event_id == event.id, AuditEntry.action == action)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )


def _waiting(event):
    """Approved guests of the event, not erased, with no room (senior first)."""
    housed = sa.select(RoomGuest.participant_id)
    return db.session.scalars(
        sa.select(Participant)
        .where(
            Participant.event_id == event.id,
            Participant.status == Status.APPROVED,
            Participant.erased_at.is_(None),
            Participant.id.not_in(housed),
        )
        .options(sa.orm.joinedload(Participant.delegation))
        .order_by(Participant.protocol_rank.nulls_last(), Participant.family_name)
    )


def candidates(event, limit: int = 200) -> list[Participant]:
    """Who may take a free bed: the first `limit` guests without a room who have travel
    dates (no reasons looked up: the room page does not show them)."""
    zone = ZoneInfo(event.timezone)
    found = []
    for person in _waiting(event):
        if nights_of(person, zone) is not None:
            found.append(person)
            if len(found) >= limit:
                break
    return found


def unplaced(event) -> list[tuple[Participant, str]]:
    """Approved guests with travel dates and no room, each with why (the last proposal's
    reason, a room lost to a travel change, or not proposed yet)."""
    zone = ZoneInfo(event.timezone)
    waiting = _waiting(event)
    proposal = _last(event, "rooms.propose")
    reasons = dict(map(tuple, proposal.changes.get("reasons", [None, []])[1])) if proposal else {}
    lost = assigning.lost_rooms(event)
    rows = []
    for person in waiting:
        if nights_of(person, zone) is None:
            continue
        why = lost.get(person.id) or reasons.get(person.id)
        rows.append((person, why or _("Not placed yet: propose rooms or place by hand.")))
    return rows


@bp.route("/rooms")
@event_view(Role.ORGANISER)
def rooms(event):
    """The rooms of one hotel (a page of them), who is not placed and why, the proposal."""
    hotels = list(
        db.session.scalars(
            sa.select(Hotel).where(Hotel.event_id == event.id).order_by(Hotel.name_en)
        )
    )
    hotel = in_event(Hotel, id_arg(request.args, "hotel"), event) or (hotels[0] if hotels else None)
    page = None
    if hotel is not None:
        page = paginate(
            sa.select(HotelRoom)
            .join(RoomType)
            .where(RoomType.hotel_id == hotel.id)
            .options(
                sa.orm.selectinload(HotelRoom.guests)
                .joinedload(RoomGuest.participant)
                .joinedload(Participant.delegation),
                sa.orm.joinedload(HotelRoom.room_type).selectinload(RoomType.blocks),
            )
            .order_by(RoomType.id, HotelRoom.first_night, HotelRoom.id),
            per_page=PER_PAGE,
        )
    done = _last(event, "rooms.propose")
    running = _running(event)
    waiting = unplaced(event)
    counts = dict(
        db.session.execute(
            sa.select(RoomType.hotel_id, sa.func.count(HotelRoom.id))
            .join(HotelRoom, HotelRoom.room_type_id == RoomType.id)
            .where(HotelRoom.event_id == event.id)
            .group_by(RoomType.hotel_id)
        ).all()
    )
    return render_template(
        "accommodation/rooms.html",
        event=event,
        hotels=hotels,
        hotel=hotel,
        counts=counts,
        page=page,
        running=running,
        done=done,
        unplaced=waiting[:200],
        unplaced_total=len(waiting),
        targets=_targets(event),
        place_form=PlaceForm(),
        today=today_in(ZoneInfo(event.timezone)),
    )


@bp.route("/rooms/propose", methods=["POST"])
@event_view(Role.ORGANISER)
def rooms_propose(event):
    """Hand the proposal to the job worker; the board says it is running."""
    if FlaskForm().validate_on_submit():
        from eventhub.audit import services as audit  # noqa: PLC0415 -- leaf

        assigning.lock(event.id)  # two clicks at once: the second waits, then sees the first
        if _running(event):  # a second click while a slow proposal runs
            flash(_("A proposal is already running: its result shows here when done."), "info")
            return redirect(url_for("accommodation.rooms", slug=event.slug))
        audit.record("rooms.propose_asked", event, actor=current_user, event_id=event.id)
        jobs.later(tasks.propose_rooms, event.id, current_user.id)
        db.session.commit()
        flash(_("Rooms are being proposed. This page shows the result when it is done."), "info")
    return redirect(url_for("accommodation.rooms", slug=event.slug))


def _running(event) -> bool:
    """A proposal was asked for and has not finished (or failed) since."""
    asked, done = _last(event, "rooms.propose_asked"), _last(event, "rooms.propose")
    return asked is not None and (done is None or done.id < asked.id)


def _target(event, value: str):
    """(room type, room) chosen as "type-<id>" or "room-<id>"; (None, None) for anything
    else, which the service refuses with a message."""
    kind, _sep, number = (value or "").partition("-")
    if kind == "type" and id_arg({"i": number}, "i") is not None:
        return in_event_or_404(RoomType, id_arg({"i": number}, "i"), event, via=Hotel), None
    if kind == "room" and id_arg({"i": number}, "i") is not None:
        return None, in_event_or_404(HotelRoom, id_arg({"i": number}, "i"), event)
    return None, None


def _back(event) -> str:
    """The page the form was on when it is a page of this site, else the rooms board."""
    referrer = urlsplit(request.referrer or "")
    local = ""
    if referrer.netloc == request.host and referrer.scheme in ("http", "https"):
        local = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return safe_next(local, url_for("accommodation.rooms", slug=event.slug))


def _flash_warnings(change) -> None:
    for warning in change.warnings if change else []:
        flash(warning, "warning")


@bp.route("/rooms/place", methods=["POST"])
@event_view(Role.ORGANISER)
def rooms_place(event):
    """A guest into a new room of a type, or a free bed; a guest with a room moves."""
    form = PlaceForm()
    participant = in_event_or_404(Participant, id_arg(request.form, "participant_id"), event)
    if form.validate_on_submit():
        room_type, room = _target(event, form.target.data)
        ok, change = attempt(
            lambda: assigning.place(
                participant,
                room_type,
                room=room,
                first=form.first_night.data,
                last=form.last_night.data,
                actor=current_user,
            ),
            form,
        )
        if not ok:  # a refusal about one field (the target, the nights): said on the page
            for field in form:
                for error in field.errors:
                    flash(error, "danger")
        elif not change.changed:
            flash(
                _("Nothing changed: %(name)s is already there.", name=participant.latin_name),
                "info",
            )
        else:
            flash(_("%(name)s placed.", name=participant.latin_name), "success")
            _flash_warnings(change)
            return redirect(
                url_for("accommodation.room", slug=event.slug, hotel_room_id=change.room.id)
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(error, "danger")
    return redirect(_back(event))


@bp.route("/rooms/<int:hotel_room_id>", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def room(event, hotel_room_id: int):
    """One room: its guests, its nights (changed here), moving or removing a guest, a
    guest into its free bed."""
    the_room = in_event_or_404(HotelRoom, hotel_room_id, event, _("No such room."))
    nights = NightsForm(obj=the_room if request.method == "GET" else None, prefix="nights")
    if nights.validate_on_submit():
        ok, change = attempt(
            lambda: assigning.change_nights(
                the_room, nights.first_night.data, nights.last_night.data, actor=current_user
            ),
            nights,
        )
        if ok:
            if change.changed:
                flash(_("Nights changed."), "success")
                _flash_warnings(change)
            else:
                flash(_("Nothing changed: the room already has these nights."), "info")
            return redirect(
                url_for("accommodation.room", slug=event.slug, hotel_room_id=hotel_room_id)
            )
    free_bed = len(the_room.guests) < the_room.room_type.beds
    return render_template(
        "accommodation/room.html",
        event=event,
        room=the_room,
        nights_form=nights,
        remove_form=RemoveForm(),
        place_form=PlaceForm(),
        targets=_targets(event),
        free_bed=free_bed,
        candidates=candidates(event) if free_bed else [],
        today=today_in(ZoneInfo(event.timezone)),
    )


@bp.route("/rooms/<int:hotel_room_id>/remove", methods=["POST"])
@event_view(Role.ORGANISER)
def room_remove(event, hotel_room_id: int):
    the_room = in_event_or_404(HotelRoom, hotel_room_id, event, _("No such room."))
    participant = in_event_or_404(Participant, id_arg(request.form, "participant_id"), event)
    if RemoveForm().validate_on_submit() and participant.id in {
        g.participant_id for g in the_room.guests
    }:
        ok, change = attempt(lambda: assigning.remove(participant, actor=current_user))
        if ok:
            flash(_("%(name)s no longer has a room.", name=participant.latin_name), "success")
            _flash_warnings(change)
    if db.session.get(HotelRoom, hotel_room_id) is None:
        return redirect(url_for("accommodation.rooms", slug=event.slug))
    return redirect(url_for("accommodation.room", slug=event.slug, hotel_room_id=hotel_room_id))


def night_past_cut_off(room: HotelRoom, today: date) -> bool:
    return any(
        b.cut_off is not None
        and b.cut_off < today
        and room.first_night <= b.night <= room.last_night
        for b in room.room_type.blocks
    )


@bp.app_template_filter("past_cut_off")
def _past_cut_off(room: HotelRoom, today: date) -> bool:
    return night_past_cut_off(room, today)
