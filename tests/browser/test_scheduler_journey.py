"""An organiser clears the demo's busiest day, has it proposed again, accepts, and the day
reads like the hand-made programme (issue 19, item 7: the first half of its journey)."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from .conftest import ORGANISER, log_in_as_organiser

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-scheduler")
SLUG = "scheduler-week"


@pytest.fixture(scope="module")
def demo_week(live_server):
    """An event of its own with the demo's venues and 116 activities (the shared event's
    timetable stays as the other journeys expect it)."""
    from eventhub.auth.models import Role, User
    from eventhub.auth.services import grant_role
    from eventhub.demo.programme import build_programme
    from eventhub.events import services as event_services
    from eventhub.extensions import db

    with live_server.app_context():
        event = event_services.create_event(
            {
                "slug": SLUG,
                "name_en": "Scheduler Week",
                "name_zh": "排程周",
                "city_en": "Guiyang",
                "city_zh": "贵阳",
                "venue_address": "Guiyang International Eco-Conference Center",
                "starts_on": date(2025, 7, 24),
                "ends_on": date(2025, 7, 27),
                "timezone": "Asia/Shanghai",
            }
        )
        organiser = db.session.scalar(sa.select(User).filter_by(email=ORGANISER[0]))
        grant_role(organiser, event, Role.ORGANISER)
        build_programme(event, [])
        db.session.commit()
        return event.id


def test_clear_a_day_propose_accept_and_it_reads_like_the_programme(live_server, page, demo_week):
    from eventhub.extensions import db
    from eventhub.scheduling.models import Activity, ActivityType

    SHOTS.mkdir(exist_ok=True)
    base = live_server.base_url
    log_in_as_organiser(page, base)
    page.goto(f"{base}/events/{SLUG}/schedule/auto")
    page.get_by_text("Clear a day to plan it again").click()
    page.get_by_label("Day", exact=True).select_option("2025-07-26")
    with page.expect_navigation():
        page.get_by_role("button", name="Take this day off the timetable").click()
    assert page.get_by_text("45 activities wait for a time.").is_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Propose a timetable").click()
    accept = page.get_by_role("button", name="Accept the proposal")
    accept.wait_for(timeout=60_000)
    scores = page.locator("#rule-scores")
    assert "Bilateral meetings in a VIP room: 3/3" in scores.inner_text()
    assert "Tours and visits off-site, without a room: 4/4" in scores.inner_text()
    assert "Nothing beside a plenary, ceremony or banquet" in scores.inner_text()
    row = page.get_by_role("row", name="Bilateral Meeting: China and Indonesia")
    assert "VIP Room" in row.inner_text()  # before and after
    page.screenshot(path=str(SHOTS / "proposal.png"), full_page=True)
    with page.expect_navigation():
        accept.click()
    assert page.get_by_text("45 activities placed.").is_visible()
    page.screenshot(path=str(SHOTS / "timetable-after.png"), full_page=True)
    assert page.problems == []

    zone = ZoneInfo("Asia/Shanghai")
    with live_server.app_context():
        day = [
            a
            for a in db.session.scalars(sa.select(Activity).where(Activity.event_id == demo_week))
            if a.starts_at and a.starts_at.astimezone(zone).date() == date(2025, 7, 26)
        ]
        assert len(day) == 45
        for activity in day:
            start = activity.starts_at.astimezone(zone).time()
            assert start >= time(8, 30), activity.title_en
            if activity.type == ActivityType.BILATERAL_MEETING:
                assert activity.room.name_en == "VIP Room"
            if activity.type in (ActivityType.STUDY_TOUR, ActivityType.CULTURAL_VISIT):
                assert activity.room_id is None
                assert (activity.ends_at - activity.starts_at).total_seconds() == 3 * 3600
            if activity.type == ActivityType.SIGNING_CEREMONY:
                assert activity.room.name_en == "Signing Hall"
