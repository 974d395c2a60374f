"""Agreements: two parties at least, signatories, a workflow that skips no step, blockers."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.auth.models import User
from eventhub.ceremonies import operations, preparation, run_of_show, seating, workflow
from eventhub.ceremonies.models import Agreement, AgreementStatus, AgreementTransition
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.registration.models import Participant, Status
from eventhub.scheduling.models import Activity, ActivityType


def _organisations(make):
    """The ids of a Chinese host university and a Lao guest one."""
    guizhou = make.organisation(name_en="Guizhou University", country_code="CN")
    nuol = make.organisation(name_en="National University of Laos", country_code="LA")
    return guizhou.id, nuol.id


def _ceremony(make, event, minutes: int = 90) -> int:
    """A signing ceremony at 16:00 Beijing time on 25 July 2025; returns its id."""
    return make.activity(
        event,
        title_en="Signing Ceremony I",
        type=ActivityType.SIGNING_CEREMONY,
        starts_at=datetime(2025, 7, 25, 8, 0, tzinfo=UTC),
        ends_at=datetime(2025, 7, 25, 8, 0, tzinfo=UTC) + timedelta(minutes=minutes),
    ).id


def _create(client, event, parties, **values):
    data = {
        "title_en": "MoU on Engineering Education",
        "title_zh": "工程教育合作谅解备忘录",
        "kind": "mou",
        "field": "Engineering",
        "languages": ["en", "zh"],
        "prevailing_language": "en",
        "party": [str(p) for p in parties],
    }
    data.update(values)
    return client.post(f"/events/{event.slug}/agreements/new", data=data)


def test_agreement_needs_two_parties_and_keeps_what_was_typed(client, as_role, event, app, make):
    guizhou, _nuol = _organisations(make)
    as_role("organiser")
    page = _create(client, event, [guizhou]).get_data(as_text=True)
    assert "An agreement needs at least two parties" in page
    assert 'value="MoU on Engineering Education"' in page
    page = _create(client, event, [guizhou, guizhou]).get_data(as_text=True)
    assert "An agreement needs at least two parties" in page
    # A hand-made request past the form's maxlength gets a reason, not a database error.
    long_title = _create(client, event, [guizhou, _nuol], title_en="MoU " * 120)
    assert long_title.status_code == 200
    assert "Title in English: at most 400 characters." in long_title.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Agreement)) == 0


def test_signatories_blockers_and_the_workflow(client, as_role, event, app, make):
    guizhou, nuol = _organisations(make)
    rector = make.participant(
        event, family_name="WANG", given_name="Jianhua", organisation_id=guizhou, country_code="CN"
    )
    outsider = make.participant(event, given_name="Bounmy", status=Status.PENDING)
    as_role("organiser")
    response = _create(client, event, [guizhou, nuol])
    assert response.status_code == 302
    url = response.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert "No signatory for National University of Laos." in page
    assert "Text not agreed." in page and "Not yet in a signing ceremony." in page
    with app.app_context():
        agreement = db.session.scalar(sa.select(Agreement))
        parties = {p.organisation_id: p.id for p in agreement.parties}
    client.post(
        f"{url}/signatory", data={"party_id": parties[guizhou], "participant_id": rector.id}
    )
    warned = client.post(
        f"{url}/signatory",
        data={"party_id": parties[nuol], "participant_id": outsider.id},
        follow_redirects=True,
    )
    page = warned.get_data(as_text=True)
    assert "is not from National University of Laos" in page
    assert "Signatory Bounmy KEOMANY is not approved." in page

    skipped = client.post(f"{url}/status", data={"status": "approved"}, follow_redirects=True)
    assert "steps cannot be skipped" in skipped.get_data(as_text=True)
    for step in ("text_agreed", "legally_reviewed", "approved", "originals_ready", "signed"):
        client.post(f"{url}/status", data={"status": step})
    with app.app_context():
        agreement = db.session.scalar(sa.select(Agreement))
        assert agreement.status == AgreementStatus.SIGNED
        steps = db.session.scalars(
            sa.select(AgreementTransition.to_status).order_by(AgreementTransition.id)
        ).all()
        assert [s.value for s in steps] == [
            "text_agreed",
            "legally_reviewed",
            "approved",
            "originals_ready",
            "signed",
        ]
    listing = client.get(f"/events/{event.slug}/agreements/?status=signed").get_data(as_text=True)
    assert "MoU on Engineering Education" in listing


def test_originals_are_chased_the_day_before_and_a_passed_ceremony_wants_signatures(
    client, as_role, event, app, make
):
    guizhou, nuol = _organisations(make)
    ceremony_id = _ceremony(make, event)  # 08:00 UTC on 25 July 2025
    as_role("organiser")
    _create(client, event, [guizhou, nuol], ceremony_id=str(ceremony_id))
    late = "Originals not printed, less than 24 hours before the ceremony."
    passed = "The ceremony has begun; the signature is not recorded yet."
    with app.app_context():
        agreement = db.session.scalar(sa.select(Agreement))

        def at(day: int, hour: int) -> list[str]:
            return workflow.blockers(agreement, now=datetime(2025, 7, day, hour, tzinfo=UTC))

        assert late not in at(23, 12) and passed not in at(23, 12)
        assert late in at(24, 12)
        assert passed in at(25, 9) and late not in at(25, 9)
        agreement.status = AgreementStatus.SIGNED
        assert passed not in at(25, 9)
        db.session.rollback()


def test_signing_needs_every_signatory(client, as_role, event, make):
    guizhou, nuol = _organisations(make)
    as_role("organiser")
    url = _create(client, event, [guizhou, nuol]).headers["Location"]
    for step in ("text_agreed", "legally_reviewed", "approved", "originals_ready"):
        client.post(f"{url}/status", data={"status": step})
    page = client.post(f"{url}/status", data={"status": "signed"}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "Name a signatory for every party first." in page


def test_agreements_are_for_organisers_of_the_event(client, as_role, make, event, app):
    guizhou, nuol = _organisations(make)
    other = make.event()
    organiser = make.user(roles={other: "organiser"})
    client.post("/auth/login", data={"email": organiser.email, "password": "correct horse battery"})
    url = _create(client, other, [guizhou, nuol]).headers["Location"]
    client.post("/auth/logout")
    as_role("organiser")
    assert client.get(url.replace(other.slug, event.slug)).status_code == 404
    client.post("/auth/logout")
    as_role("delegate")
    assert client.get(f"/events/{event.slug}/agreements/").status_code == 403


def test_running_order_by_precedence_and_a_run_of_show_that_checks_the_slot(
    client, as_role, event, app, make
):
    guizhou, nuol = _organisations(make)
    minister = make.participant(event, given_name="Minister", protocol_rank=2, organisation_id=nuol)
    rector = make.participant(event, given_name="Rector", protocol_rank=5, organisation_id=guizhou)
    ceremony_id = _ceremony(make, event, minutes=30)
    as_role("organiser")
    urls = [
        _create(
            client, event, [guizhou, nuol], title_en=title, ceremony_id=str(ceremony_id)
        ).headers["Location"]
        for title in ("Junior agreement", "Ministerial agreement")
    ]
    with app.app_context():
        junior, ministerial = db.session.scalars(sa.select(Agreement).order_by(Agreement.id)).all()
        party = {p.organisation_id: p.id for p in ministerial.parties}
        junior_party = {p.organisation_id: p.id for p in junior.parties}
    client.post(
        f"{urls[1]}/signatory", data={"party_id": party[nuol], "participant_id": minister.id}
    )
    client.post(
        f"{urls[0]}/signatory",
        data={"party_id": junior_party[guizhou], "participant_id": rector.id},
    )
    url = f"/events/{event.slug}/ceremonies/{ceremony_id}"
    client.post(f"{url}/order", data={"action": "precedence"})
    page = client.get(url).get_data(as_text=True)
    assert page.index("Ministerial agreement") < page.index("Junior agreement")
    # 5 + 10 + 2 x 7 + 5 minutes = 34 > the 30-minute slot.
    assert "ends at 16:34" in page and "4 minutes too long" in page  # in Beijing time
    with app.app_context():
        junior_id = db.session.scalar(
            sa.select(Agreement.id).where(Agreement.title_en == "Junior agreement")
        )
    client.post(f"{url}/order", data={"action": "up", "agreement_id": junior_id})
    page = client.get(url).get_data(as_text=True)
    assert page.index("Junior agreement") < page.index("Ministerial agreement")


def test_a_witness_double_booked_with_a_forum_is_caught(client, as_role, event, app, make):
    guizhou, nuol = _organisations(make)
    ambassador = make.participant(
        event, family_name="INTHAVONG", given_name="Viengsavanh", protocol_rank=3
    )
    ceremony_id = _ceremony(make, event)
    make.activity(
        event,
        title_en="Rail Skills Forum",
        starts_at=datetime(2025, 7, 25, 9, 0, tzinfo=UTC),
        ends_at=datetime(2025, 7, 25, 10, 0, tzinfo=UTC),
        speakers=[ambassador],
    )
    as_role("organiser")
    url = _create(client, event, [guizhou, nuol], ceremony_id=str(ceremony_id)).headers["Location"]
    client.post(f"{url}/witnesses", data={"participant_id": ambassador.id})
    page = client.get(f"/events/{event.slug}/ceremonies/{ceremony_id}").get_data(as_text=True)
    assert "Viengsavanh INTHAVONG is also needed at Rail Skills Forum at the same time." in page
    # The timetable's health page sees it too, though the witness is no speaker there.
    health = client.get(f"/events/{event.slug}/schedule/health").get_data(as_text=True)
    assert (
        "Viengsavanh INTHAVONG is needed at Signing Ceremony I and Rail Skills Forum at the "
        "same time." in health
    )


def test_agreements_export_opens_in_a_spreadsheet(client, as_role, event, make):
    import io

    import openpyxl

    guizhou, nuol = _organisations(make)
    as_role("organiser")
    _create(client, event, [guizhou, nuol], title_en='=HYPERLINK("x")')
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/events/{event.slug}/agreements/export.xlsx").data)
    )
    rows = [[c.value for c in row] for row in book.active.iter_rows()]
    assert rows[0][:3] == ["id", "title_en", "title_zh"]
    # Shown as typed, and as text: a workbook's text cell is never a formula.
    assert rows[1][1] == '=HYPERLINK("x")'
    assert book.active.cell(row=2, column=2).data_type == "s"
    assert "Guizhou University (CN)" in rows[1][8]


def test_signing_register_prints_in_both_languages(client, as_role, event, app, make):
    import io

    from pypdf import PdfReader

    guizhou, nuol = _organisations(make)
    ceremony_id = _ceremony(make, event)
    with app.app_context():
        db.session.get(Activity, ceremony_id).title_zh = "签约仪式（一）"
        db.session.commit()
    as_role("organiser")
    _create(client, event, [guizhou, nuol], ceremony_id=str(ceremony_id))
    response = client.get(f"/events/{event.slug}/ceremonies/{ceremony_id}/register.pdf")
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert "MoU on Engineering Education" in text and "工程教育合作谅解备忘录" in text
    assert "National University of Laos (LA)" in text and "签约名录" in text


def test_editing_an_agreement_keeps_signatories_and_refuses_bad_input(
    client, as_role, event, app, make
):
    guizhou, nuol = _organisations(make)
    rupp = make.organisation(name_en="Royal University of Phnom Penh", country_code="KH").id
    rector = make.participant(
        event, family_name="WANG", given_name="Jianhua", organisation_id=guizhou, country_code="CN"
    )
    as_role("organiser")
    url = _create(client, event, [guizhou, nuol]).headers["Location"]
    with app.app_context():
        party = db.session.scalar(sa.select(Agreement)).parties[0]
    client.post(f"{url}/signatory", data={"party_id": party.id, "participant_id": rector.id})
    form = client.get(f"{url}/edit").get_data(as_text=True)
    assert 'value="MoU on Engineering Education"' in form
    assert 'id="language-zh" name="languages" value="zh" checked' in form

    edit = {
        "title_en": "MoU on Engineering and Rail Education",
        "title_zh": "工程与铁路教育合作谅解备忘录",
        "kind": "mou",
        "field": "Rail",
        "languages": ["en", "zh", "km"],
        "prevailing_language": "th",  # not one of the versions
        "originals": "3",
        "party": [str(guizhou), str(rupp), str(nuol)],
    }
    refused = client.post(f"{url}/edit", data=edit).get_data(as_text=True)
    assert "The prevailing language must be one of the language versions." in refused
    assert 'value="MoU on Engineering and Rail Education"' in refused  # what was typed stays
    too_few = client.post(
        f"{url}/edit", data={**edit, "prevailing_language": "en", "originals": "2"}
    ).get_data(as_text=True)
    assert "Each party keeps at least one original: print 3 or more." in too_few
    no_language = client.post(
        f"{url}/edit", data={**edit, "languages": [], "prevailing_language": "en"}
    ).get_data(as_text=True)
    assert "Choose the language versions from the list." in no_language
    with app.app_context():
        agreement = db.session.scalar(sa.select(Agreement))
        assert agreement.title_en == "MoU on Engineering Education"
        assert len(agreement.parties) == 2

    saved = client.post(f"{url}/edit", data={**edit, "prevailing_language": "en"})
    assert saved.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Khmer" in page and "English (prevailing)" in page
    with app.app_context():
        agreement = db.session.scalar(sa.select(Agreement))
        assert agreement.title_en == "MoU on Engineering and Rail Education"
        assert agreement.languages == "en,zh,km" and agreement.originals == 3
        parties = [(p.position, p.organisation_id, p.signatory_id) for p in agreement.parties]
        assert parties == [(1, guizhou, rector.id), (2, rupp, None), (3, nuol, None)]
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "agreement.update")
            )
            == 1
        )


def test_printed_originals_lock_the_text_until_a_step_back(client, as_role, event, app, make):
    guizhou, nuol = _organisations(make)
    as_role("organiser")
    url = _create(client, event, [guizhou, nuol]).headers["Location"]
    for step in ("text_agreed", "legally_reviewed", "approved", "originals_ready"):
        client.post(f"{url}/status", data={"status": step})
    form = client.get(f"{url}/edit").get_data(as_text=True)
    assert (
        'name="title_en" value="MoU on Engineering Education" maxlength="400" required disabled'
        in form
    )
    # A hand-made request (or a page opened earlier) cannot slip a change past the greyed
    # field: refused with the reason, what was typed kept, nothing half-saved.
    forged = client.post(
        f"{url}/edit",
        data={
            "title_en": "Another text",
            "party": [str(guizhou), str(nuol)],
            "notes": "Blue folders",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Agreement saved." not in forged and "can no longer change" in forged
    assert "Blue folders" in forged
    client.post(f"{url}/edit", data={"party": [str(guizhou), str(nuol)], "notes": "Blue folders"})
    with app.app_context():
        agreement = db.session.scalar(sa.select(Agreement))
        assert agreement.title_en == "MoU on Engineering Education"
        assert agreement.notes == "Blue folders"  # notes are not printed on the originals
        with pytest.raises(DomainError, match="can no longer change: Title in English"):
            operations.update_agreement(
                agreement,
                {"title_en": "Another text", "kind": "mou"},
                [guizhou, nuol],
                actor=db.session.get(User, make.user().id),
            )
        db.session.rollback()
    client.post(f"{url}/status", data={"status": "approved"})
    client.post(
        f"{url}/edit",
        data={
            "title_en": "MoU on Engineering Education (revised)",
            "kind": "mou",
            "languages": ["en", "zh"],
            "prevailing_language": "en",
            "party": [str(guizhou), str(nuol)],
        },
    )
    with app.app_context():
        assert db.session.scalar(sa.select(Agreement)).title_en.endswith("(revised)")


def test_stage_plan_seats_the_host_left_with_assistants_outside_and_rows_of_witnesses(
    client, as_role, event, app, make
):
    guizhou, nuol = _organisations(make)
    rector = make.participant(
        event, family_name="WANG", given_name="Jianhua", organisation_id=guizhou, country_code="CN"
    )
    aide = make.participant(
        event, family_name="LI", given_name="Na", organisation_id=guizhou, country_code="CN"
    )
    president = make.participant(
        event, family_name="PHOMMAXAY", given_name="Bounheng", organisation_id=nuol
    )
    # Witnesses of both sides (ranks 1..7; odd ranks Chinese, even ranks Lao) and, from the
    # Lao signatory's delegation, its ranked leader: each side's most senior nearest the centre.
    witnesses = [
        make.participant(
            event,
            family_name=f"WITNESS{rank}",
            given_name="A",
            protocol_rank=rank,
            country_code="CN" if rank % 2 else "LA",
        )
        for rank in range(7, 0, -1)
    ]
    delegation = make.delegation(event)
    president_id = president.id
    leader = make.participant(
        event, family_name="LEADER", given_name="B", protocol_rank=8, delegation_id=delegation.id
    )
    make.participant(event, family_name="UNRANKED", given_name="C", delegation_id=delegation.id)
    with app.app_context():
        db.session.get(Participant, president_id).delegation_id = delegation.id
        db.session.commit()
    ceremony_id = _ceremony(make, event)
    as_role("organiser")
    url = _create(client, event, [guizhou, nuol], ceremony_id=str(ceremony_id)).headers["Location"]
    with app.app_context():
        parties = [p.id for p in db.session.scalar(sa.select(Agreement)).parties]
    refused = client.post(
        f"{url}/signatory",
        data={"party_id": parties[0], "participant_id": rector.id, "assistant_id": rector.id},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "cannot also be their own signing assistant" in refused
    client.post(
        f"{url}/signatory",
        data={"party_id": parties[0], "participant_id": rector.id, "assistant_id": aide.id},
    )
    client.post(f"{url}/signatory", data={"party_id": parties[1], "participant_id": president.id})
    for person in witnesses:
        client.post(f"{url}/witnesses", data={"participant_id": person.id})

    with app.app_context():
        agreement = db.session.scalar(sa.select(Agreement))
        leaders = seating.delegation_leaders([agreement])
        assert [p.id for p in leaders[delegation.id]] == [leader.id]  # ranked members only
        plan = seating.stage_plan(agreement, leaders=leaders)
        seats = [(s.role, s.person.latin_name if s.person else None) for s in plan.table]
        assert seats == [
            ("assistant", "LI Na"),
            ("signatory", "WANG Jianhua"),
            ("signatory", "Bounheng PHOMMAXAY"),
            ("assistant", None),
        ]
        assert plan.flags == ["CN", "LA"]
        front, back = ([p.family_name if p else None for p in row] for row in plan.rows)
        # Host (Chinese) side on the left filling leftwards, guests on the right.
        assert front == ["WITNESS5", "WITNESS3", "WITNESS1", "WITNESS2", "WITNESS4", "WITNESS6"]
        assert back == [None, None, "WITNESS7", "LEADER", None, None]
        mirrored = seating.stage_plan(agreement, host_left=False, leaders=leaders)
        assert [p.family_name if p else None for p in mirrored.rows[0]] == [
            "WITNESS6",
            "WITNESS4",
            "WITNESS2",
            "WITNESS1",
            "WITNESS3",
            "WITNESS5",
        ]
        assert [s.person.latin_name for s in mirrored.table if s.role == "signatory"] == [
            "Bounheng PHOMMAXAY",
            "WANG Jianhua",
        ]

    page = client.get(f"/events/{event.slug}/ceremonies/{ceremony_id}/stage").get_data(as_text=True)
    assert page.index("LI Na") < page.index("WANG Jianhua") < page.index("Bounheng PHOMMAXAY")
    assert "assistant not named" in page and "Row 2" in page
    assert "B LEADER" in page and "UNRANKED" not in page
    assert "Minister or vice-chair of a national assembly" in page  # WITNESS2's rank
    right = client.post(
        f"/events/{event.slug}/ceremonies/{ceremony_id}/stage/settings",
        data={"host_left": "right", "tie_break": "country_en"},
        follow_redirects=True,
    )
    text = right.get_data(as_text=True)
    assert text.index("Bounheng PHOMMAXAY") < text.index("WANG Jianhua")


def test_materials_checklist_counts_from_the_agreements_and_records_who_prepares(
    client, as_role, event, app, make
):
    guizhou, nuol = _organisations(make)
    rector = make.participant(
        event, family_name="WANG", given_name="Jianhua", organisation_id=guizhou, country_code="CN"
    )
    president = make.participant(
        event, family_name="PHOMMAXAY", given_name="Bounheng", organisation_id=nuol
    )
    ceremony_id = _ceremony(make, event)
    as_role("organiser")
    first = _create(client, event, [guizhou, nuol], ceremony_id=str(ceremony_id), originals="3")
    _create(
        client,
        event,
        [nuol, guizhou],
        title_en="Letter of Intent on Rail",
        ceremony_id=str(ceremony_id),
    )
    url = first.headers["Location"]
    with app.app_context():
        parties = [
            p.id for p in db.session.scalar(sa.select(Agreement).order_by(Agreement.id)).parties
        ]
    client.post(f"{url}/signatory", data={"party_id": parties[0], "participant_id": rector.id})
    client.post(f"{url}/signatory", data={"party_id": parties[1], "participant_id": president.id})

    with app.app_context():
        lines = {
            line.key: line for line in preparation.materials(db.session.get(Activity, ceremony_id))
        }
    assert lines["folders"].quantity == 5  # 3 originals + one per party of the second agreement
    assert lines["plates"].quantity == 2 and lines["pens"].quantity == 4
    assert {"flag:CN", "flag:LA"} <= set(lines)
    laos_original = lines[f"original:{first.headers['Location'].rsplit('/', 1)[1]}:{parties[1]}"]
    assert laos_original.detail.startswith("Names National University of Laos first, then Guizhou")
    assert "Bounheng PHOMMAXAY signs in the first position" in laos_original.detail

    page = f"/events/{event.slug}/ceremonies/{ceremony_id}/materials"
    assert "0 of" in client.get(page).get_data(as_text=True)
    saved = client.post(
        page,
        data={
            "key": ["folders", "pens"],
            "prepared_by-folders": "Protocol office, Ms LI",
            "ready-folders": "1",
            "prepared_by-pens": "",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "1 line saved." in saved
    assert 'value="Protocol office, Ms LI"' in saved and "1 of" in saved
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "ceremony.materials")
            )
            == 1
        )


def test_name_cards_print_each_signatory_once_in_their_own_script(
    client, as_role, event, app, make
):
    import io

    from pypdf import PdfReader

    guizhou, nuol = _organisations(make)
    ceremony_id = _ceremony(make, event)
    as_role("organiser")
    page = f"/events/{event.slug}/ceremonies/{ceremony_id}/name-cards.pdf"
    empty = client.get(page, follow_redirects=True).get_data(as_text=True)
    assert "there are no name cards to print" in empty

    rector = make.participant(
        event,
        family_name="WANG",
        given_name="Jianhua",
        native_name="王建华",
        organisation_id=guizhou,
        country_code="CN",
    )
    dean = make.participant(
        event,
        family_name="SOK",
        given_name="Sreymom",
        native_name="សុខ ស្រីមុំ",
        organisation_id=nuol,
        country_code="KH",
    )
    for title in ("MoU on Engineering", "MoU on Rail"):
        url = _create(
            client, event, [guizhou, nuol], title_en=title, ceremony_id=str(ceremony_id)
        ).headers["Location"]
        with app.app_context():
            agreement = db.session.get(Agreement, int(url.rsplit("/", 1)[1]))
            parties = [p.id for p in agreement.parties]
        client.post(f"{url}/signatory", data={"party_id": parties[0], "participant_id": rector.id})
        client.post(f"{url}/signatory", data={"party_id": parties[1], "participant_id": dean.id})

    response = client.get(page)
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 2  # two people, each once, though they sign twice
    fonts = {
        str(font.get_object()["/BaseFont"])
        for pdf_page in reader.pages
        for font in pdf_page["/Resources"]["/Font"].values()
    }
    assert any("NotoSansKhmer" in name for name in fonts)  # not boxes in a Latin font
    assert any("WenQuanYi" in name or "wqy" in name.lower() for name in fonts)


def test_mc_script_tells_the_mc_whom_to_invite_in_both_languages(client, as_role, event, app, make):
    import io

    from pypdf import PdfReader

    guizhou, nuol = _organisations(make)
    rector = make.participant(
        event,
        family_name="WANG",
        given_name="Jianhua",
        native_name="王建华",
        position="校长",
        organisation_id=guizhou,
        country_code="CN",
    )
    president = make.participant(
        event,
        family_name="PHOMMAXAY",
        given_name="Bounheng",
        honorific="Prof.",
        position="President",
        organisation_id=nuol,
    )
    ceremony_id = _ceremony(make, event)
    as_role("organiser")
    url = _create(client, event, [guizhou, nuol], ceremony_id=str(ceremony_id)).headers["Location"]
    with app.app_context():
        parties = [p.id for p in db.session.scalar(sa.select(Agreement)).parties]
    client.post(f"{url}/signatory", data={"party_id": parties[0], "participant_id": rector.id})
    client.post(f"{url}/signatory", data={"party_id": parties[1], "participant_id": president.id})

    response = client.get(f"/events/{event.slug}/ceremonies/{ceremony_id}/mc-script.pdf")
    assert response.mimetype == "application/pdf"
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages
    ).replace("\n", " ")
    assert "We now invite WANG Jianhua" in text
    assert "Prof. Bounheng PHOMMAXAY, President, National University of Laos" in text
    assert "16:15" in text  # after 5 minutes of opening and 10 of remarks, Beijing time
    assert "现在请" in text and "王建华" in text
    assert "工程教育合作谅解备忘录" in text
    # The cues in both languages though the organiser reads English.
    assert "Closing words and group photo" in text and "结束致辞并合影" in text


def test_batches_and_minutes_per_step_shorten_the_run_of_show(client, as_role, event, app, make):
    guizhou, nuol = _organisations(make)
    ceremony_id = _ceremony(make, event, minutes=40)
    as_role("organiser")
    signers = [
        make.participant(event, family_name=f"SIGNER{n}", given_name="A", organisation_id=guizhou)
        for n in range(4)
    ]
    for n, person in enumerate(signers):
        url = _create(
            client, event, [guizhou, nuol], title_en=f"Agreement {n}", ceremony_id=str(ceremony_id)
        ).headers["Location"]
        with app.app_context():
            party = db.session.get(Agreement, int(url.rsplit("/", 1)[1])).parties[0].id
        client.post(f"{url}/signatory", data={"party_id": party, "participant_id": person.id})
    page = f"/events/{event.slug}/ceremonies/{ceremony_id}"
    # 5 + 10 + 4 agreements x 7 + 5 = 48 minutes in a 40-minute slot.
    assert "8 minutes too long" in client.get(page).get_data(as_text=True)

    settings = {
        "tables": "2",
        "opening_minutes": "5",
        "remarks_minutes": "10",
        "sign_own_minutes": "2",
        "exchange_minutes": "1",
        "sign_other_minutes": "2",
        "handshake_minutes": "2",
        "closing_minutes": "5",
    }
    refused = client.post(
        f"{page}/settings", data={**settings, "tables": "0", "closing_minutes": "7"}
    )
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "give a whole number from 1 to 10" in text
    assert 'name="closing_minutes" value="7"' in text  # what was typed stays
    client.post(f"{page}/settings", data=settings)
    # The host side is the stage's convention, chosen on the stage page.
    client.post(f"{page}/stage/settings", data={"host_left": "right", "tie_break": "country_en"})
    shown = client.get(page).get_data(as_text=True)
    assert "too long" not in shown  # two at a time: 5 + 10 + 2 x 7 + 5 = 34 minutes
    assert "Agreements 1–2: Signatories sign their own originals" in shown
    with app.app_context():
        plan = seating.stage_plan(
            db.session.scalar(sa.select(Agreement)),
            host_left=run_of_show.settings_of(db.session.get(Activity, ceremony_id)).host_left,
        )
        assert plan.table[1].party.organisation_id == nuol  # the guest on the left now
    stage = client.get(f"{page}/stage").get_data(as_text=True)
    assert re.search(r'value="right" checked>', stage)


def test_press_list_gives_the_time_each_agreement_is_signed(client, as_role, event, app, make):
    import io

    from pypdf import PdfReader

    guizhou, nuol = _organisations(make)
    president = make.participant(
        event,
        family_name="PHOMMAXAY",
        given_name="Bounheng",
        position="President",
        organisation_id=nuol,
    )
    ceremony_id = _ceremony(make, event)
    as_role("organiser")
    for title in ("MoU on Engineering", "MoU on Rail"):
        url = _create(
            client, event, [guizhou, nuol], title_en=title, ceremony_id=str(ceremony_id)
        ).headers["Location"]
    with app.app_context():
        party = db.session.get(Agreement, int(url.rsplit("/", 1)[1])).parties[1].id
    client.post(f"{url}/signatory", data={"party_id": party, "participant_id": president.id})
    response = client.get(f"/events/{event.slug}/ceremonies/{ceremony_id}/press-list.pdf")
    text = (
        " ".join(  # names are held together by no-break spaces
            page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages
        )
        .replace("\n", " ")
        .replace("\xa0", " ")
    )
    assert "Press list" in text
    # Opening and remarks take 15 minutes, each signing 7: 16:15 and 16:22 in Beijing.
    assert text.index("16:15") < text.index("MoU on Engineering") < text.index("16:22")
    assert "Bounheng PHOMMAXAY" in text
    assert "President" in text[text.index("Bounheng PHOMMAXAY") :]  # the title under the name


def _pdf(pages: int = 2) -> bytes:
    import io

    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    for n in range(pages):
        canvas.drawString(72, 720, f"Signed copy, page {n + 1}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_archiving_needs_the_scan_of_the_signed_copy_checked_by_content(
    client, as_role, event, app, make
):
    import io

    guizhou, nuol = _organisations(make)
    rector = make.participant(event, family_name="WANG", organisation_id=guizhou, country_code="CN")
    president = make.participant(event, family_name="PHOMMAXAY", organisation_id=nuol)
    as_role("organiser")
    url = _create(client, event, [guizhou, nuol]).headers["Location"]

    def upload(data: bytes, name: str = "signed.pdf") -> str:
        return client.post(
            f"{url}/scan",
            data={"scan": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
            follow_redirects=True,
        ).get_data(as_text=True)

    assert "Only a signed agreement has a signed copy to file." in upload(_pdf())
    with app.app_context():
        parties = [p.id for p in db.session.scalar(sa.select(Agreement)).parties]
    for party, person in zip(parties, (rector, president), strict=True):
        client.post(f"{url}/signatory", data={"party_id": party, "participant_id": person.id})
    for step in ("text_agreed", "legally_reviewed", "approved", "originals_ready", "signed"):
        client.post(f"{url}/status", data={"status": step})
    refused = client.post(f"{url}/status", data={"status": "archived"}, follow_redirects=True)
    assert "Upload the scan of the signed copy first." in refused.get_data(as_text=True)

    assert client.get(f"{url}/scan.pdf").status_code == 404  # nothing filed yet
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    assert "This file is not a readable PDF document." in upload(png, "scan.pdf")
    assert "This file is not a readable PDF document." in upload(b"%PDF-1.7 nothing else")
    # The wrong scan filed by mistake is withdrawn; archiving then waits for the right one.
    assert "Scan filed (1 page)." in upload(_pdf(1))
    removed = client.post(f"{url}/scan/remove", follow_redirects=True).get_data(as_text=True)
    assert "Scan removed." in removed and "Upload the scan (PDF" in removed
    assert client.get(f"{url}/scan.pdf").status_code == 404
    sent = _pdf(3)
    page = upload(sent)
    assert "Scan filed (3 pages)." in page and "signed.pdf" in page
    download = client.get(f"{url}/scan.pdf")
    assert download.data == sent  # kept byte for byte
    assert download.headers["Content-Disposition"].startswith("attachment;")
    archived = client.post(f"{url}/status", data={"status": "archived"}, follow_redirects=True)
    assert "The agreement is now: Archived." in archived.get_data(as_text=True)
    kept = client.post(f"{url}/scan/remove", follow_redirects=True).get_data(as_text=True)
    assert "An archived agreement keeps its scan." in kept
    assert client.get(f"{url}/scan.pdf").data == sent


def test_cover_sheets_follow_the_alternat(client, as_role, event, app, make):
    import io

    from pypdf import PdfReader

    guizhou, nuol = _organisations(make)
    rector = make.participant(
        event, family_name="WANG", given_name="Jianhua", organisation_id=guizhou, country_code="CN"
    )
    president = make.participant(
        event, family_name="PHOMMAXAY", given_name="Bounheng", organisation_id=nuol
    )
    ceremony_id = _ceremony(make, event)
    as_role("organiser")
    url = _create(client, event, [guizhou, nuol], ceremony_id=str(ceremony_id)).headers["Location"]
    with app.app_context():
        parties = [p.id for p in db.session.scalar(sa.select(Agreement)).parties]
    for party, person in zip(parties, (rector, president), strict=True):
        client.post(f"{url}/signatory", data={"party_id": party, "participant_id": person.id})
    response = client.get(f"/events/{event.slug}/ceremonies/{ceremony_id}/cover-sheets.pdf")
    pages = [
        p.extract_text().replace("\xa0", " ") for p in PdfReader(io.BytesIO(response.data)).pages
    ]
    assert len(pages) == 2  # one original per party
    host, guest = pages
    assert "Original — Guizhou University" in host
    assert host.index("1. Guizhou University") < host.index("2. National University of Laos")
    assert host.index("WANG Jianhua") < host.index("Bounheng PHOMMAXAY")  # signs first, left
    assert "Original — National University of Laos" in guest
    assert guest.index("1. National University of Laos") < guest.index("2. Guizhou University")
    assert guest.index("Bounheng PHOMMAXAY") < guest.index("WANG Jianhua")


def test_ceremony_programme_lists_each_signing_once_at_its_time(client, as_role, event, make):
    import io

    from pypdf import PdfReader

    guizhou, nuol = _organisations(make)
    ceremony_id = _ceremony(make, event)
    as_role("organiser")
    for title in ("MoU on Engineering", "MoU on Rail"):
        _create(client, event, [guizhou, nuol], title_en=title, ceremony_id=str(ceremony_id))
    response = client.get(f"/events/{event.slug}/ceremonies/{ceremony_id}/programme.pdf")
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages
    ).replace("\n", " ")
    assert text.count("MoU on Engineering") == 1  # four steps, one line
    assert text.index("16:15") < text.index("MoU on Engineering") < text.index("16:22")
    assert text.index("16:22") < text.index("MoU on Rail")
    assert "工程教育合作谅解备忘录" in text
    assert "Guizhou University (CN) · National University of Laos (LA)" in text
    assert "Closing words and group photo" in text and "结束致辞并合影" in text
