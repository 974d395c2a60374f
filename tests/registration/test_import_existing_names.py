"""A row that updates someone already registered names them as every other page does
(review finding 5): the formatter's order and patronymic, not "FAMILY Given" for all."""

from __future__ import annotations

from eventhub.extensions import db
from eventhub.registration import importer
from tests.registration.import_files import csv_bytes

HEADERS = ["Surname", "First name", "Institution", "Country", "E-mail"]


def test_an_update_names_the_person_as_the_formatter_does(app, event, make):
    thai = make.participant(
        event,
        family_name="JAIDEE",
        given_name="Somchai",
        country_code="TH",
        name_order="",
        email="somchai@example.ac.th",
    )
    malay = make.participant(
        event,
        family_name="",
        given_name="Nurul Huda",
        patronymic="binti Abdullah",
        country_code="MY",
        name_order="",
        email="nurul@example.edu.my",
    )
    rows = [
        HEADERS,
        ["JAIDEE", "Somchai", "Chulalongkorn University", "Thailand", "somchai@example.ac.th"],
        ["", "Nurul Huda", "Universiti Malaya", "Malaysia", "nurul@example.edu.my"],
    ]
    with app.app_context():
        stored = db.session.merge(event)
        expected = [db.session.get(type(p), p.id).latin_name for p in (thai, malay)]
        result = importer.preview(stored, csv_bytes(rows, "utf-8"))
        warnings = [str(w.message) for w in result.warnings]
        db.session.rollback()
    assert expected == ["Somchai JAIDEE", "Nurul Huda binti Abdullah"]
    for name in expected:
        assert f"Updates {name}, already registered." in warnings


def test_an_update_that_corrects_a_malay_name_keeps_the_patronymic(app, event, make):
    """Registered as "HASSAN Nurul Huda", corrected by the embassy's list to "BINTI ISMAIL"
    / "Nurul Huda": the update stores the patronymic and empties the family name, instead
    of dropping both (the split gives an empty family name and a column the file lacks)."""
    make.participant(
        event,
        family_name="HASSAN",
        given_name="Nurul Huda",
        country_code="MY",
        name_order="",
        email="nurul@example.edu.my",
    )
    rows = [
        HEADERS,
        ["BINTI ISMAIL", "Nurul Huda", "Universiti Malaya", "Malaysia", "nurul@example.edu.my"],
    ]
    with app.app_context():
        stored = db.session.merge(event)
        result = importer.preview(stored, csv_bytes(rows, "utf-8"))
        db.session.rollback()
    [(_number, values, person_id)] = result.rows
    assert person_id is not None
    assert values["patronymic"] == "binti Ismail"
    assert values["family_name"] == ""
