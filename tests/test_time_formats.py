"""One way to write a time of day per language, on every page that shows one.

Reported: the app showed '5:15 PM–18:45', '7/24/25, 10:15 AM' and '10:15:00 AM China
Standard Time' in different places. A time is CLDR's 24-hour hours-and-minutes form of the
reader's language (the programmes of international meetings use it), a range is
'start–end' in that form, and the event's zone is named once (the page footer), not in
every time.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_skeleton, get_timezone_name

from eventhub.checkin import recording, rules
from eventhub.checkin.models import Checkpoint
from eventhub.extensions import db
from eventhub.scheduling.models import (
    Access,
    ActivityState,
    ActivityType,
    Enrolment,
    EnrolmentStatus,
)

from .checkin.conftest import _code

ZONE = ZoneInfo("Asia/Shanghai")
# 17:15-18:45 in Guiyang on 25 July 2025, the forum every page shows.
START = datetime(2025, 7, 25, 9, 15, tzinfo=UTC)
END = START + timedelta(minutes=90)
SCANNED = datetime(2025, 7, 24, 0, 5, 30, tzinfo=UTC)  # 08:05:30 in Guiyang
# Anything a reader would take for a time of day, in any of the forms CLDR knows.
TIME_LIKE = re.compile(
    r"(?:上午|下午|中午|晚上|凌晨|早上)?\s?\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:\s?[AaPp]\.?\s?[Mm]\.?)?"
    r"(?![\d])"
)
NUMERIC_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{4}/\d{1,2}/\d{1,2}\b")
LOCALES = ["en", "zh_Hans"]


def clock(moment: datetime, locale: str) -> str:
    """The expected time, as Babel writes CLDR's 24-hour hour-minute form in `locale`."""
    return format_skeleton("Hm", moment, tzinfo=ZONE, locale=locale)


def shape(locale: str) -> re.Pattern:
    """Any time in that same form: the expected text with each digit free."""
    return re.compile(re.sub(r"\\d|\d", r"\\d", re.escape(clock(START, locale))))


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&nbsp;", " ")


def assert_one_time_format(html: str, locale: str) -> str:
    text = visible_text(html)
    form = shape(locale)
    odd = [m.group(0).strip() for m in TIME_LIKE.finditer(text)]
    odd = [t for t in odd if not form.fullmatch(t)]
    assert odd == [], f"times not in the form {clock(START, locale)!r}: {odd}"
    assert not NUMERIC_DATE.search(text), NUMERIC_DATE.search(text).group(0)
    for stray in ("AM", "PM", "GMT", "+0800", "上午", "下午"):
        assert not re.search(rf"(?<![A-Za-z]){re.escape(stray)}(?![A-Za-z])", text), stray
    # The zone is named once on a page (its footer), never with every time.
    for zone_name in (
        get_timezone_name(START.astimezone(ZONE), width="long", locale=locale),  # in July
        get_timezone_name(ZONE, width="long", locale=locale),  # in general
    ):
        assert text.count(zone_name) <= 1, zone_name
    return text


@pytest.fixture
def week(app, make, event):
    """A forum 17:15-18:45 with a speaker, a signing ceremony at 10:15, a room named in both
    languages, and a delegate enrolled in the forum."""
    with app.app_context():
        stored = db.session.merge(event)
        stored.registration_opens_at = datetime(2025, 1, 1, tzinfo=UTC)
        stored.registration_closes_at = datetime(2099, 7, 1, 2, 15, tzinfo=UTC)
        db.session.commit()
    venue = make.venue(event, name_en="Eco-Conference Center", name_zh="生态会议中心")
    room = make.room(venue, name_en="Meeting Room 1", name_zh="第一会议室")
    speaker = make.participant(event, family_name="SPEAKER", given_name="Ann")
    forum = make.activity(
        event,
        title_en="Vocational Education Forum",
        title_zh="职业教育论坛",
        starts_at=START,
        ends_at=END,
        room_id=room.id,
        state=ActivityState.PUBLISHED,
        access=Access.REGISTRATION,
        speakers=[speaker],
    )
    ceremony = make.activity(
        event,
        title_en="Signing Ceremony I",
        title_zh="签约仪式（一）",
        type=ActivityType.SIGNING_CEREMONY,
        starts_at=datetime(2025, 7, 26, 2, 15, tzinfo=UTC),
        ends_at=datetime(2025, 7, 26, 3, 45, tzinfo=UTC),
        room_id=room.id,
        state=ActivityState.PUBLISHED,
    )
    return {"forum": forum.id, "ceremony": ceremony.id, "room": room.id, "speaker": speaker.id}


def _delegate(make, app, event, week, locale):
    user = make.user(roles={event: "delegate"}, locale=locale)
    me = make.participant(event, user_id=user.id, email=user.email)
    with app.app_context():
        db.session.add(
            Enrolment(
                activity_id=week["forum"], participant_id=me.id, status=EnrolmentStatus.ENROLLED
            )
        )
        db.session.commit()
    return user


@pytest.mark.parametrize("locale", LOCALES)
def test_programme_activity_ceremony_and_registration_pages_write_times_one_way(
    client, app, make, event, as_role, week, locale
):
    as_role("organiser", locale=locale)
    slug = event.slug
    expected_range = f"{clock(START, locale)}–{clock(END, locale)}"
    programme = assert_one_time_format(client.get(f"/events/{slug}/programme").text, locale)
    assert expected_range in programme
    timetable = assert_one_time_format(client.get(f"/events/{slug}/schedule/").text, locale)
    assert expected_range in timetable
    activity = client.get(f"/events/{slug}/schedule/activities/{week['forum']}")
    assert activity.status_code == 200
    assert_one_time_format(activity.text, locale)
    # Typed and shown the one way too: a browser's own time input shows its language's clock
    # ('05:15 PM' in an American browser), whatever the page's language.
    start_input = re.search(r'<input[^>]*\bname="start"[^>]*>', activity.text).group(0)
    assert 'type="time"' not in start_input
    assert f'value="{clock(START, locale)}"' in start_input
    ceremony = client.get(f"/events/{slug}/ceremonies/{week['ceremony']}")
    assert ceremony.status_code == 200
    text = assert_one_time_format(ceremony.text, locale)
    ceremony_start = datetime(2025, 7, 26, 2, 15, tzinfo=UTC)
    assert (
        f"{clock(ceremony_start, locale)}–{clock(ceremony_start + timedelta(minutes=90), locale)}"
        in text
    )
    register = client.get(f"/events/{slug}/register")
    assert register.status_code == 200
    text = assert_one_time_format(register.text, locale)
    closes = datetime(2099, 7, 1, 2, 15, tzinfo=UTC)
    assert clock(closes, locale) in text  # 10:15 in Guiyang


@pytest.mark.parametrize("locale", LOCALES)
def test_the_agenda_shows_each_activity_as_a_range(client, app, make, event, login, week, locale):
    user = _delegate(make, app, event, week, locale)
    login(user.email)
    page = client.get(f"/events/{event.slug}/agenda")
    assert page.status_code == 200
    text = assert_one_time_format(page.text, locale)
    assert f"{clock(START, locale)}–{clock(END, locale)}" in text


@pytest.mark.parametrize("locale", LOCALES)
def test_the_arrivals_dashboard_writes_times_one_way(client, app, make, event, as_role, locale):
    gate = make.checkpoint(event, slug="main-entrance", name_en="Main entrance", name_zh="主入口")
    minister = make.participant(
        event, family_name="MINISTER", given_name="A", name_order="family", protocol_rank=2
    )
    code = _code(app, minister.id)
    with app.app_context():
        stored = db.session.merge(event)
        recording.record_scan(
            rules.Gate.of(stored, db.session.get(Checkpoint, gate.id)),
            code,
            uuid.uuid4().hex,
            scanned_at=SCANNED,
            device="Gate A",
            now=SCANNED,
        )
        db.session.commit()
    as_role("organiser", locale=locale)
    for url in ("arrivals?day=2025-07-24", "arrivals/figures?day=2025-07-24"):
        page = client.get(f"/events/{event.slug}/checkin/{url}")
        assert page.status_code == 200
        text = assert_one_time_format(page.text, locale)
        assert clock(SCANNED, locale) in text  # the minister arrived at 08:05


def test_the_seat_email_names_the_time_as_a_range_and_the_zone_once(
    app, client, make, event, login, week, outbox
):
    """Read away from the event's pages, the email names the zone once, with the range."""
    forum = make.activity(
        event,
        title_en="Digital Economy Forum",
        starts_at=START,
        ends_at=END,
        room_id=week["room"],
        state=ActivityState.PUBLISHED,
        access=Access.REGISTRATION,
        capacity=1,
    )
    user = make.user(roles={event: "delegate"})
    me = make.participant(event, user_id=user.id, email=user.email)
    waiting = {
        locale: make.participant(event, email=f"seat-{locale}@example.la", locale=locale)
        for locale in LOCALES
    }
    with app.app_context():
        db.session.add(
            Enrolment(activity_id=forum.id, participant_id=me.id, status=EnrolmentStatus.ENROLLED)
        )
        for person in waiting.values():
            db.session.add(
                Enrolment(
                    activity_id=forum.id,
                    participant_id=person.id,
                    status=EnrolmentStatus.WAITLISTED,
                )
            )
        db.session.commit()
    login(user.email)
    client.post(f"/events/{event.slug}/programme/{forum.id}/cancel")
    (message,) = [m for m in outbox if m["To"] == "seat-en@example.la"]
    body = message.get_body(("plain",)).get_content()
    locale = "en"
    zone_name = get_timezone_name(START.astimezone(ZONE), width="long", locale=locale)
    assert f"{clock(START, locale)}–{clock(END, locale)}" in body
    assert body.count(zone_name) == 1
    assert not re.search(r"\d:\d\d:\d\d|\bAM\b|\bPM\b|\+0800", body)
