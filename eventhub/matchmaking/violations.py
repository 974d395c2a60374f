"""What no set of meetings may do, checked on what is stored (tests and the bench): a
meeting while a side's representative is busy (travel included), a person or a table in
two meetings at once, a meeting outside its session or past its session's tables."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.matchmaking.busy import aware, busy_times
from eventhub.matchmaking.models import MatchmakingSession, MatchProfile, Meeting, MeetingState


def violations(event) -> list[str]:
    """Every broken rule among the event's proposed and confirmed meetings, in words."""
    meetings = list(
        db.session.scalars(
            sa.select(Meeting)
            .where(
                Meeting.event_id == event.id,
                Meeting.state.in_([MeetingState.PROPOSED, MeetingState.CONFIRMED]),
            )
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )
    sessions = {
        s.id: s
        for s in db.session.scalars(
            sa.select(MatchmakingSession).where(MatchmakingSession.event_id == event.id)
        )
    }
    profiles = {
        p.id: p
        for p in db.session.scalars(
            sa.select(MatchProfile).where(MatchProfile.event_id == event.id)
        )
    }
    busy = busy_times(event, {p.representative_id for p in profiles.values()})
    found: list[str] = []
    by_person: dict[tuple[str, int], list[Meeting]] = defaultdict(list)
    by_table: dict[tuple[int, int], list[Meeting]] = defaultdict(list)
    for meeting in meetings:
        starts, ends = aware(meeting.starts_at), aware(meeting.ends_at)
        session = sessions.get(meeting.session_id)
        if session is None or not (
            aware(session.starts_at) <= starts and ends <= aware(session.ends_at)
        ):
            found.append(f"meeting {meeting.id} is outside its session")
        elif not 1 <= meeting.table <= session.tables:
            found.append(f"meeting {meeting.id} is at table {meeting.table} of {session.tables}")
        venue = session.room.venue_id if session is not None and session.room else None
        for profile_id in (meeting.first_profile_id, meeting.second_profile_id):
            profile = profiles.get(profile_id)
            why = busy.clash(profile.representative_id if profile else None, starts, ends, venue)
            if why is not None:
                found.append(f"meeting {meeting.id}: profile {profile_id} is busy ({why})")
            # One person at one table at a time, whichever organisation they sit for.
            who = (
                ("r", profile.representative_id)
                if profile and profile.representative_id
                else (
                    "p",
                    profile_id,
                )
            )
            for other in by_person[who]:
                if aware(other.ends_at) > starts and other is not meeting:
                    found.append(f"meetings {other.id} and {meeting.id} share {who}")
            by_person[who].append(meeting)
        for other in by_table[(meeting.session_id, meeting.table)]:
            if aware(other.ends_at) > starts:
                found.append(f"meetings {other.id} and {meeting.id} share a table")
        by_table[(meeting.session_id, meeting.table)].append(meeting)
    return found
