"""Two organisers at one agreement: one records it signed; the other, on the page opened
before, tries to name another signatory and is refused; the record is corrected with an
amendment, kept after the record as signed on the page and in the signing register."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from pypdf import PdfReader

from eventhub.ceremonies.models import Agreement, AgreementParty, AgreementStatus
from eventhub.directory.models import Organisation
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Category, Participant, Status
from eventhub.scheduling.models import Activity, ActivityType

from .conftest import log_in_as_organiser

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots-freeze")


def _agreement_ready_to_sign(app) -> tuple[int, int, int, int]:
    """An agreement with its originals printed, at a ceremony; the ids of it, its guest
    party, a second person of the guest university, and the ceremony."""
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))
        ceremony = Activity(
            event_id=event.id,
            title_en="Signing Ceremony of the Freeze Journey",
            type=ActivityType.SIGNING_CEREMONY,
            starts_at=datetime(2025, 7, 26, 8, 0, tzinfo=UTC),
            ends_at=datetime(2025, 7, 26, 9, 0, tzinfo=UTC),
        )
        host = Organisation(name_en="Guizhou Freeze College", country_code="CN")
        guest = Organisation(name_en="Vientiane Freeze College", country_code="LA")
        db.session.add_all([ceremony, host, guest])
        db.session.flush()

        def person(family: str, given: str, organisation: Organisation) -> Participant:
            return Participant(
                event_id=event.id,
                family_name=family,
                given_name=given,
                country_code=organisation.country_code,
                organisation_id=organisation.id,
                category=Category.DELEGATE,
                status=Status.APPROVED,
            )

        rector = person("FREEZEHOST", "Jianhua", host)
        president = person("FREEZEGUEST", "Bounheng", guest)
        deputy = person("FREEZEDEPUTY", "Khamla", guest)
        db.session.add_all([rector, president, deputy])
        db.session.flush()
        agreement = Agreement(
            event_id=event.id,
            title_en="MoU on Frozen Records",
            title_zh="签字记录谅解备忘录",
            status=AgreementStatus.ORIGINALS_READY,
            ceremony_id=ceremony.id,
        )
        agreement.parties = [
            AgreementParty(organisation_id=host.id, position=1, signatory_id=rector.id),
            AgreementParty(organisation_id=guest.id, position=2, signatory_id=president.id),
        ]
        db.session.add(agreement)
        db.session.commit()
        return agreement.id, agreement.parties[1].id, deputy.id, ceremony.id


def test_a_signed_agreement_refuses_an_edit_and_records_an_amendment(live_server, new_page):
    base = live_server.base_url
    agreement_id, guest_party, deputy_id, ceremony_id = _agreement_ready_to_sign(live_server)
    SHOTS.mkdir(exist_ok=True)
    url = f"{base}/events/caecw-2025/agreements/{agreement_id}"
    late, signer = new_page(), new_page()
    for page in (late, signer):
        log_in_as_organiser(page, base)
        page.goto(url)

    # The second organiser records the signature at the table.
    with signer.expect_navigation():
        signer.get_by_role("button", name="Next: Signed").click()
    expect(signer.get_by_role("status")).to_contain_text("The agreement is now: Signed.")
    expect(signer.get_by_role("heading", name="Signing record")).to_be_visible()
    expect(signer.locator("#signatory-" + str(guest_party))).to_have_count(0)
    # The ceremony has begun: the signature is not taken back.
    back = signer.get_by_role("button", name="Back to: Originals printed and bound")
    expect(back).to_have_count(0)

    # The first, on the page opened before, names another signatory: refused.
    late.locator(f"#signatory-{guest_party}").select_option(str(deputy_id))
    form = late.locator("form", has=late.locator(f"#signatory-{guest_party}"))
    with late.expect_navigation():
        form.get_by_role("button", name="Save").click()
    refusal = late.get_by_role("alert")
    expect(refusal).to_contain_text("The agreement is signed: the signing record cannot change")
    expect(late.get_by_text("Signatory saved.")).to_have_count(0)
    record = late.locator("dl", has_text="Vientiane Freeze College")
    expect(record).to_contain_text("Bounheng FREEZEGUEST")
    expect(record).not_to_contain_text("FREEZEDEPUTY")
    late.screenshot(path=str(SHOTS / "refused.png"), full_page=True)

    # A correction, with the keyboard: first without saying why.
    late.get_by_label("What is corrected").select_option(f"signatory:{guest_party}")
    late.get_by_label("Corrected to").fill("Bounheng Vongsa FREEZEGUEST")
    with late.expect_navigation():
        late.get_by_role("button", name="Record the amendment").click()
    expect(late.get_by_role("alert")).to_contain_text("Say why the record is corrected.")
    expect(late.get_by_label("Corrected to")).to_have_value("Bounheng Vongsa FREEZEGUEST")
    late.get_by_label("Why (kept with the record)").fill(
        "His full name as in the passport; the originals were signed so."
    )
    with late.expect_navigation():
        late.get_by_label("Why (kept with the record)").press("Tab")
        late.keyboard.press("Enter")
    expect(late.get_by_role("status")).to_contain_text("Amendment recorded")
    amendments = late.locator("ol", has_text="Bounheng Vongsa FREEZEGUEST")
    expect(amendments).to_contain_text("Bounheng FREEZEGUEST")
    expect(amendments).to_contain_text("the originals were signed so")
    expect(record).to_contain_text("Bounheng FREEZEGUEST")
    expect(record).not_to_contain_text("Vongsa")  # the record stays as signed
    late.screenshot(path=str(SHOTS / "amended.png"), full_page=True)

    register = late.request.get(f"{base}/events/caecw-2025/ceremonies/{ceremony_id}/register.pdf")
    assert register.status == 200
    (SHOTS / "register.pdf").write_bytes(register.body())
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(register.body())).pages).replace(
        "\n", " "
    )
    assert text.index("Bounheng FREEZEGUEST") < text.index("Amendments")
    assert text.index("Amendments") < text.index("Bounheng Vongsa FREEZEGUEST")
    covers = late.request.get(f"{base}/events/caecw-2025/ceremonies/{ceremony_id}/cover-sheets.pdf")
    assert covers.status == 200
    (SHOTS / "cover-sheets.pdf").write_bytes(covers.body())
