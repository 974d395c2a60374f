"""The names of the region as each place shows them (issue 20, item 5)."""

from __future__ import annotations

import pytest

from eventhub.personnames import display, mrz_name, split_patronymic, split_title
from eventhub.personnames.protocol import PLACES

NURUL = {
    "given_name": "Nurul Huda",
    "patronymic": "binti Abdullah",
    "honorific": "Dr.",
    "country_code": "MY",
}
AHMAD = {
    "given_name": "Ahmad",
    "patronymic": "bin Hassan",
    "style": "Tan Sri",
    "honorific": "Dr.",
    "country_code": "MY",
}
YANG = {"family_name": "YANG", "given_name": "Ming", "honorific": "Prof.", "country_code": "CN"}
SOMCHAI = {
    "family_name": "Jaidee",
    "given_name": "Somchai",
    "honorific": "Dr.",
    "country_code": "TH",
}
BUDIONO = {"given_name": "Budiono", "honorific": "Mr.", "country_code": "ID"}
AUNG = {"given_name": "Aung Kyaw", "honorific": "U", "country_code": "MM"}


@pytest.mark.parametrize("place", ["badge", "tent_card", "list", "certificate", "mc_script"])
def test_a_malay_name_reads_given_name_then_patronymic(place):
    assert display(NURUL, place) == "Dr. Nurul Huda binti Abdullah"


def test_a_style_comes_before_the_honorific_and_stays_with_the_name():
    assert display(AHMAD, "badge") == "Tan Sri Dr. Ahmad bin Hassan"
    assert display(AHMAD, "salutation") == "Tan Sri Dr. Ahmad"


def test_chinese_family_name_first_thai_given_name_first():
    assert display(YANG, "badge") == "Prof. YANG Ming"
    assert display(YANG, "name") == "YANG Ming"
    assert display(SOMCHAI, "badge") == "Dr. Somchai JAIDEE"
    assert display(SOMCHAI, "letter") == "Dr. Somchai Jaidee"


def test_a_person_chooses_their_own_order():
    assert display({**SOMCHAI, "name_order": "family"}, "name") == "JAIDEE Somchai"
    assert display({**YANG, "name_order": "given"}, "name") == "Ming YANG"


def test_salutations_address_people_as_their_custom_does():
    assert display(NURUL, "salutation") == "Dr. Nurul Huda"
    assert display(YANG, "salutation") == "Prof. Yang"  # not shouted in a letter
    assert display(SOMCHAI, "salutation") == "Dr. Somchai"  # Thai: by the given name
    assert display(AUNG, "salutation") == "U Aung Kyaw"
    untitled = {**YANG, "honorific": ""}
    assert display(untitled, "salutation") == "Yang Ming"  # never "Dear Yang"


@pytest.mark.parametrize("place", [p for p in PLACES if p not in ("sorting", "passport")])
def test_a_single_name_stands_alone(place):
    shown = display({**BUDIONO, "honorific": ""}, place)
    assert shown == "Budiono"


def test_sorting_by_the_name_people_are_known_by():
    people = [YANG, NURUL, SOMCHAI, BUDIONO, {"family_name": "Đỗ", "given_name": "Minh"}]
    ordered = sorted(people, key=lambda p: display(p, "sorting"))
    assert [p["given_name"] for p in ordered] == [
        "Budiono",
        "Minh",
        "Somchai",
        "Nurul Huda",
        "Ming",
    ]


def test_the_passport_name_is_the_machine_readable_form():
    assert mrz_name({"family_name": "Nguyễn", "given_name": "Thị Hương"}) == "NGUYEN THI HUONG"
    assert mrz_name({"family_name": "Đỗ", "given_name": "Minh"}) == "DO MINH"
    assert mrz_name(NURUL) == "NURUL HUDA BINTI ABDULLAH"
    assert mrz_name({"family_name": "O'Brien", "given_name": "Seán"}) == "OBRIEN SEAN"
    assert display({**NURUL, "passport_name": "NURUL HUDA BT ABDULLAH"}, "passport") == (
        "NURUL HUDA BT ABDULLAH"
    )


def test_a_chinese_reader_sees_the_chinese_name():
    assert display({**YANG, "native_name": "杨明"}, "badge", "zh") == "杨明"
    assert display({**SOMCHAI, "name_zh": "颂猜"}, "mc_script", "zh") == "颂猜"
    assert display(SOMCHAI, "badge", "zh") == "Dr. Somchai JAIDEE"


@pytest.mark.parametrize(
    ("family", "given", "country", "expected"),
    [
        ("BINTI ABDULLAH", "Nurul Huda", "MY", ("", "Nurul Huda", "binti Abdullah")),
        ("BIN HASSAN", "Ahmad", "ID", ("", "Ahmad", "bin Hassan")),
        ("A/L SUBRAMANIAM", "Kumaresan", "MY", ("", "Kumaresan", "a/l Subramaniam")),
        (
            "HAJI OSMAN",
            "Dayang Hajah Nurul Huda binti",
            "BN",
            ("", "Dayang Hajah Nurul Huda", "binti Haji Osman"),
        ),
        ("ANAK JUGAH", "Leonard", "MY", ("", "Leonard", "anak Jugah")),  # Iban, Sarawak
        ("YANG", "Ming", "CN", ("YANG", "Ming", "")),
        ("", "Budiono", "ID", ("", "Budiono", "")),
    ],
)
def test_old_family_names_that_were_patronymics(family, given, country, expected):
    assert split_patronymic(family, given, country) == expected


@pytest.mark.parametrize(
    ("family", "given", "country"),
    [
        ("ANAK AGUNG", "Gde Agung", "ID"),  # a Balinese title, not "son of Agung"
        ("AGUNG", "Gde Anak", "ID"),
        ("BIN LADEN", "Omar", "SA"),  # a family name
        ("BINTI ABDULLAH", "Nurul Huda", ""),  # no country: no custom to apply
        ("ANAK AGUNG", "Gde Agung", "BN"),
    ],
)
def test_family_names_that_only_look_like_patronymics_stay(family, given, country):
    assert split_patronymic(family, given, country) == (family, given, "")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Tan Sri Dr.", ("Tan Sri", "Dr.")),
        ("Prof. Dato'", ("Dato'", "Prof.")),
        ("Prof. Dato’", ("Dato’", "Prof.")),
        ("H.E. Dr.", ("H.E.", "Dr.")),
        ("Lok Chumteav", ("Lok Chumteav", "")),
        ("Yang Mulia", ("Yang Mulia", "")),
        ("Assoc. Prof. Dr.", ("", "Assoc. Prof. Dr.")),
        ("U", ("", "U")),
    ],
)
def test_styles_leave_the_honorific(typed, expected):
    assert split_title(typed) == expected
