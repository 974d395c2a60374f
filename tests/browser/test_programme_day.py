"""An organiser sets the programme's day in the event settings with the keyboard: the
hours are on the event's clock, and a lunch ending before it starts is refused by name
with what was typed kept (nothing is saved, so the shared week keeps its hours)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import log_in_as_organiser

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-explain")


def test_organiser_is_told_when_lunch_ends_before_it_starts(live_server, page):
    base = live_server.base_url
    log_in_as_organiser(page, base)
    page.goto(f"{base}/events/caecw-2025/settings")
    group = page.get_by_role("group", name="Programme day")
    assert group.get_by_label("Programme starts each day at").input_value() == "08:30"
    assert "Asia/Shanghai" in group.inner_text()
    group.get_by_label("Lunch from").fill("12:30")
    group.get_by_label("Lunch until").fill("11:00")
    group.get_by_label("Lunch until").press("Enter")
    page.wait_for_load_state()
    assert page.get_by_text("Lunch must end after it starts.").is_visible()
    assert page.get_by_label("Lunch until").input_value() == "11:00"
    assert page.get_by_label("Lunch from").input_value() == "12:30"
    SHOTS.mkdir(exist_ok=True)
    page.get_by_role("group", name="Programme day").screenshot(path=str(SHOTS / "settings.png"))
    page.goto(f"{base}/events/caecw-2025/settings")
    assert page.get_by_label("Lunch until").input_value() == "14:00"  # nothing saved
