"""What leaves the timetable in other forms: the printed programme, conflict messages in the
reader's language, calendar files."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime, time, timedelta

import pytest

from eventhub.scheduling.models import ActivityState


@pytest.fixture
def booked_twice(make, event):
    """Two forums in one room at once, in a venue whose hours they overrun, named in both
    languages."""
    venue = make.venue(
        event,
        name_en="Eco-Conference Center",
        name_zh="生态会议中心",
        opens_at=time(8, 0),
        closes_at=time(18, 0),
    )
    room = make.room(venue, name_en="Meeting Room 1", name_zh="第一会议室")
    start = datetime(2025, 7, 25, 9, 15, tzinfo=UTC)  # 17:15 in Guiyang
    for english, chinese in (
        ("Vocational Education Forum", "职业教育论坛"),
        ("Digital Economy Forum", "数字经济论坛"),
    ):
        make.activity(
            event,
            title_en=english,
            title_zh=chinese,
            starts_at=start,
            ends_at=start + timedelta(minutes=90),
            room_id=room.id,
            state=ActivityState.PUBLISHED,
        )
    return room


def _conflict_messages(page: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", item)
        for item in re.findall(r'<li class="list-group-item">(.*?)<span', page, re.S)
    ]


def test_conflicts_on_chinese_pages_name_rooms_and_activities_in_chinese(
    client, as_role, event, booked_twice
):
    as_role("organiser", locale="zh_Hans")
    messages = _conflict_messages(client.get(f"/events/{event.slug}/schedule/health").text)
    room = next(m for m in messages if "第一会议室" in m)
    assert "职业教育论坛" in room and "数字经济论坛" in room
    assert "Meeting Room 1" not in room and "Forum" not in room
    hours = next(m for m in messages if "生态会议中心" in m)
    assert "Eco-Conference Center" not in hours


def test_conflicts_on_english_pages_keep_english_names(client, as_role, event, booked_twice):
    as_role("organiser", locale="en")
    messages = _conflict_messages(client.get(f"/events/{event.slug}/schedule/health").text)
    assert any("Meeting Room 1" in m and "Vocational Education Forum" in m for m in messages)
    assert not any("第一会议室" in m for m in messages)


def test_the_printed_programme_numbers_its_pages_and_names_venues_in_both_languages(
    client, make, event, tmp_path
):
    venue = make.venue(event, name_en="Eco-Conference Center", name_zh="生态会议中心")
    room = make.room(venue, name_en="Meeting Room 1", name_zh="第一会议室")
    day = datetime(2025, 7, 24, 1, 0, tzinfo=UTC)  # 09:00 in Guiyang
    for n in range(60):  # more than a page
        start = day + timedelta(days=n % 4, minutes=30 * (n // 4))
        make.activity(
            event,
            title_en=f"Forum {n}",
            title_zh=f"论坛{n}",
            starts_at=start,
            ends_at=start + timedelta(minutes=30),
            room_id=room.id,
            state=ActivityState.PUBLISHED,
        )
    response = client.get(f"/events/{event.slug}/programme.pdf")
    assert response.status_code == 200
    pdf = tmp_path / "programme.pdf"
    pdf.write_bytes(response.data)
    pages = subprocess.run(  # noqa: S603
        ["/usr/bin/pdftotext", "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\f")
    pages = [page for page in pages if page.strip()]
    total = len(pages)
    assert total >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in page
        assert f"第{number}页，共{total}页" in page
    assert "Eco-Conference Center" in pages[0] and "生态会议中心" in pages[0]


def test_calendar_files_say_their_charset_once(client, make, event, login):
    venue = make.venue(event)
    room = make.room(venue)
    start = datetime(2025, 7, 25, 9, 15, tzinfo=UTC)
    make.activity(
        event,
        track="Vocational education",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        room_id=room.id,
        state=ActivityState.PUBLISHED,
    )
    user = make.user(roles={event: "delegate"})
    make.participant(event, user_id=user.id, email=user.email)
    login(user.email)
    agenda = client.get(f"/events/{event.slug}/agenda").text
    own = re.search(r'value="http://eventhub\.test/events/[^/]+/(agenda/[^"]+\.ics)"', agenda)
    for url in (
        own.group(1),
        "calendar.ics",
        f"rooms/{room.id}/calendar.ics",
        "tracks/Vocational education/calendar.ics",
    ):
        response = client.get(f"/events/{event.slug}/{url}")
        assert response.status_code == 200, url
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8", url
        assert response.headers.get_all("Content-Type") == ["text/calendar; charset=utf-8"]
