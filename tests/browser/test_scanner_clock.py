"""What a black-box tester saw on the scanner: times in two zones and two clocks, "1 scans
waiting", and Enter that did not dismiss the verdict although the screen said it would."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from .conftest import ARTIFACTS, log_in_as_organiser
from .test_offline_scanner import _gate_and_codes, _wait

pytestmark = pytest.mark.browser

HAS_ROSTER = "() => Object.keys(localStorage).some(k => k.endsWith(':roster'))"


def _minutes(text: str) -> int:
    hours, minutes = re.search(r"\b(\d\d):(\d\d)\b", text).groups()
    return int(hours) * 60 + int(minutes)


def _scanner(browser, base: str, slug: str, *, timezone_id: str | None = None, chinese=False):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        locale="en-US",  # a 12 h clock by default: the page must not use it
        timezone_id=timezone_id,
        service_workers="block",
    )
    page = context.new_page()
    log_in_as_organiser(page, base)
    # The language is the organiser's own setting, kept across tests: set it each time.
    page.goto(f"{base}/auth/language/{'zh_Hans' if chinese else 'en'}")
    page.goto(f"{base}/events/caecw-2025/checkin/{slug}")
    assert _wait(lambda: page.evaluate(HAS_ROSTER))
    return page


def test_every_time_on_the_scanner_is_the_events_clock(live_server, browser):
    """A phone set to New York at an event in Guiyang: the verdict, the last scans and the
    roster line all tell the same time, the event's, on one 24 h clock."""
    base = live_server.base_url
    first, _second = _gate_and_codes(live_server, "gate-clock")
    page = _scanner(browser, base, "gate-clock", timezone_id="America/New_York")
    try:
        page.evaluate("document.getElementById('scanner').dataset.debounceMs = '0'")
        for expected in ("Admitted", "Already admitted"):
            page.locator("#code").fill(first)
            page.keyboard.press("Enter")
            expect(page.locator("#answer-verdict")).to_have_text(expected)
        reason = page.locator("#answer-reason").inner_text()  # "Already checked in at 06:54 …"
        expect(page.locator("#roster-status")).to_contain_text("synced")
        synced = page.locator("#roster-status").inner_text()
        last = page.locator("#recent li").first.inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "scanner-clock-new-york.png"))
        for text in (synced, last):
            assert not re.search(r"\b[AP]M\b", text), text
        times = [_minutes(text) for text in (reason, synced, last)]
        # The same few seconds, so the same minute (or the next): New York is 12 or 13 h off.
        assert max(times) - min(times) <= 1, (reason, synced, last)
    finally:
        page.context.close()


def test_enter_in_the_empty_field_dismisses_the_verdict(live_server, browser):
    base = live_server.base_url
    first, second = _gate_and_codes(live_server, "gate-enter")
    page = _scanner(browser, base, "gate-enter")
    try:
        page.locator("#code").fill(first)
        page.keyboard.press("Enter")
        expect(page.locator("#answer-verdict")).to_have_text("Admitted")
        expect(page.locator("#answer")).to_be_visible()
        expect(page.locator("#code")).to_be_focused()
        page.keyboard.press("Enter")  # "Press Enter or tap to scan the next badge."
        expect(page.locator("#answer")).to_be_hidden()
        page.keyboard.type(second)  # and the next badge is scanned as before
        page.keyboard.press("Enter")
        expect(page.locator("#answer-verdict")).to_have_text("Admitted")
        expect(page.locator("#answer")).to_be_visible()
    finally:
        page.context.close()


@pytest.mark.parametrize(
    ("chinese", "one", "two"),
    [(False, "1 scan waiting", "2 scans waiting"), (True, "1 条扫描待发送", "2 条扫描待发送")],
)
def test_counts_on_the_scanner_agree_with_their_number(live_server, browser, chinese, one, two):
    base = live_server.base_url
    slug = "gate-count-zh" if chinese else "gate-count"
    first, second = _gate_and_codes(live_server, slug)
    page = _scanner(browser, base, slug, chinese=chinese)
    try:
        people = page.evaluate(
            "() => JSON.parse(localStorage[Object.keys(localStorage)"
            ".find(k => k.endsWith(':roster'))]).people.length"
        )
        noun = ("人" if chinese else "person") if people == 1 else ("人" if chinese else "people")
        expect(page.locator("#roster-status")).to_contain_text(f"{people:,} {noun}")
        page.context.set_offline(True)
        page.locator("#code").fill(first)
        page.keyboard.press("Enter")
        expect(page.locator("#network")).to_contain_text(one)
        page.locator("#code").fill(second)
        page.keyboard.press("Enter")
        expect(page.locator("#network")).to_contain_text(two)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"scanner-waiting-{slug}.png"))
    finally:
        page.context.set_offline(False)
        page.goto(f"{base}/auth/language/en")  # the organiser's setting, for the next tests
        page.context.close()


def test_places_left_in_a_room_of_one_place_is_singular(live_server, browser):
    """A room with capacity: "1 place left.", not "1 places left."."""
    from eventhub.checkin.models import Checkpoint
    from eventhub.extensions import db

    base = live_server.base_url
    first, _second = _gate_and_codes(live_server, "gate-room")
    with live_server.app_context():
        checkpoint = db.session.scalar(sa.select(Checkpoint).where(Checkpoint.slug == "gate-room"))
        checkpoint.capacity = 2
        db.session.commit()
    page = _scanner(browser, base, "gate-room")
    try:
        page.locator("#code").fill(first)
        page.keyboard.press("Enter")
        expect(page.locator("#answer-verdict")).to_have_text("Admitted")
        expect(page.locator("#answer-reason")).to_contain_text("1 place left.")
    finally:
        page.context.close()
