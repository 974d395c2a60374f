"""At a hall door for both directions the scanner chooses entry or exit; a VIP admitted is
said on the screen; the room's places left are said after each entry."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from .conftest import ARTIFACTS, log_in_as_organiser

pytestmark = pytest.mark.browser


def _hall_and_code(app) -> str:
    from eventhub.badges.issuing import badges_for, code_of
    from eventhub.checkin.models import Checkpoint
    from eventhub.events.models import Event
    from eventhub.extensions import db
    from eventhub.registration.models import Participant

    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))
        db.session.add(
            Checkpoint(
                event_id=event.id,
                slug="forum-7",
                name_en="Forum 7",
                direction="both",
                reentry=True,
                capacity=30,
            )
        )
        person = db.session.scalar(
            sa.select(Participant).where(
                Participant.event_id == event.id,
                # The session's own guests (other tests add namesakes in Latin letters).
                Participant.given_name == Participant.native_name,
                Participant.native_name == "ហេង ស្រីពៅ",
            )
        )
        person.needs_attention = True
        badge = badges_for([person])[person.id]
        db.session.commit()
        return code_of(badge)


def test_a_hall_door_records_entries_and_exits(live_server, page):
    base = live_server.base_url
    code = _hall_and_code(live_server)
    log_in_as_organiser(page, base)
    page.goto(f"{base}/events/caecw-2025/checkin/forum-7")
    expect(page.get_by_label("Entry")).to_be_checked()
    # The server's own verdict is under test: a busy test machine must not make it offline.
    page.locator("#scanner").evaluate("el => el.dataset.answerTimeoutMs = '15000'")
    page.locator("#code").fill(code)
    page.keyboard.press("Enter")
    verdict, reason = page.locator("#answer-verdict"), page.locator("#answer-reason")
    expect(verdict).to_have_text("Admitted")
    expect(reason).to_contain_text("Needs attention: protocol staff have been alerted.")
    expect(reason).to_contain_text("29 places left.")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "scanner-vip-places.png"))
    page.locator("#answer").click()  # tapped away, as for the next badge
    page.locator("label[for=direction-exit]").click()  # a radio: arrow keys reach it too
    expect(page.get_by_label("Exit")).to_be_checked()
    page.locator("#code").fill(code)
    page.keyboard.press("Enter")
    expect(verdict).to_have_text("Exit recorded")
    page.screenshot(path=str(ARTIFACTS / "scanner-exit.png"))
    page.goto(f"{base}/events/caecw-2025/checkin/alerts")
    expect(page.get_by_role("heading", name="Arrivals needing attention")).to_be_visible()
    page.get_by_role("button", name="Acknowledge").first.click()
    expect(page.get_by_text("No arrival is waiting for protocol staff.")).to_be_visible()
    assert page.problems == []
