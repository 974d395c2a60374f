"""Visa invitation letters: bilingual PDFs, for the visa desk and the approved participant."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from eventhub import crypto

VISA = {
    "visa_letter_requested": "y",
    "nationality": "VN",
    "date_of_birth": "1978-03-02",
    "passport_number": "C1234567",
    "passport_expiry": "2030-01-31",
}


def _text(pdf: bytes) -> str:
    import io

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _visa_person(make, event, app, **values):
    with app.app_context():
        passport = crypto.encrypt("C1234567")
        birth = crypto.encrypt("1978-03-02")
    values = {
        "family_name": "NGUYỄN",
        "given_name": "Thị Hương",
        "native_name": "Nguyễn Thị Hương",
        "country_code": "VN",
        "nationality_code": "VN",
        "visa_letter_requested": True,
        "passport_number_encrypted": passport,
        "date_of_birth_encrypted": birth,
        "position": "Head of International Relations",
        **values,
    }
    return make.participant(event, **values)


def test_visa_desk_prints_a_bilingual_letter(client, as_role, make, event, app):
    person = _visa_person(make, event, app)
    as_role("visa_officer")
    response = client.get(f"/events/{event.slug}/participants/{person.id}/visa-letter.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _text(response.data)
    assert "Letter of Invitation" in text and "邀请函" in text
    assert "C1234567" in text and "1978-03-02" in text
    assert "NGUYỄN Thị Hương" in text
    assert "Viet Nam" in text and "越南" in text


def test_letterhead_gives_the_venue_address_in_both_languages(client, login, make, app):
    event = make.event(venue_address="Eco-Conference Center", venue_address_zh="贵阳生态会议中心")
    person = _visa_person(make, event, app)
    login(make.user(roles={event: "visa_officer"}).email)
    response = client.get(f"/events/{event.slug}/participants/{person.id}/visa-letter.pdf")
    text = _text(response.data)
    assert "Eco-Conference Center" in text and "贵阳生态会议中心" in text


def test_organisers_without_the_visa_role_cannot_print_letters(client, as_role, make, event, app):
    person = _visa_person(make, event, app)
    as_role("organiser")
    response = client.get(f"/events/{event.slug}/participants/{person.id}/visa-letter.pdf")
    assert response.status_code == 403


def test_the_participant_link_never_reveals_the_passport(
    client, open_event, lao_delegate, outbox, app
):
    """Organisers can change where the link goes; passport data stays with the visa desk."""
    client.post(f"/events/{open_event.slug}/register", data={**lao_delegate, **VISA})
    link = re.search(r"(/events/\S+/me/\S+)", outbox[-1].get_content()).group(1)
    assert client.get(link + "/visa-letter.pdf").status_code == 404
    assert "C1234567" not in client.get(link + "/data.json").get_data(as_text=True)
    assert "C1234567" not in client.get(link).get_data(as_text=True)


def test_delegation_batch_has_one_page_per_letter(client, make, event, app, login):
    import io

    delegation = make.delegation(event, name_en="Viet Nam national delegation", country_code="VN")
    for name in ("Minh Tuấn", "Quang Huy"):
        _visa_person(make, event, app, given_name=name, delegation_id=delegation.id)
    make.participant(event, delegation_id=delegation.id)  # no letter asked for
    user = make.user(roles={event: "visa_officer"})
    login(user.email)
    response = client.get(f"/events/{event.slug}/delegations/{delegation.id}/visa-letters.pdf")
    assert len(PdfReader(io.BytesIO(response.data)).pages) == 2


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_letter_renders_to_an_image(client, as_role, make, event, app, tmp_path):
    person = _visa_person(make, event, app)
    as_role("visa_officer")
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(
        client.get(f"/events/{event.slug}/participants/{person.id}/visa-letter.pdf").data
    )
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(tmp_path / "page")], check=True)
    assert (tmp_path / "page-1.png").stat().st_size > 5000


@pytest.mark.parametrize("status", ["pending", "rejected", "waitlisted", "withdrawn"])
def test_no_letter_for_a_participant_who_is_not_approved(client, as_role, make, event, app, status):
    """The visa desk opened the letter of a rejected person and got an official PDF."""
    person = _visa_person(make, event, app, status=status)
    as_role("visa_officer")
    page = client.get(f"/events/{event.slug}/participants/{person.id}")
    assert "visa-letter.pdf" not in page.get_data(as_text=True)
    response = client.get(f"/events/{event.slug}/participants/{person.id}/visa-letter.pdf")
    assert response.status_code == 409 and response.mimetype == "text/html"
    assert "Only approved participants get a visa letter" in response.get_data(as_text=True)


def test_delegation_batch_holds_only_approved_members_and_says_who_is_left_out(
    client, make, event, app, login
):
    import io

    delegation = make.delegation(event, name_en="Viet Nam national delegation", country_code="VN")
    _visa_person(make, event, app, given_name="Minh Tuấn", delegation_id=delegation.id)
    for name, status in (("Quang Huy", "rejected"), ("Văn An", "pending"), ("Thu", "waitlisted")):
        _visa_person(make, event, app, given_name=name, status=status, delegation_id=delegation.id)
    login(make.user(roles={event: "visa_officer"}).email)
    response = client.get(f"/events/{event.slug}/delegations/{delegation.id}/visa-letters.pdf")
    assert response.mimetype == "application/pdf"
    text = _text(response.data)
    assert len(PdfReader(io.BytesIO(response.data)).pages) == 1
    assert "Minh Tuấn" in text and "Quang Huy" not in text and "Văn An" not in text

    client.post("/auth/logout")
    login(make.user(roles={event: "organiser"}).email)
    page = client.get(f"/events/{event.slug}/delegations/{delegation.id}/").get_data(as_text=True)
    assert "3 members get no visa letter because their registration is not approved" in page


def test_the_letter_drawing_itself_leaves_out_who_is_not_approved(make, event, app):
    """Any page that draws letters (a delegate's own page too) goes through this rule."""
    from datetime import date

    from eventhub.errors import DomainError
    from eventhub.registration.letters import visa_letters_pdf
    from eventhub.registration.models import Participant

    person = _visa_person(make, event, app, status="withdrawn")
    with app.test_request_context():
        from eventhub.extensions import db

        with pytest.raises(DomainError):
            visa_letters_pdf(event, [db.session.get(Participant, person.id)], issued=date.today())
