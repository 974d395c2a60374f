"""The verdict at the gate: never the previous person's, on time whatever the network, once
per badge however the scanner repeats it, found from the search box too, and readable
without colour."""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from .conftest import ARTIFACTS, log_in_as_organiser
from .test_offline_scanner import _wait

pytestmark = pytest.mark.browser

PEOPLE = ("ហេង ស្រីពៅ", "杨明", "น้ำฝน ปั้นทอง")


def _gate(app, slug: str) -> list[str]:
    """A checkpoint of its own for each test (one admission a day each), and three codes."""
    from eventhub.badges.issuing import badges_for, code_of
    from eventhub.checkin.models import Checkpoint
    from eventhub.events.models import Event
    from eventhub.extensions import db
    from eventhub.registration.models import Participant

    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))
        if not db.session.scalar(sa.select(Checkpoint).where(Checkpoint.slug == slug)):
            db.session.add(Checkpoint(event_id=event.id, slug=slug, name_en=slug.title()))
        people = {
            p.native_name: p
            for p in db.session.scalars(
                sa.select(Participant).where(
                    Participant.event_id == event.id,
                    # The session's own guests (other tests add namesakes in Latin letters).
                    Participant.given_name == Participant.native_name,
                    Participant.native_name.in_(PEOPLE),
                )
            )
        }
        badges = badges_for(list(people.values()))
        db.session.commit()
        return [code_of(badges[people[name].id]) for name in PEOPLE]


def _scans(app, slug: str) -> list[str]:
    from eventhub.checkin.models import Checkpoint, Scan
    from eventhub.extensions import db

    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(Scan.result).join(Checkpoint).where(Checkpoint.slug == slug)
            )
        )


def _open(page, base: str, slug: str) -> None:
    log_in_as_organiser(page, base)
    page.goto(f"{base}/events/caecw-2025/checkin/{slug}")
    assert _wait(
        lambda: page.evaluate("() => Object.keys(localStorage).some(k => k.endsWith(':roster'))")
    )


def _scan(page, code: str) -> None:
    page.keyboard.type(code)  # as a keyboard-wedge scanner types it
    page.keyboard.press("Enter")


def test_a_slow_network_never_shows_the_previous_person(live_server, page):
    base = live_server.base_url
    first, second, _third = _gate(live_server, "gate-slow")
    _open(page, base, "gate-slow")
    _scan(page, first)
    verdict, name = page.locator("#answer-verdict"), page.locator("#answer-name")
    expect(verdict).to_have_text("Admitted")
    expect(name).to_have_text("ហេង ស្រីពៅ")

    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    slow = {"offline": False, "downloadThroughput": -1, "uploadThroughput": -1}
    cdp.send("Network.emulateNetworkConditions", {**slow, "latency": 20_000})
    _scan(page, second)
    # At once: a neutral "checking" state, nothing of the previous guest.
    expect(name).to_have_text("", timeout=500)
    expect(page.locator("#answer")).to_have_attribute("data-verdict", "checking", timeout=500)
    expect(page.locator("#answer-icon")).to_have_class("scan-icon bi bi-hourglass-split")
    # Past 1.5 s without an answer the device judges from its roster, and says so.
    expect(verdict).to_have_text("Admitted · offline", timeout=3_000)
    expect(name).to_have_text("杨明")
    expect(page.locator("#answer-mode")).to_be_visible()
    expect(page.locator("#network")).to_contain_text("1 scan waiting")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "gate-slow-offline-verdict.png"))

    # The link recovers (3 s latency still): the queued scan is sent and recorded once, and
    # the late answer of the abandoned request never replaces the screen.
    cdp.send("Network.emulateNetworkConditions", {**slow, "latency": 3_000})
    expect(page.locator("#network")).to_have_text("Online", timeout=30_000)
    assert sorted(_scans(live_server, "gate-slow")) == ["admitted", "admitted"]
    expect(verdict).to_have_text("Admitted · offline")
    expect(name).to_have_text("杨明")


def test_a_late_answer_for_an_earlier_scan_is_never_shown(live_server, page):
    """Two badges in quick succession: whatever order the answers come in, the screen ends
    on the second person."""
    base = live_server.base_url
    first, second, _third = _gate(live_server, "gate-late")
    _open(page, base, "gate-late")
    held = []

    def hold_first(route):
        if json.loads(route.request.post_data or "{}").get("code") == first:
            held.append(route)  # answered only once the second person is on screen
        else:
            route.continue_()

    page.route("**/checkin/gate-late/scan", hold_first)
    page.locator("#scanner").evaluate("el => el.dataset.answerTimeoutMs = '60000'")
    _scan(page, first)
    _scan(page, second)
    expect(page.locator("#answer-name")).to_have_text("杨明")
    assert _wait(lambda: len(held) == 1)
    held[0].continue_()
    assert _wait(lambda: len(_scans(live_server, "gate-late")) == 2)
    page.wait_for_timeout(500)
    expect(page.locator("#answer-name")).to_have_text("杨明")


def test_a_badge_read_twice_by_a_wedge_scanner_counts_once(live_server, page):
    """A scanner in presentation mode sends the code twice, 80 ms apart: the guest just
    admitted stays green."""
    base = live_server.base_url
    first, *_rest = _gate(live_server, "gate-twice")
    _open(page, base, "gate-twice")
    _scan(page, first)
    page.wait_for_timeout(80)
    _scan(page, first)
    verdict = page.locator("#answer-verdict")
    expect(verdict).to_have_text("Admitted")
    assert _wait(lambda: len(_scans(live_server, "gate-twice")) >= 1)
    page.wait_for_timeout(1000)
    expect(verdict).to_have_text("Admitted")  # no flip to amber
    assert _scans(live_server, "gate-twice") == ["admitted"]
    expect(page.locator("#recent li")).to_have_count(1)


def test_a_badge_held_before_the_camera_counts_once(live_server, browser, tmp_path):
    """Chromium's fake camera keeps showing the badge for longer than the old 4 s window:
    it is read again and again, and the screen stays green with one scan recorded."""
    import io

    from PIL import Image

    from eventhub.badges.render import qr_png

    from .conftest import CHROMIUM

    base = live_server.base_url
    _first, second, _third = _gate(live_server, "gate-camera")
    frame = Image.new("RGB", (640, 480), "white")
    frame.paste(
        Image.open(io.BytesIO(qr_png(second, box=8))).convert("RGB").resize((360, 360)), (140, 60)
    )
    video = tmp_path / "badge.mjpeg"
    with video.open("wb") as out:
        for _n in range(30):
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
        page = camera_browser.new_context(permissions=["camera"]).new_page()
        _open(page, base, "gate-camera")
        page.get_by_role("button", name="Scan with the camera").click()
        verdict = page.locator("#answer-verdict")
        expect(verdict).to_have_text("Admitted", timeout=20_000)
        page.wait_for_timeout(6000)  # longer than the old 4 s re-read
        expect(verdict).to_have_text("Admitted")
        assert _scans(live_server, "gate-camera") == ["admitted"]
    finally:
        camera_browser.close()


def test_a_scan_into_the_search_box_is_a_scan(live_server, page):
    base = live_server.base_url
    _first, _second, third = _gate(live_server, "gate-search")
    _open(page, base, "gate-search")
    search = page.locator("#search")
    search.click()
    page.keyboard.type("Nguyen")  # staff were looking someone up
    _scan(page, third)  # the scanner types into the focused search box
    expect(page.locator("#answer-verdict")).to_have_text("Admitted")
    expect(page.locator("#answer-name")).to_have_text("น้ำฝน ปั้นทอง")
    expect(search).to_have_value("Nguyen")  # what was typed is kept
    assert _scans(live_server, "gate-search") == ["admitted"]


def test_namesakes_are_told_apart_in_the_search(live_server, page):
    from eventhub.extensions import db
    from eventhub.registration.models import Delegation, Participant, Status

    base = live_server.base_url
    _gate(live_server, "gate-names")
    with live_server.app_context():
        from eventhub.events.models import Event

        event = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))
        for country, delegation_name, position in (
            ("LA", "Namesake Laos", "Dean of Engineering"),
            ("TH", "Namesake Thailand", "Student volunteer"),
        ):
            delegation = Delegation(
                event_id=event.id, name_en=delegation_name, country_code=country
            )
            db.session.add(delegation)
            db.session.flush()
            db.session.add(
                Participant(
                    event_id=event.id,
                    family_name="PHOMMA",
                    given_name="Khamla",
                    country_code=country,
                    delegation_id=delegation.id,
                    position=position,
                    status=Status.APPROVED,
                    search_text="phomma khamla",
                    email=f"khamla.{country.lower()}@example.org",
                )
            )
        db.session.commit()
    _open(page, base, "gate-names")
    page.locator("#search").fill("Phomma Khamla")
    page.get_by_role("button", name="Find").click()
    rows = page.locator("#people li")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Namesake")
    texts = rows.all_inner_texts()
    assert texts[0] != texts[1]
    joined = "\n".join(texts)
    for fact in ("Dean of Engineering", "Student volunteer", "Namesake Laos", "Namesake Thailand"):
        assert fact in joined
    assert all("No. " in text for text in texts)
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#people").screenshot(path=str(ARTIFACTS / "gate-namesakes.png"))


_CONTRAST = """el => {
  const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = c => { const [r, g, b] = rgb(c).map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const style = getComputedStyle(el);
  const [a, b] = [lum(style.color), lum(style.backgroundColor)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


def test_verdicts_are_told_apart_without_colour(live_server, page):
    """In a deuteranopia simulation, admitted and refused differ by icon and word; every
    verdict's text meets WCAG AA contrast."""
    base = live_server.base_url
    first, _second, _third = _gate(live_server, "gate-colour")
    _open(page, base, "gate-colour")
    page.locator("#scanner").evaluate("el => el.dataset.debounceMs = '0'")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setEmulatedVisionDeficiency", {"type": "deuteranopia"})
    answer, icon, verdict = (
        page.locator(s) for s in ("#answer", "#answer-icon", "#answer-verdict")
    )
    ARTIFACTS.mkdir(exist_ok=True)
    seen = {}
    for code, expected in (
        (first, "admitted"),
        (first, "already_admitted"),
        ("EH1NOTAREALCODE", "invalid"),
    ):
        _scan(page, code)
        expect(answer).to_have_attribute("data-verdict", expected)
        seen[expected] = (icon.get_attribute("class"), verdict.inner_text())
        assert answer.evaluate(_CONTRAST) >= 4.5, expected
        page.screenshot(path=str(ARTIFACTS / f"gate-deuteranopia-{expected}.png"))
    # A refusal: the server's answer for a badge of someone not approved is "denied"; the
    # screen is drawn the same way for every result, so show one as the page would.
    page.evaluate(
        "() => { const el = document.getElementById('answer');"
        " el.className = 'scan-answer scan-denied'; }"
    )
    assert answer.evaluate(_CONTRAST) >= 4.5
    page.evaluate(
        "() => { document.getElementById('answer').className = 'scan-answer scan-checking'; }"
    )
    assert answer.evaluate(_CONTRAST) >= 4.5
    icons = {value[0] for value in seen.values()}
    words = {value[1] for value in seen.values()}
    assert len(icons) == 3 and len(words) == 3  # admitted, already admitted, not valid differ
    assert icon.evaluate("el => parseFloat(getComputedStyle(el).fontSize)") >= 64  # 4rem and up
    assert verdict.evaluate("el => parseFloat(getComputedStyle(el).fontSize)") >= 32


def test_the_verdict_fits_a_phone_and_flags_a_duplicate(live_server, browser):
    """At 390x844 the icon, word and name are on screen without scrolling; an answer that
    says this scan was a duplicate says so."""
    base = live_server.base_url
    first, *_rest = _gate(live_server, "gate-phone")
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    phone = context.new_page()
    try:
        _open(phone, base, "gate-phone")

        def duplicate(route):
            response = route.fetch()
            data = response.json() | {"duplicate": True}
            route.fulfill(response=response, json=data)

        phone.route("**/checkin/gate-phone/scan", duplicate)
        _scan(phone, first)
        expect(phone.locator("#answer-verdict")).to_have_text("Admitted")
        expect(phone.locator("#answer-duplicate")).to_be_visible()
        expect(phone.locator("#answer-duplicate")).to_contain_text("flagged for the organisers")
        for part in ("#answer-icon", "#answer-verdict", "#answer-name", "#answer-duplicate"):
            box = phone.locator(part).bounding_box()
            assert box and box["y"] >= 0 and box["y"] + box["height"] <= 844, part
        ARTIFACTS.mkdir(exist_ok=True)
        phone.screenshot(path=str(ARTIFACTS / "gate-phone-duplicate.png"))
    finally:
        context.close()


def test_a_chinese_offline_verdict_on_a_phone(live_server, browser):
    """In Chinese at 390x844: the offline verdict's word and its explanation, on screen."""
    base = live_server.base_url
    _first, _second, third = _gate(live_server, "gate-zh")
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    phone = context.new_page()
    try:
        log_in_as_organiser(phone, base)
        phone.goto(f"{base}/auth/language/zh_Hans")
        phone.goto(f"{base}/events/caecw-2025/checkin/gate-zh")
        assert _wait(
            lambda: phone.evaluate(
                "() => Object.keys(localStorage).some(k => k.endsWith(':roster'))"
            )
        )
        context.set_offline(True)
        _scan(phone, third)
        expect(phone.locator("#answer-verdict")).to_have_text("准予通行 · 离线")
        expect(phone.locator("#answer-mode")).to_have_text(re.compile("离线判定"))
        for part in ("#answer-icon", "#answer-verdict", "#answer-mode", "#answer-name"):
            box = phone.locator(part).bounding_box()
            assert box and box["y"] >= 0 and box["y"] + box["height"] <= 844, part
        ARTIFACTS.mkdir(exist_ok=True)
        phone.screenshot(path=str(ARTIFACTS / "gate-zh-offline-390.png"))
        context.set_offline(False)
    finally:
        # The language is kept on the account, which later tests share: give English back.
        phone.goto(f"{base}/auth/language/en")
        context.close()
