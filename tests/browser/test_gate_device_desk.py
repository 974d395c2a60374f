"""A gate device (enrolled by link, no login) has the staff's forgotten-badge desk: it finds
a person by name, tells namesakes apart by their photo, position and number, checks the
right one in, and undoes a mistaken scan, all over its bearer token."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from .test_gate_devices import _event_still_on, _gate, _roster_ready, _scan, _scans_at

pytestmark = pytest.mark.browser


def _jpeg() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), (40, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def _namesakes_and_device(app, checkpoint: str) -> tuple[list[int], str]:
    """Two approved people called LIM Wei (one with a photo) and a gate device's
    enrolment link for `checkpoint`."""
    from eventhub.auth import services as auth_services
    from eventhub.checkin import devices
    from eventhub.checkin.models import Checkpoint
    from eventhub.events.models import Event
    from eventhub.extensions import db
    from eventhub.registration.models import Category, Participant, ParticipantPhoto, Status
    from eventhub.text import search_text

    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))
        twins = []
        for position, country in (("Rector", "SG"), ("Exchange student", "MY")):
            person = Participant(
                event_id=event.id,
                family_name="LIM",
                given_name="Wei",
                position=position,
                country_code=country,
                name_order="family",  # Chinese Singaporean and Malaysian: LIM Wei
                category=Category.DELEGATE,
                status=Status.APPROVED,
                search_text=search_text("LIM Wei"),
            )
            db.session.add(person)
            db.session.flush()
            twins.append(person.id)
        db.session.add(
            ParticipantPhoto(participant_id=twins[1], content=_jpeg(), width=60, height=80)
        )
        gate = db.session.scalar(sa.select(Checkpoint).where(Checkpoint.slug == checkpoint))
        organiser = auth_services.get_user_by_email("organiser@browser.test")
        _token, plaintext = devices.enrol_device(event, "Desk tablet", [gate.id], actor=organiser)
        db.session.commit()
    return twins, f"{app.base_url}/events/caecw-2025/checkin/device/#enrol={plaintext}"


def test_a_gate_device_checks_in_a_namesake_by_name_and_undoes_a_scan(live_server, new_page):
    first, _second = _gate(live_server, "gate-desk")
    with _event_still_on(live_server):
        twins, link = _namesakes_and_device(live_server, "gate-desk")
        tablet = new_page()
        tablet.set_viewport_size({"width": 390, "height": 844})
        tablet.goto(link)
        tablet.get_by_role("link", name="Gate Desk").click()
        _roster_ready(tablet)

        tablet.get_by_label("Name in any script").fill("lim wei")
        tablet.get_by_role("button", name="Find").click()
        rows = tablet.locator("#people .search-person")
        expect(rows).to_have_count(2)
        rector = rows.filter(has_text="Rector")
        student = rows.filter(has_text="Exchange student")
        expect(rector).to_contain_text(f"No. {twins[0]}")
        expect(student).to_contain_text(f"No. {twins[1]}")
        # The photo came over the token (an <img> cannot send it): a real picture.
        photo = student.get_by_role("img", name="Photo of LIM Wei")
        expect(photo).to_be_visible()
        assert photo.evaluate("img => img.complete && img.naturalWidth") == 60
        tablet.screenshot(path="test-artifacts/gate-device-namesakes.png", full_page=True)

        student.get_by_role("button", name="Check in").click()
        expect(tablet.locator("#answer-verdict")).to_have_text("Admitted")
        expect(tablet.locator("#answer-name")).to_have_text("LIM Wei")
        expect(tablet.locator("#answer-photo")).to_be_visible()
        tablet.screenshot(path="test-artifacts/gate-device-checked-in.png", full_page=True)
        tablet.locator("#answer").click()

        # A badge scanned by mistake, undone from the device's list of last scans.
        _scan(tablet, first)
        expect(tablet.locator("#answer-verdict")).to_have_text("Admitted")
        tablet.locator("#answer").click()
        recent = tablet.locator("#recent li")
        expect(recent).to_have_count(2)
        expect(recent.first).to_contain_text("杨明")
        recent.first.get_by_role("button", name="Undo").click()
        expect(recent.first).to_contain_text("(undone)")
        expect(recent.nth(1).get_by_role("button", name="Undo")).to_be_visible()
        tablet.screenshot(path="test-artifacts/gate-device-undo.png", full_page=True)

    from eventhub.checkin.models import Checkpoint, Scan
    from eventhub.extensions import db

    with live_server.app_context():
        scans = db.session.execute(
            sa.select(Scan.participant_id, Scan.undone_at.is_not(None), Scan.device)
            .join(Checkpoint)
            .where(Checkpoint.slug == "gate-desk")
            .order_by(Scan.id)
        ).all()
    assert [(s[0], s[1]) for s in scans][0] == (twins[1], False)  # the student, not the rector
    assert scans[0][2].startswith("Desk tablet")
    assert [s[1] for s in scans] == [False, True]
    assert len(_scans_at(live_server, "gate-desk")) == 2
