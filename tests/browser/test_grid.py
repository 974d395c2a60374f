"""An organiser drags an activity to another room and time on the day x room grid."""

from __future__ import annotations

import pytest

from .conftest import ARTIFACTS, log_in_as_organiser

pytestmark = pytest.mark.browser


def test_drag_an_activity_to_another_room_and_time(live_server, page):
    base = live_server.base_url
    log_in_as_organiser(page, base)
    page.goto(f"{base}/events/caecw-2025/schedule/grid?day=2025-07-25")
    block = page.locator(".block", has_text="Skills Forum")
    assert "09:00" in block.inner_text()
    target = page.get_by_label("Plan an activity in Hall B at 14:00")
    with page.expect_navigation():
        block.drag_to(target)
    moved = page.locator(".block", has_text="Skills Forum")
    assert "14:00" in moved.inner_text()
    hall_b_column = page.get_by_role("columnheader", name="Hall B").get_attribute("class")
    column = next(c for c in hall_b_column.split() if c.startswith("gc-"))
    assert column in moved.get_attribute("class")
    page.screenshot(path=str(ARTIFACTS / "grid-after-move.png"), full_page=True)
    assert page.problems == []


def test_drag_the_bottom_edge_to_lengthen_an_activity(live_server, page):
    base = live_server.base_url
    log_in_as_organiser(page, base)
    page.goto(f"{base}/events/caecw-2025/schedule/grid?day=2025-07-25")
    handle = page.locator(".block", has_text="Skills Forum").locator(".resize")
    before = int(handle.get_attribute("data-minutes"))
    box = handle.bounding_box()
    quarter = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.timetable-grid')).gridAutoRows)"
    )
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    with page.expect_navigation():
        page.mouse.move(
            box["x"] + box["width"] / 2, box["y"] + box["height"] / 2 + 4 * quarter, steps=5
        )
        page.mouse.up()
    after = int(
        page.locator(".block", has_text="Skills Forum")
        .locator(".resize")
        .get_attribute("data-minutes")
    )
    assert after == before + 60
    assert page.problems == []
