"""Times typed and read the one way (17:15), in a browser whose own clock is 12-hour."""

from __future__ import annotations

import re

import pytest

from .conftest import ARTIFACTS, log_in_as_organiser

pytestmark = pytest.mark.browser


def test_an_american_browser_types_and_reads_activity_times_on_the_24_hour_clock(
    live_server, new_page
):
    base = live_server.base_url
    page = new_page("en-US")  # Chromium's own time input would show '05:15 PM' here
    log_in_as_organiser(page, base)
    page.goto(f"{base}/events/caecw-2025/schedule/activities/new")
    page.get_by_label("Title in English").fill("Evening Forum on Time Formats")
    page.get_by_label("Type", exact=True).select_option("forum")
    page.get_by_label("Day", exact=True).fill("2025-07-25")
    page.get_by_label("Starts", exact=True).fill("17:15")
    page.get_by_label("Ends", exact=True).fill("18:45")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r".*/schedule/activities/\d+.*|.*/schedule/.*"))
    page.goto(f"{base}/events/caecw-2025/schedule/")
    link = page.get_by_role("link", name="Evening Forum on Time Formats")
    link.click()
    page.wait_for_load_state()
    assert page.get_by_label("Starts", exact=True).input_value() == "17:15"
    assert page.get_by_label("Ends", exact=True).input_value() == "18:45"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "activity-times-en-US.png"))
    # What the reader sees in the fields is the text itself, not a 12-hour rendering of it.
    shown = page.evaluate(
        "[...document.querySelectorAll('input[data-input=time]')].map(i => i.type)"
    )
    assert shown and set(shown) == {"text"}
    assert "PM" not in page.locator("main").inner_text()
