"""The demo week's people fill the name model as a protocol office would."""

from __future__ import annotations

import random

from eventhub.demo.names import BN_LONG, GENERATORS
from eventhub.demo.participants import _name_parts
from eventhub.personnames import display


def _people(country: str, count: int = 60) -> list[dict]:
    rng = random.Random(7)
    return [_name_parts(country, *_without_native(GENERATORS[country](rng))) for _ in range(count)]


def _without_native(name):
    family, given, _native, honorific = name
    return family, given, honorific


def test_malay_names_have_patronymics_not_family_names():
    malay = [p for p in _people("MY") if p["patronymic"]]
    assert malay and all(p["family_name"] == "" for p in malay)
    assert all(p["patronymic"].split()[0] in {"bin", "binti", "a/l", "a/p"} for p in malay)
    shown = display(malay[0], "badge")
    assert shown.index(malay[0]["given_name"]) < shown.index(malay[0]["patronymic"])


def test_brunei_styles_leave_the_honorific():
    family, given, style = BN_LONG[0]
    parts = _name_parts("BN", family, given, style)
    assert parts["style"] == "Yang Mulia" and parts["honorific"] == ""
    assert display(parts, "badge") == (
        "Yang Mulia Pengiran Haji Abdul Rahman bin Pengiran Haji Ismail"
    )


def test_thai_names_given_first_chinese_family_first():
    thai = next(p for p in _people("TH") if p["family_name"])
    assert thai["name_order"] == ""  # the country's custom: given name first
    assert display(thai, "name").endswith(thai["family_name"].upper())
    chinese = _people("CN")[0]
    assert display(chinese, "name").startswith(chinese["family_name"].upper())
    lim = _name_parts("MY", "LIM", "Wei Ling", "Dr.")
    assert display(lim, "badge") == "Dr. LIM Wei Ling"


MEN_ONLY = {"Mr.", "Encik", "Awang", "Haji", "U"}
WOMEN_ONLY = {"Ms.", "Puan", "Dayang", "Hajah", "Daw"}


def test_the_demos_honorifics_agree_with_the_names():
    """No "Ms. Mohd Yusof bin Osman", "Awang Siti Khadijah binti Yaakob" or "Daw Kyaw Thu"
    (the trial found them on the demo's badges): a binti, a/p or a woman's Myanmar name gets
    a woman's title, a bin, a/l or a man's name a man's."""
    from eventhub.demo.names import MM_FEMALE

    for country in ("MY", "SG", "BN", "MM"):
        rng = random.Random(11)
        for _ in range(300):
            family, given, _native, honorific = GENERATORS[country](rng)
            words = set(honorific.split())
            link = family.split()[0] if family else ""
            female = link in {"BINTI", "A/P"} or (
                country == "MM" and any(part in MM_FEMALE for part in given.split())
            )
            male = link in {"BIN", "A/L"} or (country == "MM" and not female)
            if female:
                assert not words & MEN_ONLY, (country, honorific, given, family)
            if male:
                assert not words & WOMEN_ONLY, (country, honorific, given, family)
