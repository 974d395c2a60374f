"""A moved or cancelled activity reaches its people: one email each, in their language, after
the change is committed; the calendar feeds follow."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from babel.dates import get_timezone_name
from icalendar import Calendar

from eventhub.extensions import db
from eventhub.registration.models import Status
from eventhub.scheduling.models import (
    Access,
    ActivityPerson,
    ActivityRole,
    ActivityState,
    ActivityType,
    Enrolment,
    EnrolmentStatus,
)

from ..conftest import run_held
from .conftest import activity_form

ZONE = ZoneInfo("Asia/Shanghai")
HOUR = timedelta(hours=1)


@pytest.fixture
def ceremony(app, make, event, rooms):
    """A published signing ceremony on 25 July, 09:00-10:00 local time, in Meeting Room 1,
    with everyone it concerns and some people it does not. Returns (ceremony, {name: email})
    of the people who must hear about a change."""
    activity = make.activity(
        event,
        title_en="Signing Ceremony",
        title_zh="签约仪式",
        type=ActivityType.SIGNING_CEREMONY,
        room_id=rooms["small"],
        access=Access.REGISTRATION,
        capacity=3,  # taken: the waiting list stays
        state=ActivityState.PUBLISHED,
        starts_at=datetime(2025, 7, 25, 1, 0, tzinfo=UTC),
        ends_at=datetime(2025, 7, 25, 2, 0, tzinfo=UTC),
    )

    def person(name, **values):
        return make.participant(
            event, given_name=name, email=f"{name.lower()}@example.la", **values
        )

    enrolled, waiting = person("Enrolled"), person("Waiting")
    speaker = person("Speaker", locale="zh_Hans")
    vip, signatory, witness = person("Vip"), person("Signatory"), person("Witness")
    left, stranger = person("Left"), person("Stranger")
    withdrawn = person("Withdrawn", status=Status.WITHDRAWN)
    with app.app_context():
        db.session.add_all(
            [
                Enrolment(
                    activity_id=activity.id,
                    participant_id=enrolled.id,
                    status=EnrolmentStatus.ENROLLED,
                ),
                Enrolment(
                    activity_id=activity.id,
                    participant_id=waiting.id,
                    status=EnrolmentStatus.WAITLISTED,
                ),
                Enrolment(
                    activity_id=activity.id,
                    participant_id=left.id,
                    status=EnrolmentStatus.CANCELLED,
                ),
                Enrolment(
                    activity_id=activity.id,
                    participant_id=withdrawn.id,
                    status=EnrolmentStatus.ENROLLED,
                ),
                ActivityPerson(
                    activity_id=activity.id, participant_id=speaker.id, role=ActivityRole.SPEAKER
                ),
                ActivityPerson(
                    activity_id=activity.id, participant_id=vip.id, role=ActivityRole.REQUIRED_VIP
                ),
            ]
        )
        db.session.commit()
    # The witness also enrolled and the signatory signs two agreements: still one email each.
    make.agreement(event, signatories=[signatory], witnesses=[witness], ceremony_id=activity.id)
    make.agreement(event, signatories=[signatory], ceremony_id=activity.id)
    with app.app_context():
        db.session.add(
            Enrolment(
                activity_id=activity.id,
                participant_id=witness.id,
                status=EnrolmentStatus.ENROLLED,
            )
        )
        db.session.commit()
    assert stranger.email not in {p.email for p in (enrolled, waiting, speaker, vip)}
    people = {p.given_name: p.email for p in (enrolled, waiting, speaker, vip, signatory, witness)}
    return activity, people


def _move(client, event, activity, **values):
    body = {"day": "2025-07-26", "start": "14:00", "version": activity.version}
    body.update(values)
    return client.post(f"/events/{event.slug}/schedule/activities/{activity.id}/move", json=body)


def _by_recipient(outbox) -> dict:
    return {message["To"]: message for message in outbox}


def test_moving_an_activity_emails_each_person_concerned_once(
    client, as_role, event, rooms, ceremony, outbox
):
    activity, people = ceremony
    as_role("organiser")
    response = _move(client, event, activity, room_id=rooms["auditorium"])
    assert response.status_code == 200, response.get_json()
    assert sorted(m["To"] for m in outbox) == sorted(people.values())
    mail = _by_recipient(outbox)
    english = mail[people["Enrolled"]]
    assert "Signing Ceremony" in english["Subject"]
    body = english.get_content()
    # Old and new time on the event's clock, old and new room.
    assert "09:00" in body and "Meeting Room 1" in body
    assert "14:00" in body and "Auditorium" in body
    # The speaker registered in Chinese: her email is in Chinese.
    chinese = mail[people["Speaker"]]
    assert "签约仪式" in chinese["Subject"]
    assert "签约仪式" in chinese.get_content() and "14:00" in chinese.get_content()


def test_cancelling_an_activity_emails_the_same_people(
    client, as_role, event, rooms, ceremony, outbox
):
    activity, people = ceremony
    as_role("organiser")
    form = activity_form(
        rooms["small"],
        title_en="Signing Ceremony",
        title_zh="签约仪式",
        type="signing_ceremony",
        start="09:00",
        end="10:00",
        capacity="3",
        state="cancelled",
    )
    response = client.post(f"/events/{event.slug}/schedule/activities/{activity.id}", data=form)
    assert response.status_code == 302
    assert sorted(m["To"] for m in outbox) == sorted(people.values())
    mail = _by_recipient(outbox)
    assert "Cancelled" in mail[people["Witness"]]["Subject"]
    # Her subject names it in Chinese (its wording is translated with the catalogue).
    subject = mail[people["Speaker"]]["Subject"]
    assert "签约仪式" in subject and "Signing Ceremony" not in subject
    # The ceremony stays in subscribed calendars, marked cancelled, as a newer copy.
    [item] = Calendar.from_ical(client.get(f"/events/{event.slug}/calendar.ics").data).walk(
        "VEVENT"
    )
    assert str(item["status"]) == "CANCELLED"
    assert int(item["sequence"]) > activity.version


def test_resizing_tells_them_the_new_end(client, as_role, event, ceremony, outbox):
    activity, people = ceremony
    as_role("organiser")
    response = client.post(
        f"/events/{event.slug}/schedule/activities/{activity.id}/resize",
        json={"minutes": 120, "version": activity.version},
    )
    assert response.status_code == 200
    assert sorted(m["To"] for m in outbox) == sorted(people.values())
    assert "11:00" in _by_recipient(outbox)[people["Vip"]].get_content()


def test_no_email_for_changes_people_would_not_notice_or_that_were_refused(
    app, client, as_role, make, event, rooms, ceremony, outbox
):
    activity, _people = ceremony
    as_role("organiser")
    # A new title, same time and room.
    form = activity_form(
        rooms["small"],
        title_en="Signing Ceremony of the Week",
        type="signing_ceremony",
        start="09:00",
        end="10:00",
        capacity="3",
    )
    client.post(f"/events/{event.slug}/schedule/activities/{activity.id}", data=form)
    assert outbox == []
    # A move into a booked room is refused: nobody hears of it.
    make.activity(
        event,
        title_en="Campus Forum",
        room_id=rooms["auditorium"],
        state=ActivityState.PUBLISHED,
        starts_at=datetime(2025, 7, 26, 6, 0, tzinfo=UTC),
        ends_at=datetime(2025, 7, 26, 7, 0, tzinfo=UTC),
    )
    with app.app_context():
        from eventhub.scheduling.models import Activity

        version = db.session.get(Activity, activity.id).version
    refused = _move(client, event, activity, room_id=rooms["auditorium"], version=version)
    assert refused.status_code == 409
    assert outbox == []
    # A draft is nobody's yet: moving it tells no one.
    draft = make.activity(
        event,
        title_en="Draft Forum",
        room_id=rooms["small"],
        starts_at=datetime(2025, 7, 27, 1, 0, tzinfo=UTC),
        ends_at=datetime(2025, 7, 27, 2, 0, tzinfo=UTC),
        speakers=[make.participant(event, email="draft.speaker@example.la")],
    )
    assert _move(client, event, draft, room_id=rooms["small"]).status_code == 200
    assert outbox == []


def test_the_emails_are_written_by_the_job_worker_after_the_commit(
    app, client, as_role, event, rooms, ceremony, outbox, held_jobs
):
    activity, people = ceremony
    as_role("organiser")
    assert _move(client, event, activity, room_id=rooms["auditorium"]).status_code == 200
    # The organiser's request only asked for the job; nothing is written or sent yet.
    assert outbox == []
    assert [task.name for task, _args in held_jobs] == [
        "eventhub.scheduling.change_notices.send_change_notices"
    ]
    run_held(app, held_jobs)  # a worker: no request, no event of its own
    assert sorted(m["To"] for m in outbox) == sorted(people.values())
    body = _by_recipient(outbox)[people["Signatory"]].get_content()
    assert "09:00" in body and "14:00" in body  # still the event's clock


def _lines(body: str, start: str) -> list[str]:
    return [line for line in body.splitlines() if line.startswith(start)]


def test_a_move_with_a_new_length_is_one_email_each_with_the_final_slot(
    client, as_role, event, rooms, ceremony, outbox
):
    """The keyboard Move… dialog changes time, room and length at once: one email each."""
    activity, people = ceremony
    as_role("organiser")
    response = _move(client, event, activity, room_id=rooms["auditorium"], minutes=120)
    assert response.status_code == 200, response.get_json()
    assert sorted(m["To"] for m in outbox) == sorted(people.values())
    body = _by_recipient(outbox)[people["Vip"]].get_content()
    [before], [now] = _lines(body, "Before:"), _lines(body, "Now:")
    assert "09:00–10:00" in before and "Meeting Room 1" in before
    assert "14:00–16:00" in now and "Auditorium" in now


def test_the_email_writes_each_slot_as_a_range_with_the_zone_once(
    client, as_role, event, rooms, ceremony, outbox
):
    activity, people = ceremony
    as_role("organiser")
    assert _move(client, event, activity, room_id=rooms["auditorium"]).status_code == 200
    body = _by_recipient(outbox)[people["Enrolled"]].get_content()
    zone = get_timezone_name(activity.starts_at.astimezone(ZONE), width="long", locale="en")
    for line in _lines(body, "Before:") + _lines(body, "Now:"):
        assert line.count(zone) == 1, line
        assert not line.rstrip().endswith("–"), line
    [before] = _lines(body, "Before:")
    assert "Friday" in before and "09:00–10:00" in before  # the day in full, then the range


def test_a_personal_feed_and_agenda_with_an_untimed_activity_still_answer(
    app, client, make, event, rooms, ceremony, login
):
    """After a day is cleared, a VIP's activity has no time: the feed leaves it out (no
    500) and the agenda says its time is to be announced."""
    activity, people = ceremony
    user = make.user(roles={event: "delegate"})
    with app.app_context():
        from eventhub.registration.models import Participant
        from eventhub.scheduling.models import Activity

        vip = db.session.scalar(sa.select(Participant).where(Participant.email == people["Vip"]))
        vip.user_id = user.id
        stored = db.session.get(Activity, activity.id)
        stored.starts_at = stored.ends_at = None
        stored.room_id = None
        db.session.commit()
    login(user.email)
    page = client.get(f"/events/{event.slug}/agenda")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Signing Ceremony" in text and "Time to be announced" in text
    feed = re.search(r'value="(http[^"]+\.ics)"', text).group(1)
    answer = client.get(feed.split("localhost", 1)[-1])
    assert answer.status_code == 200
    assert Calendar.from_ical(answer.data).walk("VEVENT") == []


def test_clear_propose_accept_tells_each_person_once_from_the_old_slot_to_the_new(
    app, client, as_role, event, rooms, ceremony, outbox
):
    activity, people = ceremony
    as_role("organiser")
    url = f"/events/{event.slug}/schedule/auto"
    cleared = client.post(url, data={"action": "clear", "day": "2025-07-25"})
    assert cleared.status_code == 302
    assert outbox == []  # clearing alone tells nobody yet
    starts = datetime(2025, 7, 25, 6, 0, tzinfo=UTC)  # 14:00 in Guiyang
    placement = f"{activity.id}|{starts.isoformat()}|{(starts + HOUR).isoformat()}|{rooms['hall']}"
    accepted = client.post(url, data={"action": "accept", "placement": placement})
    assert accepted.status_code == 302
    assert sorted(m["To"] for m in outbox) == sorted(people.values())
    body = _by_recipient(outbox)[people["Witness"]].get_content()
    [before], [now] = _lines(body, "Before:"), _lines(body, "Now:")
    assert "09:00–10:00" in before and "Meeting Room 1" in before
    assert "14:00–15:00" in now and "Hall 1" in now


def test_deleting_the_room_of_a_published_activity_tells_its_people(
    app, client, as_role, event, rooms, ceremony, outbox
):
    activity, people = ceremony
    as_role("organiser")
    url = f"/events/{event.slug}/schedule/rooms/{rooms['small']}"
    response = client.post(f"{url}/delete", data={"confirmed": str(activity.id)})
    assert response.status_code == 302
    assert sorted(m["To"] for m in outbox) == sorted(people.values())
    body = _by_recipient(outbox)[people["Enrolled"]].get_content()
    [before], [now] = _lines(body, "Before:"), _lines(body, "Now:")
    assert "Meeting Room 1" in before  # the room is gone, its name is not
    assert "09:00–10:00" in now and "Meeting Room 1" not in now
