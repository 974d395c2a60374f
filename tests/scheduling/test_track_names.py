"""Track names in the reader's language on the programme and the timetable; the filter by
track keeps working whichever language the reader sees."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from eventhub.scheduling.models import Access, ActivityState

from .conftest import activity_form

ENGLISH, CHINESE = "Vocational education", "职业教育"


def _page(client, url: str, locale: str) -> str:
    language = "zh-CN" if locale == "zh_Hans" else "en"
    return client.get(url, headers={"Accept-Language": language}).get_data(as_text=True)


def _text(client, url: str, locale: str) -> str:
    """What the reader sees: the page without its tags (a filter's value is not shown)."""
    return re.sub(r"<[^>]*>", " ", _page(client, url, locale))


def _published(make, event, room_id, **values):
    defaults = {
        "title_en": "Vocational Education Forum",
        "title_zh": "职业教育论坛",
        "room_id": room_id,
        "access": Access.OPEN,
        "state": ActivityState.PUBLISHED,
        "track": ENGLISH,
        "track_zh": CHINESE,
        "starts_at": datetime(2025, 7, 25, 1, 0, tzinfo=UTC),
        "ends_at": datetime(2025, 7, 25, 2, 30, tzinfo=UTC),
    }
    defaults.update(values)
    return make.activity(event, **defaults)


@pytest.mark.parametrize(
    ("locale", "shown", "hidden"), [("zh_Hans", CHINESE, ENGLISH), ("en", ENGLISH, CHINESE)]
)
@pytest.mark.parametrize("where", ["programme", "schedule/"])
def test_track_is_shown_in_the_readers_language(
    client, as_role, make, event, rooms, locale, shown, hidden, where
):
    _published(make, event, rooms["small"])
    as_role("organiser")
    page = _text(client, f"/events/{event.slug}/{where}", locale)
    assert shown in page and hidden not in page


def test_chinese_reader_sees_the_english_track_when_there_is_no_chinese_one(
    client, as_role, make, event, rooms
):
    _published(make, event, rooms["small"], track_zh="")
    as_role("organiser")
    for where in ("programme", "schedule/"):
        assert ENGLISH in _text(client, f"/events/{event.slug}/{where}", "zh_Hans")


def test_filter_by_track_works_for_a_chinese_reader(client, as_role, make, event, rooms):
    _published(make, event, rooms["small"])
    _published(
        make,
        event,
        rooms["hall"],
        title_en="Digital Economy Forum",
        title_zh="数字经济论坛",
        track="Digital economy",
        track_zh="数字经济",
    )
    as_role("organiser")
    page = _page(client, f"/events/{event.slug}/programme?track={ENGLISH}", "zh_Hans")
    assert "职业教育论坛" in page and "数字经济论坛" not in page
    # The chosen track stays chosen, named in Chinese.
    assert f'<option value="{ENGLISH}" selected>{CHINESE}</option>' in page


def test_activity_form_keeps_the_chinese_track(client, as_role, make, event, rooms):
    as_role("organiser")
    form = activity_form(rooms["small"], track_zh=CHINESE)
    response = client.post(f"/events/{event.slug}/schedule/activities/new", data=form)
    assert response.status_code == 302
    assert CHINESE in _page(client, f"/events/{event.slug}/programme", "zh_Hans")
    edit = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'value="{CHINESE}"' in edit
