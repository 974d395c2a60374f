"""A reviewer's findings on the timetable's editing: names in the reader's language, the
grid keeping the scheduler's rules, a new activity's real length, one way to type a time,
and a few small slips."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.scheduling.models import Activity, ActivityState, Room

from .conftest import activity_form

ZH = {"Accept-Language": "zh-CN"}
NINE = datetime(2025, 7, 25, 1, 0, tzinfo=UTC)  # 09:00 in Guiyang


def _named(app, room_id, name_zh):
    with app.app_context():
        db.session.get(Room, room_id).name_zh = name_zh
        db.session.commit()


def _booked(make, event, room_id, title, title_zh="", start=NINE, minutes=90, **values):
    values.setdefault("state", ActivityState.PUBLISHED)
    return make.activity(
        event,
        title_en=title,
        title_zh=title_zh,
        room_id=room_id,
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        **values,
    )


# 1. Names on Chinese pages


def test_too_many_seats_names_the_room_in_chinese(client, as_role, event, rooms, app):
    _named(app, rooms["small"], "第一会议室")
    as_role("organiser")
    page = client.post(
        f"/events/{event.slug}/schedule/activities/new",
        data=activity_form(rooms["small"], capacity="80"),
        headers=ZH,
    ).get_data(as_text=True)
    assert "第一会议室" in page
    assert "Meeting Room 1 has" not in page


def test_fewer_seats_names_the_activities_in_chinese(client, as_role, make, event, rooms, app):
    _booked(make, event, rooms["small"], "Digital Economy Forum", "数字经济论坛", capacity=50)
    as_role("organiser")
    page = client.post(
        f"/events/{event.slug}/schedule/rooms/{rooms['small']}",
        data={"name_en": "Meeting Room 1", "capacity": "40"},
        headers=ZH,
    ).get_data(as_text=True)
    assert "数字经济论坛 (50)" in page
    assert "Digital Economy Forum (50)" not in page


def test_the_deletion_flash_names_room_and_activities_in_chinese(
    client, as_role, make, event, rooms, app
):
    _named(app, rooms["small"], "第一会议室")
    forum = _booked(make, event, rooms["small"], "Digital Economy Forum", "数字经济论坛")
    as_role("organiser")
    page = client.post(
        f"/events/{event.slug}/schedule/rooms/{rooms['small']}/delete",
        data={"confirmed": str(forum.id)},
        headers=ZH,
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "第一会议室" in page and "数字经济论坛" in page
    assert "Digital Economy Forum" not in page


# 5. Small slips


def test_a_proposal_with_a_naive_end_is_refused_not_a_500(app, make, event, rooms):
    from eventhub.auth.models import User
    from eventhub.events.models import Event
    from eventhub.scheduling.timetable import place_all

    forum = make.activity(event, title_en="Unplaced")
    user = make.user()
    with app.test_request_context():
        organiser = db.session.get(User, user.id)
        event = db.session.get(Event, event.id)
        activity = db.session.get(Activity, forum.id)
        room = db.session.get(Room, rooms["small"])
        naive_end = (NINE + timedelta(hours=1)).replace(tzinfo=None)
        with pytest.raises(DomainError):
            place_all(event, [(activity, NINE, naive_end, room)], actor=organiser)
        db.session.rollback()


def test_a_resize_too_short_says_the_real_limits(client, as_role, make, event, rooms):
    forum = _booked(make, event, rooms["small"], "Forum")
    as_role("organiser")
    refused = client.post(
        f"/events/{event.slug}/schedule/activities/{forum.id}/resize",
        json={"minutes": 5, "version": forum.version},
    )
    assert refused.status_code == 409
    message = refused.get_json()["message"]
    assert "15" in message and "between 1 and" not in message


def test_the_programme_pdf_writes_times_the_apps_one_way(app, monkeypatch):
    """The PDF's clock is the app's (`clock_time`): were the one way to change, it follows."""
    from zoneinfo import ZoneInfo

    from eventhub import i18n
    from eventhub.scheduling import pdf

    monkeypatch.setattr(i18n, "time_pattern", lambda locale: "H.mm")
    with app.test_request_context():
        assert pdf._clock(NINE, ZoneInfo("Asia/Shanghai")) == "9.00"
