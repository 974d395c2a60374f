"""iCalendar feeds (the whole event, a room, a track, a participant's own agenda) and the
email to someone promoted from a waiting list."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from babel.lists import format_list
from flask import render_template
from flask_babel import force_locale, get_locale, gettext
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from eventhub import crypto
from eventhub.db import utcnow
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.i18n import localized
from eventhub.mail import send_mail
from eventhub.registration.models import Participant, Status
from eventhub.scheduling.activities import activity_query
from eventhub.scheduling.models import Activity, ActivityState, AgendaFeed, Enrolment
from eventhub.web import external_url, in_event, site_url


def published(event: Event) -> list[Activity]:
    return [
        a
        for a in db.session.scalars(activity_query(event, published_only=True)).unique()
        if a.starts_at
    ]


def for_feeds(event: Event) -> list[Activity]:
    """What subscribed calendars must know: the published activities, and the cancelled
    ones, so that the calendars drop them."""
    return [
        a
        for a in db.session.scalars(activity_query(event)).unique()
        if a.starts_at and a.state != ActivityState.DRAFT
    ]


def feed(
    event: Event,
    activities: list[Activity],
    *,
    name: str = "",
    tentative: set[int] | None = None,
    duties: dict[int, list] | None = None,
) -> bytes:
    """A calendar of `activities`; times in UTC, which every calendar program shows in the
    reader's own zone, and the event's zone named for those that care. A personal feed names
    the reader's `duties` at an activity in its title ("Opening Ceremony (VIP guest)")."""
    calendar = Calendar()
    calendar.add("prodid", "-//EventHub//Exchange week programme//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{event.name_en}{' · ' + name if name else ''}")
    calendar.add("x-wr-timezone", event.timezone)
    calendar.add("method", "PUBLISH")
    stamp = utcnow()
    # An activity with no time yet (its day cleared for the scheduler) is no calendar entry;
    # the agenda page shows it as "time to be announced".
    for activity in (a for a in activities if a.starts_at and a.ends_at):
        item = CalendarEvent()
        item.add("uid", f"activity-{activity.id}@{event.slug}.eventhub")
        item.add("dtstamp", stamp)
        item.add("dtstart", activity.starts_at.astimezone(UTC))
        item.add("dtend", activity.ends_at.astimezone(UTC))
        summary = " / ".join(t for t in (activity.title_en, activity.title_zh) if t)
        if duties and duties.get(activity.id):
            summary = gettext(
                "%(title)s (%(duties)s)",
                title=summary,
                duties=format_list([str(d) for d in duties[activity.id]], locale=get_locale()),
            )
        item.add("summary", summary)
        if activity.room is not None:
            item.add("location", f"{activity.room.name_en}, {activity.room.venue.name_en}")
        if activity.description_en or activity.description_zh:
            item.add(
                "description",
                "\n\n".join(t for t in (activity.description_en, activity.description_zh) if t),
            )
        item.add("sequence", activity.version)  # calendars replace the older copy
        item.add("last-modified", activity.updated_at)
        if activity.state == ActivityState.CANCELLED:
            item.add("status", "CANCELLED")
        elif tentative and activity.id in tentative:  # still on the waiting list
            item.add("status", "TENTATIVE")
        else:
            item.add("status", "CONFIRMED")
        calendar.add_component(item)
    return calendar.to_ical()


def feed_link(participant: Participant, *, renew: bool = False) -> str:
    """The secret address of the participant's agenda feed (a new one when `renew`)."""
    stored = db.session.get(AgendaFeed, participant.id)
    if stored is not None and not renew:
        key = crypto.decrypt(stored.key_encrypted)
        if key:
            return site_url("scheduling.agenda_calendar", slug=participant.event.slug, key=key)
    key = secrets.token_urlsafe(24)
    if stored is None:
        stored = AgendaFeed(participant_id=participant.id, key_hash="", key_encrypted="")
        db.session.add(stored)
    stored.key_hash = hashlib.sha256(key.encode()).hexdigest()
    stored.key_encrypted = crypto.encrypt(key)
    stored.created_at = datetime.now(UTC)
    db.session.flush()
    return site_url("scheduling.agenda_calendar", slug=participant.event.slug, key=key)


def participant_for_feed(event: Event, key: str) -> Participant | None:
    if not key or len(key) > 100:
        return None
    stored = db.session.scalar(
        sa.select(AgendaFeed).where(AgendaFeed.key_hash == hashlib.sha256(key.encode()).hexdigest())
    )
    if stored is None:
        return None
    participant = in_event(Participant, stored.participant_id, event)
    if participant is None:
        return None
    # A withdrawn or rejected registration's agenda is no longer served.
    return participant if participant.status == Status.APPROVED else None


def notify_promoted(enrolment: Enrolment) -> bool:
    """Tell someone from the waiting list that a seat is theirs."""
    participant, activity = enrolment.participant, enrolment.activity
    if not participant.email:
        return False
    with force_locale(participant.language):
        return send_mail(
            participant.email,
            gettext("A seat is yours: %(title)s", title=localized(activity, "title")),
            render_template(
                "email/seat_promoted.txt",
                participant=participant,
                activity=activity,
                link=external_url("scheduling.agenda_page", slug=participant.event.slug),
            ),
        )
