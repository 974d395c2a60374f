"""An organiser drags an activity to another room and time on the day x room grid."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from eventhub.auth import services as auth_services
from eventhub.auth.models import Role
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Category, Participant, Status
from eventhub.scheduling.models import (
    Activity,
    ActivityPerson,
    ActivityRole,
    ActivityState,
    Room,
    Venue,
)

from .conftest import ARTIFACTS, ORGANISER, log_in_as_organiser

pytestmark = pytest.mark.browser


def _block(page, title):
    return page.locator(f'.block[data-title="{title}"]')


def _show(*items):
    """Scroll the page to the grid, and the grid so that the earliest of `items` is at its
    top (under the room names): a drag between them then stays in view, as a person's does."""
    tops = [item.evaluate("(e) => e.offsetTop") for item in items]
    items[0].evaluate(
        """(e, top) => {
          const box = e.closest('.grid-scroll');
          box.scrollIntoView({block: 'start', behavior: 'instant'});
          box.scrollTop = top - box.querySelector('.room-head').offsetHeight;
        }""",
        min(tops),
    )


def test_drag_an_activity_to_another_room_and_time(live_server, page):
    base = live_server.base_url
    log_in_as_organiser(page, base)
    page.goto(f"{base}/events/caecw-2025/schedule/grid?day=2025-07-25")
    block = _block(page, "Skills Forum")
    assert "09:00" in block.inner_text()
    target = page.get_by_label("Plan an activity in Hall B at 14:00")
    _show(block, target)
    with page.expect_navigation():
        block.drag_to(target)
    moved = _block(page, "Skills Forum")
    assert "14:00" in moved.inner_text()
    hall_b_column = page.locator(".room-head", has_text="Hall B").get_attribute("class")
    column = next(c for c in hall_b_column.split() if c.startswith("gc-"))
    assert column in moved.get_attribute("class")
    page.screenshot(path=str(ARTIFACTS / "grid-after-move.png"), full_page=True)
    assert page.problems == []


def test_drag_the_bottom_edge_to_lengthen_an_activity(live_server, page):
    base = live_server.base_url
    log_in_as_organiser(page, base)
    page.goto(f"{base}/events/caecw-2025/schedule/grid?day=2025-07-25")
    block = _block(page, "Skills Forum")
    before = int(block.get_attribute("data-minutes"))
    _show(block)
    box = block.locator(".resize").bounding_box()
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
    after = int(_block(page, "Skills Forum").get_attribute("data-minutes"))
    assert after == before + 60
    assert page.problems == []


# --- The grid as an organiser reads and changes it (issue 19, item 12) -------------------
# Its own event, so the moves below disturb no other test: seven rooms (too many for a
# narrow window), two venues with opening hours, speakers, VIPs and one clash.
DAY, NEXT_DAY = "2025-09-02", "2025-09-03"


def _at(hour: int, minute: int = 0) -> datetime:
    """That local time (Asia/Shanghai) on DAY, in UTC."""
    return datetime(2025, 9, 2, hour, minute, tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC)


@pytest.fixture(scope="module")
def grid_week(live_server):
    with live_server.app_context():
        event = Event(
            slug="grid-week",
            name_en="Grid Week",
            name_zh="网格周",
            city_en="Guiyang",
            starts_on=date(2025, 9, 2),
            ends_on=date(2025, 9, 3),
            timezone="Asia/Shanghai",
        )
        db.session.add(event)
        db.session.flush()
        user = auth_services.get_user_by_email(ORGANISER[0])
        auth_services.grant_role(user, event, Role.ORGANISER)
        centre = Venue(
            event_id=event.id, name_en="Grid Centre", opens_at=time(7), closes_at=time(21)
        )
        campus = Venue(
            event_id=event.id, name_en="Old Campus", opens_at=time(8), closes_at=time(18)
        )
        db.session.add_all([centre, campus])
        db.session.flush()
        rooms = {
            name: Room(venue_id=venue.id, name_en=name, capacity=seats)
            for venue, name, seats in (
                (centre, "Plenary Hall", 400),
                (centre, "Room A", 80),
                (centre, "Room B", 80),
                (centre, "Room C", 60),
                (centre, "Room D", 60),
                (centre, "Tiny Room", 20),
                (campus, "Campus Hall", 200),
            )
        }
        db.session.add_all(rooms.values())
        people = {
            family: Participant(
                event_id=event.id,
                family_name=family,
                given_name=given,
                country_code=country,
                category=Category.DELEGATE,
                status=Status.APPROVED,
            )
            for family, given, country in (
                ("LIU", "Wei", "CN"),
                ("SRISUK", "Kanokwan", "TH"),
                ("NGUYEN", "Huong", "VN"),
            )
        }
        db.session.add_all(people.values())
        db.session.flush()

        def activity(title, room, start, end, people_=(), role=ActivityRole.SPEAKER, **values):
            db.session.add(
                Activity(
                    event_id=event.id,
                    title_en=title,
                    room_id=rooms[room].id,
                    starts_at=_at(*start),
                    ends_at=_at(*end),
                    state=ActivityState.PUBLISHED,
                    people=[
                        ActivityPerson(participant_id=people[p].id, role=role) for p in people_
                    ],
                    **values,
                )
            )

        activity(
            "Opening of the Week",
            "Plenary Hall",
            (7, 0),
            (8, 0),
            ["LIU"],
            ActivityRole.REQUIRED_VIP,
        )
        activity("Skills Forum", "Room A", (9, 0), (10, 30), ["SRISUK"])
        activity("Clash Panel One", "Room B", (11, 0), (12, 0), ["NGUYEN"])
        activity("Clash Panel Two", "Room C", (11, 30), (12, 30), ["NGUYEN"])
        activity("Presidents' Roundtable", "Plenary Hall", (14, 0), (15, 30), capacity=150)
        activity("Busy Speaker Talk", "Room D", (12, 0), (13, 0), ["SRISUK"])
        activity("Keyboard Workshop", "Room C", (17, 0), (18, 0))
        activity("Resize Me", "Room B", (18, 0), (19, 0))
        db.session.commit()
    return f"{live_server.base_url}/events/grid-week/schedule/grid?day={DAY}"


def _open(page, live_server, url, *, width=1280, height=900):
    page.set_viewport_size({"width": width, "height": height})
    log_in_as_organiser(page, live_server.base_url)
    page.goto(url)


def test_headers_and_times_stay_in_view_and_the_first_hour_is_not_covered(
    live_server, grid_week, page
):
    # A laptop window too small for the day and the seven rooms: the grid scrolls both ways.
    _open(page, live_server, grid_week, width=900, height=600)
    page.screenshot(path=str(ARTIFACTS / "grid-week-top.png"))
    header = page.locator(".room-head", has_text="Plenary Hall")
    opening = _block(page, "Opening of the Week")
    # The 07:00 activity starts below the room headers, and nothing lies on top of it.
    assert opening.bounding_box()["y"] >= _bottom(header) - 1
    assert page.evaluate(
        "([el]) => { const r = el.getBoundingClientRect();"
        " return el.contains(document.elementFromPoint(r.x + 8, r.y + 4)); }",
        [opening.element_handle()],
    )
    label = page.locator(".slot-label", has_text="07:00")
    assert label.bounding_box()["y"] >= _bottom(header) - 1

    # Scrolling down, then right, over the grid: headers and hours stay where they were.
    top, left = header.bounding_box()["y"], page.locator(".slot-label").first.bounding_box()["x"]
    page.mouse.move(500, 400)
    page.mouse.wheel(0, 700)
    page.wait_for_timeout(300)
    page.mouse.wheel(600, 0)
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / "grid-week-scrolled.png"))
    visible_head = page.locator(".room-head", has_text="Room D")
    assert abs(visible_head.bounding_box()["y"] - top) <= 1
    assert 0 <= visible_head.bounding_box()["y"] < 600
    eleven = page.locator(".slot-label", has_text="12:00")
    assert abs(eleven.bounding_box()["x"] - left) <= 1
    # On a phone-wide window (the rooms far wider than the box), all the way to the last
    # room: the hours are still there.
    page.set_viewport_size({"width": 420, "height": 600})
    page.mouse.move(300, 400)
    page.mouse.wheel(-5000, 0)
    page.wait_for_timeout(300)
    left = eleven.bounding_box()["x"]
    page.mouse.wheel(5000, 0)
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / "grid-week-far-right.png"))
    assert abs(eleven.bounding_box()["x"] - left) <= 1
    assert page.problems == []


def _bottom(locator) -> float:
    box = locator.bounding_box()
    return box["y"] + box["height"]


def test_a_block_shows_its_end_its_people_and_why_it_is_red(live_server, grid_week, page):
    _open(page, live_server, grid_week)
    opening = _block(page, "Opening of the Week").inner_text()
    assert "07:00" in opening and "08:00" in opening and "LIU Wei" in opening
    forum = _block(page, "Skills Forum").inner_text()
    assert "10:30" in forum and "Kanokwan SRISUK" in forum
    clash = _block(page, "Clash Panel One")
    assert "conflict" in clash.get_attribute("class")
    # Not colour alone: the block says what is wrong.
    assert "NGUYEN Huong is needed at" in clash.inner_text()
    assert "conflict" not in _block(page, "Skills Forum").get_attribute("class")
    page.screenshot(path=str(ARTIFACTS / "grid-week-blocks.png"), full_page=True)
    assert page.problems == []


def test_resizing_shows_the_new_end_while_dragging(live_server, grid_week, page):
    _open(page, live_server, grid_week)
    block = _block(page, "Resize Me")
    assert "19:00" in block.inner_text()
    _show(block)
    box = block.locator(".resize").bounding_box()
    quarter = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.timetable-grid')).gridAutoRows)"
    )
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y + 2 * quarter, steps=4)
    assert "19:30" in block.inner_text()  # while the button is still held
    page.screenshot(path=str(ARTIFACTS / "grid-week-resizing.png"))
    with page.expect_navigation():
        page.mouse.up()
    assert "19:30" in _block(page, "Resize Me").inner_text()
    assert page.problems == []


def test_a_refused_drop_says_why_in_a_live_region(live_server, grid_week, page):
    _open(page, live_server, grid_week)
    status = page.get_by_role("status")

    alerts = []
    page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))

    def drop(title, room, at):
        block, slot = _block(page, title), page.get_by_label(f"Plan an activity in {room} at {at}")
        _show(block, slot)
        before = status.text_content()
        with page.expect_response(lambda r: r.url.endswith("/move")) as answer:
            block.drag_to(slot)
        assert answer.value.status == 409
        # The answer's reason, not the one before it still on the screen.
        page.wait_for_function(
            "was => { const t = document.querySelector('[role=status]').textContent.trim();"
            " return t !== '' && t !== was.trim(); }",
            arg=before,
        )
        return status.inner_text()

    # Room too small: 150 seats offered, 20 in the room.
    reason = drop("Presidents' Roundtable", "Tiny Room", "14:00")
    assert "Tiny Room" in reason and "20 seats" in reason
    # A person busy elsewhere.
    assert "Kanokwan SRISUK is needed at" in drop("Busy Speaker Talk", "Room B", "10:00")
    # Outside the venue's hours.
    assert "opening hours of Old Campus" in drop("Busy Speaker Talk", "Campus Hall", "07:00")
    expect(status).to_be_visible()
    assert status.bounding_box()["height"] > 10  # read on the screen too, not only aloud
    page.screenshot(path=str(ARTIFACTS / "grid-week-refused.png"))
    page.reload()
    assert "14:00" in _block(page, "Presidents' Roundtable").inner_text()  # nothing moved
    assert alerts == []  # no pop-up to dismiss before going on
    assert _refusals_aside(page.problems) == []


def test_every_drag_has_a_keyboard_alternative(live_server, grid_week, page):
    _open(page, live_server, grid_week)
    link = _block(page, "Keyboard Workshop").get_by_role("link")
    link.focus()
    page.keyboard.press("Tab")
    move = page.get_by_role("button", name="Move… Keyboard Workshop")
    expect(move).to_be_focused()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Day").select_option(NEXT_DAY)
    dialog.get_by_label("Starts").fill("10:00")
    dialog.get_by_label("Room").select_option(label="Grid Centre · Room D (60)")
    dialog.get_by_role("button", name="Longer").press("Enter")
    dialog.get_by_role("button", name="Longer").press("Enter")
    expect(dialog).to_contain_text("11:30")  # the new end, before saving
    dialog.get_by_role("button", name="Shorter").press("Enter")
    page.screenshot(path=str(ARTIFACTS / "grid-week-move-dialog.png"))
    with page.expect_navigation():
        dialog.get_by_role("button", name="Save").press("Enter")
    assert f"day={NEXT_DAY}" in page.url
    moved = _block(page, "Keyboard Workshop")
    assert "10:00" in moved.inner_text() and "11:15" in moved.inner_text()
    room_d = page.locator(".room-head", has_text="Room D").get_attribute("class")
    column = next(c for c in room_d.split() if c.startswith("gc-"))
    assert column in moved.get_attribute("class").split()
    expect(page.get_by_role("status")).to_contain_text("Keyboard Workshop")
    assert page.problems == []


def test_a_refused_keyboard_move_says_why_and_keeps_the_form(live_server, grid_week, page):
    _open(page, live_server, grid_week)
    page.get_by_role("button", name="Move… Busy Speaker Talk").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Starts").fill("25:00")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_role("alert")).to_contain_text("Give the time as hours and minutes")
    dialog.get_by_label("Starts").fill("9:30")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_role("alert")).to_contain_text("Kanokwan SRISUK is needed at")
    expect(dialog.get_by_label("Starts")).to_have_value("9:30")
    assert _refusals_aside(page.problems) == []


def test_clicking_an_empty_slot_opens_the_form_for_that_slot(live_server, grid_week, page):
    _open(page, live_server, grid_week)
    with page.expect_navigation():
        page.get_by_label("Plan an activity in Room C at 10:30").click()
    assert page.get_by_label("Day", exact=True).input_value() == DAY
    assert page.get_by_label("Starts").input_value() == "10:30"
    assert page.get_by_label("Ends").input_value() == "12:00"
    room = page.get_by_label("Room", exact=True)
    assert room.locator("option:checked").inner_text() == "Grid Centre · Room C (60)"
    # The kind is the organiser's choice, not a silent "Forum".
    assert page.get_by_label("Type").input_value() == ""
    assert page.problems == []


def _refusals_aside(problems):
    """The page's problems but the refusals (409) the test asked for."""
    return [p for p in problems if not p.startswith("409") and "(CONFLICT)" not in p]
