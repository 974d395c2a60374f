"""An organiser copies the week as its next edition from the settings page, with the
keyboard, and is told what to fix without losing what they typed."""

from __future__ import annotations

import pytest

from .conftest import ARTIFACTS, ORGANISER

pytestmark = pytest.mark.browser


def test_organiser_copies_the_week_as_the_next_edition(live_server, page):
    base = live_server.base_url
    page.goto(f"{base}/auth/login")
    page.get_by_label("Email").fill(ORGANISER[0])
    page.get_by_label("Password").fill(ORGANISER[1])
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/events/caecw-2025/settings")
    page.get_by_role("link", name="Copy as the next edition").click()
    page.wait_for_url(f"{base}/events/caecw-2025/next-edition")
    # The proposal keeps the weekday; the address of this week is refused with a reason.
    page.get_by_label("Name in English").fill("Exchange Week, live")
    page.get_by_label("Web address (slug)").fill("caecw-2025")
    page.get_by_role("button", name="Copy as the next edition").click()
    assert page.get_by_text("Another event already uses this address.").first.is_visible()
    assert page.get_by_label("Name in English").input_value() == "Exchange Week, live"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "next-edition-error.png"), full_page=True)
    page.get_by_label("Web address (slug)").fill("caecw-next-edition")
    page.get_by_label("Web address (slug)").press("Enter")
    page.wait_for_url(f"{base}/events/caecw-next-edition/")
    assert "is ready" in page.locator(".alert").first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "next-edition-made.png"), full_page=True)
