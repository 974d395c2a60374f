"""Participants' and the public's pages: the programme, enrolling, the agenda, calendar feeds."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, flash, g, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.errors import abort_with
from eventhub.extensions import db
from eventhub.i18n import localized
from eventhub.registration.models import Participant
from eventhub.registration.own_link import participants_of_user
from eventhub.scheduling import agenda, bp, calendars, enrolments, visibility
from eventhub.scheduling import agenda_pdf as agenda_document
from eventhub.scheduling import pdf as schedule_pdf
from eventhub.scheduling.access import activity_or_404
from eventhub.scheduling.activities import activity_query, days_of, enrolled_counts, on_day
from eventhub.scheduling.forms import ACCESS_LABELS, TYPE_LABELS
from eventhub.scheduling.models import (
    Activity,
    ActivityState,
    Enrolment,
    EnrolmentStatus,
    Room,
    Venue,
)
from eventhub.web import attempt, commit, id_arg, in_event_or_404, pdf_response, safe_next


def _own_participant(event) -> Participant | None:
    if not current_user.is_authenticated:
        return None
    mine = participants_of_user(event, current_user)
    return mine[0] if mine else None


def _visible_or_404(event, activity_id: int) -> Activity:
    """The activity, or a 404 when it is private and the reader not concerned: its address
    tells no more than the programme does."""
    activity = activity_or_404(event, activity_id)
    if not visibility.may_see(event, current_user, g.event_roles, activity):
        abort_with(404, _("There is no such activity in this event."))
    return activity


@bp.get("/programme")
@event_view()
def programme(event):
    activities = visibility.visible_to(
        event,
        current_user,
        g.event_roles,
        db.session.scalars(activity_query(event, published_only=True)).unique(),
    )
    track, venue = request.args.get("track", ""), id_arg(request.args, "venue")
    # The filter keeps the English name as its value; the reader sees it in their language.
    tracks = sorted({a.track: localized(a, "track") for a in activities if a.track}.items())
    venues = sorted({a.room.venue for a in activities if a.room}, key=lambda v: v.name_en)
    if track:
        activities = [a for a in activities if a.track == track]
    if venue:
        activities = [a for a in activities if a.room and a.room.venue_id == venue]
    participant = _own_participant(event)
    mine = {e.activity_id: e for e, _a in enrolments.agenda(participant)} if participant else {}
    return render_template(
        "scheduling/programme.html",
        event=event,
        days=days_of(event),
        by_day={d: on_day(event, activities, d) for d in days_of(event)},
        counts=enrolled_counts([a.id for a in activities]),
        tracks=tracks,
        venues=venues,
        track=track,
        venue=venue,
        type_labels=TYPE_LABELS,
        access_labels=ACCESS_LABELS,
        participant=participant,
        mine=mine,
    )


@bp.get("/programme.pdf")
@event_view()
def programme_pdf(event):
    return pdf_response(
        # For print and hand-out: never a private activity, whoever prints it.
        schedule_pdf.programme_pdf(event, visibility.public_only(calendars.published(event))),
        f"{event.slug}-programme.pdf",
    )


@bp.post("/programme/<int:activity_id>/enrol")
@event_view(Role.DELEGATE, Role.HEAD_OF_DELEGATION, Role.ORGANISER)
def enrol(event, activity_id: int):
    activity = _visible_or_404(event, activity_id)
    participant = _own_participant(event)
    if participant is None:
        abort_with(403, _("Your account has no registration in this event."))
    ok, enrolment = attempt(lambda: enrolments.enrol(activity, participant))
    if ok:
        if enrolment.status == EnrolmentStatus.ENROLLED:
            flash(_("You have a seat at %(title)s.", title=localized(activity, "title")), "success")
        else:
            flash(
                _(
                    "%(title)s is full: you are on the waiting list and will be emailed if a "
                    "seat frees up.",
                    title=localized(activity, "title"),
                ),
                "info",
            )
    return redirect(
        safe_next(request.form.get("back"), url_for("scheduling.agenda_page", slug=event.slug))
    )


@bp.post("/programme/<int:activity_id>/cancel")
@event_view(Role.DELEGATE, Role.HEAD_OF_DELEGATION, Role.ORGANISER)
def cancel(event, activity_id: int):
    activity = _visible_or_404(event, activity_id)
    participant = _own_participant(event)
    enrolment = participant and db.session.scalar(
        sa.select(Enrolment).where(
            Enrolment.activity_id == activity.id, Enrolment.participant_id == participant.id
        )
    )
    if not enrolment:
        abort_with(404, _("You are not enrolled in this activity."))
    ok, promoted = attempt(lambda: enrolments.cancel_enrolment(enrolment))
    if ok:
        for moved_up in promoted:
            calendars.notify_promoted(moved_up)
        flash(_("You have left %(title)s.", title=localized(activity, "title")), "success")
    return redirect(url_for("scheduling.agenda_page", slug=event.slug))


@bp.get("/agenda")
@event_view(Role.DELEGATE, Role.HEAD_OF_DELEGATION, Role.ORGANISER)
def agenda_page(event):
    participant = _own_participant(event)
    items = agenda.agenda_of(participant) if participant else []
    feed = calendars.feed_link(participant) if participant else None
    commit()  # a feed address made on first visit
    return render_template(
        "scheduling/agenda.html",
        event=event,
        participant=participant,
        items=items,
        overlapping=enrolments.overlaps_in([item.activity for item in items]),
        feed=feed,
    )


@bp.get("/agenda.pdf")
@event_view(Role.DELEGATE, Role.HEAD_OF_DELEGATION, Role.ORGANISER)
def agenda_pdf(event):
    """The reader's own agenda to print or keep on a phone, in their language (the one they
    registered in, else their account's)."""
    participant = _own_participant(event)
    if participant is None:  # an organiser without a registration: the page says so
        return redirect(url_for("scheduling.agenda_page", slug=event.slug))
    items = agenda.agenda_of(participant)
    body = agenda_document.agenda_pdf(
        event,
        participant,
        items,
        enrolments.overlaps_in([item.activity for item in items]),
        agenda.language_of(participant),
    )
    return pdf_response(body, f"{event.slug}-agenda.pdf")


# --- calendar feeds ------------------------------------------------------------------------------


def _ics(body: bytes, name: str) -> Response:
    # content_type, not mimetype: Werkzeug adds its own charset to a text/* mimetype, and
    # calendar programs were sent "charset=utf-8; charset=utf-8".
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = f'inline; filename="{name}.ics"'
    return response


def _public_feed(event):
    """Subscribed by address, read by calendar programs with no login: public activities
    only (a private one reaches its people through their own agenda feed)."""
    return visibility.public_only(calendars.for_feeds(event))


@bp.get("/calendar.ics")
@event_view()
def event_calendar(event):
    return _ics(calendars.feed(event, _public_feed(event)), event.slug)


@bp.get("/rooms/<int:room_id>/calendar.ics")
@event_view()
def room_calendar(event, room_id: int):
    room = in_event_or_404(
        Room, room_id, event, _("There is no such room in this event."), via=Venue
    )
    items = [a for a in _public_feed(event) if a.room_id == room.id]
    return _ics(calendars.feed(event, items, name=room.name_en), f"{event.slug}-room-{room.id}")


@bp.get("/tracks/<track>/calendar.ics")
@event_view()
def track_calendar(event, track: str):
    items = [a for a in _public_feed(event) if a.track == track]
    # Named in both languages, like the activities in it.
    chinese = next((a.track_zh for a in items if a.track_zh), "")
    name = f"{track} / {chinese}" if chinese and chinese != track else track
    return _ics(calendars.feed(event, items, name=name), f"{event.slug}-track")


@bp.get("/agenda/<key>.ics")
@event_view()
def agenda_calendar(event, key: str):
    participant = calendars.participant_for_feed(event, key)
    if participant is None:
        abort_with(404, _("This calendar address is not valid any more."))
    items = [i for i in agenda.agenda_of(participant) if i.activity.state != ActivityState.DRAFT]
    # Still waiting for a seat, and nothing to do there: not sure yet.
    waiting = {
        i.activity.id
        for i in items
        if i.enrolment and i.enrolment.status == EnrolmentStatus.WAITLISTED and not i.duties
    }
    with force_locale(agenda.language_of(participant)):  # the duties, in the reader's words
        body = calendars.feed(
            event,
            [i.activity for i in items],
            name=participant.latin_name,
            tentative=waiting,
            duties={i.activity.id: [*i.duties, *i.places] for i in items},
        )
    return _ics(body, "agenda")


@bp.post("/agenda/feed/renew")
@event_view(Role.DELEGATE, Role.HEAD_OF_DELEGATION, Role.ORGANISER)
def renew_feed(event):
    participant = _own_participant(event)
    if participant is not None:
        calendars.feed_link(participant, renew=True)
        commit()
        flash(_("Your calendar has a new address; the old one no longer works."), "success")
    return redirect(url_for("scheduling.agenda_page", slug=event.slug))
