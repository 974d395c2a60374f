"""A reviewer's findings on the timetable's editing: names in the reader's language, the
grid keeping the scheduler's rules, a new activity's real length, one way to type a time,
and a few small slips."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.scheduling.models import Activity, ActivityState, ActivityType, Room

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


# 2. The grid keeps the scheduler's rules


@pytest.fixture
def hotel(make, event):
    """A VIP boardroom and a 600-seat hall at the main hotel, open 07:30–22:00."""
    from datetime import time

    venue = make.venue(
        event, name_en="Conference Hotel", on_site=True, opens_at=time(7, 30), closes_at=time(22)
    )
    vip = make.room(venue, name_en="VIP Room", capacity=20, layout="boardroom")
    grand = make.room(venue, name_en="Grand Hall", capacity=600, layout="theatre")
    return {"vip": vip.id, "grand": grand.id}


def _move(client, event, activity, **body):
    values = {"day": "2025-07-25", "start": "09:00", "version": activity.version} | body
    return client.post(f"/events/{event.slug}/schedule/activities/{activity.id}/move", json=values)


def _refused(response) -> str:
    assert response.status_code == 409, response.get_json()
    return response.get_json()["message"]


def test_a_bilateral_is_not_dropped_in_the_big_hall(client, as_role, make, event, hotel, app):
    talks = _booked(
        make, event, hotel["vip"], "Cambodia–China talks", type=ActivityType.BILATERAL_MEETING
    )
    as_role("organiser")
    reason = _refused(_move(client, event, talks, room_id=hotel["grand"]))
    assert "Grand Hall" in reason and "VIP room" in reason
    with app.app_context():
        assert db.session.get(Activity, talks.id).room_id == hotel["vip"]
    assert _move(client, event, talks, room_id=hotel["vip"], start="10:00").status_code == 200


def test_a_session_is_not_dropped_over_lunch(client, as_role, make, event, rooms, app):
    forum = _booked(make, event, rooms["small"], "Digital Economy Forum")
    as_role("organiser")
    reason = _refused(_move(client, event, forum, room_id=rooms["small"], start="12:00"))
    assert "lunch" in reason and "12:15" in reason
    with app.app_context():
        assert db.session.get(Activity, forum.id).starts_at == NINE


def test_nothing_is_dropped_beside_a_plenary_everyone_attends(
    client, as_role, make, event, rooms, hotel, app
):
    from eventhub.scheduling.models import Access

    _booked(
        make,
        event,
        hotel["grand"],
        "Opening plenary",
        type=ActivityType.PLENARY,
        access=Access.OPEN,
        start=NINE + timedelta(hours=2),
        minutes=60,
    )
    forum = _booked(make, event, rooms["small"], "Digital Economy Forum")
    as_role("organiser")
    reason = _refused(_move(client, event, forum, room_id=rooms["small"], start="10:30"))
    assert "Opening plenary" in reason


def test_a_tour_is_not_dropped_into_a_meeting_room(client, as_role, make, event, rooms, app):
    tour = make.activity(
        event,
        title_en="Tour of the Big Data Valley",
        type=ActivityType.STUDY_TOUR,
        starts_at=NINE,
        ends_at=NINE + timedelta(hours=3),
        state=ActivityState.PUBLISHED,
    )
    as_role("organiser")
    reason = _refused(_move(client, event, tour, room_id=rooms["small"], start="14:00"))
    assert "off-site" in reason
    with app.app_context():
        assert db.session.get(Activity, tour.id).room_id is None


def test_an_activity_kept_to_its_day_is_not_dropped_on_another(
    client, as_role, make, event, rooms, app
):
    forum = _booked(make, event, rooms["small"], "Forum of the 25th", allowed_days="2025-07-25")
    as_role("organiser")
    reason = _refused(_move(client, event, forum, room_id=rooms["small"], day="2025-07-26"))
    assert "2025-07-25" in reason


def test_an_activity_already_breaking_a_rule_can_still_be_changed(
    client, as_role, make, event, hotel, app
):
    """Typed in the form into the big hall: the grid does not lock it where it is."""
    talks = _booked(
        make, event, hotel["grand"], "Cambodia–China talks", type=ActivityType.BILATERAL_MEETING
    )
    as_role("organiser")
    url = f"/events/{event.slug}/schedule/activities/{talks.id}/resize"
    assert client.post(url, json={"minutes": 45, "version": talks.version}).status_code == 200


# 3. A new activity's real length, by kind


@pytest.mark.parametrize(
    ("kind", "minutes"), [("study_tour", 180), ("bilateral_meeting", 45), ("banquet", 120)]
)
def test_a_new_activity_left_without_a_length_gets_its_kinds(
    client, as_role, event, rooms, app, kind, minutes
):
    import sqlalchemy as sa

    as_role("organiser")
    url = f"/events/{event.slug}/schedule/activities/new"
    assert 'name="duration_minutes" type="number" value="90"' not in client.get(url).get_data(
        as_text=True
    )
    form = activity_form("", type=kind, day="", start="", end="", duration_minutes="")
    assert client.post(url, data=form).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(Activity.duration_minutes)) == minutes


# 4. One way to type a time: the forms and the grid's Move dialog


@pytest.mark.parametrize(
    ("typed", "hour"), [("0930", (9, 30)), ("9:30", (9, 30)), ("14:05", (14, 5))]
)
def test_the_form_reads_a_time_as_the_move_dialog_does(
    client, as_role, event, rooms, app, typed, hour
):
    import sqlalchemy as sa

    as_role("organiser")
    url = f"/events/{event.slug}/schedule/activities/new"
    response = client.post(url, data=activity_form(rooms["small"], start=typed, end="1600"))
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        starts = db.session.scalar(sa.select(Activity.starts_at))
        assert (starts.hour + 8, starts.minute) == hour  # Guiyang is UTC+8


def test_a_time_that_is_not_one_gets_the_dialogs_message(client, as_role, event, rooms, app):
    as_role("organiser")
    url = f"/events/{event.slug}/schedule/activities/new"
    page = client.post(url, data=activity_form(rooms["small"], start="2530")).get_data(as_text=True)
    grid = client.get(f"/events/{event.slug}/schedule/grid?day=2025-07-25").get_data(as_text=True)
    message = "Give the time as hours and minutes, e.g. 14:30."
    assert message in page and f'data-invalid-text="{message}"' in grid
    assert 'value="2530"' in page  # what was typed stays


def test_the_dialogs_time_input_is_built_like_the_forms(client, as_role, event, rooms):
    import re

    as_role("organiser")
    grid = client.get(f"/events/{event.slug}/schedule/grid?day=2025-07-25").get_data(as_text=True)
    form = client.get(f"/events/{event.slug}/schedule/activities/new").get_data(as_text=True)
    dialog_input = re.search(r'<input[^>]*id="grid-move-start"[^>]*>', grid).group(0)
    form_input = re.search(r'<input[^>]*id="start"[^>]*>', form).group(0)
    for attribute in ('data-input="time"', 'inputmode="numeric"', 'maxlength="5"', 'type="text"'):
        assert attribute in form_input and attribute in dialog_input


def test_a_refused_drop_says_why_in_chinese(client, as_role, make, event, hotel, app):
    with app.app_context():
        room = db.session.get(Room, hotel["grand"])
        room.name_zh = "大礼堂"
        db.session.commit()
    talks = _booked(
        make, event, hotel["vip"], "Talks", "老中会谈", type=ActivityType.BILATERAL_MEETING
    )
    as_role("organiser")
    response = client.post(
        f"/events/{event.slug}/schedule/activities/{talks.id}/move",
        json={"day": "2025-07-25", "start": "09:00", "version": 1, "room_id": hotel["grand"]},
        headers=ZH,
    )
    reason = _refused(response)
    assert "老中会谈" in reason and "大礼堂" in reason and "贵宾室" in reason
