"""The grid's Move dialog keeps the scheduler's rules and reads a time as the forms do."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from eventhub.auth import services as auth_services
from eventhub.auth.models import Role
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.scheduling.models import Activity, ActivityState, ActivityType, Room, Venue

from .conftest import ORGANISER, log_in_as_organiser

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-gridrules")


def _at(hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 10, 7, hour, minute, tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC)


@pytest.fixture(scope="module")
def rules_week(live_server):
    with live_server.app_context():
        event = Event(
            slug="grid-rules",
            name_en="Grid Rules Week",
            name_zh="网格规则周",
            city_en="Guiyang",
            starts_on=date(2025, 10, 7),
            ends_on=date(2025, 10, 8),
            timezone="Asia/Shanghai",
        )
        db.session.add(event)
        db.session.flush()
        user = auth_services.get_user_by_email(ORGANISER[0])
        auth_services.grant_role(user, event, Role.ORGANISER)
        venue = Venue(
            event_id=event.id, name_en="Rules Centre", opens_at=time(7), closes_at=time(22)
        )
        db.session.add(venue)
        db.session.flush()
        vip = Room(venue_id=venue.id, name_en="VIP Room", capacity=20, layout="boardroom")
        hall = Room(venue_id=venue.id, name_en="Grand Hall", capacity=600)
        room = Room(venue_id=venue.id, name_en="Room 1", capacity=80)
        db.session.add_all([vip, hall, room])
        db.session.flush()
        for title, kind, where, start in (
            ("Lao–China talks", ActivityType.BILATERAL_MEETING, vip, (10, 0)),
            ("Skills Session", ActivityType.FORUM, room, (9, 0)),
        ):
            db.session.add(
                Activity(
                    event_id=event.id,
                    title_en=title,
                    type=kind,
                    room_id=where.id,
                    starts_at=_at(*start),
                    ends_at=_at(start[0] + 1, start[1]),
                    state=ActivityState.PUBLISHED,
                )
            )
        db.session.commit()
    return f"{live_server.base_url}/events/grid-rules/schedule/grid?day=2025-10-07"


def test_the_move_dialog_refuses_what_the_scheduler_would_never_do(live_server, rules_week, page):
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in_as_organiser(page, live_server.base_url)
    page.goto(rules_week)
    page.get_by_role("button", name="Move… Skills Session").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Starts").fill("1230")  # typed as the forms accept it
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_role("alert")).to_contain_text("run over lunch")
    page.screenshot(path=str(SHOTS / "grid-move-over-lunch.png"))
    page.goto(rules_week)
    page.get_by_role("button", name="Move… Lao–China talks").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Room").select_option(label="Rules Centre · Grand Hall (600)")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_role("alert")).to_contain_text("VIP room")
    page.screenshot(path=str(SHOTS / "grid-move-bilateral.png"))


def test_a_new_activity_shows_the_kinds_usual_length_rule(live_server, rules_week, page):
    SHOTS.mkdir(exist_ok=True)
    log_in_as_organiser(page, live_server.base_url)
    page.goto(f"{live_server.base_url}/events/grid-rules/schedule/activities/new")
    length = page.get_by_label("Duration in minutes (for the scheduler)")
    expect(length).to_have_value("")
    expect(page.locator("#duration_minutes-help")).to_contain_text("tours and visits 180")
    page.get_by_label("Starts").fill("0930")
    page.get_by_label("Ends").fill("25:00")
    page.get_by_label("Title in English").fill("Study tour")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    expect(page.locator("#end-error")).to_contain_text("Give the time as hours and minutes")
    expect(page.get_by_label("Starts")).to_have_value("0930")
    page.screenshot(path=str(SHOTS / "activity-form.png"), full_page=True)
