"""The network drops at the gate: the scanner judges codes from its roster, queues them,
still opens when reloaded, and sends them when the network returns; each counted once."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from .conftest import log_in_as_organiser

pytestmark = pytest.mark.browser


def _gate_and_codes(app, slug: str = "gate-c") -> list[str]:
    from eventhub.badges.issuing import badges_for, code_of
    from eventhub.checkin.models import Checkpoint
    from eventhub.events.models import Event
    from eventhub.extensions import db
    from eventhub.registration.models import Participant

    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))
        if not db.session.scalar(sa.select(Checkpoint).where(Checkpoint.slug == slug)):
            name = slug.replace("-", " ").title()  # "Gate C"
            db.session.add(Checkpoint(event_id=event.id, slug=slug, name_en=name))
        people = db.session.scalars(
            sa.select(Participant).where(
                Participant.event_id == event.id,
                Participant.native_name.in_(["杨明", "น้ำฝน ปั้นทอง"]),
            )
        ).all()
        badges = badges_for(list(people))
        db.session.commit()
        return [code_of(b) for b in badges.values()]


def _scans_at(app, slug: str) -> list[tuple[str, bool]]:
    from eventhub.checkin.models import Checkpoint, Scan
    from eventhub.extensions import db

    with app.app_context():
        return db.session.execute(
            sa.select(Scan.result, Scan.duplicate)
            .join(Checkpoint)
            .where(Checkpoint.slug == slug)
            .order_by(Scan.scanned_at)
        ).all()


def _wait(predicate, seconds=15.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_scanning_goes_on_offline_and_syncs_once(live_server, page):
    base = live_server.base_url
    first, second = _gate_and_codes(live_server)
    log_in_as_organiser(page, base)
    url = f"{base}/events/caecw-2025/checkin/gate-c"
    page.goto(url)
    assert _wait(
        lambda: (
            page.evaluate(
                "() => Object.keys(localStorage).some(k => k.endsWith(':roster'))"
                " && navigator.serviceWorker.controller !== null"
            )
            or page.evaluate("() => Object.keys(localStorage).some(k => k.endsWith(':roster'))")
        )
    )
    page.evaluate("async () => { await navigator.serviceWorker.ready; return true; }")
    # The first visit is not under the worker yet: the page hands it what to keep.
    assert _wait(
        lambda: page.evaluate(
            "async () => !!(await caches.match(location.pathname))"
            " && !!(await caches.match('/static/js/scanner.js'))"
        )
    )
    page.reload()  # now under the service worker
    assert _wait(  # controlled, and the page and its assets cached for the next start
        lambda: page.evaluate(
            "async () => navigator.serviceWorker.controller !== null"
            " && !!(await caches.match(location.pathname))"
            " && !!(await caches.match('/static/js/scanner.js'))"
        )
    )
    page.context.set_offline(True)
    verdict = page.locator("#answer-verdict")
    # The same badge again at once is ignored (a double read); here staff mean it.
    page.evaluate("document.getElementById('scanner').dataset.debounceMs = '0'")
    for code, expected in ((first, "Admitted · offline"), (first, "Already admitted · offline")):
        page.locator("#code").fill(code)
        page.keyboard.press("Enter")
        expect(verdict).to_have_text(expected)
    page.locator("#code").fill(second)
    page.keyboard.press("Enter")
    expect(verdict).to_have_text("Admitted · offline")
    expect(page.locator("#network")).to_contain_text("3 scans waiting")
    assert _scans_at(live_server, "gate-c") == []  # nothing reached the server

    page.reload()  # the page opens from the service worker's cache
    expect(page.get_by_role("heading", name="Gate C")).to_be_visible()
    expect(page.locator("#network")).to_contain_text("3 scans waiting")  # kept durably

    page.context.set_offline(False)
    expect(page.locator("#network")).to_have_text("Online", timeout=15_000)
    results = [result.value for result, _dup in _scans_at(live_server, "gate-c")]
    assert sorted(results) == ["admitted", "admitted", "already_admitted"]
    # Other check-in pages pass through the service worker without staying on the phone.
    page.goto(f"{base}/events/caecw-2025/checkin/arrivals")
    expect(page.get_by_role("heading", name="Arrivals", exact=True)).to_be_visible()
    assert page.evaluate(
        "async () => !(await caches.match('/events/caecw-2025/checkin/arrivals'))"
        " && !!(await caches.match('/events/caecw-2025/checkin/gate-c'))"
    )


def test_a_server_that_cannot_answer_is_treated_like_no_network(live_server, browser):
    """A 503 (the database restarting) does not lose the scan or show it as refused: it is
    judged from the roster, queued, and sent once the server answers again."""
    base = live_server.base_url
    first, _second = _gate_and_codes(live_server, "gate-d")
    context = browser.new_context(service_workers="block")  # so the test sees every request
    page = context.new_page()
    try:
        log_in_as_organiser(page, base)
        page.goto(f"{base}/events/caecw-2025/checkin/gate-d")
        expect(page.locator("#network")).to_have_text("Online")
        has_roster = "() => Object.keys(localStorage).some(k => k.endsWith(':roster'))"
        assert _wait(lambda: page.evaluate(has_roster))
        unavailable = {"error": "Briefly unavailable", "message": "Send it again.", "status": 503}
        page.route(
            "**/checkin/gate-d/scan",
            lambda route: route.fulfill(status=503, json=unavailable),
        )
        page.route(
            "**/checkin/gate-d/batch",
            lambda route: route.fulfill(status=503, json=unavailable),
        )
        page.locator("#code").fill(first)
        page.keyboard.press("Enter")
        expect(page.locator("#answer-verdict")).to_have_text("Admitted · offline")
        expect(page.locator("#network")).to_contain_text("1 scan waiting")
        assert _scans_at(live_server, "gate-d") == []
        page.unroute("**/checkin/gate-d/scan")
        page.unroute("**/checkin/gate-d/batch")
        expect(page.locator("#network")).to_have_text("Online", timeout=15_000)
        assert [r.value for r, _dup in _scans_at(live_server, "gate-d")] == ["admitted"]
    finally:
        context.close()
