"""Once signed, every column of who signed and witnessed is frozen, and what is printed or
shown about the signing reads the record as signed, not today's registrations."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from eventhub.auth.models import User
from eventhub.ceremonies.models import Agreement
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.registration import merging
from eventhub.registration.models import Participant
from tests.ceremonies.test_signed_record import _signed


def _text(response) -> str:
    assert response.status_code == 200
    if response.mimetype == "application/pdf":
        reader = PdfReader(io.BytesIO(response.data))
        text = " ".join(page.extract_text() for page in reader.pages)
    else:
        text = response.get_data(as_text=True)
    return " ".join(text.replace("\xa0", " ").split())


SIGNED_COLUMNS = [
    "signed_name",
    "signed_native_name",
    "signed_honorific",
    "signed_position",
    "signed_name_zh",
    "signed_position_zh",
]


@pytest.mark.parametrize("column", SIGNED_COLUMNS)
def test_every_column_of_the_signed_copy_is_frozen(client, as_role, event, app, make, column):
    as_role("organiser")
    _signed(client, app, make, event)
    with app.app_context():
        agreement = db.session.scalar(sa.select(Agreement))
        for row in (agreement.parties[1], agreement.witnesses[0]):
            setattr(row, column, "Rewritten")
            with pytest.raises(DomainError, match="signing record cannot change"):
                db.session.flush()
            db.session.rollback()
            agreement = db.session.scalar(sa.select(Agreement))


def test_after_signing_the_documents_name_who_signed(client, as_role, event, app, make):
    """The Lao president's registration is merged into another spelling and the witness's
    registration is renamed: the MC script, name cards, stage plan and materials list still
    name the people who signed and witnessed."""
    as_role("organiser")
    _url, _parties, people, ceremony_id = _signed(client, app, make, event)
    other = make.participant(
        event, family_name="PHOMMAXAY", given_name="Bounheng Vongsa", email="bv@example.la"
    )
    with app.app_context():
        organiser = db.session.scalar(sa.select(User).order_by(User.id.desc()))
        merging.merge(event, other.id, people["president"].id, {}, actor=organiser)
        minister = db.session.get(Participant, people["minister"].id)
        minister.family_name, minister.given_name = "LEEWONG", "Zed"
        db.session.commit()
    base = f"/events/{event.slug}/ceremonies/{ceremony_id}"
    for page in ("mc-script.pdf", "name-cards.pdf", "stage", "materials"):
        text = _text(client.get(f"{base}/{page}"))
        assert "Bounheng PHOMMAXAY" in text, page
        assert "Bounheng Vongsa" not in text, page
    for page in ("mc-script.pdf", "stage"):
        text = _text(client.get(f"{base}/{page}"))
        assert "LI Ming" in text and "LEEWONG" not in text, page


def test_the_mc_invites_witnesses_of_one_rank_in_the_ceremonys_order(
    client, as_role, event, app, make
):
    """Not alphabetically by name: by the tie order chosen for the ceremony (here the
    country in English: Cambodia before Viet Nam), as the running order and stage do."""
    from datetime import UTC, date, datetime, timedelta

    from eventhub.ceremonies import script
    from eventhub.scheduling.models import Activity, ActivityType

    starts_at = datetime(2025, 7, 25, 2, 0, tzinfo=UTC)
    ceremony = make.activity(
        event,
        type=ActivityType.SIGNING_CEREMONY,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=60),
    )
    vietnam = make.participant(
        event, family_name="ANH", given_name="Tran", country_code="VN", protocol_rank=3,
        appointed_on=date(2023, 1, 1),
    )  # fmt: skip
    cambodia = make.participant(
        event, family_name="ZOK", given_name="Dara", country_code="KH", protocol_rank=3,
        appointed_on=date(2024, 1, 1),
    )  # fmt: skip
    signer = make.participant(event, family_name="WANG", given_name="Jianhua", country_code="CN")
    make.agreement(
        event, signatories=[signer], witnesses=[vietnam, cambodia], ceremony_id=ceremony.id,
    )  # fmt: skip
    with app.app_context():
        lines, _problems = script.mc_script(db.session.get(Activity, ceremony.id))
        said = " ".join(line.say_en for line in lines).replace("\xa0", " ")
    assert said.index("ZOK Dara") < said.index("ANH Tran")


def test_the_press_list_gives_the_witness_organisation_as_signed(client, as_role, event, app, make):
    """The witness moves to another organisation after the signing: the press list keeps
    the one they witnessed for."""
    from datetime import UTC, datetime, timedelta

    from openpyxl import load_workbook

    from eventhub.ceremonies.models import AgreementStatus
    from eventhub.scheduling.models import ActivityType

    as_role("organiser")
    ministry = make.organisation(name_en="Ministry of Education", country_code="CN")
    commerce = make.organisation(name_en="Ministry of Commerce", country_code="LA")
    minister = make.participant(
        event, family_name="LI", given_name="Ming", country_code="CN", organisation_id=ministry.id
    )
    starts_at = datetime(2025, 7, 25, 8, 0, tzinfo=UTC)
    ceremony = make.activity(
        event,
        type=ActivityType.SIGNING_CEREMONY,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=60),
    )
    agreement = make.agreement(
        event,
        signatories=[make.participant(event), make.participant(event)],
        witnesses=[minister],
        status=AgreementStatus.ORIGINALS_READY,
        ceremony_id=ceremony.id,
    )
    client.post(f"/events/{event.slug}/agreements/{agreement.id}/status", data={"status": "signed"})
    with app.app_context():
        person = db.session.get(Participant, minister.id)
        person.organisation_id, person.country_code = commerce.id, "LA"
        db.session.commit()
    sheet = client.get(f"/events/{event.slug}/ceremonies/{ceremony.id}/press-list.xlsx")
    rows = [
        [str(cell or "") for cell in row]
        for row in load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True)
    ]
    signed = next(row for row in rows if any("LI Ming" in cell for cell in row))
    assert "Ministry of Education" in signed and "CN" in signed
    assert "Ministry of Commerce" not in signed and "LA" not in signed


def test_amendments_print_their_date_as_the_app_writes_dates(client, as_role, event, app, make):
    """Not '2026-12-04 18:00': the date and time the one way the pages write them."""
    from flask import g

    from eventhub.ceremonies.models import AgreementAmendment
    from eventhub.events.models import Event
    from eventhub.i18n import datetime_text

    as_role("organiser")
    url, parties, _people, ceremony_id = _signed(client, app, make, event)
    client.post(
        f"{url}/amendments",
        data={
            "subject": f"signatory:{parties[1]}",
            "new_value": "PHOMMAXAY Bounheng Jr.",
            "reason": "As on the passport.",
        },
    )
    with app.app_context():
        created = db.session.scalar(sa.select(AgreementAmendment)).created_at
        with app.test_request_context():
            g.event = db.session.get(Event, event.id)
            expected = " ".join(datetime_text(created).replace("\xa0", " ").split())
    for document in ("register.pdf", "cover-sheets.pdf"):
        text = _text(client.get(f"/events/{event.slug}/ceremonies/{ceremony_id}/{document}"))
        assert expected in text, document


def test_the_register_loads_amendments_for_all_agreements_at_once(
    client, as_role, event, app, make
):
    from eventhub.ceremonies.models import AgreementStatus

    as_role("organiser")
    _url, _parties, _people, ceremony_id = _signed(client, app, make, event)
    for _ in range(3):
        make.agreement(event, status=AgreementStatus.APPROVED, ceremony_id=ceremony_id)
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        for document in ("register.pdf", "press-list.pdf"):
            statements.clear()
            _text(client.get(f"/events/{event.slug}/ceremonies/{ceremony_id}/{document}"))
            loads = [s for s in statements if "FROM agreement_amendment" in s]
            # Loaded for all the agreements at once, not once per agreement.
            assert loads and all("IN (" in s for s in loads), document
            assert len(loads) < 4, document
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)


def test_anonymising_keeps_the_signing_record_and_says_so(client, as_role, event, app, make):
    """A signing is a public act: after the event, the names as signed and the amendments
    stay (the audit log says they were kept); who was only ever named on an agreement
    never signed is erased from the agreement's audit details."""
    from datetime import timedelta

    from eventhub.audit.models import AuditEntry
    from eventhub.ceremonies.models import AgreementStatus
    from eventhub.events.models import Event
    from eventhub.registration import privacy

    user = as_role("organiser")
    url, parties, people, _ceremony = _signed(client, app, make, event)
    client.post(
        f"{url}/amendments",
        data={
            "subject": f"signatory:{parties[1]}",
            "new_value": "PHOMMAXAY Bounheng Jr.",
            "reason": "As on the passport.",
        },
    )
    unsigned = make.agreement(event)
    with app.app_context():
        party = db.session.get(Agreement, unsigned.id).parties[0].id
    client.post(
        f"/events/{event.slug}/agreements/{unsigned.id}/signatory",
        data={"party_id": party, "participant_id": people["deputy"].id},
    )
    with app.app_context():
        stored = db.session.get(Event, event.id)
        privacy.anonymise_event(
            stored, actor=db.session.get(User, user.id), today=stored.ends_on + timedelta(days=1)
        )
        db.session.commit()
        assert db.session.get(Participant, people["president"].id).family_name == ""
        signed = db.session.scalar(
            sa.select(Agreement).where(Agreement.status == AgreementStatus.SIGNED)
        )
        assert signed.parties[1].signed_name == "Bounheng PHOMMAXAY"
        assert signed.amendments[0].new_value == "PHOMMAXAY Bounheng Jr."
        kept = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "agreement.record_kept")
        )
        assert kept is not None and kept.event_id == event.id
        named = db.session.scalars(
            sa.select(AuditEntry.changes).where(
                AuditEntry.object_type == "Agreement", AuditEntry.object_id == str(unsigned.id)
            )
        ).all()
        assert named and all("SOUVANNA" not in str(c) for c in named)


def test_the_host_side_is_chosen_on_the_stage_page_only(client, as_role, event, app, make):
    """One form for the host side (the stage page's); the ceremony page states the
    convention and links to it, and its settings form leaves the side alone."""
    from datetime import UTC, datetime, timedelta

    from eventhub.ceremonies.models import CeremonySettings
    from eventhub.scheduling.models import ActivityType

    starts_at = datetime(2025, 7, 25, 8, 0, tzinfo=UTC)
    ceremony = make.activity(
        event,
        type=ActivityType.SIGNING_CEREMONY,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=90),
    )
    as_role("organiser")
    page = f"/events/{event.slug}/ceremonies/{ceremony.id}"
    shown = client.get(page).get_data(as_text=True)
    assert 'name="host_left"' not in shown
    assert "The host sits on the left as the audience sees the stage" in shown
    assert f"{page}/stage#conventions" in shown
    minutes = {
        "tables": "1", "opening_minutes": "5", "remarks_minutes": "10", "sign_own_minutes": "2",
        "exchange_minutes": "1", "sign_other_minutes": "2", "handshake_minutes": "2",
        "closing_minutes": "5",
    }  # fmt: skip
    client.post(f"{page}/settings", data={**minutes, "host_left": "right"})
    with app.app_context():
        assert db.session.get(CeremonySettings, ceremony.id).host_left is True


def test_the_mc_lists_three_parties_as_a_list_and_no_space_after_a_chinese_colon(
    client, as_role, event, app, make
):
    """ "A, B, and C" and "甲、乙和丙", not "A and B and C" / "甲与乙与丙"; the witness's Latin
    name follows "见证人：" without a space (the trial read "见证人： CHHIM")."""
    from datetime import UTC, datetime, timedelta

    from eventhub.ceremonies import script
    from eventhub.scheduling.models import Activity, ActivityType

    starts_at = datetime(2025, 7, 25, 2, 0, tzinfo=UTC)
    ceremony = make.activity(
        event,
        type=ActivityType.SIGNING_CEREMONY,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=60),
    )
    signers = [
        make.participant(event, family_name=family, given_name="Test", country_code=country)
        for family, country in (("WANG", "CN"), ("SOK", "KH"), ("NGUYEN", "VN"))
    ]
    witness = make.participant(event, family_name="CHHIM", given_name="Sreypov", country_code="KH")
    parties = [make.organisation(country_code=p.country_code) for p in signers]
    make.agreement(
        event, parties, signatories=signers, witnesses=[witness], ceremony_id=ceremony.id
    )
    with app.app_context():
        lines, _problems = script.mc_script(db.session.get(Activity, ceremony.id))
    invitation = next(line for line in lines if "We now invite" in line.say_en)
    invited = invitation.say_en.split("We now invite", 1)[1].split(" to sign")[0]
    assert invited.count(" and ") == 1 and invited.count(", ") >= 2
    chinese = invitation.say_zh
    assert "与" not in chinese and chinese.count("、") >= 1
    assert "见证人：" in chinese and "见证人： " not in chinese
