"""Matchmaking for the demo week: two sessions in the event's largest room, about thirty
organisations with a representative each (one of their participants), requests on the week's
real topics (a third of them both ways), the solver's proposed meetings, a few confirmed by
both sides."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.matchmaking import solver
from eventhub.matchmaking.models import (
    MatchmakingSession,
    MatchProfile,
    Meeting,
    MeetingRequest,
    MeetingState,
)
from eventhub.matchmaking.topics import TOPICS
from eventhub.registration.models import Participant, Status
from eventhub.scheduling.models import Room, Venue

PROFILES = 30
REQUESTS = 40
MUTUAL = 14
CONFIRMED = 4
# (day of the week from its first, local start, local end)
SESSIONS = [(1, time(14, 0), time(17, 30)), (2, time(9, 0), time(12, 0))]


def build_matchmaking(event, report: list[str]) -> None:
    """Fill `event`'s matchmaking once; a second call leaves it as it is."""
    if db.session.scalar(
        sa.select(MatchmakingSession.id).where(MatchmakingSession.event_id == event.id).limit(1)
    ):
        report.append(f"Matchmaking of {event.slug} exists.")
        return
    rng = random.Random(23)  # noqa: S311 -- the same demo every time, no secret
    room = db.session.scalar(
        sa.select(Room)
        .join(Venue)
        .where(Venue.event_id == event.id)
        .order_by(Room.capacity.desc(), Room.id)
        .limit(1)
    )
    zone = ZoneInfo(event.timezone)
    for offset, starts, ends in SESSIONS:
        day = min(event.starts_on + timedelta(days=offset), event.ends_on)
        db.session.add(
            MatchmakingSession(
                event_id=event.id,
                starts_at=datetime.combine(day, starts, zone).astimezone(UTC),
                ends_at=datetime.combine(day, ends, zone).astimezone(UTC),
                room_id=room.id if room is not None else None,
                tables=12,
                slot_minutes=20,
            )
        )
    representatives: dict[int, int] = {}
    for organisation_id, participant_id in db.session.execute(
        sa.select(Participant.organisation_id, Participant.id)
        .where(
            Participant.event_id == event.id,
            Participant.status == Status.APPROVED,
            Participant.organisation_id.is_not(None),
        )
        .order_by(Participant.organisation_id, Participant.id)
    ):
        representatives.setdefault(organisation_id, participant_id)
        if len(representatives) >= PROFILES:
            break
    profiles = []
    for organisation_id, participant_id in representatives.items():
        profile = MatchProfile(
            event_id=event.id,
            organisation_id=organisation_id,
            representative_id=participant_id,
            topics=",".join(rng.sample(list(TOPICS), 3)),
        )
        db.session.add(profile)
        profiles.append(profile)
    db.session.flush()
    pairs: set[tuple[int, int]] = set()
    while len(profiles) > 1 and len(pairs) < min(REQUESTS, len(profiles) * 2):
        a, b = rng.sample(profiles, 2)
        if (b.id, a.id) not in pairs:
            pairs.add((a.id, b.id))
    by_id = {p.id: p for p in profiles}
    for n, (a, b) in enumerate(sorted(pairs)):
        shared = set(by_id[a].topics.split(",")) & set(by_id[b].topics.split(","))
        topics = ",".join(sorted(shared)) or by_id[b].topics.split(",")[0]
        db.session.add(
            MeetingRequest(event_id=event.id, from_profile_id=a, to_profile_id=b, topics=topics)
        )
        if n % 3 == 0 and n // 3 < MUTUAL:
            db.session.add(
                MeetingRequest(event_id=event.id, from_profile_id=b, to_profile_id=a, topics=topics)
            )
    db.session.flush()
    result = solver.propose(event)
    now = utcnow()
    for meeting in db.session.scalars(
        sa.select(Meeting)
        .where(Meeting.event_id == event.id, Meeting.state == MeetingState.PROPOSED)
        .order_by(Meeting.starts_at, Meeting.table)
        .limit(CONFIRMED)
    ):
        meeting.state = MeetingState.CONFIRMED
        meeting.first_accepted_at = meeting.second_accepted_at = now
    db.session.flush()
    report.append(
        f"Matchmaking of {event.slug}: {len(profiles)} organisations, "
        f"{result.mutual_scheduled}/{result.mutual_requested} mutual pairs and "
        f"{result.one_way_scheduled}/{result.one_way_requested} one-way pairs met, "
        f"{min(CONFIRMED, result.proposed)} confirmed."
    )
