"""An organiser edits and deletes a room (told first what becomes of its activity), and
follows, then cancels, a scheduler run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from eventhub.db import utcnow
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.scheduling.models import (
    Activity,
    ActivityState,
    Room,
    RunState,
    SolverRun,
    Venue,
)

from .conftest import ARTIFACTS, log_in_as_organiser

pytestmark = pytest.mark.browser
SHOTS = ARTIFACTS


def _event(app) -> Event:
    return db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))


def test_a_room_is_renamed_then_deleted_after_saying_what_happens(live_server, page):
    app, base = live_server, live_server.base_url
    with app.app_context():
        venue = Venue(event_id=_event(app).id, name_en="Browser Annex", on_site=False)
        db.session.add(venue)
        db.session.flush()
        room = Room(venue_id=venue.id, name_en="Annex Room 1", capacity=40)
        db.session.add(room)
        db.session.flush()
        db.session.add(
            Activity(
                event_id=venue.event_id,
                title_en="Annex Seminar",
                room_id=room.id,
                capacity=30,
                state=ActivityState.PUBLISHED,
                starts_at=datetime(2025, 7, 26, 2, 0, tzinfo=UTC),
                ends_at=datetime(2025, 7, 26, 3, 0, tzinfo=UTC),
            )
        )
        db.session.commit()
        room_id = room.id
    log_in_as_organiser(page, base)
    page.goto(f"{base}/events/caecw-2025/schedule/venues")
    page.screenshot(path=str(SHOTS / "venues-page.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("link", name="Edit or delete Annex Room 1").click()
    page.get_by_label("Room name").fill("Annex Seminar Room")
    page.get_by_label("Seats").fill("20")  # fewer than the seminar offers: refused
    with page.expect_navigation():
        page.get_by_role("button", name="Save room").click()
    assert "Annex Seminar (30)" in page.locator("#capacity-error").inner_text()
    assert page.get_by_label("Room name").input_value() == "Annex Seminar Room"
    page.get_by_label("Seats").fill("35")
    with page.expect_navigation():
        page.get_by_role("button", name="Save room").click()
    assert page.get_by_role("status").filter(has_text="Room saved.").is_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="Edit or delete Annex Seminar Room").click()
    assert "1 activity is booked here." in page.content()
    assert "Annex Seminar" in page.locator("#affected-activities").inner_text()
    page.screenshot(path=str(SHOTS / "room-edit-delete.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Delete, and take the room from 1 activity").click()
    assert "1 activity has no room now" in page.get_by_role("alert").inner_text()
    page.screenshot(path=str(SHOTS / "venues-after-delete.png"), full_page=True)
    with app.app_context():
        assert db.session.get(Room, room_id) is None
        seminar = db.session.scalar(sa.select(Activity).where(Activity.title_en == "Annex Seminar"))
        assert seminar.room_id is None and seminar.starts_at is not None
        # Gone again: the live server's week is shared with the other browser tests.
        db.session.delete(seminar)
        db.session.execute(sa.delete(Venue).where(Venue.name_en == "Browser Annex"))
        db.session.commit()
    assert page.problems == []


def test_a_running_scheduler_run_shows_its_progress_and_is_cancelled(live_server, page):
    app, base = live_server, live_server.base_url
    with app.app_context():
        run = SolverRun(
            event_id=_event(app).id,
            state=RunState.RUNNING,
            attempts=1,
            heartbeat_at=utcnow(),
            solving_since=utcnow() - timedelta(seconds=3),
            time_limit=8.0,
            solutions=2,
            best_score=12,
        )
        db.session.add(run)
        db.session.commit()
        run_id = run.id
    log_in_as_organiser(page, base)
    page.goto(f"{base}/events/caecw-2025/schedule/auto?run={run_id}")
    status = page.get_by_role("status")
    assert "Searching for a timetable, for at most 8.0 s." in status.inner_text()
    assert "Timetables found so far: 2; best score 12" in status.inner_text()
    # The page asks the run's status and moves the bar on as the seconds pass.
    seconds = page.locator("#run-seconds")
    first = seconds.inner_text()
    assert first.startswith("Time searched: ")
    expect(seconds).not_to_have_text(first, timeout=10_000)
    page.screenshot(path=str(SHOTS / "auto-progress.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Cancel this run").click()
    assert "Scheduler run cancelled." in page.content()
    page.screenshot(path=str(SHOTS / "auto-cancelled.png"), full_page=True)
    with app.app_context():
        run = db.session.get(SolverRun, run_id)
        assert run.state == RunState.CANCELLED
        db.session.delete(run)
        db.session.commit()
    assert page.problems == []
