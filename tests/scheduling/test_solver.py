"""The automatic scheduler proposes, the organiser reviews, accepts or not."""

from __future__ import annotations

import re

import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.scheduling import solver
from eventhub.scheduling.conflicts import HARD, conflicts_of
from eventhub.scheduling.models import (
    Access,
    Activity,
    ActivityState,
    ActivityType,
)


def _pending(make, event, title, *, capacity=None, duration=90, track="", speaker=None):
    """A published activity waiting for the scheduler (no time, no room); returns its id."""
    return make.activity(
        event,
        title_en=title,
        access=Access.REGISTRATION,
        state=ActivityState.PUBLISHED,
        duration_minutes=duration,
        capacity=capacity,
        track=track,
        speakers=[speaker] if speaker is not None else [],
    ).id


def test_proposal_places_everything_without_hard_conflicts(app, event, rooms, make):
    speaker = make.participant(event, given_name="Chanthy")
    for n in range(6):
        _pending(
            make,
            event,
            f"Forum {chr(65 + n)}",
            speaker=speaker if n < 3 else None,
            track="Skills" if n % 2 else "Digital",
        )
    with app.app_context():
        stored = db.session.merge(event)
        proposal = solver.propose(stored, time_limit=5)
        assert proposal.ok and len(proposal.placements) == 6
        for placement in proposal.placements:
            activity = placement.activity
            activity.starts_at, activity.ends_at = placement.starts_at, placement.ends_at
            activity.room_id, activity.room = placement.room.id, placement.room
        db.session.flush()
        assert [c for c in conflicts_of(stored) if c.severity == HARD] == []
        # The shared speaker's forums never overlap (the trip is checked in its own test).
        theirs = sorted(
            p.starts_at
            for p in proposal.placements
            if p.activity.title_en in ("Forum A", "Forum B", "Forum C")
        )
        assert all(
            (b - a).total_seconds() >= 90 * 60 for a, b in zip(theirs, theirs[1:], strict=False)
        )
        db.session.rollback()


def test_impossible_rules_are_named(app, event, rooms, make):
    _pending(make, event, "Mass rally", capacity=5000)
    _pending(make, event, "Marathon session", duration=20 * 60)
    with app.app_context():
        proposal = solver.propose(db.session.merge(event), time_limit=5)
    assert not proposal.ok
    assert any("Mass rally needs 5000 seats" in p for p in proposal.problems)
    assert any("Marathon session" in p for p in proposal.problems)


def test_organiser_reviews_and_accepts_the_proposal(client, as_role, app, event, rooms, make):
    ids = [_pending(make, event, f"Workshop {n}") for n in range(3)]
    as_role("organiser")
    url = f"/events/{event.slug}/schedule/auto"
    assert "3 activities wait for a time." in client.get(url).get_data(as_text=True)
    # The run is a job; the immediate queue of the tests has finished it by the redirect.
    page = client.post(url, data={"action": "propose"}, follow_redirects=True).get_data(
        as_text=True
    )
    placements = re.findall(r'name="placement" value="([^"]+)"', page)
    assert len(placements) == 3 and "Accept the proposal" in page
    with app.app_context():  # nothing is saved by a proposal
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).where(
                    Activity.id.in_(ids), Activity.starts_at.is_not(None)
                )
            )
            == 0
        )
    response = client.post(
        url, data={"action": "accept", "placement": placements}, follow_redirects=True
    )
    assert "3 activities placed." in response.get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).where(
                    Activity.id.in_(ids), Activity.starts_at.is_not(None)
                )
            )
            == 3
        )
    # The same proposal again is stale: refused, nothing changes.
    again = client.post(
        url, data={"action": "accept", "placement": placements}, follow_redirects=True
    )
    assert "was scheduled by someone else meanwhile" in again.get_data(as_text=True)
    forged = client.post(url, data={"action": "accept", "placement": ["x|y|z|w"]})
    assert forged.status_code == 400


def test_allowed_days_and_equipment_are_respected(app, event, rooms, client, as_role):
    from datetime import date
    from zoneinfo import ZoneInfo

    with app.app_context():
        from eventhub.scheduling.models import Room

        db.session.get(Room, rooms["small"]).equipment = "interpretation booths, video"
        db.session.commit()
    as_role("organiser")
    page = client.post(
        f"/events/{event.slug}/schedule/activities/new",
        data={
            "title_en": "Interpreted forum",
            "type": "forum",
            "access": "open",
            "state": "draft",
            "duration_minutes": "90",
            "room_id": "",
            "allowed_days": "2025-07-26, 2025-08-30",
            "required_equipment": "Interpretation booths",
        },
    ).get_data(as_text=True)
    assert "2025-08-30 is not a day of the event." in page
    client.post(
        f"/events/{event.slug}/schedule/activities/new",
        data={
            "title_en": "Interpreted forum",
            "type": "forum",
            "access": "open",
            "state": "draft",
            "duration_minutes": "90",
            "room_id": "",
            "allowed_days": "2025-07-26",
            "required_equipment": "Interpretation booths",
        },
    )
    with app.app_context():
        proposal = solver.propose(db.session.merge(event), time_limit=5)
        [placement] = proposal.placements
        assert placement.room.id == rooms["small"]
        local = placement.starts_at.astimezone(ZoneInfo("Asia/Shanghai"))
        assert local.date() == date(2025, 7, 26)


def test_a_witness_of_a_signing_ceremony_is_not_placed_at_the_same_time(app, event, rooms, make):
    """The ceremony lists nobody as its speaker: its people come from its agreements."""
    from datetime import UTC, datetime

    minister = make.participant(event, given_name="Minister")
    host = make.organisation(name_en="Guizhou University", country_code="CN")
    guest = make.organisation(name_en="National University of Laos", country_code="LA")
    ceremony = make.activity(
        event,
        title_en="Signing Ceremony I",
        type=ActivityType.SIGNING_CEREMONY,
        state=ActivityState.PUBLISHED,
        room_id=rooms["hall"],
        # 08:30-16:00 in Guiyang: the programme's day (to 18:00) leaves the forum the end
        # of the afternoon, in the same venue (no trip to add)
        starts_at=datetime(2025, 7, 25, 0, 30, tzinfo=UTC),
        ends_at=datetime(2025, 7, 25, 8, 0, tzinfo=UTC),
    )
    make.agreement(
        event, [host, guest], title_en="MoU", ceremony_id=ceremony.id, witnesses=[minister]
    )
    ceremony_start, ceremony_end = ceremony.starts_at, ceremony.ends_at
    forum = _pending(make, event, "Forum with the minister", speaker=minister)
    with app.app_context():
        db.session.get(Activity, forum).allowed_days = "2025-07-25"
        db.session.commit()
        proposal = solver.propose(db.session.merge(event), time_limit=5)
    assert proposal.ok
    (placement,) = proposal.placements
    assert placement.ends_at <= ceremony_start or placement.starts_at >= ceremony_end, (
        placement.starts_at
    )
