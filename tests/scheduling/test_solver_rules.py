"""The scheduler keeps what organisers mean (issue 19, items 7 and 9): a demo day cleared
and placed again reads like the hand-made programme."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from eventhub.demo.programme import build_programme
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.scheduling import solver
from eventhub.scheduling.clearing import clear_day
from eventhub.scheduling.conflicts import HARD, conflicts_of
from eventhub.scheduling.models import (
    Access,
    ActivityState,
    ActivityType,
)

ZONE = ZoneInfo("Asia/Shanghai")
TOURS = (ActivityType.STUDY_TOUR, ActivityType.CULTURAL_VISIT)


@pytest.fixture
def demo_day_proposal(app, event, make):
    """The demo's programme, its busiest day (26 July, 45 activities) cleared, proposed."""
    organiser = make.user()
    with app.app_context():
        stored = db.session.merge(event)
        build_programme(stored, [])
        db.session.flush()
        cleared = clear_day(stored, date(2025, 7, 26), actor=db.session.merge(organiser))
        proposal = solver.propose(stored, time_limit=8)
        yield stored, cleared, proposal
        db.session.rollback()


def local(moment: datetime) -> datetime:
    return moment.astimezone(ZONE)


def test_a_cleared_demo_day_is_placed_as_organisers_mean(demo_day_proposal):
    event, cleared, proposal = demo_day_proposal
    assert cleared == 45
    assert proposal.ok, proposal.problems
    assert len(proposal.placements) == 45
    by_kind: dict = {}
    for p in proposal.placements:
        by_kind.setdefault(p.activity.type, []).append(p)
        start, end = local(p.starts_at), local(p.ends_at)
        # On its own day, within the programme's hours, at its real length.
        assert start.date() == date(2025, 7, 26), p.activity.title_en
        assert start.time() >= time(8, 30) and end.time() <= time(18, 0), p.activity.title_en
        assert (p.ends_at - p.starts_at).total_seconds() == p.activity.duration_minutes * 60
        # No session over lunch.
        if p.activity.type in (ActivityType.FORUM, ActivityType.WORKSHOP):
            assert end.time() <= time(12, 15) or start.time() >= time(14, 0), p.activity.title_en
    bilaterals = by_kind[ActivityType.BILATERAL_MEETING]
    assert len(bilaterals) == 3
    assert {p.room.name_en for p in bilaterals} == {"VIP Room"}
    tours = [p for kind in TOURS for p in by_kind[kind]]
    assert len(tours) == 4
    assert all(p.room is None and p.activity.duration_minutes == 180 for p in tours)
    [signing] = by_kind[ActivityType.SIGNING_CEREMONY]
    assert signing.room.name_en == "Signing Hall"
    for p in by_kind[ActivityType.FORUM] + by_kind[ActivityType.WORKSHOP]:
        assert p.room.layout not in ("boardroom", "banquet") and p.room.name_en != "Grand Hall"
    # Every rule's score is full, and the page can say so.
    scores = {s.rule: (s.kept, s.total) for s in proposal.scores}
    assert scores["bilateral"] == (3, 3)
    assert scores["tours"] == (4, 4)
    assert all(s.ok for s in proposal.scores), proposal.scores
    # Applied, the timetable has no hard conflict.
    for p in proposal.placements:
        p.activity.starts_at, p.activity.ends_at = p.starts_at, p.ends_at
        p.activity.room_id, p.activity.room = (p.room.id if p.room else None), p.room
    db.session.flush()
    assert [c.message for c in conflicts_of(event) if c.severity == HARD] == []


def test_nothing_beside_the_banquet_or_plenary_and_the_load_is_spread(app, event, rooms, make):
    """Activities that may move go to the quiet days, never beside an all-hands activity."""
    hall = rooms["auditorium"]
    for title, kind, day, start, end in (
        ("Opening Plenary", ActivityType.PLENARY, 24, 1, 4),  # 09:00-12:00 local
        ("Welcome Banquet", ActivityType.BANQUET, 24, 10, 12),  # 18:00-20:00 local
    ):
        make.activity(
            event,
            title_en=title,
            type=kind,
            access=Access.OPEN,
            state=ActivityState.PUBLISHED,
            room_id=hall,
            starts_at=datetime(2025, 7, day, start, 0, tzinfo=UTC),
            ends_at=datetime(2025, 7, day, end, 0, tzinfo=UTC),
        )
    for n in range(8):
        make.activity(
            event,
            title_en=f"Movable forum {n}",
            state=ActivityState.PUBLISHED,
            duration_minutes=90,
            allowed_days="2025-07-24,2025-07-25",
        )
    with app.app_context():
        proposal = solver.propose(db.session.merge(event), time_limit=5)
    assert proposal.ok, proposal.problems
    days = [local(p.starts_at).date() for p in proposal.placements]
    # Two rooms a day and more: the busiest day carries no more than half and one.
    assert days.count(date(2025, 7, 25)) >= 3 and days.count(date(2025, 7, 24)) >= 3
    for p in proposal.placements:
        start, end = local(p.starts_at), local(p.ends_at)
        if start.date() == date(2025, 7, 24):
            assert start.time() >= time(12, 0), p.activity.title_en  # after the plenary


def _speaker_day(make, event, rooms):
    """A speaker busy at the main venue 08:30-14:00 and 15:40-18:00 on 25 July: 100 minutes
    between the two, room enough for a 90-minute forum only without any trip."""
    speaker = make.participant(event, given_name="Chanthy")
    for title, start, end in (
        ("Morning session", (0, 30), (6, 0)),
        ("Late session", (7, 40), (10, 0)),
    ):
        make.activity(
            event,
            title_en=title,
            state=ActivityState.PUBLISHED,
            room_id=rooms["small"],
            starts_at=datetime(2025, 7, 25, *start, tzinfo=UTC),
            ends_at=datetime(2025, 7, 25, *end, tzinfo=UTC),
            speakers=[speaker],
        )
    return speaker


@pytest.mark.parametrize(("room", "fits"), [("small", True), ("auditorium", False)])
def test_travel_time_is_the_trip_between_the_two_venues(app, event, rooms, make, room, fits):
    """Item 9: within one venue no trip is added (it was the longest trip of the event,
    40 minutes, even inside one building); to the campus, 40 minutes each way are kept."""
    speaker = _speaker_day(make, event, rooms)
    make.activity(
        event,
        title_en="Afternoon forum",
        state=ActivityState.PUBLISHED,
        room_id=rooms[room],
        duration_minutes=90,
        allowed_days="2025-07-25",
        speakers=[speaker],
    )
    with app.app_context():
        proposal = solver.propose(db.session.merge(event), time_limit=5)
    assert proposal.ok is fits, proposal.problems
    if fits:
        [placement] = proposal.placements
        start = local(placement.starts_at).time()
        assert time(14, 0) <= start <= time(14, 10)


def test_organiser_clears_a_day_reviews_the_scores_and_accepts(client, as_role, app, event):
    """The page: a day cleared, the proposal shows before and after and a score per rule;
    accepted, the tours are placed without a room."""
    import re

    import sqlalchemy as sa

    from eventhub.scheduling.models import Activity

    with app.app_context():
        build_programme(db.session.merge(event), [])
        db.session.commit()
    as_role("organiser")
    url = f"/events/{event.slug}/schedule/auto"
    page = client.post(
        url, data={"action": "clear", "day": "2025-07-26"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "45 activities of" in page and "45 activities wait for a time." in page
    assert "Choose a day of the event" in client.post(
        url, data={"action": "clear", "day": "2025-08-30"}, follow_redirects=True
    ).get_data(as_text=True)
    proposed = client.post(url, data={"action": "propose"}, follow_redirects=True)
    assert "run=" in proposed.request.full_path
    page = proposed.get_data(as_text=True)
    assert re.search(r"Bilateral meetings in a VIP room: <strong>3/3</strong>", page), page
    assert re.search(r"Tours and visits off-site, without a room: <strong>4/4</strong>", page)
    assert "off-site, no room" in page  # before and after, for the tours
    placements = re.findall(r'name="placement" value="([^"]+)"', page)
    assert len(placements) == 45
    # The Chinese page of the same proposal reads too (rooms by their Chinese names).
    zh = client.get(proposed.request.full_path, headers={"Accept-Language": "zh-CN"})
    assert zh.status_code == 200 and "贵宾室" in zh.get_data(as_text=True)
    assert sum(value.endswith("|") for value in placements) == 4
    page = client.post(
        url, data={"action": "accept", "placement": placements}, follow_redirects=True
    ).get_data(as_text=True)
    assert "45 activities placed." in page
    with app.app_context():
        tours = db.session.scalars(
            sa.select(Activity).where(Activity.event_id == event.id, Activity.type.in_(TOURS))
        ).all()
        assert all(t.starts_at and t.room_id is None for t in tours)


def test_a_vip_rests_between_duties_and_a_bilateral_never_goes_to_a_big_hall(
    app, event, rooms, make
):
    """Two duties of one VIP leave the rest between them; a bilateral meeting with no VIP
    room is not put in a hall: the organiser is told instead."""
    from eventhub.scheduling.models import ActivityPerson, ActivityRole

    minister = make.participant(event, given_name="Minister")
    ids = [
        make.activity(
            event,
            title_en=f"Duty {n}",
            state=ActivityState.PUBLISHED,
            room_id=rooms["small"],
            duration_minutes=200,
            allowed_days="2025-07-25",
        ).id
        for n in range(2)
    ]
    with app.app_context():
        db.session.add_all(
            ActivityPerson(
                activity_id=i, participant_id=minister.id, role=ActivityRole.REQUIRED_VIP
            )
            for i in ids
        )
        db.session.commit()
        proposal = solver.propose(db.session.merge(event), time_limit=5)
    assert proposal.ok, proposal.problems
    first, second = sorted(proposal.placements, key=lambda p: p.starts_at)
    assert (second.starts_at - first.ends_at).total_seconds() >= 5 * 60
    make.activity(
        event,
        title_en="Bilateral Meeting: China and Lao PDR",
        type=ActivityType.BILATERAL_MEETING,
        state=ActivityState.PUBLISHED,
        duration_minutes=35,
        capacity=12,
    )
    with app.app_context():
        proposal = solver.propose(db.session.merge(event), time_limit=5)
    assert not proposal.ok
    assert any("China and Lao PDR" in p for p in proposal.problems)


def test_when_nothing_fits_the_clashing_activities_and_rules_are_named(app, event, rooms, make):
    """Two three-hour duties of one speaker on one day after a full morning: no timetable,
    and the message names both activities and the rule about people."""
    speaker = make.participant(event, given_name="Chanthy")
    for n in range(3):
        make.activity(
            event,
            title_en=f"Long duty {n}",
            state=ActivityState.PUBLISHED,
            room_id=rooms["small"] if n < 2 else rooms["auditorium"],
            duration_minutes=180,
            allowed_days="2025-07-25",
            speakers=[speaker],
        )
    with app.app_context():
        proposal = solver.propose(db.session.merge(event), time_limit=5)
    assert not proposal.ok
    [problem] = proposal.problems
    assert "Long duty" in problem and "two places at once" in problem, problem


def _duties(make, event, rooms, person, day):
    """Three three-hour duties of `person` kept to `day`, two at the centre, one on the
    campus 40 minutes away: 540 minutes and a trip do not fit the programme's day."""
    for n in range(3):
        make.activity(
            event,
            title_en=f"{person.given_name}'s duty {n}",
            title_zh=f"{person.given_name}的任务{n}",
            state=ActivityState.PUBLISHED,
            room_id=rooms["small"] if n < 2 else rooms["auditorium"],
            duration_minutes=180,
            allowed_days=day,
            speakers=[person],
        )


def test_when_nothing_fits_only_the_smallest_clash_is_named_with_what_would_help(
    app, event, rooms, make
):
    """Item 8: two independent clashes (each speaker's three duties on their one day) and
    activities that fit: the message names one clash only, every activity in it, the rules
    it breaks and what an organiser can do; nothing unrelated."""
    chanthy = make.participant(event, given_name="Chanthy", family_name="VONG")
    bounmy = make.participant(event, given_name="Bounmy", family_name="SAYA")
    _duties(make, event, rooms, chanthy, "2025-07-25")
    _duties(make, event, rooms, bounmy, "2025-07-26")
    for n in range(3):
        make.activity(
            event,
            title_en=f"Open forum {n}",
            state=ActivityState.PUBLISHED,
            duration_minutes=60,
        )
    with app.app_context():
        proposal = solver.propose(db.session.merge(event), time_limit=5)
    assert not proposal.ok
    [problem] = proposal.problems
    assert "Open forum" not in problem, problem
    named = {who for who in ("Chanthy", "Bounmy") if f"{who}'s duty" in problem}
    assert len(named) == 1, problem  # one clash, not both
    [who] = named
    assert all(f"{who}'s duty {n}" in problem for n in range(3)), problem
    # What each rule demands, in words an organiser can act on; lunch plays no part here.
    assert "two places at once" in problem and "08:30" in problem, problem
    assert "lunch" not in problem, problem
    assert "another day" in problem and "shorten" in problem, problem
    family = {"Chanthy": "VONG", "Bounmy": "SAYA"}[who]
    # the person the clash is about, named as Lao names are written (given name first)
    assert f"{who} {family} is needed at" in problem, problem
    assert f"free {who} {family}" in problem, problem


def test_the_clash_is_explained_in_chinese(app, event, rooms, make):
    from flask_babel import force_locale

    chanthy = make.participant(event, given_name="Chanthy", family_name="VONG")
    _duties(make, event, rooms, chanthy, "2025-07-25")
    with app.app_context(), app.test_request_context(), force_locale("zh_Hans"):
        proposal = solver.propose(db.session.merge(event), time_limit=5)
    [problem] = proposal.problems
    assert "Chanthy的任务0" in problem and "分身" in problem, problem


def test_an_events_own_hours_lunch_and_vip_rest_are_kept(client, as_role, app, event, rooms, make):
    """The organiser sets the programme to 09:00-17:00 with lunch 12:00-13:00 and 20 minutes
    of rest for VIPs: nothing is proposed outside them (the defaults would put a session at
    10:45-12:15, over this event's lunch, five minutes after the VIP's last duty)."""
    from eventhub.scheduling.models import ActivityPerson, ActivityRole

    as_role("organiser")
    form = {
        "slug": event.slug,
        "name_en": event.name_en,
        "name_zh": event.name_zh,
        "city_en": event.city_en,
        "starts_on": "2025-07-24",
        "ends_on": "2025-07-27",
        "timezone": "Asia/Shanghai",
        "programme_opens_at": "09:00",
        "programme_closes_at": "17:00",
        "lunch_starts_at": "12:00",
        "lunch_ends_at": "13:00",
        "vip_rest_minutes": "20",
    }
    response = client.post(f"/events/{event.slug}/settings", data=form, follow_redirects=True)
    assert "Settings saved." in response.get_data(as_text=True)
    minister = make.participant(event, given_name="Minister")
    ids = [
        make.activity(
            event,
            title_en=f"Minister's session {n}",
            state=ActivityState.PUBLISHED,
            room_id=rooms["small"],
            duration_minutes=90,
            allowed_days="2025-07-25",
        ).id
        for n in range(3)
    ]
    with app.app_context():
        db.session.add_all(
            ActivityPerson(
                activity_id=i, participant_id=minister.id, role=ActivityRole.REQUIRED_VIP
            )
            for i in ids
        )
        db.session.commit()
        # Read again: the fixture's copy predates the settings saved above.
        proposal = solver.propose(db.session.get(Event, event.id), time_limit=5)
    assert proposal.ok, proposal.problems
    placed = sorted(proposal.placements, key=lambda p: p.starts_at)
    for p in placed:
        start, end = local(p.starts_at).time(), local(p.ends_at).time()
        assert time(9) <= start and end <= time(17), (start, end)
        assert end <= time(12) or start >= time(13), (start, end)  # not over lunch
    for first, second in zip(placed, placed[1:], strict=False):
        assert (second.starts_at - first.ends_at).total_seconds() >= 20 * 60
