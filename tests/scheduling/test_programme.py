"""Delegates build an agenda within capacity; feeds follow; pages stay cheap in queries."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from eventhub.extensions import db
from eventhub.registration.models import Status
from eventhub.scheduling.models import (
    Access,
    Activity,
    ActivityState,
    Enrolment,
    EnrolmentStatus,
)


def _activity(make, event, room_id, **values) -> Activity:
    """A published forum open for enrolment, in `room_id`, on 25 July."""
    defaults = {
        "title_en": "Digital Economy Forum",
        "title_zh": "数字经济论坛",
        "room_id": room_id,
        "access": Access.REGISTRATION,
        "state": ActivityState.PUBLISHED,
        "track": "Digital economy",
        "starts_at": datetime(2025, 7, 25, 1, 0, tzinfo=UTC),
        "ends_at": datetime(2025, 7, 25, 2, 30, tzinfo=UTC),
    }
    defaults.update(values)
    return make.activity(event, **defaults)


@pytest.fixture
def delegate(make, event, login):
    """A logged-in approved delegate with a registration, and a way to log in others."""

    def become(name="Somphone"):
        user = make.user(roles={event: "delegate"})
        make.participant(event, user_id=user.id, given_name=name, email=user.email)
        login(user.email)
        return user

    return become


def test_full_activity_waitlists_then_promotes_and_emails(
    app, client, event, rooms, make, outbox, delegate
):
    activity = _activity(make, event, rooms["hall"])  # 2 seats
    url = f"/events/{event.slug}/programme/{activity.id}"
    clients = []
    for n, name in enumerate(["Somphone", "Bounmy", "Chanthy"]):
        other = app.test_client()
        user = make.user(roles={event: "delegate"})
        make.participant(event, user_id=user.id, given_name=name, email=user.email)
        other.post("/auth/login", data={"email": user.email, "password": "correct horse battery"})
        response = other.post(f"{url}/enrol", follow_redirects=True)
        expected = "You have a seat" if n < 2 else "you are on the waiting list"
        assert expected in response.get_data(as_text=True)
        clients.append(other)
    clients[0].post(f"{url}/cancel")
    with app.app_context():
        statuses = dict(
            db.session.execute(sa.select(Enrolment.participant_id, Enrolment.status)).all()
        )
        assert sorted(statuses.values()) == [
            EnrolmentStatus.CANCELLED,
            EnrolmentStatus.ENROLLED,
            EnrolmentStatus.ENROLLED,
        ]
    assert "A seat is yours: Digital Economy Forum" in outbox[-1]["Subject"]


def test_agenda_warns_about_overlaps_and_offers_a_private_feed(
    app, client, event, rooms, delegate, make
):
    first = _activity(make, event, rooms["small"])
    second = _activity(
        make,
        event,
        rooms["auditorium"],
        title_en="Campus Workshop",
        starts_at=datetime(2025, 7, 25, 2, 0, tzinfo=UTC),
        ends_at=datetime(2025, 7, 25, 3, 0, tzinfo=UTC),
    )
    delegate()
    for activity in (first, second):
        client.post(f"/events/{event.slug}/programme/{activity.id}/enrol")
    page = client.get(f"/events/{event.slug}/agenda").get_data(as_text=True)
    assert "Some activities in your agenda overlap" in page
    feed = re.search(r'value="http://eventhub\.test(/events/[^"]+\.ics)"', page).group(1)
    calendar = Calendar.from_ical(app.test_client().get(feed).data)
    titles = sorted(str(item["summary"]) for item in calendar.walk("VEVENT"))
    assert titles == ["Campus Workshop / 数字经济论坛", "Digital Economy Forum / 数字经济论坛"]
    client.post(f"/events/{event.slug}/agenda/feed/renew")
    assert app.test_client().get(feed).status_code == 404


def test_invitation_only_and_unapproved_are_refused(app, client, event, rooms, make, login):
    invite_only = _activity(make, event, rooms["small"], access=Access.INVITATION)
    user = make.user(roles={event: "delegate"})
    make.participant(event, user_id=user.id, status=Status.PENDING, email=user.email)
    login(user.email)
    page = client.post(
        f"/events/{event.slug}/programme/{invite_only.id}/enrol", follow_redirects=True
    ).get_data(as_text=True)
    assert "by invitation only" in page
    open_one = _activity(make, event, rooms["auditorium"], title_en="Open Forum")
    page = client.post(
        f"/events/{event.slug}/programme/{open_one.id}/enrol", follow_redirects=True
    ).get_data(as_text=True)
    assert "Only approved participants can enrol." in page


def test_event_calendar_has_utc_times_and_updates_with_the_timetable(
    app, client, event, rooms, make
):
    activity = _activity(make, event, rooms["small"])
    _activity(make, event, rooms["hall"], title_en="Draft thing", state=ActivityState.DRAFT)
    calendar = Calendar.from_ical(client.get(f"/events/{event.slug}/calendar.ics").data)
    [item] = calendar.walk("VEVENT")
    assert item.decoded("dtstart") == datetime(2025, 7, 25, 1, 0, tzinfo=UTC)
    assert str(calendar["x-wr-timezone"]) == "Asia/Shanghai"
    sequence = int(item["sequence"])
    with app.app_context():
        stored = db.session.get(Activity, activity.id)
        stored.starts_at += timedelta(hours=1)
        stored.ends_at += timedelta(hours=1)
        db.session.commit()
    [moved] = Calendar.from_ical(client.get(f"/events/{event.slug}/calendar.ics").data).walk(
        "VEVENT"
    )
    assert moved.decoded("dtstart") == datetime(2025, 7, 25, 2, 0, tzinfo=UTC)
    assert int(moved["sequence"]) > sequence
    room_feed = client.get(f"/events/{event.slug}/rooms/{rooms['small']}/calendar.ics")
    assert b"Digital Economy Forum" in room_feed.data


def test_api_lists_published_activities_with_offsets(app, client, event, rooms, make):
    _activity(make, event, rooms["small"])
    _activity(
        make,
        event,
        rooms["hall"],
        title_en="Other day",
        starts_at=datetime(2025, 7, 26, 1, 0, tzinfo=UTC),
        ends_at=datetime(2025, 7, 26, 2, 0, tzinfo=UTC),
    )
    token = (
        app.test_cli_runner()
        .invoke(
            args=["create-token", "--role", "staff", "--event", event.slug, "--all-checkpoints"]
        )
        .stdout.split()[0]
    )
    headers = {"Authorization": f"Bearer {token}"}
    body = client.get(
        f"/api/v1/events/{event.slug}/activities?day=2025-07-25", headers=headers
    ).get_json()
    assert [a["title_en"] for a in body] == ["Digital Economy Forum"]
    assert body[0]["starts_at"] == "2025-07-25T09:00:00+08:00"
    assert body[0]["room"]["name"] == "Meeting Room 1" and body[0]["capacity"] == 60
    bad = client.get(f"/api/v1/events/{event.slug}/activities?day=25/07", headers=headers)
    assert bad.status_code == 422


def test_programme_and_grid_need_a_fixed_number_of_queries(
    app, client, as_role, event, rooms, make, connection
):
    as_role("organiser")
    counted = []

    def count(*_args, **_kwargs):
        counted.append(1)

    def queries(url: str) -> int:
        counted.clear()
        sa.event.listen(connection, "before_cursor_execute", count)
        try:
            assert client.get(url).status_code == 200
        finally:
            sa.event.remove(connection, "before_cursor_execute", count)
        return len(counted)

    def add(n: int) -> None:
        for i in range(n):
            speaker = make.participant(event, given_name=f"Speaker {chr(65 + i % 26)}")
            _activity(
                make,
                event,
                rooms["small"],
                title_en=f"Forum {i}",
                starts_at=datetime(2025, 7, 24, i % 12, 0, tzinfo=UTC),
                ends_at=datetime(2025, 7, 24, i % 12, 30, tzinfo=UTC),
                speakers=[speaker],
            )

    add(3)
    small = {
        url: queries(url)
        for url in (
            f"/events/{event.slug}/programme",
            f"/events/{event.slug}/schedule/grid?day=2025-07-24",
            f"/events/{event.slug}/schedule/",
        )
    }
    add(12)
    for url, before in small.items():
        assert queries(url) == before, url


def test_agenda_api_uses_the_session_and_needs_the_csrf_header(
    make, client, event, rooms, delegate
):
    activity = _activity(make, event, rooms["small"])
    url = f"/api/v1/events/{event.slug}/activities/{activity.id}/enrolment"
    assert client.put(url).status_code == 401
    delegate()
    assert client.put(url).status_code == 400  # no CSRF header
    page = client.get(f"/events/{event.slug}/agenda").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.put(url, headers={"X-CSRFToken": token})
    assert response.status_code == 200 and response.get_json() == {"status": "enrolled"}
    agenda = client.get(f"/api/v1/events/{event.slug}/agenda").get_json()
    assert agenda[0]["starts_at"] == "2025-07-25T09:00:00+08:00"
    left = client.delete(url, headers={"X-CSRFToken": token})
    assert left.get_json() == {"status": "cancelled"}
    draft = _activity(make, event, rooms["hall"], title_en="Not yet", state=ActivityState.DRAFT)
    refused = client.put(
        f"/api/v1/events/{event.slug}/activities/{draft.id}/enrolment",
        headers={"X-CSRFToken": token},
    )
    assert refused.status_code == 409
    assert refused.get_json()["message"] == "This activity is not open for enrolment."


def test_programme_prints_as_a_bilingual_pdf(make, client, event, rooms):
    import io

    from pypdf import PdfReader

    _activity(make, event, rooms["small"])
    response = client.get(f"/events/{event.slug}/programme.pdf")
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert "Digital Economy Forum" in text and "数字经济论坛" in text and "09:00–10:30" in text


def test_organisers_invite_to_invitation_only_activities(app, client, as_role, event, rooms, make):
    banquet = _activity(
        make, event, rooms["small"], title_en="Welcome Banquet", access=Access.INVITATION
    )
    guest = make.participant(event, given_name="Bounmy")
    as_role("organiser")
    response = client.post(
        f"/events/{event.slug}/schedule/activities/{banquet.id}/invite",
        data={"participant_id": guest.id},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Bounmy KEOMANY is invited (Enrolled)." in page
    assert "Bounmy KEOMANY · Enrolled · invited" in page
    with app.app_context():
        enrolment = db.session.scalar(sa.select(Enrolment))
        assert enrolment.invited and enrolment.status == EnrolmentStatus.ENROLLED


def test_more_seats_move_the_waiting_list_up_and_email_them(
    app, client, as_role, event, rooms, make, outbox
):
    from eventhub.scheduling.enrolments import enrol

    activity = _activity(make, event, rooms["small"], capacity=1)
    people = [
        make.participant(event, given_name=n, email=f"{n.lower()}@example.la")
        for n in ("First", "Second", "Third")
    ]
    with app.app_context():
        stored = db.session.get(Activity, activity.id)
        for person in people:
            enrol(stored, db.session.get(type(person), person.id))
        db.session.commit()
        version = stored.version
    as_role("organiser")
    client.post(
        f"/events/{event.slug}/schedule/activities/{activity.id}",
        data={
            "title_en": "Digital Economy Forum",
            "type": "forum",
            "day": "2025-07-25",
            "start": "09:00",
            "end": "10:30",
            "room_id": str(rooms["small"]),
            "capacity": "2",
            "access": "registration",
            "state": "published",
            "version": str(version),
            "duration_minutes": "90",
        },
    )
    with app.app_context():
        statuses = dict(
            db.session.execute(sa.select(Enrolment.participant_id, Enrolment.status)).all()
        )
    assert statuses[people[1].id] == EnrolmentStatus.ENROLLED
    assert statuses[people[2].id] == EnrolmentStatus.WAITLISTED
    assert outbox[-1]["To"] == "second@example.la"


def test_a_second_leave_promotes_nobody_else(app, event, rooms, make):
    from eventhub.scheduling.enrolments import cancel_enrolment, enrol

    activity = _activity(make, event, rooms["hall"])  # 2 seats
    people = [make.participant(event, given_name=n) for n in ("A", "B", "C", "D")]
    with app.app_context():
        stored = db.session.get(Activity, activity.id)
        enrolments = [enrol(stored, db.session.get(type(p), p.id)) for p in people]
        db.session.commit()
        assert [e.status for e in enrolments].count(EnrolmentStatus.WAITLISTED) == 2
        assert [p.participant_id for p in cancel_enrolment(enrolments[0])] == [people[2].id]
        assert cancel_enrolment(enrolments[0]) == []  # already left
        db.session.commit()
        counts = dict(
            db.session.execute(
                sa.select(Enrolment.status, sa.func.count()).group_by(Enrolment.status)
            ).all()
        )
        assert counts[EnrolmentStatus.ENROLLED] == 2


def test_cancelled_activities_show_in_agendas_and_leave_calendars(
    app, client, event, rooms, delegate, make
):
    activity = _activity(make, event, rooms["small"])
    delegate()
    client.post(f"/events/{event.slug}/programme/{activity.id}/enrol")
    with app.app_context():
        db.session.get(Activity, activity.id).state = ActivityState.CANCELLED
        db.session.commit()
    page = client.get(f"/events/{event.slug}/agenda").get_data(as_text=True)
    assert "Cancelled by the organisers" in page
    calendar = Calendar.from_ical(client.get(f"/events/{event.slug}/calendar.ics").data)
    [item] = calendar.walk("VEVENT")
    assert str(item["status"]) == "CANCELLED"


def test_invited_people_may_come_back_and_withdrawn_feeds_stop(
    app, client, event, rooms, delegate, make
):
    from eventhub.registration.models import Participant
    from eventhub.scheduling.enrolments import enrol

    banquet = _activity(make, event, rooms["small"], title_en="Banquet", access=Access.INVITATION)
    user = delegate()
    with app.app_context():
        me = db.session.scalar(sa.select(Participant).where(Participant.user_id == user.id))
        enrol(db.session.get(Activity, banquet.id), me, invited=True)
        db.session.commit()
    url = f"/events/{event.slug}/programme/{banquet.id}"
    client.post(f"{url}/cancel")
    page = client.post(f"{url}/enrol", follow_redirects=True).get_data(as_text=True)
    assert "You have a seat at Banquet." in page
    feed = re.search(
        r'value="http://eventhub\.test(/events/[^"]+\.ics)"',
        client.get(f"/events/{event.slug}/agenda").get_data(as_text=True),
    ).group(1)
    assert client.get(feed).status_code == 200
    with app.app_context():
        db.session.get(Participant, me.id).status = Status.WITHDRAWN
        db.session.commit()
    assert client.get(feed).status_code == 404
