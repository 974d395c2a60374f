"""The visa workflow per person: requested -> letter issued -> sent -> granted or refused,
each step dated and in the audit log; per delegation; listed and exported."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import sqlalchemy as sa

from eventhub import crypto
from eventhub.audit.models import AuditEntry
from eventhub.extensions import db
from eventhub.visas.models import VisaCase, VisaStep


def _today(event) -> date:
    return datetime.now(ZoneInfo(event.timezone)).date()


@pytest.fixture
def applicant(make, event, app):
    """An approved delegate who asked for a letter at registration."""
    delegation = make.delegation(event, name_en="Viet Nam national delegation", country_code="VN")
    with app.app_context():
        passport, birth = crypto.encrypt("C1234567"), crypto.encrypt("1978-03-02")

    def person(**values):
        return make.participant(
            event,
            family_name="NGUYỄN",
            given_name=values.pop("given_name", "Thị Hương"),
            country_code="VN",
            nationality_code="VN",
            visa_letter_requested=True,
            passport_number_encrypted=passport,
            date_of_birth_encrypted=birth,
            delegation_id=delegation.id,
            **values,
        )

    person.delegation = delegation
    return person


def _case(app, person) -> VisaCase | None:
    with app.app_context():
        return db.session.scalar(sa.select(VisaCase).where(VisaCase.participant_id == person.id))


def _step(client, event, person, **values):
    data = {"state": "requested", "note": "", **values}
    return client.post(f"/events/{event.slug}/participants/{person.id}/visa", data=data)


def test_drawing_the_letter_moves_the_visa_to_letter_issued(client, as_role, event, app, applicant):
    person = applicant()
    as_role("visa_officer")
    page = client.get(f"/events/{event.slug}/participants/{person.id}").get_data(as_text=True)
    assert "Letter requested" in page  # asked for on the registration form
    client.get(f"/events/{event.slug}/participants/{person.id}/visa-letter.pdf")
    case = _case(app, person)
    assert (case.state, case.issued_on) == (VisaStep.ISSUED, _today(event))
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "visa.step"))
        assert entry.changes["visa_state"] == [None, "issued"]
    page = client.get(f"/events/{event.slug}/participants/{person.id}").get_data(as_text=True)
    assert "Letter issued" in page


def test_the_visa_desk_records_each_step_with_its_date(client, as_role, event, app, applicant):
    person = applicant()
    as_role("visa_officer")
    today = _today(event)
    response = _step(
        client, event, person, state="sent", issued_on=today.isoformat(), note="EMS EA123"
    )
    assert response.status_code == 302
    case = _case(app, person)
    assert (case.state, case.issued_on, case.sent_on, case.note) == (
        VisaStep.SENT,
        today,
        today,  # the step's own date left empty: today
        "EMS EA123",
    )
    _step(
        client,
        event,
        person,
        state="refused",
        issued_on=today.isoformat(),
        sent_on=today.isoformat(),
        decided_on=today.isoformat(),
    )
    assert _case(app, person).state == VisaStep.REFUSED
    history = client.get(f"/events/{event.slug}/participants/{person.id}").get_data(as_text=True)
    assert "Visa step recorded" in history and "refused" in history


def test_a_step_in_error_is_refused_and_the_form_keeps_what_was_typed(
    client, as_role, event, app, applicant
):
    person = applicant()
    as_role("organiser")  # the organisers may record steps too
    today = _today(event)
    response = _step(
        client,
        event,
        person,
        state="sent",
        issued_on=today.isoformat(),
        sent_on=today.replace(year=today.year + 1).isoformat(),
        note="Courier DHL 555",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This date is in the future." in page and 'value="Courier DHL 555"' in page
    assert _case(app, person) is None
    before = _step(
        client,
        event,
        person,
        state="sent",
        issued_on=today.isoformat(),
        sent_on=date(2000, 1, 1).isoformat(),
    ).get_data(as_text=True)
    assert "This date is before the date of Letter issued on." in before


def test_no_letter_step_for_someone_not_approved(client, as_role, event, app, applicant):
    person = applicant(status="rejected")
    as_role("visa_officer")
    page = _step(client, event, person, state="issued").get_data(as_text=True)
    assert "Only approved participants get a visa letter" in page
    assert _case(app, person) is None


def test_visa_list_by_step_and_delegation_and_its_export(
    client, as_role, event, app, applicant, make
):
    today = _today(event).isoformat()
    granted = applicant(given_name="Granted")
    applicant(given_name="Waiting")  # requested only
    elsewhere = make.participant(event, given_name="Elsewhere", visa_letter_requested=True)
    make.participant(event, given_name="No visa")
    as_role("visa_officer")
    _step(
        client,
        event,
        granted,
        state="granted",
        issued_on=today,
        sent_on=today,
        decided_on=today,
    )
    everyone = client.get(f"/events/{event.slug}/visas/").get_data(as_text=True)
    assert all(name in everyone for name in ("Granted", "Waiting", "Elsewhere"))
    assert "No visa" not in everyone
    only_granted = client.get(f"/events/{event.slug}/visas/?state=granted").get_data(as_text=True)
    assert "NGUYỄN Granted" in only_granted and "Waiting" not in only_granted
    delegation = client.get(
        f"/events/{event.slug}/visas/?delegation={applicant.delegation.id}"
    ).get_data(as_text=True)
    assert "Waiting" in delegation and elsewhere.latin_name not in delegation

    book = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/events/{event.slug}/visas/export.xlsx?state=granted").data)
    )
    rows = [[c.value for c in row] for row in book.active.iter_rows()]
    assert len(rows) == 2 and "Visa granted" in rows[1] and today in rows[1]


def test_delegation_page_counts_members_at_each_step(client, login, make, event, app, applicant):
    applicant(given_name="One")
    applicant(given_name="Two")
    login(make.user(roles={event: "organiser"}).email)
    page = client.get(f"/events/{event.slug}/delegations/{applicant.delegation.id}/")
    text = page.get_data(as_text=True)
    assert "Visas" in text and "Letter requested</span> 2" in text


def test_anonymising_the_event_clears_what_the_visa_desk_wrote(client, login, make, app):
    ended = make.event(starts_on=date(2025, 7, 24), ends_on=date(2025, 7, 27))
    person = make.participant(ended, visa_letter_requested=True)
    with app.app_context():
        db.session.add(
            VisaCase(
                event_id=ended.id,
                participant_id=person.id,
                state=VisaStep.REFUSED,
                decided_on=date(2025, 6, 1),
                note="Refused: passport of Somphone KEOMANY damaged",
            )
        )
        db.session.commit()
    login(make.user(roles={ended: "organiser"}).email)
    client.post(f"/events/{ended.slug}/participants/anonymise", data={"confirm": ended.slug})
    case = _case(app, person)
    assert case.note == "" and case.state == VisaStep.REFUSED  # the outcome stays, as statuses do


def test_visa_list_comes_in_pages_that_keep_the_filter(client, as_role, event, app, make):
    """A week has a thousand foreign guests: the list is paged, every one on some page."""
    for n in range(55):
        make.participant(event, given_name=f"Guest{n:02d}", visa_letter_requested=True)
    as_role("visa_officer")
    first = client.get(f"/events/{event.slug}/visas/?state=requested").get_data(as_text=True)
    second = client.get(f"/events/{event.slug}/visas/?state=requested&page=2").get_data(
        as_text=True
    )
    shown = [n for n in range(55) if f"Guest{n:02d}" in first]
    rest = [n for n in range(55) if f"Guest{n:02d}" in second]
    assert len(shown) == 50 and sorted(shown + rest) == list(range(55))
    assert "state=requested" in first and "page=2" in first  # the link to page 2 keeps it
