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


def test_a_signed_record_names_its_person_through_the_formatters_places():
    """The signed-record Person answers name(place, locale) as a registration does: the
    name and title as signed in Latin letters, the Chinese rendering for a Chinese reader."""
    from eventhub.personnames import protocol

    row = AgreementWitness()
    yang = Participant(
        family_name="YANG", given_name="Ming", honorific="Prof.", name_zh="杨明", country_code="CN"
    )
    row.signed_as(yang)
    signed = Person(
        row.signed_honorific, row.signed_name, "", row.signed_position, row.signed_name_zh
    )
    for place in (protocol.TENT_CARD, protocol.MC_SCRIPT, protocol.CERTIFICATE):
        assert signed.name(place) == yang.name(place) == "Prof. YANG Ming"
    assert signed.name(protocol.NAME) == yang.latin_name
    assert signed.name(protocol.TENT_CARD, "zh_Hans") == yang.name("tent_card", "zh") == "杨明"
    live = Person(yang.full_title, yang.latin_name, "", "", yang.name_zh, live=yang)
    assert live.name(protocol.SALUTATION) == "Prof. Yang" == yang.salutation_name
    assert latin(signed, protocol.MC_SCRIPT) == yang.name(protocol.MC_SCRIPT)
