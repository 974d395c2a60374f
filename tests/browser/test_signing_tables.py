"""An organiser lays out a three-party signing next to a bilateral one at two tables at once:
reads the stage plans under the host-side convention, changes it, and checks the materials."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from eventhub.ceremonies.models import Agreement, AgreementParty, AgreementWitness, CeremonySettings
from eventhub.directory.models import Organisation
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Category, Participant, Status
from eventhub.scheduling.models import Activity, ActivityType

from .conftest import log_in_as_organiser

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-tables")


def _two_tables(app) -> int:
    """A ceremony at two tables: a China-Laos-Thailand MoU and a China-Cambodia one, where
    the Lao dean signs the first and witnesses the second."""
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))
        ceremony = Activity(
            event_id=event.id,
            title_en="Signing Ceremony of the Tables",
            title_zh="签约仪式（多边）",
            type=ActivityType.SIGNING_CEREMONY,
            starts_at=datetime(2025, 7, 26, 8, 0, tzinfo=UTC),
            ends_at=datetime(2025, 7, 26, 9, 0, tzinfo=UTC),
        )
        db.session.add(ceremony)
        db.session.flush()
        db.session.add(CeremonySettings(ceremony_id=ceremony.id, tables=2))
        orgs = {
            code: Organisation(name_en=name, country_code=code)
            for code, name in (
                ("CN", "Guizhou Tables University"),
                ("LA", "Tables College of Laos"),
                ("TH", "Tables University of Thailand"),
                ("KH", "Tables Institute of Cambodia"),
            )
        }
        db.session.add_all(orgs.values())
        db.session.flush()

        def person(family: str, code: str, rank: int | None = None) -> Participant:
            found = Participant(
                event_id=event.id,
                family_name=family,
                given_name="Tables",
                country_code=code,
                organisation_id=orgs[code].id if code in orgs else None,
                category=Category.DELEGATE,
                status=Status.APPROVED,
                protocol_rank=rank,
            )
            db.session.add(found)
            return found

        signers = [person("WANG", "CN", 5), person("SOUKSAVATH", "LA", 6), person("CHAI", "TH", 5)]
        aides = [person("AIDE-CN", "CN"), person("AIDE-LA", "LA"), person("AIDE-TH", "TH")]
        witnesses = [
            person("INTHAVONG", "LA", 3),
            person("SOMCHAI", "TH", 2),
            person("LIU", "CN", 4),
        ]
        president = person("ZHANG", "CN", 5)
        student = person("SOK", "KH")  # a student representative opposite a president
        db.session.flush()
        trilateral = Agreement(
            event_id=event.id,
            title_en="Trilateral MoU on Vocational Education",
            ceremony=ceremony,
            running_order=1,
        )
        trilateral.parties = [
            AgreementParty(
                organisation_id=orgs[code].id,
                position=n,
                signatory_id=signers[n - 1].id,
                assistant_id=aides[n - 1].id,
            )
            for n, code in enumerate(("CN", "LA", "TH"), start=1)
        ]
        trilateral.witnesses = [AgreementWitness(participant_id=p.id) for p in witnesses]
        bilateral = Agreement(
            event_id=event.id,
            title_en="MoU on Student Exchange",
            ceremony=ceremony,
            running_order=2,
        )
        bilateral.parties = [
            AgreementParty(organisation_id=orgs["CN"].id, position=1, signatory_id=president.id),
            AgreementParty(organisation_id=orgs["KH"].id, position=2, signatory_id=student.id),
        ]
        bilateral.witnesses = [AgreementWitness(participant_id=signers[1].id)]
        db.session.add_all([trilateral, bilateral])
        db.session.commit()
        return ceremony.id


def test_stage_plans_of_a_three_party_signing_and_its_materials(live_server, page):
    SHOTS.mkdir(exist_ok=True)
    base = live_server.base_url
    ceremony_id = _two_tables(live_server)
    log_in_as_organiser(page, base)
    url = f"{base}/events/caecw-2025/ceremonies/{ceremony_id}"
    page.goto(url)
    warnings = page.locator(".alert-warning")
    assert warnings.filter(has_text="Tables SOUKSAVATH is needed at two signing tables").count()
    # The unranked student representative is named for a rank, not taken for a mismatch.
    assert warnings.filter(has_text="No protocol rank for SOK Tables").count() == 1
    assert warnings.filter(has_text="very different rank").count() == 0
    page.screenshot(path=str(SHOTS / "ceremony.png"), full_page=True)

    page.goto(f"{url}/stage")
    assert "The host sits on the left as the audience sees the stage" in page.content()
    trilateral = page.locator("section.stage-plan").first
    assert trilateral.get_by_role("list", name="Signing assistants").count() == 1
    signing = trilateral.locator(".stage-signatory").all_inner_texts()
    assert [text.split("\n")[1] for text in signing] == [
        "WANG Tables",
        "Tables SOUKSAVATH",
        "Tables CHAI",
    ]
    page.screenshot(path=str(SHOTS / "stage-left.png"), full_page=True)

    page.get_by_role("radio", name="Right").check()
    page.get_by_label("Order of people of the same rank").select_option("appointed")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    assert "Stage conventions saved." in page.content()
    assert "The host sits on the right as the audience sees the stage" in page.content()
    signing = page.locator("section.stage-plan").first.locator(".stage-signatory")
    assert "Tables CHAI" in signing.first.inner_text()
    page.screenshot(path=str(SHOTS / "stage-right.png"), full_page=True)

    page.goto(f"{url}/materials")
    flags = page.locator("tr", has_text="Table flag with stand: China")
    assert flags.locator("td").first.inner_text() == "2"  # one at each table signing at once
    page.screenshot(path=str(SHOTS / "materials.png"), full_page=True)

    # The date of appointment is kept with the rank, on the participant's page.
    with live_server.app_context():
        ambassador = db.session.scalar(
            sa.select(Participant.id).where(Participant.family_name == "INTHAVONG")
        )
    page.goto(f"{base}/events/caecw-2025/participants/{ambassador}")
    page.get_by_label("Appointed on").fill("2023-01-09")
    with page.expect_navigation():
        page.get_by_role("button", name="Set the rank").click()
    assert page.get_by_label("Appointed on").input_value() == "2023-01-09"
    page.screenshot(path=str(SHOTS / "participant-rank.png"), full_page=True)
    assert page.problems == []
