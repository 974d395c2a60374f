"""A Thai guest's registration form: countries named in Thai, dates in Thai years."""

from __future__ import annotations


def test_a_thai_guest_reads_countries_and_dates_in_thai(client, open_event, app):
    """The registration form's country list names countries in Thai (CLDR), and the
    passport's required date is a Thai date (Buddhist Era year), not an ISO one."""
    from babel import Locale

    from eventhub.i18n import BUDDHIST_ERA_OFFSET

    thai = {"Accept-Language": "th-TH,th;q=0.9"}
    page = client.get(f"/events/{open_event.slug}/register", headers=thai).get_data(as_text=True)
    assert Locale.parse("th").territories["LA"] in page
    assert ">Laos<" not in page
    with app.test_request_context(headers=thai):
        from eventhub.registration.validation import PASSPORT_VALID_AFTER_EVENT

        required = open_event.ends_on + PASSPORT_VALID_AFTER_EVENT
    response = client.post(
        f"/events/{open_event.slug}/register",
        data={"visa_letter_requested": "y", "passport_expiry": open_event.ends_on.isoformat()},
        headers=thai,
    )
    text = response.get_data(as_text=True)
    assert str(required.year + BUDDHIST_ERA_OFFSET) in text
    assert required.isoformat() not in text


def test_the_language_for_mails_starts_as_the_pages_and_keeps_the_choice(
    client, open_event, app, lao_delegate
):
    """A Thai browser's form proposes Thai for the mails; a guest who prefers Khmer says so
    and is written to in Khmer from then on."""
    import re

    import sqlalchemy as sa

    from eventhub.extensions import db
    from eventhub.registration.models import Participant

    thai = {"Accept-Language": "th-TH,th;q=0.9"}
    page = client.get(f"/events/{open_event.slug}/register", headers=thai).get_data(as_text=True)
    select = re.search(r'<select[^>]*name="locale".*?</select>', page, re.S).group(0)
    assert re.search(r'<option selected value="th"|<option value="th" selected', select)
    data = dict(lao_delegate, email="khmer.reader@example.edu.kh", locale="km")
    assert (
        client.post(f"/events/{open_event.slug}/register", data=data, headers=thai).status_code
        == 302
    )
    with app.app_context():
        person = db.session.scalar(
            sa.select(Participant).where(Participant.email == "khmer.reader@example.edu.kh")
        )
        assert person.locale == "km" and person.language == "km"
