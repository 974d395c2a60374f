"""The gate's roster on the page: it says how many people it holds and when it synced,
judges at scan time (a door that opens later admits then, from a roster fetched before),
and an offline refusal reaches the server as a refusal."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from .conftest import ARTIFACTS, log_in_as_organiser
from .test_offline_scanner import _gate_and_codes, _wait

pytestmark = pytest.mark.browser


def _door_opens_in_five_minutes(app) -> None:
    # A door of its own: test_offline_scanner.py scans at gate-d, open all along.
    from eventhub.checkin.models import Checkpoint
    from eventhub.db import utcnow
    from eventhub.extensions import db

    with app.app_context():
        door = db.session.scalar(sa.select(Checkpoint).where(Checkpoint.slug == "gate-later"))
        door.opens_at = utcnow() + timedelta(minutes=5)
        db.session.commit()


def test_the_roster_judges_at_scan_time_and_a_refusal_stays_one(live_server, page):
    base = live_server.base_url
    first, _second = _gate_and_codes(live_server, "gate-later")
    _door_opens_in_five_minutes(live_server)
    log_in_as_organiser(page, base)
    page.goto(f"{base}/events/caecw-2025/checkin/gate-later")
    status = page.locator("#roster-status")
    expect(status).to_contain_text(" people, synced ")
    assert status.inner_text().split(" ")[0].replace(",", "").isdigit()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "gate-roster-status.png"))

    # Fetched before the door opens: refused now, admitted once it is open.
    now, later = page.evaluate(
        """async (code) => {
            const now = await GateRoster.judge(code, new Date());
            const later = await GateRoster.judge(code, new Date(Date.now() + 10 * 60000));
            return [now, later];
        }""",
        first,
    )
    assert (now["result"], now["reasonKey"]) == ("denied", "too_early")
    assert now["reason"].startswith("Outside the time window: opens at ")
    assert later["result"] == "admitted" and later["participant"]["name"]

    page.context.set_offline(True)
    page.locator("#code").fill("NOT-A-BADGE-OF-OURS")
    page.keyboard.press("Enter")
    expect(page.locator("#answer-verdict")).to_have_text("Not a valid badge · offline")
    page.screenshot(path=str(ARTIFACTS / "gate-roster-offline-refusal.png"))
    page.context.set_offline(False)
    expect(page.locator("#network")).to_have_text("Online", timeout=15_000)

    from eventhub.checkin.models import Admission, Checkpoint, Scan
    from eventhub.extensions import db

    assert _wait(lambda: _stored(live_server, Checkpoint, Scan))
    with live_server.app_context():
        scan = _stored(live_server, Checkpoint, Scan)
        assert (scan.result.value, scan.offline, scan.server_result.value) == (
            "invalid",
            True,
            "invalid",
        )
        assert not db.session.scalar(sa.select(Admission).where(Admission.scan_id == scan.id))


def _stored(app, checkpoint, scan_model):
    from eventhub.extensions import db

    with app.app_context():
        return db.session.scalar(
            sa.select(scan_model)
            .join(checkpoint)
            .where(checkpoint.slug == "gate-later", scan_model.code == "NOT-A-BADGE-OF-OURS")
        )
