"""Telling people that an activity they are part of moved or was cancelled: one email each
(enrolled or waiting, speakers and VIPs, and those the modules above need there, such as a
ceremony's signatories and witnesses), in their language, after the change is committed.

The service that changes the timetable takes a `snapshot` first and calls `announce` once the
change has passed its checks; `announce` only asks for a job after commit (jobs.later), so a
change that is rolled back tells no one, and a plenary's 600 emails are written by the job
worker, not in the organiser's request.
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

import sqlalchemy as sa
from flask import g, render_template
from flask_babel import force_locale, gettext, refresh

from eventhub import jobs
from eventhub.audit.models import AuditEntry
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.i18n import localized
from eventhub.mail import send_mail
from eventhub.registration.models import Participant, Status
from eventhub.scheduling.agenda import language_of
from eventhub.scheduling.conflicts import people_needed
from eventhub.scheduling.models import (
    Activity,
    ActivityState,
    Enrolment,
    EnrolmentStatus,
    Room,
)
from eventhub.web import external_url

MOVED, CANCELLED = "moved", "cancelled"
UNSCHEDULE = "activity.unschedule"  # a cleared day's activity, to be placed again
# Registrations that no longer take part hear nothing more about the week.
GONE = (Status.REJECTED, Status.WITHDRAWN)


def snapshot(activity: Activity) -> dict:
    """What people were told about `activity`: its state, times and room (JSON-safe). An
    activity whose day was cleared and not placed since keeps, for its people, the slot
    they were last told of (the clearing's audit entry), so that its new one reaches them."""
    starts, ends, room = activity.starts_at, activity.ends_at, activity.room
    room_id = activity.room_id
    if starts is None and activity.id is not None:
        starts, ends, room_id = _slot_before_clearing(activity) or (None, None, room_id)
        room = db.session.get(Room, room_id) if room_id else None
    elif room is None and room_id:
        room = db.session.get(Room, room_id)
    return {
        "state": (activity.state or ActivityState.DRAFT).value,  # a new one: nothing told
        "starts_at": starts.isoformat() if starts else None,
        "ends_at": ends.isoformat() if ends else None,
        "room_id": room_id,
        # Its names, for the email written after a deleted room is gone.
        "room_names": [room.name_en, room.name_zh, room.venue.name_en, room.venue.name_zh]
        if room is not None
        else None,
    }


def _slot_before_clearing(activity: Activity) -> tuple[datetime, datetime, int | None] | None:
    """The slot `activity` had before its day was cleared, if nothing timed it since."""
    entries = db.session.scalars(
        sa.select(AuditEntry)
        .where(
            AuditEntry.event_id == activity.event_id,
            AuditEntry.object_type == "Activity",
            AuditEntry.object_id == str(activity.id),
            AuditEntry.action.in_((UNSCHEDULE, "activity.update", "activity.create")),
        )
        .order_by(AuditEntry.id.desc())
    )
    for entry in entries:
        changes = entry.changes or {}
        if "starts_at" not in changes:
            continue  # a new title or seats: look further back
        if entry.action != UNSCHEDULE:
            return None  # timed (or untimed) by hand since: nothing pending
        try:
            starts = datetime.fromisoformat(changes["starts_at"][0])
            ends = datetime.fromisoformat(changes["ends_at"][0])
        except (KeyError, TypeError, ValueError):
            return None
        return starts, ends, (changes.get("room_id") or [None])[0]
    return None


def change_between(was: dict, now: dict) -> str | None:
    """MOVED, CANCELLED, or None when people have nothing to learn: it was not announced
    (a draft), or only its title, description or seats changed."""
    if was["state"] != ActivityState.PUBLISHED.value:
        return None
    if now["state"] == ActivityState.CANCELLED.value:
        return CANCELLED
    if now["state"] != ActivityState.PUBLISHED.value or was["starts_at"] is None:
        return None  # back to draft, or given its first time: not a move
    where = ("starts_at", "ends_at", "room_id")
    return MOVED if any(was[key] != now[key] for key in where) else None


def announce(activity: Activity, was: dict) -> None:
    """After commit, email the people concerned if the change since `was` is one they must
    know about."""
    now = snapshot(activity)
    kind = change_between(was, now)
    if kind is not None:
        jobs.later(send_change_notices, activity.id, kind, was, now)


def people_concerned(activity: Activity) -> list[Participant]:
    """Everyone who has `activity` in their agenda, once each: enrolled or waiting, listed
    on it, or needed there (ceremonies' signatories and witnesses)."""
    ids = people_needed([activity])[activity.id]
    ids |= set(
        db.session.scalars(
            sa.select(Enrolment.participant_id).where(
                Enrolment.activity_id == activity.id,
                Enrolment.status != EnrolmentStatus.CANCELLED,
            )
        )
    )
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Participant)
            .where(
                Participant.id.in_(ids),
                Participant.event_id == activity.event_id,
                Participant.status.not_in(GONE),
                Participant.email != "",
            )
            .options(sa.orm.joinedload(Participant.user))
            .order_by(Participant.id)
        )
    )


def _when_where(event: Event, told: dict) -> dict:
    """The times and room of a snapshot, as the email template shows them (a room deleted
    since by the names it had)."""
    room = db.session.get(Room, told["room_id"]) if told["room_id"] else None
    if room is not None and room.venue.event_id != event.id:
        room = None
    names = told.get("room_names")
    if room is None and told["room_id"] and names:
        room = SimpleNamespace(
            name_en=names[0],
            name_zh=names[1],
            venue=SimpleNamespace(name_en=names[2], name_zh=names[3]),
        )
    return {
        "starts_at": datetime.fromisoformat(told["starts_at"]) if told["starts_at"] else None,
        "ends_at": datetime.fromisoformat(told["ends_at"]) if told["ends_at"] else None,
        "room": room,
    }


@jobs.job()
def send_change_notices(activity_id: int, kind: str, was: dict, now: dict) -> int:
    """Queue one email per person concerned by the change of `activity_id` (in the outbox,
    which sends them once this job commits). Returns how many."""
    activity = db.session.get(Activity, activity_id)
    if activity is None:
        return 0
    event = db.session.get(Event, activity.event_id)
    # Times on the event's clock, whoever runs the job (a worker has no event of its own).
    g.timezone = event.timezone
    refresh()
    before, after = _when_where(event, was), _when_where(event, now)
    link = external_url("scheduling.agenda_page", slug=event.slug)
    sent = 0
    for person in people_concerned(activity):
        with force_locale(language_of(person)):
            title = localized(activity, "title")
            subject = (
                gettext("Cancelled: %(title)s", title=title)
                if kind == CANCELLED
                else gettext("New time or place: %(title)s", title=title)
            )
            body = render_template(
                "email/activity_changed.txt",
                participant=person,
                event=event,
                activity=activity,
                cancelled=kind == CANCELLED,
                before=before,
                after=after,
                link=link,
            )
            sent += send_mail(person.email, subject, body, event_id=event.id)
    return sent
