"""The meeting fitter: meetings never while a representative is busy (travel included),
mutual requests before one-way ones, the tables limit, confirmed meetings kept and declined
pairs not proposed again, and an honest reason for each mutual pair left out."""

from __future__ import annotations

from datetime import UTC, timedelta

import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.matchmaking import solver
from eventhub.matchmaking.models import Meeting, MeetingState
from eventhub.matchmaking.violations import violations
from eventhub.scheduling.models import ActivityState, TravelTime

from .solver_builders import NINE, profile, request, session


def propose(app, event):
    with app.app_context():
        result = solver.propose(db.session.merge(event))
        db.session.commit()
        return result


def meetings(app, event, state=MeetingState.PROPOSED):
    with app.app_context():
        rows = db.session.scalars(
            sa.select(Meeting)
            .where(Meeting.event_id == event.id, Meeting.state == state)
            .order_by(Meeting.starts_at, Meeting.table)
        )
        return [
            (
                {m.first_profile_id, m.second_profile_id},
                m.starts_at.astimezone(UTC),
                m.table,
            )
            for m in rows
        ]


def test_no_meeting_during_a_forum_elsewhere_nor_the_journey_after_it(app, make, event):
    """A representative enrolled in a forum from 10:00 to 11:00 in a venue 30 minutes from the
    matchmaking room gets no meeting from 10:00 to 11:00, nor in the 30 minutes after."""
    hall = make.venue(event, name_en="Matchmaking hall")
    campus = make.venue(event, name_en="University campus")
    with app.app_context():
        db.session.add(TravelTime(from_venue_id=hall.id, to_venue_id=campus.id, minutes=30))
        db.session.commit()
    room = make.room(hall)
    forum_room = make.room(campus)
    busy_rep = make.participant(event)
    make.activity(
        event,
        enrolled=[busy_rep],
        room_id=forum_room.id,
        starts_at=NINE + timedelta(hours=1),
        ends_at=NINE + timedelta(hours=2),
        state=ActivityState.PUBLISHED,
    )
    # 09:00 to 13:00 in 30-minute slots: 09:00, 09:30 need travel to 10:00 (09:30 ends at
    # 10:00 but the ride takes 30 min), 10:00-11:30 are the forum and the ride back.
    session(app, event, room_id=room.id, hours=4, slot=30)
    busy = profile(app, make, event, representative=busy_rep)
    others = [profile(app, make, event) for _ in range(8)]
    for other in others:
        request(app, event, busy, other, both=True)

    result = propose(app, event)

    times = sorted(start for sides, start, _table in meetings(app, event) if busy in sides)
    local = [t.astimezone(event_zone(event)).strftime("%H:%M") for t in times]
    assert local == ["09:00", "11:30", "12:00", "12:30"]
    assert result.mutual_scheduled == 4
    with app.app_context():
        assert violations(db.session.merge(event)) == []


def event_zone(event):
    from zoneinfo import ZoneInfo

    return ZoneInfo(event.timezone)


def test_mutual_requests_come_before_one_way_ones(app, make, event):
    """One table, one slot: of a mutual and a one-way request, the mutual pair meets."""
    session(app, event, hours=1, tables=1)
    a, b, c = (profile(app, make, event) for _ in range(3))
    request(app, event, a, b, "rail")  # one way, even with a shared topic
    request(app, event, a, c, both=True)

    result = propose(app, event)

    assert [sides for sides, _s, _t in meetings(app, event)] == [{a, c}]
    assert (result.mutual_scheduled, result.one_way_scheduled) == (1, 0)


def test_a_slot_holds_no_more_meetings_than_tables(app, make, event):
    """Three tables, one slot, five mutual pairs: three meet at tables 1-3, two are told the
    tables were full."""
    session(app, event, hours=1, tables=3)
    pairs = [(profile(app, make, event), profile(app, make, event)) for _ in range(5)]
    for a, b in pairs:
        request(app, event, a, b, both=True)

    result = propose(app, event)

    assert sorted(table for _s, _t, table in meetings(app, event)) == [1, 2, 3]
    assert result.mutual_scheduled == 3
    assert [reason for _a, _b, reason in result.unscheduled] == [solver.TABLES_FULL] * 2


def test_confirmed_meetings_stay_and_declined_pairs_are_not_proposed_again(app, make, event):
    session_id = session(app, event, hours=2, tables=1)
    a, b, c, d = (profile(app, make, event) for _ in range(4))
    for x, y in ((a, b), (c, d), (a, c)):
        request(app, event, x, y, both=True)
    with app.app_context():
        db.session.add_all(
            [
                Meeting(
                    event_id=event.id,
                    session_id=session_id,
                    first_profile_id=a,
                    second_profile_id=b,
                    starts_at=NINE + timedelta(hours=1),
                    ends_at=NINE + timedelta(hours=2),
                    table=1,
                    state=MeetingState.CONFIRMED,
                ),
                Meeting(
                    event_id=event.id,
                    session_id=session_id,
                    first_profile_id=c,
                    second_profile_id=d,
                    starts_at=NINE,
                    ends_at=NINE + timedelta(hours=1),
                    table=1,
                    state=MeetingState.DECLINED,
                ),
            ]
        )
        db.session.commit()

    result = propose(app, event)
    again = propose(app, event)  # a second run replaces its own proposals, keeps the rest

    assert meetings(app, event, MeetingState.CONFIRMED) == [({a, b}, NINE + timedelta(hours=1), 1)]
    # The only free table-slot (09:00) goes to a and c; c and d declined: never again.
    assert meetings(app, event) == [({a, c}, NINE, 1)]
    reasons = {(x, y): why for x, y, why in again.unscheduled}
    assert reasons == {(min(c, d), max(c, d)): solver.DECLINED}
    assert result.mutual_scheduled == again.mutual_scheduled == 2


def test_reasons_say_when_two_sides_are_never_free_together(app, make, event):
    """Two sides whose representatives' programmes leave no common slot are told so; so is a
    side busy with its other meetings."""
    session(app, event, hours=2, tables=5)
    early = make.participant(event, departure_at=NINE + timedelta(hours=4))  # leaves by 10:00
    late = make.participant(event, arrival_at=NINE)  # free from 10:00
    a = profile(app, make, event, representative=early)
    b = profile(app, make, event, representative=late)
    request(app, event, a, b, both=True)

    result = propose(app, event)

    assert result.unscheduled == [(min(a, b), max(a, b), solver.NO_COMMON_SLOT)]
    assert meetings(app, event) == []


def test_a_representative_gets_at_most_eight_one_way_meetings_a_day(app, make, event):
    """Ten organisations asking one (one way) for a meeting, twelve free slots: the asked one
    gets eight that day (the soft cap), the other two are left for another day."""
    session(app, event, hours=6, slot=30, tables=20)
    popular = profile(app, make, event)
    for _ in range(10):
        request(app, event, profile(app, make, event), popular)

    result = propose(app, event)

    assert len(meetings(app, event)) == solver.DAILY_CAP == 8
    assert result.one_way_scheduled == 8


def test_one_person_representing_two_organisations_sits_at_one_table_at_a_time(app, make, event):
    """The same minister represents two organisations, each meeting another: one slot and
    plenty of tables, yet only one of the two meetings fits."""
    session(app, event, hours=1, tables=10)
    minister = make.participant(event)
    ministry = profile(app, make, event, representative=minister)
    agency = profile(app, make, event, representative=minister)
    for side in (ministry, agency):
        request(app, event, side, profile(app, make, event), both=True)

    result = propose(app, event)

    assert len(meetings(app, event)) == 1
    assert [reason for _a, _b, reason in result.unscheduled] == [solver.SIDES_TAKEN]
    with app.app_context():
        assert violations(db.session.merge(event)) == []


def test_the_check_finds_a_meeting_during_a_duty_and_a_table_used_twice(app, make, event):
    session_id = session(app, event, hours=2, tables=2)
    speaker = make.participant(event)
    make.activity(
        event,
        speakers=[speaker],
        starts_at=NINE,
        ends_at=NINE + timedelta(hours=1),
        state=ActivityState.PUBLISHED,
    )
    a = profile(app, make, event, representative=speaker)
    b, c, d = (profile(app, make, event) for _ in range(3))
    with app.app_context():
        for first, second in ((a, b), (c, d)):
            db.session.add(
                Meeting(
                    event_id=event.id,
                    session_id=session_id,
                    first_profile_id=first,
                    second_profile_id=second,
                    starts_at=NINE,
                    ends_at=NINE + timedelta(hours=1),
                    table=1,
                    state=MeetingState.CONFIRMED,
                )
            )
        db.session.commit()
        found = violations(db.session.merge(event))
    assert len(found) == 2
    assert any("busy" in line for line in found)
    assert any("share a table" in line for line in found)
