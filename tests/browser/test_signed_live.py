"""A signed agreement's record in the browser: after the signing, the signatory's registration
is renamed; the stage plan and the printouts still name who signed, the ceremony page says
which host side is used and sends the organiser to the stage page to change it, and a
correction is recorded as an amendment."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from eventhub.ceremonies.models import Agreement, AgreementParty, AgreementStatus
from eventhub.ceremonies.signed_record import take_down
from eventhub.directory.models import Organisation
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Category, Participant, Status
from eventhub.scheduling.models import Activity, ActivityType

from .conftest import ARTIFACTS, log_in_as_organiser

pytestmark = pytest.mark.browser


def _signed_then_renamed(app) -> tuple[int, int]:
    """A ceremony with one agreement signed by SIGNEDHOST and SIGNEDGUEST; the guest's
    registration is renamed afterwards (a merge or a late correction)."""
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))
        ceremony = Activity(
            event_id=event.id,
            title_en="Signing Ceremony SL",
            type=ActivityType.SIGNING_CEREMONY,
            starts_at=datetime(2025, 7, 26, 2, 0, tzinfo=UTC),
            ends_at=datetime(2025, 7, 26, 3, 0, tzinfo=UTC),
        )
        host = Organisation(name_en="Guizhou Signed College", country_code="CN")
        guest = Organisation(name_en="Lao Signed College", country_code="LA")
        db.session.add_all([ceremony, host, guest])
        db.session.flush()
        people = [
            Participant(
                event_id=event.id, family_name=family, given_name="Bounthavy",
                country_code=organisation.country_code, organisation_id=organisation.id,
                category=Category.DELEGATE, status=Status.APPROVED,
            )
            for family, organisation in (("SIGNEDHOST", host), ("SIGNEDGUEST", guest))
        ]  # fmt: skip
        db.session.add_all(people)
        db.session.flush()
        agreement = Agreement(
            event_id=event.id, title_en="MoU Signed Live", ceremony=ceremony, running_order=1,
            status=AgreementStatus.ORIGINALS_READY,
        )  # fmt: skip
        agreement.parties = [
            AgreementParty(organisation_id=o.id, position=n, signatory_id=p.id)
            for n, (o, p) in enumerate(zip((host, guest), people, strict=True), start=1)
        ]
        db.session.add(agreement)
        db.session.commit()
        agreement.status = AgreementStatus.SIGNED  # the "Signed" step takes the names down
        take_down(agreement, signed=True)
        db.session.commit()
        people[1].family_name = "RENAMED"
        db.session.commit()
        return ceremony.id, agreement.id


def test_a_signed_record_is_shown_as_signed_and_corrected_by_amendment(live_server, page):
    base = live_server.base_url
    ceremony_id, agreement_id = _signed_then_renamed(live_server)
    log_in_as_organiser(page, base)
    url = f"{base}/events/caecw-2025/ceremonies/{ceremony_id}"
    page.goto(url)
    assert page.get_by_text("The host sits on the left as the audience sees the stage").is_visible()
    assert page.locator("select[name=host_left]").count() == 0
    page.screenshot(path="/tmp/shots-signedlive/ceremony.png", full_page=True)
    with page.expect_navigation():
        page.get_by_role("link", name="Choose the host side on the stage page").click()
    assert "/stage" in page.url
    plan = page.locator("section.stage-plan").first
    assert "Bounthavy SIGNEDGUEST" in plan.inner_text() and "RENAMED" not in plan.inner_text()
    page.screenshot(path="/tmp/shots-signedlive/stage.png", full_page=True)
    for document in ("mc-script.pdf", "name-cards.pdf", "register.pdf"):
        response = page.request.get(f"{url}/{document}")
        assert response.status == 200 and response.body().startswith(b"%PDF")
        (ARTIFACTS / f"signed-live-{document}").write_bytes(response.body())

    page.goto(f"{base}/events/caecw-2025/agreements/{agreement_id}")
    assert page.locator("select[name=participant_id]").count() == 0  # no form to rewrite it
    page.get_by_label("What is corrected").select_option(
        label="Signatory for Lao Signed College: Bounthavy SIGNEDGUEST"
    )
    page.get_by_label("Corrected to").fill("Bounthavy SIGNEDGUEST Jr.")
    page.get_by_label("Why (kept with the record)").fill("As on the passport.")
    with page.expect_navigation():
        page.get_by_role("button", name="Record the amendment").click()
    assert page.get_by_text("Amendment recorded").is_visible()
    page.screenshot(path="/tmp/shots-signedlive/agreement.png", full_page=True)
    assert page.problems == []
