"""The headset desk with a keyboard-wedge scanner: a badge then a headset's number lends it,
the same number again takes it back, refusals in words, and a late answer to an earlier scan
never replaces the newer verdict."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from .conftest import ARTIFACTS, log_in_as_organiser
from .test_offline_scanner import _wait

pytestmark = pytest.mark.browser

PEOPLE = ("ສົມພອນ ແກ້ວມະນີ", "အောင်ကျော်မိုး")


def _desk(app, numbers: tuple[str, ...]) -> list[str]:
    """Headsets of this test's own, and the two guests' badge codes."""
    from eventhub.badges.issuing import badges_for, code_of
    from eventhub.events.models import Event
    from eventhub.extensions import db
    from eventhub.interpretation.models import Headset
    from eventhub.registration.models import Participant

    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))
        db.session.add_all(Headset(event_id=event.id, number=n) for n in numbers)
        people = {
            p.native_name: p
            for p in db.session.scalars(
                sa.select(Participant).where(
                    Participant.event_id == event.id,
                    Participant.given_name == Participant.native_name,
                    Participant.native_name.in_(PEOPLE),
                )
            )
        }
        badges = badges_for(list(people.values()))
        db.session.commit()
        return [code_of(badges[people[name].id]) for name in PEOPLE]


def _scan(page, code: str) -> None:
    page.keyboard.type(code)  # as a keyboard-wedge scanner types it
    page.keyboard.press("Enter")


def _open(page, base: str) -> None:
    log_in_as_organiser(page, base)
    page.goto(f"{base}/events/caecw-2025/interpretation/headsets/desk")
    expect(page.get_by_label("Scan a badge or a headset")).to_be_focused()


def test_a_scanner_lends_and_takes_back_a_headset(live_server, browser):
    first, second = _desk(live_server, ("W101", "W102"))
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    page = context.new_page()
    _open(page, live_server.base_url)
    verdict = page.locator("#verdict")

    _scan(page, first)
    expect(verdict).to_contain_text("Guest: scan a headset")
    expect(verdict).to_contain_text("ສົມພອນ ແກ້ວມະນີ")
    expect(page.locator("#guest-line")).to_contain_text("ສົມພອນ ແກ້ວມະນີ")
    _scan(page, "w101")
    expect(verdict).to_contain_text("Issued W101")
    expect(page.locator("#out-count")).to_have_text("Headsets out: 1")
    expect(page.locator("#guest-line")).to_have_text("No guest chosen")

    _scan(page, first)  # back again with one in hand
    expect(verdict).to_contain_text("Already holds W101")
    _scan(page, "W102")
    expect(verdict).to_contain_text("Already holds W101")
    page.get_by_role("button", name="Swap W101 for W102").click()
    expect(verdict).to_contain_text("Swapped: now holds W102")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "headset-desk-phone.png"), full_page=True)

    expect(page.get_by_label("Scan a badge or a headset")).to_be_focused()
    _scan(page, "W102")
    expect(verdict).to_contain_text("Returned W102")
    expect(verdict).to_contain_text("ສົມພອນ ແກ້ວມະນີ")
    expect(page.locator("#out-count")).to_have_text("Headsets out: 0")

    forged = second[:-3] + ("AAA" if not second.endswith("AAA") else "BBB")
    _scan(page, forged)
    expect(verdict.locator("[data-result=refused]")).to_contain_text("Badge refused")
    expect(verdict).to_contain_text("Not a valid badge of this event.")
    expect(verdict).to_contain_text(f"Scanned: {forged}")  # which code the words are about
    _scan(page, "W999")
    expect(verdict).to_contain_text("Unknown headset W999")
    page.screenshot(path=str(ARTIFACTS / "headset-desk-phone-refused.png"), full_page=True)
    context.close()


def test_a_late_answer_for_an_earlier_scan_never_replaces_the_newer(live_server, page):
    first, second = _desk(live_server, ("W201",))
    _open(page, live_server.base_url)
    held = []

    def hold_first(route):
        # The scanned code, not the chosen guest the form also sends.
        if f'name="code"\r\n\r\n{first}' in (route.request.post_data or ""):
            held.append(route)  # answered only once the second guest is on screen
        else:
            route.continue_()

    page.route("**/interpretation/headsets/desk", hold_first)
    _scan(page, first)
    _scan(page, second)
    verdict = page.locator("#verdict")
    expect(verdict).to_contain_text("အောင်ကျော်မိုး")
    assert _wait(lambda: len(held) == 1)
    held[0].continue_()
    page.wait_for_timeout(800)
    expect(verdict).to_contain_text("အောင်ကျော်မိုး")
    expect(verdict).not_to_contain_text("ສົມພອນ")
    _scan(page, "W201")  # lent to the guest on screen, not to the late one
    expect(verdict).to_contain_text("Issued W201")
    expect(verdict).to_contain_text("အောင်ကျော်မိုး")
