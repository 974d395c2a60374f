"""The demo's matchmaking: sessions, profiles with representatives, requests on the real
topics, proposed meetings and a few confirmed ones, none breaking a rule; built once."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.demo.matchmaking import build_matchmaking
from eventhub.extensions import db
from eventhub.matchmaking.models import (
    MatchmakingSession,
    MatchProfile,
    Meeting,
    MeetingRequest,
    MeetingState,
)
from eventhub.matchmaking.violations import violations
from eventhub.scheduling.models import Room


def count(model, event, *where):
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(model).where(model.event_id == event.id, *where)
    )


def test_the_demo_matchmaking_is_built_once_and_keeps_the_rules(app, make, event):
    make.room(make.venue(event, name_en="Conference hall"), capacity=600)
    organisations = [make.organisation() for _ in range(12)]
    for organisation in organisations:
        make.participant(event, organisation_id=organisation.id)
    with app.app_context():
        event = db.session.merge(event)
        report: list[str] = []
        build_matchmaking(event, report)
        build_matchmaking(event, report)
        db.session.commit()
        assert count(MatchmakingSession, event) == 2
        assert (
            db.session.scalar(
                sa.select(sa.func.count(MatchmakingSession.id)).where(
                    MatchmakingSession.event_id == event.id,
                    MatchmakingSession.room_id.in_(sa.select(Room.id)),
                )
            )
            == 2
        )
        assert count(MatchProfile, event) == 12
        assert count(MeetingRequest, event) > 12
        assert count(Meeting, event, Meeting.state == MeetingState.PROPOSED) > 0
        assert count(Meeting, event, Meeting.state == MeetingState.CONFIRMED) == 4
        assert violations(event) == []
        assert report[-1].startswith("Matchmaking of") and report[-1].endswith("exists.")
