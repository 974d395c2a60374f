"""A lost scanner phone: the organiser signs it out and its next contact wipes the guest list."""

from __future__ import annotations

import contextlib
import time

import pytest
import sqlalchemy as sa
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from .conftest import log_in, log_in_as_organiser

pytestmark = pytest.mark.browser

STAFF = ("lost.phone@example.org", "gate staff password")


def _staff_at_gate(app, slug: str = "gate-w") -> None:
    from eventhub.auth import services as auth_services
    from eventhub.auth.models import Role
    from eventhub.checkin.models import Checkpoint, CheckpointStaff
    from eventhub.events.models import Event
    from eventhub.extensions import db

    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))
        user = auth_services.get_user_by_email(STAFF[0]) or auth_services.create_user(
            *STAFF, display_name="Gate W phone"
        )
        auth_services.grant_role(user, event, Role.STAFF)
        gate = db.session.scalar(sa.select(Checkpoint).where(Checkpoint.slug == slug))
        if gate is None:
            gate = Checkpoint(event_id=event.id, slug=slug, name_en="Gate W")
            db.session.add(gate)
            db.session.flush()
            db.session.add(CheckpointStaff(checkpoint_id=gate.id, user_id=user.id))
        db.session.commit()


def _wait(predicate, seconds=15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_a_signed_out_scanner_forgets_the_guest_list(live_server, new_page):
    base = live_server.base_url
    _staff_at_gate(live_server)
    phone = new_page()
    log_in(phone, base, *STAFF)
    phone.goto(f"{base}/events/caecw-2025/checkin/gate-w")
    assert _wait(
        lambda: phone.evaluate("() => Object.keys(localStorage).some(k => k.endsWith(':roster'))")
    )
    assert _wait(lambda: phone.evaluate("async () => (await caches.keys()).length > 0"))

    organiser = new_page()
    log_in_as_organiser(organiser, base)
    organiser.goto(f"{base}/events/caecw-2025/checkin/")
    organiser.get_by_role("link", name="Scanning devices").click()
    row = organiser.get_by_role("row").filter(has_text="Gate W phone")
    row.get_by_role("button", name="Sign out and wipe").click()
    expect(organiser.get_by_text("forgets the guest list at its next contact")).to_be_visible()

    # The phone's next contact: a badge scanned at the gate.
    phone.get_by_label("Scan a badge, or type its code and press Enter").fill("NOT-A-CODE")
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("heading", name="This device has been signed out")).to_be_visible()
    assert phone.evaluate("() => localStorage.length") == 0
    assert _wait(lambda: phone.evaluate("async () => (await caches.keys()).length === 0"))
    assert _wait(
        lambda: phone.evaluate(
            "async () => (await navigator.serviceWorker.getRegistrations()).length === 0"
        )
    )
    # And the server no longer takes the phone's cookies.
    phone.goto(f"{base}/events/caecw-2025/checkin/gate-w")
    assert "/auth/login" in phone.url


def test_a_signed_out_scanner_reloaded_forgets_and_stays_closed_offline(live_server, new_page):
    """The phone's next contact is a reload of the scanner page, not a scan: it is wiped
    all the same, and offline the scanner no longer opens from the phone's cache."""
    base = live_server.base_url
    _staff_at_gate(live_server, "gate-r")
    phone = new_page()
    log_in(phone, base, *STAFF)
    scanner = f"{base}/events/caecw-2025/checkin/gate-r"
    phone.goto(scanner)
    assert _wait(
        lambda: phone.evaluate("() => Object.keys(localStorage).some(k => k.endsWith(':roster'))")
    )
    assert _wait(lambda: phone.evaluate("async () => (await caches.keys()).length > 0"))
    assert _wait(
        lambda: phone.evaluate(
            "async () => (await navigator.serviceWorker.getRegistrations()).length > 0"
        )
    )

    organiser = new_page()
    log_in_as_organiser(organiser, base)
    organiser.goto(f"{base}/events/caecw-2025/checkin/devices")
    rows = organiser.get_by_role("row").filter(has_text="Gate W phone")
    while rows.count():  # every session of the phone's person, this one among them
        rows.first.get_by_role("button", name="Sign out and wipe").click()
        expect(organiser.get_by_text("forgets the guest list at its next contact")).to_be_visible()

    phone.reload()
    assert "/auth/login" in phone.url
    assert _wait(lambda: phone.evaluate("() => localStorage.length === 0"))
    assert _wait(lambda: phone.evaluate("async () => (await caches.keys()).length === 0"))
    assert _wait(
        lambda: phone.evaluate(
            "async () => (await navigator.serviceWorker.getRegistrations()).length === 0"
        )
    )

    phone.context.set_offline(True)
    # No network and nothing cached: the browser's own error page (goto raises).
    with contextlib.suppress(PlaywrightError):
        phone.goto(scanner)
    expect(phone.get_by_label("Scan a badge, or type its code and press Enter")).to_have_count(0)
    assert "Nguyễn Thị Hương" not in phone.content()
