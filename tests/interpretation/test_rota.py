"""The rota's rules, as the organiser meets them on an activity's interpretation page:
refused with the reason, or saved."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from babel.dates import format_date

from eventhub.extensions import db
from eventhub.interpretation.models import InterpreterAssignment

from .conftest import at, interpreter, set_up


def _assign(client, event, activity, person, channel="vi"):
    return client.post(
        f"/events/{event.slug}/interpretation/activities/{activity.id}/assign",
        data={"interpreter_id": person.id, "channel": channel},
        follow_redirects=True,
    )


def _on(app, activity) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(InterpreterAssignment.interpreter_id).filter_by(activity_id=activity.id)
            )
        )


def _two_activities(app, make, event, place, second_start, second_end, second_room="hall"):
    forum = make.activity(
        event,
        title_en="Forum B",
        room_id=place["forum"].id,
        starts_at=at("09:30"),
        ends_at=at("11:30"),
    )
    plenary = make.activity(
        event,
        title_en="Plenary on Skills",
        room_id=place[second_room].id,
        starts_at=at(second_start),
        ends_at=at(second_end),
    )
    set_up(app, forum)
    set_up(app, plenary)
    return forum, plenary


def test_an_interpreter_cannot_reach_the_next_venue_in_time_with_rest(
    app, client, make, event, place, as_role
):
    forum, plenary = _two_activities(app, make, event, place, "11:45", "12:30")
    lan = interpreter(app, event)
    as_role("organiser")
    assert "Nguyen Thi Lan is on the Vietnamese channel." in _assign(
        client, event, forum, lan
    ).get_data(as_text=True)
    page = _assign(client, event, plenary, lan).get_data(as_text=True)
    assert (
        "Nguyen Thi Lan is at Forum B until 11:30 and needs 20 min to get here + 30 min rest."
        in page
    )
    assert _on(app, plenary) == []


def test_enough_time_for_the_trip_and_the_rest_is_accepted(
    app, client, make, event, place, as_role
):
    forum, plenary = _two_activities(app, make, event, place, "12:20", "13:00")
    lan = interpreter(app, event)
    as_role("organiser")
    _assign(client, event, forum, lan)
    _assign(client, event, plenary, lan)
    assert _on(app, plenary) == [lan.id]


def test_two_places_at_once_is_refused(app, client, make, event, place, as_role):
    forum, plenary = _two_activities(app, make, event, place, "10:00", "11:00")
    lan = interpreter(app, event)
    as_role("organiser")
    _assign(client, event, forum, lan)
    page = _assign(client, event, plenary, lan).get_data(as_text=True)
    assert "Nguyen Thi Lan is at Forum B from 09:30 to 11:30." in page
    assert _on(app, plenary) == []


def test_the_rest_counts_in_the_same_venue(app, client, make, event, place, as_role):
    forum, plenary = _two_activities(app, make, event, place, "11:40", "12:30", "forum")
    lan = interpreter(app, event, rest_minutes=30)
    as_role("organiser")
    _assign(client, event, forum, lan)
    page = _assign(client, event, plenary, lan).get_data(as_text=True)
    assert "needs 0 min to get here + 30 min rest" in page
    assert _on(app, plenary) == []


def test_the_earlier_activity_is_checked_against_a_later_one(
    app, client, make, event, place, as_role
):
    forum, plenary = _two_activities(app, make, event, place, "11:45", "12:30")
    lan = interpreter(app, event)
    as_role("organiser")
    _assign(client, event, plenary, lan)
    page = _assign(client, event, forum, lan).get_data(as_text=True)
    assert "is due at Plenary on Skills at 11:45 and needs 20 min to get there" in page


def test_no_one_works_over_their_minutes_a_day(app, client, make, event, place, as_role):
    forum, plenary = _two_activities(app, make, event, place, "15:00", "16:00")
    lan = interpreter(app, event, max_minutes_per_day=150)
    as_role("organiser")
    _assign(client, event, forum, lan)
    page = _assign(client, event, plenary, lan).get_data(as_text=True)
    day = format_date(date(2025, 7, 24), "long", locale="en")  # the reader's words for the day
    assert f"Nguyen Thi Lan would work 180 min on {day}, over their 150 min a day." in page
    assert _on(app, plenary) == []


def test_the_interpreter_must_speak_the_channel_and_a_floor_language(
    app, client, make, event, place, as_role
):
    forum = make.activity(
        event,
        title_en="Forum B",
        room_id=place["forum"].id,
        starts_at=at("09:30"),
        ends_at=at("11:30"),
    )
    set_up(app, forum, floor="zh", channels="vi,th")
    somchai = interpreter(app, event, name="Somchai Jaidee", languages="th,en")
    minh = interpreter(app, event, name="Tran Van Minh", languages="vi,en")
    as_role("organiser")
    page = _assign(client, event, forum, somchai, "vi").get_data(as_text=True)
    assert "Somchai Jaidee does not interpret into Vietnamese." in page
    page = _assign(client, event, forum, minh, "vi").get_data(as_text=True)
    assert "Tran Van Minh speaks none of the floor languages (Chinese)." in page
    assert _on(app, forum) == []


def test_a_long_simultaneous_channel_with_one_interpreter_is_a_warning_not_a_refusal(
    app, client, make, event, place, as_role
):
    forum = make.activity(
        event,
        title_en="Forum B",
        room_id=place["forum"].id,
        starts_at=at("09:30"),
        ends_at=at("11:30"),
    )
    set_up(app, forum)
    lan = interpreter(app, event)
    as_role("organiser")
    page = _assign(client, event, forum, lan).get_data(as_text=True)
    assert _on(app, forum) == [lan.id]
    assert "One interpreter on the Vietnamese channel for 120 min" in page
    # The campus room has no booths in its equipment: said on the page too.
    assert "has no interpretation booths in its equipment" in page


def test_assign_automatically_fills_channels_keeping_the_rules(
    app, client, make, event, place, as_role
):
    forum, plenary = _two_activities(app, make, event, place, "11:45", "12:30")
    lan = interpreter(app, event)
    hoa = interpreter(app, event, name="Pham Thi Hoa")
    wrong = interpreter(app, event, name="Somchai Jaidee", languages="th,zh")
    as_role("organiser")
    _assign(client, event, forum, lan)
    page = client.post(
        f"/events/{event.slug}/interpretation/activities/{plenary.id}/auto",
        follow_redirects=True,
    ).get_data(as_text=True)
    # Lan is still on her way from the campus; the Thai interpreter has no Vietnamese.
    assert _on(app, plenary) == [hoa.id]
    assert "1 interpreter assigned." in page
    assert wrong.id not in _on(app, plenary)


def test_an_activity_moved_afterwards_shows_the_broken_rule_on_the_overview(
    app, client, make, event, place, as_role
):
    forum, plenary = _two_activities(app, make, event, place, "13:00", "14:00")
    lan = interpreter(app, event)
    as_role("organiser")
    _assign(client, event, forum, lan)
    _assign(client, event, plenary, lan)
    with app.app_context():
        from eventhub.scheduling.models import Activity

        moved = db.session.get(Activity, plenary.id)
        moved.starts_at, moved.ends_at = at("11:35"), at("12:30")
        db.session.commit()
    page = client.get(f"/events/{event.slug}/interpretation").get_data(as_text=True)
    assert "Nguyen Thi Lan is at Forum B until 11:30 and needs 20 min to get here" in page


def test_a_double_click_on_assign_is_answered_not_an_error(
    app, client, make, event, place, as_role, monkeypatch
):
    from eventhub.interpretation import rota

    forum, _plenary = _two_activities(app, make, event, place, "14:00", "15:00")
    person = interpreter(app, event)
    as_role("organiser")
    _assign(client, event, forum, person)
    # The second click's check ran before the first click's assignment was committed.
    monkeypatch.setattr(rota, "on_activity", lambda interpreter, activity: False)
    monkeypatch.setattr(rota, "problems_for", lambda *args, **kwargs: [])
    response = _assign(client, event, forum, person)
    assert response.status_code == 200
    assert "The rota changed meanwhile" in response.get_data(as_text=True)
    assert _on(app, forum) == [person.id]
