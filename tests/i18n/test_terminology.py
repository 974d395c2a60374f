"""Terminology of the gate in every language: checking in at a door is recording attendance
(签到), never checking in at a hotel (入住). A reader told to "check in to the hotel" at the
plenary door would go looking for the reception desk."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from eventhub import ROOT

# Each language's words for taking a hotel room, and the English loan word that could mean
# either: neither belongs in a text about gates, scans and checkpoints.
HOTEL_WORDS = {
    "zh_Hans": ["入住"],
    "th": ["เข้าพัก", "เช็คอิน", "เช็กอิน"],
    "vi": ["nhận phòng", "check-in", "check in"],
    "id": ["menginap", "check-in", "check in"],
    "ms": ["daftar masuk hotel", "menginap", "check-in", "check in"],
    "fil": ["mag-check in", "check-in", "check in"],
    "lo": ["ເຂົ້າພັກ", "ເຊັກອິນ"],
    "km": ["ចូលស្នាក់នៅ", "ឆែកអ៊ីន"],
    "my": ["တည်းခို", "ချက်အင်"],
    "pt_TL": ["alojamento", "check-in", "check in"],
}
ABOUT_THE_GATE = ("check-in", "check in", "checked in", "scan", "checkpoint", "gate", "admitted")
ABOUT_THE_HOTEL = re.compile(r"\b(hotel|hotels|room|rooms|rooming)\b")


def _catalogue(locale: str):
    path = Path(ROOT / f"eventhub/translations/{locale}/LC_MESSAGES/messages.po")
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


@pytest.mark.parametrize("locale", list(HOTEL_WORDS))
def test_the_gate_is_never_a_hotel_reception(locale):
    catalogue = _catalogue(locale)
    about_the_gate = [
        message
        for message in catalogue
        if message.id
        and message.string
        and any(word in str(message.id).lower() for word in ABOUT_THE_GATE)
        and not ABOUT_THE_HOTEL.search(str(message.id).lower())
    ]
    assert any(m.id == "Check-in" for m in about_the_gate)  # the gate's own word is there
    hotel = [
        (m.id, m.string)
        for m in about_the_gate
        if any(word in str(m.string).lower() for word in HOTEL_WORDS[locale])
    ]
    assert hotel == []
