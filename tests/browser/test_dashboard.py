"""The arrivals dashboard follows the gates live: a badge scanned while it is open shows up
in its figures without anyone reloading the page."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from .conftest import ARTIFACTS, log_in_as_organiser

pytestmark = pytest.mark.browser
OPENING = datetime(2025, 7, 24, 1, 30, tzinfo=UTC)  # 09:30 in Guiyang, the first day


def _admit_someone_new(app) -> str:
    """Scan, at the main entrance on the first morning, someone not admitted yet."""
    from eventhub.badges.issuing import badges_for, code_of
    from eventhub.checkin import recording, rules
    from eventhub.checkin.models import Admission, Checkpoint
    from eventhub.events.models import Event
    from eventhub.extensions import db
    from eventhub.registration.models import Participant, Status

    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))
        door = db.session.scalar(sa.select(Checkpoint).where(Checkpoint.slug == "main-entrance"))
        if door is None:
            door = Checkpoint(event_id=event.id, slug="main-entrance", name_en="Main entrance")
            db.session.add(door)
            db.session.flush()
        person = db.session.scalar(
            sa.select(Participant)
            .where(
                Participant.event_id == event.id,
                Participant.status == Status.APPROVED,
                ~Participant.id.in_(sa.select(Admission.participant_id)),
            )
            .order_by(Participant.id)
        )
        badge = badges_for([person])[person.id]
        answer = recording.record_scan(
            rules.Gate.of(event, door),
            code_of(badge),
            uuid.uuid4().hex,
            scanned_at=OPENING,
            now=OPENING,
        )
        db.session.commit()
        assert answer.result.value == "admitted"
        return person.native_name


def test_a_scan_appears_on_the_open_dashboard(live_server, page):
    base = live_server.base_url
    _admit_someone_new(live_server)  # the day has arrivals, so it is the one shown
    log_in_as_organiser(page, base)
    page.goto(f"{base}/events/caecw-2025/checkin/arrivals?day=2025-07-24")
    arrived = page.locator("#arrived-count")
    before = int(arrived.inner_text().replace(",", ""))
    _admit_someone_new(live_server)
    expect(arrived).to_have_text(str(before + 1), timeout=10_000)  # refreshed every second
    expect(page.locator("#figures-status")).to_contain_text("Updated at")
    bar = page.locator('.arrival-bar[title^="09:30"]')
    expect(bar).to_have_attribute("title", f"09:30: {before + 1}")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-live.png"), full_page=True)
    assert page.problems == []


def test_a_scan_through_the_api_is_pushed_to_the_open_dashboard(live_server, page):
    """Another client (a gate device with a token) scans now; the open dashboard shows it
    through its event stream, with the every-few-seconds fetch out of the way."""
    from zoneinfo import ZoneInfo

    from eventhub.auth import services as auth_services
    from eventhub.auth.models import Role
    from eventhub.badges.issuing import badges_for, code_of
    from eventhub.checkin.models import Admission
    from eventhub.events.models import Event
    from eventhub.extensions import db
    from eventhub.registration.models import Participant, Status

    base = live_server.base_url
    _admit_someone_new(live_server)  # the main entrance exists
    with live_server.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))
        # The API takes scans of the last day only: the week runs today for this test.
        dates = event.starts_on, event.ends_on
        today = datetime.now(ZoneInfo(event.timezone)).date()
        event.starts_on, event.ends_on = today - timedelta(days=1), today + timedelta(days=2)
        _token, plaintext = auth_services.issue_api_token(event, Role.STAFF, label="Gate phone")
        person = db.session.scalar(
            sa.select(Participant)
            .where(
                Participant.event_id == event.id,
                Participant.status == Status.APPROVED,
                # Anyone not admitted today (the other tests' scans are in 2025).
                ~Participant.id.in_(
                    sa.select(Admission.participant_id).where(Admission.day == today)
                ),
            )
            .order_by(Participant.id)
        )
        code, name = code_of(badges_for([person])[person.id]), person.latin_name
        db.session.commit()
    live_server.config["DASHBOARD_REFRESH_SECONDS"] = 600  # only the stream can bring it
    try:
        log_in_as_organiser(page, base)
        page.goto(f"{base}/events/caecw-2025/checkin/arrivals?day={today.isoformat()}")
        expect(page.locator("#figures-status")).to_contain_text("live", timeout=10_000)
        arrived = page.locator("#arrived-count")
        before = int(arrived.inner_text().replace(",", ""))
        answer = page.request.post(
            f"{base}/api/v1/scans",
            headers={"Authorization": f"Bearer {plaintext}"},
            data={"code": code, "checkpoint": "main-entrance", "client_scan_id": uuid.uuid4().hex},
        )
        assert answer.ok and answer.json()["result"] == "admitted", answer.text()
        expect(arrived).to_have_text(str(before + 1), timeout=5_000)
        expect(page.locator("#recent-scans")).to_contain_text(name)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "dashboard-pushed.png"), full_page=True)
    finally:
        live_server.config["DASHBOARD_REFRESH_SECONDS"] = 1
        with live_server.app_context():
            event = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))
            event.starts_on, event.ends_on = dates
            db.session.commit()
    assert page.problems == []


def test_with_every_stream_place_taken_the_dashboard_still_follows_by_polling(live_server, page):
    """The server holds no stream for this dashboard (its places are all taken by other
    dashboards, or it runs single-threaded workers): the stream is refused at once and the
    page fetches its figures every few seconds instead, so a scan still shows."""
    base = live_server.base_url
    _admit_someone_new(live_server)
    live_server.config["DASHBOARD_MAX_STREAMS"] = 0  # every place taken
    refused = []
    page.on(
        "response",
        lambda r: "/arrivals/stream" in r.url and refused.append(r.status),
    )
    try:
        log_in_as_organiser(page, base)
        page.goto(f"{base}/events/caecw-2025/checkin/arrivals?day=2025-07-24")
        arrived = page.locator("#arrived-count")
        before = int(arrived.inner_text().replace(",", ""))
        _admit_someone_new(live_server)
        expect(arrived).to_have_text(str(before + 1), timeout=10_000)  # polled each second
        # It says it is refreshed every few seconds, not "live".
        expect(page.locator("#figures-status")).to_contain_text("refreshed every")
        assert refused and set(refused) == {204}
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "dashboard-polling.png"), full_page=True)
    finally:
        live_server.config["DASHBOARD_MAX_STREAMS"] = 2
    assert page.problems == []
