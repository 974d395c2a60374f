"""The CLDR formatter against CLDR's own test data for English (tests/fixtures)."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventhub.personnames import format_name

DATA = Path(__file__).parents[1] / "fixtures" / "cldr_person_names" / "en.txt"


def _cases():
    fields: dict[str, str] = {}
    locale = "und"
    expected = ""
    for number, line in enumerate(DATA.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        kind, *rest = [part.strip() for part in line.split(";")]
        if kind == "name":
            if rest[0] == "locale":
                locale = rest[1]
            else:
                fields[rest[0]] = rest[1]
        elif kind == "expectedResult":
            expected = rest[0]
        elif kind == "parameters":
            yield pytest.param(dict(fields), locale, *rest, expected, id=f"line{number}")
        elif kind == "endName":
            fields, locale = {}, "und"


@pytest.mark.parametrize(
    ("fields", "locale", "options", "length", "usage", "formality", "expected"), list(_cases())
)
def test_cldr_english_test_data(fields, locale, options, length, usage, formality, expected):
    got = format_name(
        fields, locale, options=options, length=length, usage=usage, formality=formality
    )
    assert got == expected


def test_the_data_is_all_there():
    assert len(list(_cases())) == 168
