"""The gate on the day: a shift outlasts the CSRF token and sometimes the login; a gate device
enrolled for the whole event scans without anyone's login; the scanner is an installable app
that starts without the network."""

from __future__ import annotations

import contextlib
import time
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from .conftest import CHROMIUM, log_in, log_in_as_organiser

pytestmark = pytest.mark.browser

STAFF = ("shift.staff@example.org", "a long shift password")


def _wait(predicate, seconds=15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _gate(app, slug: str, *, staff: bool = False) -> list[str]:
    """A checkpoint, the staff member assigned to it, and two badge codes."""
    from eventhub.auth import services as auth_services
    from eventhub.auth.models import Role
    from eventhub.badges.issuing import badges_for, code_of
    from eventhub.checkin.models import Checkpoint, CheckpointStaff
    from eventhub.events.models import Event
    from eventhub.extensions import db
    from eventhub.registration.models import Participant

    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))
        gate = db.session.scalar(sa.select(Checkpoint).where(Checkpoint.slug == slug))
        if gate is None:
            gate = Checkpoint(
                event_id=event.id, slug=slug, name_en=slug.replace("-", " ").title(), reentry=True
            )
            db.session.add(gate)
            db.session.flush()
        if staff:
            user = auth_services.get_user_by_email(STAFF[0]) or auth_services.create_user(
                *STAFF, display_name="Shift staff"
            )
            auth_services.grant_role(user, event, Role.STAFF)
            if not db.session.get(CheckpointStaff, (gate.id, user.id)):
                db.session.add(CheckpointStaff(checkpoint_id=gate.id, user_id=user.id))
        people = db.session.scalars(
            sa.select(Participant).where(
                Participant.event_id == event.id,
                # The session's own guests (other tests add namesakes in Latin letters).
                Participant.given_name == Participant.native_name,
                Participant.native_name.in_(["杨明", "ហេង ស្រីពៅ"]),
            )
        ).all()
        badges = badges_for(list(people))
        db.session.commit()
        by_name = {person.native_name: code_of(badges[person.id]) for person in people}
        return [by_name["杨明"], by_name["ហេង ស្រីពៅ"]]


def _scans_at(app, slug: str) -> list[tuple[str, str]]:
    from eventhub.checkin.models import Checkpoint, Scan
    from eventhub.extensions import db

    with app.app_context():
        return [
            (result.value, device)
            for result, device in db.session.execute(
                sa.select(Scan.result, Scan.device)
                .join(Checkpoint)
                .where(Checkpoint.slug == slug)
                .order_by(Scan.id)
            )
        ]


@contextlib.contextmanager
def _event_still_on(app):
    """The live server's event is in 2025; a gate device's token ends with its event."""
    from eventhub.events.models import Event
    from eventhub.extensions import db

    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))
        before = event.starts_on, event.ends_on
        event.starts_on, event.ends_on = (
            date.today() - timedelta(days=1),
            date.today() + timedelta(days=2),
        )
        db.session.commit()
    try:
        yield
    finally:
        with app.app_context():
            event = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))
            event.starts_on, event.ends_on = before
            db.session.commit()


def _scan(page, code: str) -> None:
    page.locator("#code").fill(code)
    page.locator("#code").press("Enter")


def _roster_ready(page) -> bool:
    return _wait(
        lambda: page.evaluate("() => Object.keys(localStorage).some(k => k.endsWith(':roster'))")
    )


def test_a_shift_outlasts_the_csrf_token(live_server, page):
    base = live_server.base_url
    first, second = _gate(live_server, "gate-shift")
    log_in_as_organiser(page, base)
    page.goto(f"{base}/events/caecw-2025/checkin/gate-shift")
    _roster_ready(page)
    before = live_server.config.get("WTF_CSRF_TIME_LIMIT")
    live_server.config["WTF_CSRF_TIME_LIMIT"] = 2  # a shift is longer than the token
    try:
        _scan(page, first)
        expect(page.locator("#answer-verdict")).to_have_text("Admitted")
        time.sleep(3)  # the page's token has expired
        _scan(page, second)
        expect(page.locator("#answer-name")).to_have_text("ហេង ស្រីពៅ")
        expect(page.locator("#answer-verdict")).to_have_text("Admitted")
        time.sleep(3)
        _scan(page, first)  # re-entry allowed here: admitted again, no "Not a valid badge"
        expect(page.locator("#answer-name")).to_have_text("杨明")
        expect(page.locator("#answer-verdict")).to_have_text("Admitted")
    finally:
        live_server.config["WTF_CSRF_TIME_LIMIT"] = before
    # (A badge scanned again within moments may count as the same scan: no "invalid" row.)
    results = [result for result, _device in _scans_at(live_server, "gate-shift")]
    assert len(results) >= 2 and set(results) == {"admitted"}


def test_a_logged_out_page_asks_to_sign_in_and_keeps_the_scan(live_server, new_page):
    base = live_server.base_url
    first, _second = _gate(live_server, "gate-login", staff=True)
    phone = new_page()
    log_in(phone, base, *STAFF)
    url = f"{base}/events/caecw-2025/checkin/gate-login"
    phone.goto(url)
    _roster_ready(phone)
    phone.context.clear_cookies()  # the login ended (expired, or logged out elsewhere)
    _scan(phone, first)
    expect(phone.get_by_role("heading", name="Sign in again")).to_be_visible()
    expect(phone.get_by_text("Not a valid badge")).to_have_count(0)
    expect(phone.locator("#sign-in-waiting")).to_have_text("1 scan waiting")
    assert _scans_at(live_server, "gate-login") == []
    phone.screenshot(path="test-artifacts/gate-sign-in-again.png")
    # Signing in brings the scanner back, and the kept scan reaches the server.
    phone.get_by_role("link", name="Sign in again").click()
    phone.get_by_label("Email").fill(STAFF[0])
    phone.get_by_label("Password").fill(STAFF[1])
    phone.keyboard.press("Enter")
    phone.wait_for_url(url)
    assert _wait(lambda: len(_scans_at(live_server, "gate-login")) == 1)
    assert _scans_at(live_server, "gate-login")[0][0] == "admitted"
    expect(phone.locator("#network")).to_have_text("Online")


def test_a_gate_device_enrolled_by_link_scans_until_revoked(live_server, new_page):
    base = live_server.base_url
    first, second = _gate(live_server, "gate-device")
    with _event_still_on(live_server):
        organiser = new_page()
        log_in_as_organiser(organiser, base)
        organiser.goto(f"{base}/events/caecw-2025/checkin/devices")
        organiser.get_by_label("Name of the device").fill("Gate D tablet")
        organiser.get_by_role("button", name="Create the enrolment link").click()
        link = organiser.locator("#enrolment-link").get_attribute("href")
        assert "#enrol=ehk_" in link
        organiser.screenshot(path="test-artifacts/gate-enrolment.png", full_page=True)

        tablet = new_page()
        requests = []
        tablet.on("request", lambda r: requests.append(r.url))
        tablet.goto(link)
        assert "#" not in tablet.url  # the token left the address bar
        tablet.get_by_role("link", name="Gate Device").click()
        _roster_ready(tablet)
        _scan(tablet, first)
        expect(tablet.locator("#answer-verdict")).to_have_text("Admitted")
        assert not any("ehk_" in url for url in requests)  # never in a URL the server sees

        # The organiser logging out changes nothing for the device, which has no login.
        with organiser.expect_navigation():
            organiser.locator("form[data-logout]").first.evaluate("form => form.submit()")
        _scan(tablet, second)
        expect(tablet.locator("#answer-name")).to_have_text("ហេង ស្រីពៅ")
        expect(tablet.locator("#answer-verdict")).to_have_text("Admitted")
        assert _scans_at(live_server, "gate-device") == [("admitted", "Gate D tablet")] * 2

        log_in_as_organiser(organiser, base)
        organiser.goto(f"{base}/events/caecw-2025/checkin/devices")
        row = organiser.get_by_role("row").filter(has_text="Gate D tablet")
        expect(row).to_contain_text("All checkpoints")
        row.get_by_role("button", name="Revoke and wipe Gate D tablet").click()
        expect(organiser.get_by_role("row").filter(has_text="Gate D tablet")).to_have_count(0)

        _scan(tablet, first)
        expect(tablet.get_by_text("This device has been signed out")).to_be_visible()
        assert _wait(lambda: tablet.evaluate("() => localStorage.length === 0"))
        assert _wait(lambda: tablet.evaluate("async () => (await caches.keys()).length === 0"))


def _revoked_with_two_waiting(live_server, new_page, slug: str, label: str):
    """A gate device enrolled by link admits two guests offline; the organiser revokes it
    meanwhile. The tablet's page, still offline."""
    base = live_server.base_url
    first, second = _gate(live_server, slug)
    organiser = new_page()
    log_in_as_organiser(organiser, base)
    organiser.goto(f"{base}/events/caecw-2025/checkin/devices")
    organiser.get_by_label("Name of the device").fill(label)
    organiser.get_by_role("button", name="Create the enrolment link").click()
    link = organiser.locator("#enrolment-link").get_attribute("href")

    tablet = new_page()
    tablet.goto(link)
    tablet.get_by_role("link", name=slug.replace("-", " ").title()).click()
    _roster_ready(tablet)
    tablet.context.set_offline(True)
    _scan(tablet, first)
    expect(tablet.locator("#answer-verdict")).to_contain_text("Admitted")
    _scan(tablet, second)
    expect(tablet.locator("#answer-name")).to_have_text("ហេង ស្រីពៅ")
    expect(tablet.locator("#network")).to_contain_text("2 scans waiting")
    assert _scans_at(live_server, slug) == []

    organiser.goto(f"{base}/events/caecw-2025/checkin/devices")
    organiser.get_by_role("button", name=f"Revoke and wipe {label}").click()
    flash = organiser.get_by_role("status").filter(has_text="still recorded when it reconnects")
    expect(flash).to_be_visible()
    return organiser, tablet


def _signed_out_with_both_admitted(live_server, tablet, slug: str, label: str) -> None:
    expect(tablet.get_by_text("This device has been signed out")).to_be_visible(timeout=15000)
    # Both people inside are in the attendance, recorded as the device let them in.
    assert _wait(lambda: len(_scans_at(live_server, slug)) == 2)
    assert _scans_at(live_server, slug) == [("admitted", label)] * 2
    assert _wait(lambda: tablet.evaluate("() => localStorage.length === 0"))
    assert _wait(lambda: tablet.evaluate("async () => (await caches.keys()).length === 0"))


def test_a_device_revoked_while_offline_still_hands_in_its_admissions(live_server, new_page):
    """Revoked mid-shift while offline: the two guests it let in are not lost on the wipe."""
    with _event_still_on(live_server):
        organiser, tablet = _revoked_with_two_waiting(
            live_server, new_page, "gate-revoked", "Gate E tablet"
        )
        organiser.screenshot(path="test-artifacts/gate-revoked-flash.png", full_page=True)
        tablet.context.set_offline(False)
        _signed_out_with_both_admitted(live_server, tablet, "gate-revoked", "Gate E tablet")
        tablet.screenshot(path="test-artifacts/gate-revoked-signed-out.png", full_page=True)


def test_a_revoked_device_told_to_wipe_by_a_search_first_sends_its_queue(live_server, new_page):
    """Back on a flaky link, the uploads fail but a name search gets through and is told
    to wipe: the device hands in its queue before it forgets it."""
    with _event_still_on(live_server):
        _organiser, tablet = _revoked_with_two_waiting(
            live_server, new_page, "gate-flaky", "Gate F tablet"
        )
        searched = []
        tablet.on("response", lambda r: "/participants" in r.url and searched.append(r.status))

        def upload(route):
            if searched:
                route.continue_()
            else:
                route.abort("internetdisconnected")

        tablet.route("**/api/v1/scans/batch", upload)
        tablet.context.set_offline(False)
        tablet.locator("#search").fill("Heng")
        tablet.locator("#search").press("Enter")
        _signed_out_with_both_admitted(live_server, tablet, "gate-flaky", "Gate F tablet")
        assert searched == [401]


@contextlib.contextmanager
def _installing_browser(browser, tmp_path):
    """A profile on disk: Chromium installs no app from an incognito window, which every
    other test's context is."""
    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        viewport={"width": 1280, "height": 900},
        locale="en-GB",
    )
    try:
        yield context
    finally:
        context.close()


def _installability_errors(page) -> list:
    cdp = page.context.new_cdp_session(page)
    return cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]


def _controlled(page, also: str = "true") -> bool:
    """Whether the service worker controls the page (reloading once it is active)."""

    def check():
        if page.evaluate(f"async () => !!navigator.serviceWorker.controller && ({also})"):
            return True
        page.wait_for_timeout(300)
        page.reload()
        return False

    return _wait(check, 20)


def test_the_scanner_installs_and_starts_offline(live_server, browser, tmp_path):
    base = live_server.base_url
    _gate(live_server, "gate-app")
    with _event_still_on(live_server), _installing_browser(browser, tmp_path) as context:
        organiser = context.new_page()
        log_in_as_organiser(organiser, base)
        # The staff's scanner: its manifest is read with the login cookie.
        organiser.goto(f"{base}/events/caecw-2025/checkin/gate-app")
        assert _controlled(organiser)
        assert _installability_errors(organiser) == []

        organiser.goto(f"{base}/events/caecw-2025/checkin/devices")
        organiser.get_by_label("Name of the device").fill("Gate App phone")
        organiser.get_by_label("All checkpoints").uncheck()
        organiser.get_by_label("Gate App").check()
        organiser.get_by_role("button", name="Create the enrolment link").click()
        link = organiser.locator("#enrolment-link").get_attribute("href")
        organiser.close()

        phone = context.new_page()
        phone.goto(link)
        home = f"{base}/events/caecw-2025/checkin/device/"
        expect(phone.get_by_role("link", name="Gate App")).to_be_visible()
        expect(phone.locator("#device-checkpoints a")).to_have_count(1)  # its checkpoint only
        assert _controlled(
            phone,
            "!!(await caches.match(location.pathname))"
            " && !!(await caches.match(location.pathname + 'gate-app'))",
        )
        assert _installability_errors(phone) == []

        # Started from the home screen with no network: the list, then the scanner.
        context.set_offline(True)
        phone.goto(home)
        expect(phone.get_by_role("link", name="Gate App")).to_be_visible()
        phone.get_by_role("link", name="Gate App").click()
        expect(phone.get_by_role("heading", name="Gate App")).to_be_visible()
        expect(phone.locator("#code")).to_be_visible()
        phone.screenshot(path="test-artifacts/gate-offline-start.png")
        context.set_offline(False)
