"""An organiser logs in with the keyboard and sees the event home in both languages."""

from __future__ import annotations

from datetime import date

import pytest
from babel.dates import format_interval
from playwright.sync_api import expect

from .conftest import ARTIFACTS, ORGANISER

pytestmark = pytest.mark.browser


def test_organiser_logs_in_and_sees_the_event_in_english_and_chinese(live_server, page):
    live_server = live_server.base_url
    page.goto(f"{live_server}/events/caecw-2025/")
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("Email").fill(ORGANISER[0])
    page.get_by_label("Password").fill(ORGANISER[1])
    page.keyboard.press("Enter")

    page.wait_for_url(f"{live_server}/events/caecw-2025/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "China-ASEAN Education Cooperation Week 2025"
    )
    registered = page.locator(".key-figures .card", has_text="Registered")
    assert int(registered.locator(".fs-3").inner_text()) >= 6
    assert page.get_by_role("rowheader", name="Lao PDR").count() == 1
    # Bootstrap and its icons come from this server, not from a CDN.
    assert page.evaluate("getComputedStyle(document.querySelector('.navbar')).display") == "flex"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "event-home-en.png"), full_page=True)

    page.get_by_role("button", name="English").click()
    page.get_by_role("link", name="简体中文").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.get_by_role("heading", level=1).inner_text() == "2025中国—东盟教育交流周"
    registered = page.locator(".key-figures .card", has_text="已报名")
    assert int(registered.locator(".fs-3").inner_text()) >= 6
    assert page.get_by_role("rowheader", name="老挝").count() == 1
    # The demo week's dates, in whatever punctuation this CLDR release gives a range.
    expected = format_interval(
        date(2025, 7, 24), date(2025, 7, 27), skeleton="yMMMd", locale="zh_Hans"
    )
    assert "7月24日" in expected and expected in page.locator("header").inner_text()
    page.screenshot(path=str(ARTIFACTS / "event-home-zh.png"), full_page=True)

    assert page.problems == []


def test_wrong_password_is_explained_in_the_browser(live_server, page):
    live_server = live_server.base_url
    page.goto(f"{live_server}/auth/login")
    page.get_by_label("Email").fill(ORGANISER[0])
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Wrong email or password.")).to_be_visible()
    assert page.get_by_label("Email").input_value() == ORGANISER[0]
    assert page.problems == []
