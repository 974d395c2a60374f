"""A Thai delegate on a phone: the programme's days in the Buddhist Era, and the language
switch of eleven languages used with the keyboard alone, on a 390px wide screen."""

from __future__ import annotations

from datetime import date

import pytest
from babel import Locale
from babel.dates import format_date

from eventhub import ROOT

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "test-artifacts"


def test_a_thai_reader_on_a_phone_reads_buddhist_years_and_switches_language_by_keyboard(
    live_server, browser
):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="th-TH", has_touch=True
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.base_url}/events/caecw-2025/programme")
        assert page.locator("html").get_attribute("lang") == "th"
        day = format_date(date(2025, 7, 25), "full", locale="th")
        day = day.replace("2025", "2568").replace(Locale.parse("th").eras["abbreviated"][1], "พ.ศ.")
        heading = page.get_by_role("heading", name=day)
        assert heading.is_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "thai-programme-phone.png"), full_page=True)
        # Nothing wider than the phone: no sideways scrolling.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

        # The menu button, then the language switch, by keyboard alone.
        page.locator(".navbar-toggler").focus()
        page.keyboard.press("Enter")
        page.locator("#nav-main.show").wait_for()  # opened, not still sliding open
        switch = page.locator("#language-menu")
        switch.wait_for(state="visible")
        switch.focus()
        page.keyboard.press("Enter")
        items = page.locator("[aria-labelledby=language-menu] .dropdown-item")
        items.last.wait_for(state="visible")
        assert items.count() == 11
        for n in range(items.count()):  # each whole on the screen once scrolled to
            items.nth(n).scroll_into_view_if_needed()
            box = items.nth(n).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
            assert items.nth(n).evaluate(
                "e => { const r = e.getBoundingClientRect();"
                " return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === e; }"
            ), items.nth(n).inner_text()
        page.screenshot(path=str(ARTIFACTS / "thai-language-switch-phone.png"), full_page=True)
        for _ in range(12):
            page.keyboard.press("ArrowDown")
            if page.evaluate("document.activeElement.textContent.trim()") == "Tiếng Việt":
                break
        assert page.evaluate("document.activeElement.getAttribute('lang')") == "vi"
        page.keyboard.press("Enter")
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "vi"
        assert page.url.endswith("/events/caecw-2025/programme")
    finally:
        context.close()


def test_a_thai_delegate_reads_their_own_page_in_buddhist_years(live_server, browser):
    from datetime import UTC, datetime

    from eventhub.events.models import Event
    from eventhub.extensions import db
    from eventhub.registration.models import Category, Participant, Status
    from eventhub.registration.own_link import new_access_key

    with live_server.app_context():
        event = db.session.scalar(db.select(Event).filter_by(slug="caecw-2025"))
        person = Participant(
            event_id=event.id,
            family_name="JAIDEE",
            given_name="Somchai",
            native_name="สมชาย ใจดี",
            country_code="TH",
            category=Category.DELEGATE,
            status=Status.APPROVED,
            email="somchai@example.th",
            locale="th",
            arrival_date=date(2025, 7, 23),
            arrival_at=datetime(2025, 7, 23, 6, 35, tzinfo=UTC),
            arrival_flight="TG 612",
            departure_date=date(2025, 7, 28),
        )
        key = new_access_key(person)
        db.session.add(person)
        db.session.commit()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="th-TH")
    page = context.new_page()
    try:
        page.goto(f"{live_server.base_url}/events/caecw-2025/me/{key}")
        text = page.locator("main").inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "thai-own-page.png"), full_page=True)
        assert "2568" in text and "2025" not in text.replace("Week 2025", "")
    finally:
        context.close()
