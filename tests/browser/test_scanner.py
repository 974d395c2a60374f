"""Staff scan badges by typing the code and Enter, as a hardware scanner does: the answer
fills the screen, the same badge again says when it was admitted, and the list keeps both."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from .conftest import ARTIFACTS, log_in_as_organiser

pytestmark = pytest.mark.browser


def _gate_and_code(app) -> str:
    from eventhub.badges.issuing import badges_for, code_of
    from eventhub.checkin.models import Checkpoint
    from eventhub.events.models import Event
    from eventhub.extensions import db
    from eventhub.registration.models import Participant

    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))
        if not db.session.scalar(sa.select(Checkpoint).where(Checkpoint.slug == "gate-b")):
            db.session.add(Checkpoint(event_id=event.id, slug="gate-b", name_en="Gate B"))
        person = db.session.scalar(
            sa.select(Participant).where(
                Participant.event_id == event.id,
                # The session's own guests (other tests add namesakes in Latin letters).
                Participant.given_name == Participant.native_name,
                Participant.native_name == "ហេង ស្រីពៅ",
            )
        )
        badge = badges_for([person])[person.id]
        db.session.commit()
        return code_of(badge)


def test_typed_codes_get_full_screen_answers(live_server, page):
    base = live_server.base_url
    code = _gate_and_code(live_server)
    log_in_as_organiser(page, base)
    page.goto(f"{base}/events/caecw-2025/checkin/gate-b")
    page.keyboard.type(code)  # the field has the focus, as for a keyboard-wedge scanner
    page.keyboard.press("Enter")
    verdict = page.locator("#answer-verdict")
    expect(verdict).to_have_text("Admitted")  # after a moment of "Checking…"
    assert page.locator("#answer-name").inner_text() == "ហេង ស្រីពៅ"  # own-script name only
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "scanner-admitted.png"))
    # The same badge again at once is ignored (a double read); here staff mean it.
    page.evaluate("document.getElementById('scanner').dataset.debounceMs = '0'")
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


def test_a_phone_camera_reads_the_badge(live_server, browser, tmp_path):
    """Chromium's fake camera plays a video of a badge's QR code; ZXing reads it."""
    import io

    from PIL import Image

    from eventhub.badges.render import qr_png

    from .conftest import CHROMIUM

    base = live_server.base_url
    code = _gate_and_code(live_server)
    frame = Image.new("RGB", (640, 480), "white")
    frame.paste(
        Image.open(io.BytesIO(qr_png(code, box=8))).convert("RGB").resize((360, 360)), (140, 60)
    )
    video = tmp_path / "badge.mjpeg"
    with video.open("wb") as out:
        for _n in range(30):  # Motion JPEG: frames one after another
            buffer = io.BytesIO()
            frame.save(buffer, "JPEG", quality=90)
            out.write(buffer.getvalue())
    camera_browser = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = camera_browser.new_context(permissions=["camera"])
        page = context.new_page()
        log_in_as_organiser(page, base)
        page.goto(f"{base}/events/caecw-2025/checkin/gate-b")
        page.get_by_role("button", name="Scan with the camera").click()
        expect(page.locator("#answer-verdict")).to_have_text(
            re.compile("Admitted|Already admitted"), timeout=20_000
        )
        expect(page.locator("#answer-name")).to_have_text("ហេង ស្រីពៅ")
    finally:
        camera_browser.close()


def test_the_chinese_scanner_fits_a_phone(live_server, browser):
    """At phone width in Chinese, the search button keeps its label on one line."""
    base = live_server.base_url
    _gate_and_code(live_server)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    phone = context.new_page()
    try:
        log_in_as_organiser(phone, base)
        phone.goto(f"{base}/auth/language/zh_Hans")
        phone.goto(f"{base}/events/caecw-2025/checkin/gate-b")
        find = phone.locator("#search-form button[type=submit]")
        search = phone.locator("#search")
        expect(find).to_be_visible()
        find.scroll_into_view_if_needed()
        ARTIFACTS.mkdir(exist_ok=True)
        phone.screenshot(path=str(ARTIFACTS / "scanner-zh-390.png"), full_page=True)
        # One line of text: the label's characters lie in a single line box.
        lines = find.evaluate(
            "b => { const r = document.createRange(); r.selectNodeContents(b);"
            " return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; }"
        )
        assert lines == 1
        assert search.bounding_box()["width"] > 150  # and the field keeps room to type in
    finally:
        # The language is kept on the account, which later tests share: give English back.
        phone.goto(f"{base}/auth/language/en")
        context.close()
