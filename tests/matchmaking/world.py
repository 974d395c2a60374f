"""A small matchmaking world: a Chinese, a Thai and a Lao organisation, each with an approved
participant holding an account, their profiles, and a session to meet in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from eventhub.extensions import db
from eventhub.matchmaking.models import MatchmakingSession, MatchProfile, Meeting, MeetingRequest

STARTS = datetime(2025, 7, 25, 6, 0, tzinfo=UTC)  # 14:00 in Guiyang


@dataclass
class Side:
    organisation_id: int
    participant_id: int
    email: str  # the account's login
    profile_id: int | None = None


def side(make, event, country: str, name: str, *, topics: str = "rail", locale: str = "en"):
    """An organisation with an approved participant who has an account with the delegate role."""
    organisation = make.organisation(name_en=name, country_code=country)
    user = make.user(roles={event: "delegate"}, locale=locale)
    person = make.participant(
        event,
        organisation_id=organisation.id,
        country_code=country,
        user_id=user.id,
        email=f"rep.{country.lower()}.{user.id}@example.org",
        locale=locale,
    )
    found = Side(organisation.id, person.id, user.email)
    if topics is not None:
        found.profile_id = add(
            make.app,
            MatchProfile(
                event_id=event.id,
                organisation_id=organisation.id,
                representative_id=person.id,
                topics=topics,
            ),
        ).id
    return found


def add(app, row):
    with app.app_context():
        db.session.add(row)
        db.session.commit()
        db.session.refresh(row)
        db.session.expunge(row)
        return row


def session(app, event) -> int:
    return add(
        app,
        MatchmakingSession(
            event_id=event.id, starts_at=STARTS, ends_at=STARTS + timedelta(hours=3), tables=5
        ),
    ).id


def meeting(app, event, first: Side, second: Side, **values) -> int:
    row = Meeting(
        event_id=event.id,
        session_id=values.pop("session_id", None) or session(app, event),
        first_profile_id=first.profile_id,
        second_profile_id=second.profile_id,
        starts_at=STARTS,
        ends_at=STARTS + timedelta(minutes=30),
        table=3,
        topics="rail,teacher_training",
        **values,
    )
    return add(app, row).id


def asked(app, event, by: Side, to: Side, topics: str = "rail") -> int:
    return add(
        app,
        MeetingRequest(
            event_id=event.id,
            from_profile_id=by.profile_id,
            to_profile_id=to.profile_id,
            topics=topics,
        ),
    ).id
