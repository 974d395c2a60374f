"""Ceremony documents name people through the name model: the style and the honorific before
the name, never glued to the position; a signed record keeps both as signed."""

from __future__ import annotations

from eventhub.ceremonies.models import AgreementWitness
from eventhub.ceremonies.names import chinese_honorific, latin, names_in
from eventhub.ceremonies.signed_record import Person
from eventhub.registration.models import Participant


def _ahmad() -> Participant:
    return Participant(
        family_name="",
        given_name="Ahmad",
        patronymic="bin Hassan",
        style="Tan Sri",
        honorific="Dr.",
        position="Secretary-General",
        country_code="MY",
    )


def test_the_mc_and_the_name_cards_say_the_style_before_the_honorific():
    ahmad = _ahmad()
    assert latin(ahmad) == "Tan Sri Dr. Ahmad bin Hassan"
    assert names_in(ahmad, "en")[0] == "Tan Sri Dr. Ahmad bin Hassan"
    assert chinese_honorific(ahmad) == "博士"


def test_an_excellency_is_said_in_chinese_from_the_style():
    minister = Participant(
        family_name="Saleumxay", given_name="Thongsavanh", style="H.E.", country_code="LA"
    )
    assert chinese_honorific(minister) == "阁下"
    assert latin(minister) == "H.E. Thongsavanh SALEUMXAY"


def test_signing_copies_the_name_and_the_whole_title():
    row = AgreementWitness()
    row.signed_as(_ahmad())
    assert (row.signed_honorific, row.signed_name) == ("Tan Sri Dr.", "Ahmad bin Hassan")
    signed = Person(row.signed_honorific, row.signed_name, "", row.signed_position)
    assert latin(signed) == "Tan Sri Dr. Ahmad bin Hassan" == signed.titled_name
