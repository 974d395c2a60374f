"""From "Signed" on, the signing record is frozen: who signed and witnessed, the title and
the originals stay as signed; a correction is an amendment recorded after it."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from pypdf import PdfReader

from eventhub.audit.models import AuditEntry
from eventhub.auth.models import User
from eventhub.ceremonies import operations
from eventhub.ceremonies.models import Agreement, AgreementStatus
from eventhub.extensions import db
from eventhub.registration import merging
from eventhub.scheduling.models import ActivityType


def _signed(client, app, make, event, *, starts_at=datetime(2025, 7, 25, 8, 0, tzinfo=UTC)):
    """An agreement signed at a ceremony (through the workflow's last step), and its URL,
    its parties' ids and the people in it."""
    guizhou = make.organisation(name_en="Guizhou University", country_code="CN")
    nuol = make.organisation(name_en="National University of Laos", country_code="LA")
    rector = make.participant(
        event, family_name="WANG", given_name="Jianhua", organisation_id=guizhou.id
    )
    president = make.participant(
        event, family_name="PHOMMAXAY", given_name="Bounheng", organisation_id=nuol.id
    )
    deputy = make.participant(
        event, family_name="SOUVANNA", given_name="Khamla", organisation_id=nuol.id
    )
    minister = make.participant(event, family_name="LI", given_name="Ming", country_code="CN")
    ceremony = make.activity(
        event,
        title_en="Signing Ceremony I",
        type=ActivityType.SIGNING_CEREMONY,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=90),
    )
    agreement = make.agreement(
        event,
        [guizhou, nuol],
        signatories=[rector, president],
        witnesses=[minister],
        title_en="MoU on Rail Education",
        title_zh="轨道交通教育合作谅解备忘录",
        status=AgreementStatus.ORIGINALS_READY,
        ceremony_id=ceremony.id,
    )
    url = f"/events/{event.slug}/agreements/{agreement.id}"
    client.post(f"{url}/status", data={"status": "signed"})
    with app.app_context():
        item = db.session.get(Agreement, agreement.id)
        assert item.status == AgreementStatus.SIGNED
        parties = [p.id for p in item.parties]
    people = {"rector": rector, "president": president, "deputy": deputy, "minister": minister}
    return url, parties, people, ceremony.id


def _pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.data))
    return " ".join(page.extract_text() for page in reader.pages).replace("\n", " ")


def test_a_signed_agreement_refuses_another_signatory_or_witness(client, as_role, event, app, make):
    as_role("organiser")
    url, parties, people, _ceremony = _signed(client, app, make, event)
    deputy, president = people["deputy"], people["president"]

    def tries() -> list[str]:
        changed = client.post(
            f"{url}/signatory",
            data={"party_id": parties[1], "participant_id": deputy.id, "assistant_id": ""},
            follow_redirects=True,
        ).get_data(as_text=True)
        witnessed = client.post(
            f"{url}/witnesses", data={"participant_id": deputy.id}, follow_redirects=True
        ).get_data(as_text=True)
        return [changed, witnessed]

    for page in tries():
        assert "Signatory saved." not in page and "Witness added." not in page
        assert "The agreement is signed: the signing record cannot change" in page
    # Archived, likewise.
    client.post(
        f"{url}/scan",
        data={"scan": (io.BytesIO(_one_page_pdf()), "signed.pdf")},
        content_type="multipart/form-data",
    )
    client.post(f"{url}/status", data={"status": "archived"})
    for page in tries():
        assert "Signatory saved." not in page and "Witness added." not in page
        assert "The agreement is archived: the signing record cannot change" in page
    with app.app_context():
        agreement = db.session.scalar(sa.select(Agreement))
        assert agreement.status == AgreementStatus.ARCHIVED
        assert agreement.parties[1].signatory_id == president.id
        assert [w.participant_id for w in agreement.witnesses] == [people["minister"].id]
        # The signed page shows the record, not the forms that would change it.
    page = client.get(url).get_data(as_text=True)
    assert 'name="participant_id"' not in page
    assert "Record an amendment" in page
    edit = client.get(f"{url}/edit").get_data(as_text=True)
    assert "they are the signing record" in edit and "take the agreement back" not in edit
    # A hand-made edit of the greyed title is refused, never saved without it.
    refused = client.post(
        f"{url}/edit", data={"title_en": "Another title", "notes": "Blue folders"}
    ).get_data(as_text=True)
    assert "Agreement saved." not in refused and "Blue folders" in refused  # kept, typed
    with app.app_context():
        agreement = db.session.scalar(sa.select(Agreement))
        assert agreement.title_en == "MoU on Rail Education"
    # Notes alone (the greyed fields not sent, as a browser does) may change.
    client.post(f"{url}/edit", data={"notes": "Blue folders"})
    with app.app_context():
        agreement = db.session.scalar(sa.select(Agreement))
        assert (agreement.title_en, agreement.notes) == ("MoU on Rail Education", "Blue folders")


def test_signing_cannot_be_undone_once_the_ceremony_has_begun(client, as_role, event, app, make):
    as_role("organiser")
    url, _parties, _people, _ceremony = _signed(client, app, make, event)
    page = client.post(
        f"{url}/status", data={"status": "originals_ready"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "correct it with an amendment" in page
    with app.app_context():
        assert db.session.scalar(sa.select(Agreement)).status == AgreementStatus.SIGNED


def test_signed_too_early_can_be_taken_back_before_the_ceremony(client, as_role, event, app, make):
    as_role("organiser")
    far = datetime(2099, 7, 25, 8, 0, tzinfo=UTC)
    url, _parties, _people, _ceremony = _signed(client, app, make, event, starts_at=far)
    client.post(f"{url}/status", data={"status": "originals_ready"})
    with app.app_context():
        agreement = db.session.scalar(sa.select(Agreement))
        assert agreement.status == AgreementStatus.ORIGINALS_READY
        assert all(not p.signed_name for p in agreement.parties)  # nothing was signed


def test_the_audit_log_names_the_signatory_replaced(client, as_role, event, app, make):
    first = make.participant(event, family_name="WANG", given_name="Jianhua", country_code="CN")
    second = make.participant(event, family_name="ZHANG", given_name="Wei", country_code="CN")
    agreement = make.agreement(event, signatories=[first])
    as_role("organiser")
    url = f"/events/{event.slug}/agreements/{agreement.id}"
    with app.app_context():
        party = db.session.get(Agreement, agreement.id).parties[0].id
    saved = client.post(
        f"{url}/signatory",
        data={"party_id": party, "participant_id": second.id},
        follow_redirects=True,
    )
    assert "Signatory saved." in saved.get_data(as_text=True)
    with app.app_context():
        entry = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "agreement.signatory")
        )
        assert list(entry.changes.values()) == [["WANG Jianhua", "ZHANG Wei"]]


def test_an_amendment_is_recorded_after_the_signing_record_it_corrects(
    client, as_role, event, app, make
):
    user = as_role("organiser")
    url, parties, people, ceremony_id = _signed(client, app, make, event)
    # Nothing said why: refused, and what was typed stays.
    refused = client.post(
        f"{url}/amendments",
        data={"subject": f"signatory:{parties[1]}", "new_value": "PHOMMAXAY Bounheng Jr."},
    )
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Say why the record is corrected." in page
    assert 'value="PHOMMAXAY Bounheng Jr."' in page
    recorded = client.post(
        f"{url}/amendments",
        data={
            "subject": f"signatory:{parties[1]}",
            "new_value": "PHOMMAXAY Bounheng Jr.",
            "reason": "The name on the passport has Jr.; the originals were signed so.",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Amendment recorded; the signing record is kept as signed." in recorded
    assert "PHOMMAXAY Bounheng Jr." in recorded and "the originals were signed so" in recorded
    with app.app_context():
        agreement = db.session.scalar(sa.select(Agreement))
        assert agreement.parties[1].signatory_id == people["president"].id  # kept as signed
        assert agreement.parties[1].signed_name == "Bounheng PHOMMAXAY"
        [amendment] = agreement.amendments
        assert (amendment.old_value, amendment.new_value) == (
            "Bounheng PHOMMAXAY",
            "PHOMMAXAY Bounheng Jr.",
        )
        assert amendment.user_id == user.id
        entry = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "agreement.amend")
        )
        assert ["Bounheng PHOMMAXAY", "PHOMMAXAY Bounheng Jr."] in entry.changes.values()
    # The printouts show the record as signed, then the amendment.
    for document in ("register.pdf", "cover-sheets.pdf"):
        text = _pdf_text(client.get(f"/events/{event.slug}/ceremonies/{ceremony_id}/{document}"))
        signed = text.index("Bounheng PHOMMAXAY")
        assert "Amendments" in text
        assert signed < text.index("PHOMMAXAY Bounheng Jr.")
        assert text.index("Amendments") < text.index("PHOMMAXAY Bounheng Jr.")


def test_a_merge_of_the_signatory_keeps_the_name_as_signed(client, as_role, event, app, make):
    as_role("organiser")
    url, _parties, people, ceremony_id = _signed(client, app, make, event)
    # A second registration of the Lao president, kept by a merge; its spelling differs.
    other = make.participant(
        event, family_name="PHOMMAXAY", given_name="Bounheng Vongsa", email="bv@example.la"
    )
    with app.app_context():
        organiser = db.session.scalar(sa.select(User).order_by(User.id.desc()))
        merging.merge(event, other.id, people["president"].id, {}, actor=organiser)
        db.session.commit()
        agreement = db.session.scalar(sa.select(Agreement))
        assert agreement.parties[1].signatory_id == other.id
    text = _pdf_text(client.get(f"/events/{event.slug}/ceremonies/{ceremony_id}/register.pdf"))
    assert "Bounheng PHOMMAXAY" in text and "Bounheng Vongsa" not in text
    for shown in (
        client.get(url),
        client.get(f"/events/{event.slug}/agreements/"),
        client.get(f"/events/{event.slug}/agreements/export.csv"),
        client.get(f"/events/{event.slug}/ceremonies/{ceremony_id}"),
    ):
        text = shown.get_data(as_text=True)
        assert "Bounheng PHOMMAXAY" in text and "Bounheng Vongsa" not in text


def _one_page_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_no_other_path_rewrites_the_record_either(client, as_role, event, app, make):
    """A script or a future API writing the rows directly is refused at the flush."""
    import pytest

    from eventhub.ceremonies.models import AgreementWitness
    from eventhub.errors import DomainError

    as_role("organiser")
    _url, _parties, people, _ceremony = _signed(client, app, make, event)
    with app.app_context():
        agreement = db.session.scalar(sa.select(Agreement))
        agreement.parties[1].signatory_id = people["deputy"].id
        with pytest.raises(DomainError, match="signing record cannot change"):
            db.session.flush()
        db.session.rollback()
        agreement = db.session.scalar(sa.select(Agreement))
        agreement.witnesses.append(AgreementWitness(participant_id=people["deputy"].id))
        with pytest.raises(DomainError, match="signing record cannot change"):
            db.session.flush()
        db.session.rollback()
        agreement = db.session.scalar(sa.select(Agreement))
        agreement.title_en = "Another title"
        with pytest.raises(DomainError, match="signing record cannot change"):
            db.session.flush()
        db.session.rollback()
        agreement = db.session.scalar(sa.select(Agreement))
        with pytest.raises(DomainError, match="To correct the signed record, record an amend"):
            operations.update_agreement(
                agreement,
                {"title_en": "Another title", "ceremony_id": agreement.ceremony_id},
                [p.organisation_id for p in agreement.parties],
                actor=db.session.scalar(sa.select(User)),
            )
        db.session.rollback()
        agreement = db.session.scalar(sa.select(Agreement))
        agreement.notes = "Blue folders"  # not part of the record
        db.session.flush()
        db.session.rollback()


def test_the_press_list_names_who_signed_in_chinese_as_signed(client, as_role, event, app, make):
    """The Chinese rendering and title are part of the signing record: corrected on the
    registration later, the press list still prints what was read out at the signing."""
    from openpyxl import load_workbook

    from eventhub.registration.models import Participant

    as_role("organiser")
    president = make.participant(
        event, family_name="PHOMMAXAY", given_name="Bounheng", country_code="LA"
    )
    with app.app_context():
        person = db.session.get(Participant, president.id)
        person.name_zh, person.position_zh = "本亨·蓬玛赛", "校长"
        db.session.commit()
    guizhou = make.organisation(name_en="Guizhou University", country_code="CN")
    nuol = make.organisation(name_en="National University of Laos", country_code="LA")
    rector = make.participant(event, family_name="WANG", given_name="Jianhua", country_code="CN")
    starts_at = datetime(2025, 7, 25, 8, 0, tzinfo=UTC)
    ceremony = make.activity(
        event,
        title_en="Signing Ceremony II",
        type=ActivityType.SIGNING_CEREMONY,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=90),
    )
    agreement = make.agreement(
        event,
        [guizhou, nuol],
        signatories=[rector, president],
        title_en="MoU on Aviation",
        status=AgreementStatus.ORIGINALS_READY,
        ceremony_id=ceremony.id,
    )
    client.post(f"/events/{event.slug}/agreements/{agreement.id}/status", data={"status": "signed"})
    with app.app_context():
        person = db.session.get(Participant, president.id)
        person.name_zh, person.position_zh = "本亨", "副校长"
        db.session.commit()
    sheet = client.get(f"/events/{event.slug}/ceremonies/{ceremony.id}/press-list.xlsx")
    rows = [
        [cell or "" for cell in row]
        for row in load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True)
    ]
    signed = next(row for row in rows if any("PHOMMAXAY" in str(cell) for cell in row))
    assert "本亨·蓬玛赛" in signed and "校长" in signed and "副校长" not in signed


def test_an_edit_page_opened_before_signing_cannot_retitle_the_signed_agreement(
    client, as_role, event, app, make
):
    """Its title field was not locked yet when the page was shown: saving it after the
    signing is refused with the reason, not 'saved' with the change silently dropped."""
    as_role("organiser")
    url, _parties, _people, _ceremony = _signed(client, app, make, event)
    with app.app_context():
        agreement = db.session.scalar(sa.select(Agreement))
        sent = {
            "title_en": "MoU on Rail and Road Education",
            "title_zh": agreement.title_zh,
            "kind": agreement.kind.value,
            "languages": ["en", "zh"],
            "prevailing_language": agreement.prevailing_language,
            "party": [str(p.organisation_id) for p in agreement.parties],
        }
    answer = client.post(f"{url}/edit", data=sent, follow_redirects=True)
    page = answer.get_data(as_text=True)
    assert "Agreement saved." not in page
    assert "record an amendment" in page
    with app.app_context():
        assert db.session.scalar(sa.select(Agreement)).title_en == "MoU on Rail Education"
