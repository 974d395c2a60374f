"""A person's agenda and feed list their official duties (speaker, VIP guest, signatory,
witness) beside the activities they enrolled in."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from eventhub.extensions import db
from eventhub.scheduling.models import (
    ActivityPerson,
    ActivityRole,
    ActivityState,
    ActivityType,
    Enrolment,
    EnrolmentStatus,
)


@pytest.fixture
def head(app, make, event, rooms, login):
    """A head of delegation, logged in: a VIP guest at the opening, witness at one signing,
    signatory at another, speaker at a forum, enrolled in a tour; signatory at a ceremony
    still in draft, and at nothing else."""
    user = make.user(roles={event: "head_of_delegation"})
    me = make.participant(
        event, user_id=user.id, email=user.email, given_name="Bounthanh", family_name="PHOMMA"
    )
    other = make.participant(event, given_name="Other")

    def activity(title, kind, day, hour, **values):
        return make.activity(
            event,
            title_en=title,
            type=kind,
            room_id=rooms["small"],
            state=values.pop("state", ActivityState.PUBLISHED),
            starts_at=datetime(2025, 7, day, hour - 8, 0, tzinfo=UTC),
            ends_at=datetime(2025, 7, day, hour - 7, 0, tzinfo=UTC),
            **values,
        )

    opening = activity("Opening Ceremony", ActivityType.OPENING_CEREMONY, 24, 9)
    witnessed = activity("Rail Signing Ceremony", ActivityType.SIGNING_CEREMONY, 25, 10)
    signed = activity("Education Signing Ceremony", ActivityType.SIGNING_CEREMONY, 25, 15)
    make.activity(  # a forum he speaks at
        event,
        title_en="Digital Economy Forum",
        room_id=rooms["auditorium"],
        state=ActivityState.PUBLISHED,
        starts_at=datetime(2025, 7, 26, 1, 0, tzinfo=UTC),
        ends_at=datetime(2025, 7, 26, 2, 0, tzinfo=UTC),
        speakers=[me],
    )
    tour = activity("Big Data Tour", ActivityType.STUDY_TOUR, 27, 9)
    draft = activity(
        "Draft Signing Ceremony", ActivityType.SIGNING_CEREMONY, 27, 15, state=ActivityState.DRAFT
    )
    make.agreement(event, signatories=[other], witnesses=[me], ceremony_id=witnessed.id)
    make.agreement(event, signatories=[me, other], ceremony_id=signed.id)
    make.agreement(event, signatories=[me], ceremony_id=draft.id)
    with app.app_context():
        db.session.add_all(
            [
                ActivityPerson(
                    activity_id=opening.id, participant_id=me.id, role=ActivityRole.REQUIRED_VIP
                ),
                Enrolment(
                    activity_id=tour.id, participant_id=me.id, status=EnrolmentStatus.ENROLLED
                ),
            ]
        )
        db.session.commit()
    login(user.email)
    return me


def _items(page: str) -> dict[str, str]:
    """The agenda's entries, by activity title."""
    found = {}
    for item in re.findall(r"<li class=\"list-group-item.*?</li>", page, re.S):
        for title in (
            "Opening Ceremony",
            "Rail Signing Ceremony",
            "Education Signing Ceremony",
            "Digital Economy Forum",
            "Big Data Tour",
            "Draft Signing Ceremony",
        ):
            if title in item:
                found[title] = item
    return found


def test_the_heads_agenda_shows_his_duties_beside_his_enrolments(client, event, head):
    page = client.get(f"/events/{event.slug}/agenda").get_data(as_text=True)
    items = _items(page)
    assert "Draft Signing Ceremony" not in page
    assert set(items) == {
        "Opening Ceremony",
        "Rail Signing Ceremony",
        "Education Signing Ceremony",
        "Digital Economy Forum",
        "Big Data Tour",
    }
    assert "VIP guest" in items["Opening Ceremony"]
    assert "Witness" in items["Rail Signing Ceremony"]
    assert "Signatory" in items["Education Signing Ceremony"]
    assert "Speaker" in items["Digital Economy Forum"]
    # A duty is not left like a seat: only the enrolment has a Leave button.
    assert "Leave" in items["Big Data Tour"]
    assert "Leave" not in items["Opening Ceremony"]
    assert "Leave" not in items["Rail Signing Ceremony"]
    # In time order.
    assert page.index("Opening Ceremony") < page.index("Rail Signing Ceremony")
    assert page.index("Digital Economy Forum") < page.index("Big Data Tour")


def test_the_heads_feed_lists_his_duties_and_follows_a_cancellation(app, client, event, head):
    page = client.get(f"/events/{event.slug}/agenda").get_data(as_text=True)
    feed = re.search(r'value="http://eventhub\.test(/events/[^"]+\.ics)"', page).group(1)
    calendar = Calendar.from_ical(app.test_client().get(feed).data)
    summaries = {str(item["summary"]): item for item in calendar.walk("VEVENT")}
    duties = {
        title: next(s for s in summaries if s.startswith(title))
        for title in ("Opening Ceremony", "Rail Signing Ceremony", "Education Signing Ceremony")
    }
    assert "VIP guest" in duties["Opening Ceremony"]
    assert "Witness" in duties["Rail Signing Ceremony"]
    assert "Signatory" in duties["Education Signing Ceremony"]
    assert len(summaries) == 5
    assert not any(s.startswith("Draft") for s in summaries)
    witnessed = summaries[duties["Rail Signing Ceremony"]]
    assert witnessed.decoded("dtstart") == datetime(2025, 7, 25, 2, 0, tzinfo=UTC)
    with app.app_context():
        from eventhub.scheduling.models import Activity

        ceremony = db.session.scalar(
            db.select(Activity).where(Activity.title_en == "Rail Signing Ceremony")
        )
        ceremony.state = ActivityState.CANCELLED
        db.session.commit()
    calendar = Calendar.from_ical(app.test_client().get(feed).data)
    [cancelled] = [
        item
        for item in calendar.walk("VEVENT")
        if str(item["summary"]).startswith("Rail Signing Ceremony")
    ]
    assert str(cancelled["status"]) == "CANCELLED"
    assert int(cancelled["sequence"]) > int(witnessed["sequence"])


def test_the_agenda_and_feed_do_not_read_the_whole_programme(
    app, client, make, event, rooms, head, connection
):
    """Every agenda page and every feed poll: its queries, and the listed people it reads,
    follow the person's own duties, not the number of activities in the event and their
    people. (A signing's signatories come from the ceremonies' receiver, which reads its
    own agreements.)"""

    page = client.get(f"/events/{event.slug}/agenda").get_data(as_text=True)
    feed = re.search(r'value="http://[^/]+(/[^"]+\.ics)"', page).group(1)
    counted, loaded = [], []

    def count(*_args, **_kwargs):
        counted.append(1)

    def load(target, _context):
        loaded.append((type(target).__name__, target.id))

    def reads(url: str) -> tuple[int, int]:
        counted.clear()
        loaded.clear()
        sa.event.listen(connection, "before_cursor_execute", count)
        for model in (ActivityPerson,):
            sa.event.listen(model, "load", load)
        try:
            assert client.get(url).status_code == 200
        finally:
            sa.event.remove(connection, "before_cursor_execute", count)
            for model in (ActivityPerson,):
                sa.event.remove(model, "load", load)
        return len(counted), len(set(loaded))

    urls = (f"/events/{event.slug}/agenda", feed)
    small = {url: reads(url) for url in urls}
    other = make.participant(event, given_name="Someone Else")
    for i in range(12):
        kind = ActivityType.SIGNING_CEREMONY if i % 3 == 0 else ActivityType.FORUM
        activity = make.activity(
            event,
            title_en=f"Other Activity {i}",
            type=kind,
            room_id=rooms["auditorium"],
            state=ActivityState.PUBLISHED,
            starts_at=datetime(2025, 7, 24, i, 0, tzinfo=UTC),
            ends_at=datetime(2025, 7, 24, i, 30, tzinfo=UTC),
            speakers=[other],
        )
        if kind == ActivityType.SIGNING_CEREMONY:
            make.agreement(event, signatories=[other], ceremony_id=activity.id)
    for url, before in small.items():
        assert reads(url) == before, url
