"""Small builders for the matchmaking solver's tests: sessions, profiles with representatives,
requests."""

from __future__ import annotations

from datetime import UTC, datetime

from eventhub.extensions import db
from eventhub.matchmaking.models import MatchmakingSession, MatchProfile, MeetingRequest

# 09:00 in Guiyang on the event's second day (factories: 24-27 July 2025).
NINE = datetime(2025, 7, 25, 1, 0, tzinfo=UTC)


def session(app, event, *, room_id=None, starts=NINE, hours=3, tables=20, slot=60) -> int:
    from datetime import timedelta

    with app.app_context():
        row = MatchmakingSession(
            event_id=event.id,
            starts_at=starts,
            ends_at=starts + timedelta(hours=hours),
            room_id=room_id,
            tables=tables,
            slot_minutes=slot,
        )
        db.session.add(row)
        db.session.commit()
        return row.id


def profile(app, make, event, *, representative=None, topics="") -> int:
    organisation = make.organisation()
    if representative is None:
        representative = make.participant(event, organisation_id=organisation.id)
    with app.app_context():
        row = MatchProfile(
            event_id=event.id,
            organisation_id=organisation.id,
            representative_id=representative.id,
            topics=topics,
        )
        db.session.add(row)
        db.session.commit()
        return row.id


def request(app, event, origin: int, target: int, topics: str = "", *, both=False) -> None:
    with app.app_context():
        db.session.add(
            MeetingRequest(
                event_id=event.id, from_profile_id=origin, to_profile_id=target, topics=topics
            )
        )
        if both:
            db.session.add(
                MeetingRequest(
                    event_id=event.id, from_profile_id=target, to_profile_id=origin, topics=topics
                )
            )
        db.session.commit()
