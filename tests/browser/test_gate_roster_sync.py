"""The roster and the queue on a device over a poor link: an undo at the gate reaches the
device's roster, and queued scans go up one batch at a time however slow the answer."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from eventhub import ROOT
from eventhub.checkin.offline import code_digest

from .conftest import ARTIFACTS
from .test_gate_verdicts import _gate, _open, _scan, _scans
from .test_offline_scanner import _wait

RULES = {
    "active": True,
    "opens_at": None,
    "closes_at": None,
    "daily_opens": None,
    "daily_closes": None,
    "categories": [],
    "zone": "",
    "enrolment": False,
    "reentry": False,
    "direction": "entry",
    "capacity": None,
    "timezone": "UTC",
    "name_en": "Main",
    "name_zh": "",
}


def test_an_undo_at_the_gate_reaches_the_devices_roster(page):
    """Staff undid an admission (the wrong badge held up): offline, the device still said
    "already admitted" to the real guest until its next whole roster."""
    person = {
        "id": 7,
        "code": code_digest("EH1GUEST"),
        "revoked": [],
        "status": "approved",
        "category": "delegate",
        "participant": {"id": 7, "name": "Guest"},
    }
    whole = {
        "delta": False,
        "version": "s.40.0",
        "rules": RULES,
        "reasons": {"already": "Already checked in at %(time)s at %(where)s."},
        "people": [person],
        "admissions": [[7, "TODAY", "09:00", "Main", 40]],
        "undone": [],
    }
    # A secure origin of its own, as the gate's pages are (the roster hashes with WebCrypto).
    page.route(
        "https://gate.test/**",
        lambda route: route.fulfill(
            content_type="text/html", body="<!doctype html><title>u</title>"
        ),
    )
    page.goto("https://gate.test/")
    page.add_script_tag(content=(ROOT / "static" / "js" / "gate-roster.js").read_text())
    verdicts = page.evaluate(
        """async (whole) => {
            const today = new Date().toISOString().slice(0, 10);
            whole.admissions[0][1] = today;
            const answers = [whole, {
                delta: true, version: "s.40.1", admissions: [],
                undone: [[7, today, 40, Date.now()]],
            }];
            window.fetch = async () => new Response(JSON.stringify(answers.shift()));
            GateRoster.configure("/roster", "undo-test");
            await GateRoster.sync();
            const before = await GateRoster.judge("EH1GUEST");
            await GateRoster.sync();
            const after = await GateRoster.judge("EH1GUEST");
            return [before.result, after.result, GateRoster.status().version];
        }""",
        whole,
    )
    assert verdicts == ["already_admitted", "admitted", "s.40.1"]


@pytest.mark.browser
def test_queued_scans_go_up_one_batch_at_a_time_on_a_slow_link(live_server, page):
    """At 8 s latency the 5 s timer started another upload of the same queue while one was
    still in flight: the server saw overlapping batches of the same scans."""
    base = live_server.base_url
    first, second, _third = _gate(live_server, "gate-batch")
    _open(page, base, "gate-batch")
    in_flight, most, batches = [0], [0], [0]

    def started(request):
        if request.url.endswith("/scans/batch") or request.url.endswith("/batch"):
            batches[0] += 1
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])

    def ended(request):
        if request.url.endswith("/batch"):
            in_flight[0] -= 1

    page.on("request", started)
    page.on("requestfinished", ended)
    page.on("requestfailed", ended)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    slow = {"offline": False, "downloadThroughput": -1, "uploadThroughput": -1}
    cdp.send("Network.emulateNetworkConditions", {**slow, "latency": 8_000})
    _scan(page, first)
    expect(page.locator("#answer-verdict")).to_have_text("Admitted · offline", timeout=5_000)
    _scan(page, second)
    expect(page.locator("#answer-name")).to_have_text("杨明", timeout=5_000)
    # Three ticks of the 5 s timer and the scan's own flush, all while a batch is in flight.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        page.wait_for_timeout(500)
    assert batches[0] >= 1
    assert most[0] == 1, f"{most[0]} batch uploads in flight at once"
    cdp.send("Network.emulateNetworkConditions", {**slow, "latency": 0})
    expect(page.locator("#network")).to_have_text("Online", timeout=30_000)
    assert _wait(lambda: len(_scans(live_server, "gate-batch")) == 2)
    assert sorted(_scans(live_server, "gate-batch")) == ["admitted", "admitted"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "gate-batch-one-at-a-time.png"))


def test_offline_a_door_with_a_capacity_counts_its_own_entries_and_exits(page):
    """Offline the device cannot know who entered at other doors since its last sync: it
    starts from the count inside at the sync, adds its own entries and exits, and says the
    verdict is an estimate. Leaving through a door for both directions frees a place."""
    people = [
        {
            "id": n,
            "code": code_digest(f"EH1P{n}"),
            "revoked": [],
            "status": "approved",
            "category": "delegate",
            "participant": {"id": n, "name": f"P{n}"},
        }
        for n in (1, 2, 3)
    ]
    whole = {
        "delta": False,
        "version": "s.0.0.1",
        "rules": {**RULES, "capacity": 2, "direction": "both"},
        "reasons": {"full": "Full: all %(capacity)s places are taken."},
        "people": people,
        "admissions": [],
        "undone": [],
        "inside": {"day": "TODAY", "count": 1},
    }
    page.route(
        "https://gate.test/**",
        lambda route: route.fulfill(
            content_type="text/html", body="<!doctype html><title>c</title>"
        ),
    )
    page.goto("https://gate.test/")
    page.add_script_tag(content=(ROOT / "static" / "js" / "gate-roster.js").read_text())
    verdicts = page.evaluate(
        """async (whole) => {
            const utc = new Intl.DateTimeFormat("sv-SE", { timeZone: "UTC" });
            whole.inside.day = utc.format(new Date());
            window.fetch = async () => new Response(JSON.stringify(whole));
            GateRoster.configure("/roster", "capacity-test");
            await GateRoster.sync();
            const out = [];
            for (const [code, way] of [["EH1P1"], ["EH1P2"], ["EH1P1", "exit"], ["EH1P2"]]) {
                const v = await GateRoster.judge(code, new Date(), way || "entry");
                const left = v.places_left === undefined ? null : v.places_left;
                out.push([v.result, v.reasonKey, left, v.estimated]);
            }
            return out;
        }""",
        whole,
    )
    assert verdicts == [
        ["admitted", "admitted", 0, True],
        ["denied", "full", None, True],
        ["exited", "exit", None, False],
        ["admitted", "admitted", 0, True],
    ]
