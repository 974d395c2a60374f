"""The organisers' venue pages: a venue or room edited or deleted (saying what becomes of its
activities first), and travel times (saying who can no longer make it in time)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.i18n import localized
from eventhub.scheduling import bp
from eventhub.scheduling.forms import RoomForm, VenueForm
from eventhub.scheduling.models import Room, Venue
from eventhub.scheduling.venue_changes import (
    activities_in,
    change_travel_time,
    delete_room,
    delete_venue,
    fingerprint,
    update_room,
    update_venue,
)
from eventhub.web import attempt, id_arg, in_event, in_event_or_404


def _venue(event, venue_id: int) -> Venue:
    return in_event_or_404(Venue, venue_id, event, _("There is no such venue in this event."))


def _room(event, room_id: int) -> Room:
    message = _("There is no such room in this event.")
    return in_event_or_404(Room, room_id, event, message, via=Venue)


def _back(event):
    return redirect(url_for("scheduling.venues", slug=event.slug))


def _page(event, *, form, record, kind: str, rooms):
    affected = activities_in(rooms)
    return render_template(
        "scheduling/venue_edit.html",
        event=event,
        form=form,
        record=record,
        kind=kind,
        affected=affected,
        fingerprint=fingerprint(affected),
    )


@bp.route("/schedule/venues/<int:venue_id>", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def edit_venue(event, venue_id: int):
    venue = _venue(event, venue_id)
    form = VenueForm(obj=venue)
    form.submit.label.text = _("Save venue")
    if form.validate_on_submit():
        ok, _saved = attempt(lambda: update_venue(venue, form.data, actor=current_user), form)
        if ok:
            flash(_("Venue saved."), "success")
            return _back(event)
    return _page(event, form=form, record=venue, kind="venue", rooms=list(venue.rooms))


@bp.route("/schedule/rooms/<int:room_id>", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def edit_room(event, room_id: int):
    room = _room(event, room_id)
    form = RoomForm(obj=room)
    form.submit.label.text = _("Save room")
    if form.validate_on_submit():
        ok, _saved = attempt(lambda: update_room(room, form.data, actor=current_user), form)
        if ok:
            flash(_("Room saved."), "success")
            return _back(event)
    return _page(event, form=form, record=room, kind="room", rooms=[room])


def _deleted(event, affected, name: str):
    if affected:
        flash(
            ngettext(
                "%(name)s deleted. %(num)d activity has no room now; it keeps its time: "
                "%(titles)s.",
                "%(name)s deleted. %(num)d activities have no room now; they keep their times: "
                "%(titles)s.",
                len(affected),
                name=name,
                titles="; ".join(localized(a, "title") for a in affected),
            ),
            "warning",
        )
    else:
        flash(_("%(name)s deleted.", name=name), "success")
    return _back(event)


@bp.post("/schedule/venues/<int:venue_id>/delete")
@event_view(Role.ORGANISER)
def delete_venue_view(event, venue_id: int):
    venue = _venue(event, venue_id)
    name, confirmed = localized(venue, "name"), request.form.get("confirmed", "")
    ok, affected = attempt(lambda: delete_venue(venue, actor=current_user, confirmed=confirmed))
    if not ok:
        return redirect(url_for("scheduling.edit_venue", slug=event.slug, venue_id=venue_id))
    return _deleted(event, affected, name)


@bp.post("/schedule/rooms/<int:room_id>/delete")
@event_view(Role.ORGANISER)
def delete_room_view(event, room_id: int):
    room = _room(event, room_id)
    name, confirmed = localized(room, "name"), request.form.get("confirmed", "")
    ok, affected = attempt(lambda: delete_room(room, actor=current_user, confirmed=confirmed))
    if not ok:
        return redirect(url_for("scheduling.edit_room", slug=event.slug, room_id=room_id))
    return _deleted(event, affected, name)


@bp.post("/schedule/travel")
@event_view(Role.ORGANISER)
def travel(event):
    origin = in_event(Venue, id_arg(request.form, "from_venue"), event)
    destination = in_event(Venue, id_arg(request.form, "to_venue"), event)
    minutes = request.form.get("minutes", type=int)
    if origin is None or destination is None or minutes is None:
        flash(_("Choose two venues and the minutes between them."), "danger")
        return _back(event)
    ok, conflicts = attempt(
        lambda: change_travel_time(event, origin, destination, minutes, actor=current_user)
    )
    if ok and conflicts:
        flash(
            ngettext(
                "Travel time saved. It makes %(num)d conflict: %(reasons)s",
                "Travel time saved. It makes %(num)d conflicts: %(reasons)s",
                len(conflicts),
                reasons=" ".join(c.message for c in conflicts),
            ),
            "warning",
        )
    elif ok:
        flash(_("Travel time saved."), "success")
    return _back(event)
