"""Matchmaking sessions: a day, a span of local time, a room of the event, tables and a slot
length; stored in UTC. Flushed, never committed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import format_time
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from eventhub.audit import services as audit
from eventhub.exceptions import DomainError
from eventhub.extensions import db
from eventhub.i18n import local_date
from eventhub.matchmaking.models import MatchmakingSession, Meeting, MeetingState
from eventhub.scheduling.models import Room, Venue


def as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass
class SessionInput:
    day: date
    starts: time
    ends: time
    room_id: int | None
    tables: int
    slot_minutes: int


def sessions_of(event) -> list[MatchmakingSession]:
    return list(
        db.session.scalars(
            sa.select(MatchmakingSession)
            .where(MatchmakingSession.event_id == event.id)
            .options(sa.orm.joinedload(MatchmakingSession.room).joinedload(Room.venue))
            .order_by(MatchmakingSession.starts_at, MatchmakingSession.id)
        )
    )


def _checked(
    event, given: SessionInput, session: MatchmakingSession | None = None
) -> tuple[datetime, datetime]:
    if not event.starts_on <= given.day <= event.ends_on:
        raise DomainError(
            _(
                "The day must be one of the event's days (%(first)s to %(last)s).",
                first=local_date(event.starts_on, "long"),
                last=local_date(event.ends_on, "long"),
            ),
            field="day",
        )
    if given.ends <= given.starts:
        raise DomainError(_l("The session must end after it starts."), field="ends")
    if (
        given.room_id is not None
        and db.session.scalar(
            sa.select(Room.id)
            .join(Venue)
            .where(Room.id == given.room_id, Venue.event_id == event.id)
        )
        is None
    ):
        raise DomainError(_l("There is no such room in this event."), field="room_id")
    if not 1 <= given.tables <= 500:
        raise DomainError(_l("Tables: from 1 to 500."), field="tables")
    if not 10 <= given.slot_minutes <= 120:
        raise DomainError(_l("A slot lasts from 10 to 120 minutes."), field="slot_minutes")
    zone = ZoneInfo(event.timezone)
    starts = datetime.combine(given.day, given.starts, zone).astimezone(UTC)
    ends = datetime.combine(given.day, given.ends, zone).astimezone(UTC)
    if ends - starts < timedelta(minutes=given.slot_minutes):
        raise DomainError(_l("The session is shorter than one slot."), field="ends")
    if given.room_id is not None:
        # One room holds one session at a time: two would seat meetings at the same tables.
        clash = db.session.scalars(
            sa.select(MatchmakingSession).where(
                MatchmakingSession.event_id == event.id,
                MatchmakingSession.room_id == given.room_id,
                MatchmakingSession.starts_at < ends,
                MatchmakingSession.ends_at > starts,
                MatchmakingSession.id != (session.id if session is not None else -1),
            )
        ).first()
        if clash is not None:
            zone = ZoneInfo(event.timezone)
            raise DomainError(
                _(
                    "The room already holds a session from %(starts)s to %(ends)s that day.",
                    starts=format_time(as_utc(clash.starts_at).astimezone(zone), "HH:mm"),
                    ends=format_time(as_utc(clash.ends_at).astimezone(zone), "HH:mm"),
                ),
                field="starts",
            )
    return starts, ends


def save_session(
    event, given: SessionInput, *, session: MatchmakingSession | None = None, actor=None
) -> MatchmakingSession:
    """Add a session, or change `session`; its proposed meetings go (the next run fits them
    again), confirmed ones stay as agreed."""
    starts, ends = _checked(event, given, session)
    if session is None:
        session = MatchmakingSession(event_id=event.id)
        db.session.add(session)
        action = "matchmaking.session_add"
    else:
        db.session.execute(
            sa.delete(Meeting).where(
                Meeting.session_id == session.id, Meeting.state == MeetingState.PROPOSED
            )
        )
        action = "matchmaking.session_edit"
    session.starts_at, session.ends_at = starts, ends
    session.room_id = given.room_id
    session.tables, session.slot_minutes = given.tables, given.slot_minutes
    db.session.flush()
    audit.record(action, session, actor=actor, event_id=event.id)
    return session


def remove_session(event, session: MatchmakingSession, *, actor=None) -> None:
    """Remove a session; refused while it holds a confirmed meeting."""
    held = db.session.scalar(
        sa.select(sa.func.count(Meeting.id)).where(
            Meeting.session_id == session.id, Meeting.state == MeetingState.CONFIRMED
        )
    )
    if held:
        raise DomainError(
            _l("This session holds confirmed meetings: cancel them before removing it.")
        )
    audit.record("matchmaking.session_remove", session, actor=actor, event_id=event.id)
    db.session.delete(session)
    db.session.flush()
