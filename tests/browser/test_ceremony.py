"""An organiser plans a signing ceremony of 20 agreements: orders it, reorders it, watches the
run of show move, signs two at a time to fit the slot, and prints what the MC needs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from eventhub.ceremonies.models import Agreement, AgreementParty
from eventhub.directory.models import Organisation
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Category, Participant, Status
from eventhub.scheduling.models import Activity, ActivityType

from .conftest import ARTIFACTS, log_in_as_organiser

pytestmark = pytest.mark.browser


def _twenty_agreements(app) -> int:
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))
        ceremony = Activity(
            event_id=event.id,
            title_en="Signing Ceremony I",
            title_zh="签约仪式（一）",
            type=ActivityType.SIGNING_CEREMONY,
            starts_at=datetime(2025, 7, 25, 8, 0, tzinfo=UTC),  # 16:00 in Guiyang
            ends_at=datetime(2025, 7, 25, 9, 30, tzinfo=UTC),
        )
        db.session.add(ceremony)
        for n in range(20):
            host = Organisation(name_en=f"Guizhou College {n:02d}", country_code="CN")
            guest = Organisation(name_en=f"Lao College {n:02d}", country_code="LA")
            db.session.add_all([host, guest])
            db.session.flush()
            people = [
                Participant(
                    event_id=event.id,
                    family_name=family,
                    given_name=f"Signer {n:02d}",
                    country_code=organisation.country_code,
                    organisation_id=organisation.id,
                    category=Category.DELEGATE,
                    status=Status.APPROVED,
                    protocol_rank=20 - n if family == "HOST" else None,  # the last most senior
                )
                for family, organisation in (("HOST", host), ("GUEST", guest))
            ]
            db.session.add_all(people)
            db.session.flush()
            agreement = Agreement(
                event_id=event.id,
                title_en=f"Agreement {n + 1:02d}",
                ceremony=ceremony,
                running_order=n + 1,
            )
            for position, (organisation, person) in enumerate(
                zip((host, guest), people, strict=True), start=1
            ):
                agreement.parties.append(
                    AgreementParty(
                        organisation_id=organisation.id, position=position, signatory_id=person.id
                    )
                )
            db.session.add(agreement)
        db.session.commit()
        return ceremony.id


def test_plan_a_ceremony_of_twenty_agreements(live_server, page):
    base = live_server.base_url
    ceremony_id = _twenty_agreements(live_server)
    log_in_as_organiser(page, base)
    url = f"{base}/events/caecw-2025/ceremonies/{ceremony_id}"
    page.goto(url)
    running = page.locator("ol.list-group > li")
    assert running.count() == 20
    # 5 + 10 + 20 x 7 + 5 minutes in a 90-minute slot.
    assert "70 minutes too long" in page.content()
    first_cue = page.locator("tr", has_text="Agreement 01: Signatories sign their own originals")
    assert "16:15" in first_cue.inner_text()

    with page.expect_navigation():
        page.get_by_role("button", name="Order by protocol precedence").click()
    assert running.first.inner_text().startswith("Agreement 20")  # rank 1 signs first
    cue = page.locator("tr", has_text="Agreement 20: Signatories sign their own originals")
    assert "16:15" in cue.inner_text()

    with page.expect_navigation():
        running.first.get_by_role("button", name="Move down").click()
    assert running.nth(1).inner_text().startswith("Agreement 20")
    cue = page.locator("tr", has_text="Agreement 20: Signatories sign their own originals")
    assert "16:22" in cue.inner_text()  # one signing (7 minutes) later

    page.get_by_text("Ceremony settings").click()
    page.get_by_label("Signing tables (agreements signed at once)").fill("3")
    with page.expect_navigation():
        page.get_by_role("button", name="Save settings").click()
    assert "too long" not in page.content()  # 5 + 10 + 7 x 7 + 5 = 69 minutes
    assert page.locator("tr", has_text="Agreements 19–20").count() == 4  # the last two, 4 steps
    assert page.locator("tr", has_text="Agreements 1–3: Signatories sign their own").count() == 1
    page.screenshot(path=str(ARTIFACTS / "ceremony-planned.png"), full_page=True)

    page.get_by_role("link", name="Stage plans").click()
    assert page.locator("section.stage-plan").count() == 20
    for document in ("mc-script.pdf", "name-cards.pdf", "register.pdf"):
        response = page.request.get(f"{url}/{document}")
        assert response.status == 200 and response.body().startswith(b"%PDF")
    assert page.problems == []
