"""The venue address in the reader's language: Chinese readers see the Chinese one, or the
English one when the organisers gave none."""

from __future__ import annotations

import pytest

from tests.events.test_events import FORM

ENGLISH = "Guiyang International Eco-Conference Center, Guanshanhu District"
CHINESE = "中国贵州省贵阳市观山湖区贵阳国际生态会议中心"


def _home(client, event, locale: str) -> str:
    headers = {"Accept-Language": "zh-CN"} if locale == "zh_Hans" else {"Accept-Language": "en"}
    return client.get(f"/events/{event.slug}/", headers=headers).get_data(as_text=True)


@pytest.mark.parametrize(
    ("locale", "shown", "hidden"), [("zh_Hans", CHINESE, ENGLISH), ("en", ENGLISH, CHINESE)]
)
def test_event_home_shows_the_address_in_the_readers_language(
    client, login, make, locale, shown, hidden
):
    event = make.event(venue_address=ENGLISH, venue_address_zh=CHINESE)
    login(make.user(roles={event: "delegate"}).email)
    page = _home(client, event, locale)
    assert shown in page and hidden not in page


def test_chinese_reader_sees_the_english_address_when_there_is_no_chinese_one(client, login, make):
    event = make.event(venue_address=ENGLISH)
    login(make.user(roles={event: "delegate"}).email)
    assert ENGLISH in _home(client, event, "zh_Hans")


def test_settings_keep_the_chinese_address(client, as_role, event, app):
    as_role("organiser")
    form = dict(FORM, slug=event.slug, venue_address=ENGLISH, venue_address_zh=CHINESE)
    response = client.post(f"/events/{event.slug}/settings", data=form, follow_redirects=True)
    assert "Settings saved." in response.get_data(as_text=True)
    settings = client.get(f"/events/{event.slug}/settings").get_data(as_text=True)
    assert CHINESE in settings
    assert CHINESE in _home(client, event, "zh_Hans")
