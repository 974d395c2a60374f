"""Private (invitation-only) activities: hidden from the public programme, feeds and API; seen
by organisers and the people concerned."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from icalendar import Calendar
from pypdf import PdfReader

from eventhub.extensions import db
from eventhub.registration.models import Delegation
from eventhub.scheduling.models import (
    Access,
    Activity,
    ActivityState,
    ActivityType,
    ActivityVisibility,
    Enrolment,
    EnrolmentStatus,
)

from .conftest import activity_form

SECRET_TITLE = "Bilateral Meeting: China and Lao PDR"
SECRET_ROOM = "VIP Room"


@pytest.fixture
def week(make, event):
    """A public forum at 09:00 and a private bilateral at 13:00 in the VIP room (local time)."""
    venue = make.venue(event, name_en="Eco-Conference Center")
    hall = make.room(venue, name_en="Hall 1", capacity=300)
    vip = make.room(venue, name_en=SECRET_ROOM, capacity=12)
    forum = make.activity(
        event,
        title_en="Digital Economy Forum",
        room_id=hall.id,
        state=ActivityState.PUBLISHED,
        starts_at=datetime(2025, 7, 25, 1, 0, tzinfo=UTC),
        ends_at=datetime(2025, 7, 25, 2, 30, tzinfo=UTC),
    )
    bilateral = make.activity(
        event,
        title_en=SECRET_TITLE,
        title_zh="中国—老挝双边会谈",
        type=ActivityType.BILATERAL_MEETING,
        room_id=vip.id,
        access=Access.INVITATION,
        visibility=ActivityVisibility.PRIVATE,
        state=ActivityState.PUBLISHED,
        starts_at=datetime(2025, 7, 25, 5, 0, tzinfo=UTC),
        ends_at=datetime(2025, 7, 25, 5, 35, tzinfo=UTC),
    )
    return {"forum": forum, "bilateral": bilateral, "vip": vip.id}


def _invite(app, activity, participant) -> None:
    with app.app_context():
        db.session.add(
            Enrolment(
                activity_id=activity.id,
                participant_id=participant.id,
                status=EnrolmentStatus.ENROLLED,
                invited=True,
            )
        )
        db.session.commit()


def _person(make, event, login, role="delegate", **values):
    user = make.user(roles={event: role})
    participant = make.participant(event, user_id=user.id, email=user.email, **values)
    login(user.email)
    return user, participant


def _reveals(text: str) -> bool:
    return any(s in text for s in (SECRET_TITLE, "中国—老挝双边会谈", SECRET_ROOM, "13:00"))


def test_anonymous_programme_and_calendars_hide_a_private_activity(client, event, week):
    page = client.get(f"/events/{event.slug}/programme").get_data(as_text=True)
    assert "Digital Economy Forum" in page
    assert not _reveals(page)
    feed = client.get(f"/events/{event.slug}/calendar.ics").get_data(as_text=True)
    assert "Digital Economy Forum" in feed
    assert SECRET_TITLE not in feed and SECRET_ROOM not in feed
    room_feed = client.get(f"/events/{event.slug}/rooms/{week['vip']}/calendar.ics")
    assert room_feed.status_code == 200
    assert "VEVENT" not in room_feed.get_data(as_text=True)
    pdf = client.get(f"/events/{event.slug}/programme.pdf").data
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Digital Economy Forum" in text and "Bilateral" not in text


def test_a_delegate_not_concerned_neither_sees_nor_reaches_it(client, make, event, login, week):
    _person(make, event, login)
    page = client.get(f"/events/{event.slug}/programme").get_data(as_text=True)
    assert "Digital Economy Forum" in page and not _reveals(page)
    bilateral = week["bilateral"]
    assert client.post(f"/events/{event.slug}/programme/{bilateral.id}/enrol").status_code == 404
    agenda = client.get(f"/events/{event.slug}/agenda").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', agenda).group(1)
    response = client.put(
        f"/api/v1/events/{event.slug}/activities/{bilateral.id}/enrolment",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 404


def test_the_invited_delegate_sees_it_in_programme_agenda_and_feed(
    app, client, make, event, login, week
):
    _user, me = _person(make, event, login)
    _invite(app, week["bilateral"], me)
    page = client.get(f"/events/{event.slug}/programme").get_data(as_text=True)
    assert SECRET_TITLE in page and SECRET_ROOM in page
    agenda = client.get(f"/events/{event.slug}/agenda").get_data(as_text=True)
    assert SECRET_TITLE in agenda
    link = re.search(r'value="http://eventhub\.test(/events/[^"]+\.ics)"', agenda).group(1)
    feed = client.get(link)
    summaries = [str(item["summary"]) for item in Calendar.from_ical(feed.data).walk("VEVENT")]
    assert any(SECRET_TITLE in s for s in summaries)
    # The public feed still does not have it.
    assert SECRET_TITLE not in client.get(f"/events/{event.slug}/calendar.ics").get_data(
        as_text=True
    )


def test_the_head_of_the_invited_delegates_delegation_sees_it(
    app, client, make, event, login, week
):
    delegation = make.delegation(event)
    member = make.participant(event, delegation_id=delegation.id)
    _invite(app, week["bilateral"], member)
    _user, head = _person(
        make, event, login, role="head_of_delegation", delegation_id=delegation.id
    )
    with app.app_context():
        db.session.get(Delegation, delegation.id).head_id = head.id
        db.session.commit()
    page = client.get(f"/events/{event.slug}/programme").get_data(as_text=True)
    assert SECRET_TITLE in page


def test_organiser_sees_it_marked_private_and_sets_it_on_the_form(
    app, client, make, event, as_role, week
):
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/programme").get_data(as_text=True)
    assert SECRET_TITLE in page and "Private" in page
    timetable = client.get(f"/events/{event.slug}/schedule/").get_data(as_text=True)
    assert SECRET_TITLE in timetable and "Private" in timetable
    form = client.get(f"/events/{event.slug}/schedule/activities/{week['bilateral'].id}")
    assert re.search(r"<option[^>]*selected[^>]*>Private", form.get_data(as_text=True))

    response = client.post(
        f"/events/{event.slug}/schedule/activities/new",
        data=activity_form(week["vip"], start="16:00", end="17:00", visibility="private"),
    )
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.scalar(
            db.select(Activity).where(Activity.title_en == "Vocational Education Forum")
        )
        assert saved.visibility == ActivityVisibility.PRIVATE
    anonymous = app.test_client()
    assert "Vocational Education Forum" not in anonymous.get(
        f"/events/{event.slug}/programme"
    ).get_data(as_text=True)


def test_api_lists_private_activities_to_organiser_tokens_only(app, client, event, week):
    def listed(role):
        result = app.test_cli_runner().invoke(
            args=[
                "create-token",
                "--role",
                role,
                "--event",
                event.slug,
                "--label",
                "x",
                "--all-checkpoints",
            ]
        )
        token = result.stdout.strip().splitlines()[0]
        response = client.get(
            f"/api/v1/events/{event.slug}/activities",
            headers={"Authorization": f"Bearer {token}"},
        )
        return {a["title_en"]: a.get("visibility") for a in response.get_json()}

    assert SECRET_TITLE not in listed("staff")
    assert listed("organiser")[SECRET_TITLE] == "private"


def test_a_signatory_sees_the_private_signing_ceremony_they_sign_at(
    app, client, make, event, login, week
):
    ceremony = make.activity(
        event,
        title_en="Closed Signing Ceremony",
        type=ActivityType.SIGNING_CEREMONY,
        visibility=ActivityVisibility.PRIVATE,
        state=ActivityState.PUBLISHED,
        starts_at=datetime(2025, 7, 26, 2, 0, tzinfo=UTC),
        ends_at=datetime(2025, 7, 26, 3, 0, tzinfo=UTC),
    )
    _user, signatory = _person(make, event, login)
    make.agreement(event, signatories=[signatory], ceremony_id=ceremony.id)
    page = client.get(f"/events/{event.slug}/programme").get_data(as_text=True)
    assert "Closed Signing Ceremony" in page and SECRET_TITLE not in page


def test_the_scheduler_placing_a_private_meeting_keeps_it_private(app, client, make, event, week):
    from eventhub.auth.models import User
    from eventhub.scheduling.models import Room
    from eventhub.scheduling.timetable import place_all

    pending = make.activity(
        event,
        title_en="Bilateral Meeting: China and Cambodia",
        type=ActivityType.BILATERAL_MEETING,
        visibility=ActivityVisibility.PRIVATE,
        state=ActivityState.PUBLISHED,
    )
    organiser = make.user(roles={event: "organiser"})
    with app.app_context():
        activity = db.session.get(Activity, pending.id)
        place_all(
            db.session.merge(event),
            [
                (
                    activity,
                    datetime(2025, 7, 26, 5, 0, tzinfo=UTC),
                    datetime(2025, 7, 26, 5, 35, tzinfo=UTC),
                    db.session.get(Room, week["vip"]),
                )
            ],
            actor=db.session.get(User, organiser.id),
        )
        db.session.commit()
        assert db.session.get(Activity, pending.id).is_private
    page = client.get(f"/events/{event.slug}/programme").get_data(as_text=True)
    assert "Cambodia" not in page
