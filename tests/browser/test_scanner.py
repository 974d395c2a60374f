"""Staff scan badges by typing the code and Enter, as a hardware scanner does: the answer
fills the screen, the same badge again says when it was admitted, and the list keeps both."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from .conftest import ARTIFACTS, log_in_as_organiser

pytestmark = pytest.mark.browser


def _gate_and_code(app) -> str:
    from eventhub.badges import services as badge_services
    from eventhub.checkin.models import Checkpoint
    from eventhub.events.models import Event
    from eventhub.extensions import db
    from eventhub.registration.models import Participant

    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))
        if not db.session.scalar(sa.select(Checkpoint).where(Checkpoint.slug == "gate-b")):
            db.session.add(Checkpoint(event_id=event.id, slug="gate-b", name_en="Gate B"))
        person = db.session.scalar(
            sa.select(Participant).where(Participant.native_name == "ហេង ស្រីពៅ")
        )
        badge = badge_services.badges_for([person])[person.id]
        db.session.commit()
        return badge_services.code_of(badge)


def test_typed_codes_get_full_screen_answers(live_server, page):
    base = live_server.base_url
    code = _gate_and_code(live_server)
    log_in_as_organiser(page, base)
    page.goto(f"{base}/events/caecw-2025/checkin/gate-b")
    page.keyboard.type(code)  # the field has the focus, as for a keyboard-wedge scanner
    page.keyboard.press("Enter")
    verdict = page.locator("#answer-verdict")
    verdict.wait_for(state="visible")
    assert verdict.inner_text() == "Admitted"
    assert page.locator("#answer-name").inner_text() == "ហេង ស្រីពៅ"  # own-script name only
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "scanner-admitted.png"))
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    expect(verdict).to_have_text("Already admitted")
    assert "Already checked in at" in page.locator("#answer-reason").inner_text()
    page.screenshot(path=str(ARTIFACTS / "scanner-already.png"))
    page.keyboard.type("EH1NOTAREALCODE")
    page.keyboard.press("Enter")
    expect(verdict).to_have_text("Not a valid badge")
    page.locator("#answer").click()
    assert page.locator("#recent li").count() == 3
    assert page.problems == []
