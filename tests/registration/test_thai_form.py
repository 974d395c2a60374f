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
