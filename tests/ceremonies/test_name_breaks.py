"""Names as the printed ceremony documents set them: a long Latin name wraps between its words,
never inside one and never shrunk out of sight; Chinese lines follow the Chinese rules (no line
starts with a closing mark or ends with an opening one, a Chinese name stays whole); three
signature lines side by side each stay one line; Myanmar lines get room for their tall glyphs;
honorifics said in Chinese as a Chinese protocol office says them."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from eventhub.scheduling.models import ActivityType

CLOSING = "，。、：；！？）》」』】"
OPENING = "（《「『【"
BRUNEI = {
    "family_name": "HAJI OSMAN",
    "given_name": "Dayang Hajah Nurul Huda binti",
    "native_name": "",
    "honorific": "Yang Mulia",
    "position": "President",
    "country_code": "BN",
}
PEHIN = {
    "family_name": "PEHIN ORANG KAYA HAJI MOHAMMAD",
    "given_name": "Pengiran Anak Haji Muhammad Khairul Azmi bin",
    "native_name": "",
    "honorific": "Yang Berhormat",
    "position": "Minister of Education",
    "country_code": "BN",
}
BOUNMY = {
    "family_name": "PHOMMACHANH",
    "given_name": "Bounmy",
    "native_name": "ບຸນມີ ພົມມະຈັນ",
    "name_zh": "本米·蓬马占",
    "honorific": "H.E.",
    "position": "Ambassador of the Lao PDR to China",
    "position_zh": "老挝驻华大使",
    "country_code": "LA",
}
MYANMAR = {
    "family_name": "",
    "given_name": "Zaw Sandar Cho",
    "native_name": "ဒေါ်ဇော်စန္ဒာချို",
    "honorific": "Daw",
    "position": "President",
    "country_code": "MM",
}


def _text(data: bytes, *options: str) -> str:
    return subprocess.run(
        ["pdftotext", *options, "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def _ceremony(make, event, parties: list[tuple[str, str, dict | None]], witnesses=()):
    """A signing ceremony with one agreement between `parties` (name, country, signatory
    fields) witnessed by `witnesses` (participant fields); returns the ceremony's id."""
    starts = datetime(2025, 7, 25, 2, 0, tzinfo=UTC)
    ceremony = make.activity(
        event,
        title_en="Signing Ceremony I",
        title_zh="签约仪式一",
        type=ActivityType.SIGNING_CEREMONY,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=90),
    )
    organisations, signers = [], []
    for name, country, person in parties:
        english, _sep, chinese = name.partition(" / ")
        organisation = make.organisation(name_en=english, name_zh=chinese, country_code=country)
        organisations.append(organisation)
        signers.append(
            make.participant(event, organisation_id=organisation.id, **person) if person else None
        )
    make.agreement(
        event,
        organisations,
        signatories=signers,
        witnesses=[make.participant(event, **w) for w in witnesses],
        title_en="Memorandum of Understanding on E-commerce between Guizhou University and "
        "Universiti Brunei Darussalam",
        title_zh="贵州大学与文莱达鲁萨兰大学电子商务合作谅解备忘录",
        languages="en,zh",
        prevailing_language="en",
        ceremony_id=ceremony.id,
    )
    return ceremony.id


def _pieces(lines: list[str], names: list[dict]) -> list[str]:
    """Lines holding a piece of a name's word ('Nur', 'MOHAMM') rather than the whole word."""
    words = {
        word
        for person in names
        for word in f"{person['family_name']} {person['given_name']}".split()
    }
    broken = []
    for line in lines:
        for token in re.findall(r"[A-Za-z]+", line):
            if token in words or len(token) < 3:
                continue
            if any(
                word != token and (word.startswith(token) or word.endswith(token)) for word in words
            ):
                broken.append(line)
    return broken


def _smallest_size(data: bytes, word: str) -> float:
    """The smallest font size (pt) at which `word` is printed in the PDF."""
    from pypdf import PdfReader

    sizes: list[float] = []

    def visit(text, cm, tm, font_dict, font_size):
        if word in text:
            sizes.append(font_size * abs(tm[3] or 1) * abs(cm[3] or 1))

    for page in PdfReader(io.BytesIO(data)).pages:
        page.extract_text(visitor_text=visit)
    assert sizes, word
    return min(sizes)


BRUNEI_SIGNING = [
    (
        "Guizhou University",
        "CN",
        {
            "family_name": "SHI",
            "given_name": "Wenbo",
            "native_name": "石文博",
            "honorific": "Mr.",
            "position": "Vice President",
            "country_code": "CN",
        },
    ),
    ("Universiti Brunei Darussalam / 文莱达鲁萨兰大学", "BN", BRUNEI),
]


@pytest.mark.parametrize(
    "document", ["register.pdf", "press-list.pdf", "mc-script.pdf", "cover-sheets.pdf"]
)
def test_a_long_latin_name_wraps_between_its_words_never_inside_one(
    client, as_role, event, make, document
):
    as_role("organiser")
    ceremony_id = _ceremony(make, event, BRUNEI_SIGNING, witnesses=[PEHIN, BOUNMY])
    data = client.get(f"/events/{event.slug}/ceremonies/{ceremony_id}/{document}").data
    lines = _text(data).splitlines()
    assert any("HAJI OSMAN" in line for line in lines), document
    assert not _pieces(lines, [BRUNEI, PEHIN, BOUNMY]), document
    # Never shrunk out of sight: a long name is printed at 7 pt at least.
    for word in ("MOHAMMAD", "Nurul") if document != "cover-sheets.pdf" else ("Nurul",):
        assert _smallest_size(data, word) >= 7, (document, word)


@pytest.mark.parametrize(
    "host",
    [
        "Guizhou University / 贵州大学",
        "Guizhou Minzu University / 贵州民族大学",
        "Guizhou Medical University / 贵州医科大学",
        "Kaili University / 凯里学院",
    ],
)
def test_chinese_lines_follow_the_chinese_line_breaking_rules(client, as_role, event, make, host):
    as_role("organiser")
    signing = [(host, "CN", BRUNEI_SIGNING[0][2]), BRUNEI_SIGNING[1]]
    ceremony_id = _ceremony(make, event, signing, witnesses=[BOUNMY, PEHIN])
    base = f"/events/{event.slug}/ceremonies/{ceremony_id}"
    for document in ("mc-script.pdf", "press-list.pdf"):
        lines = [line.strip() for line in _text(client.get(f"{base}/{document}").data).splitlines()]
        assert not [line for line in lines if line and line[0] in CLOSING], document
        assert not [line for line in lines if line and line[-1] in OPENING], document
        assert any("本米·蓬马占" in line for line in lines), document


def test_break_lines_keeps_chinese_rules_and_words_at_every_width(app):
    from eventhub.pdf import break_lines, register_fonts

    sentence = (
        "现在请贵州大学 Vice President 石文博先生与文莱达鲁萨兰大学 President HAJI OSMAN "
        "Dayang Hajah Nurul Huda binti 签署《贵州大学与文莱达鲁萨兰大学电子商务合作谅解备忘录》。"
        "见证人：本米·蓬马占阁下、 H.E. PEHIN ORANG KAYA HAJI MOHAMMAD 先生。"
    )
    words = set(re.findall(r"[A-Za-z]+", sentence))
    with app.app_context():
        register_fonts()
        for width in range(60, 400, 7):
            lines = break_lines(sentence, width, 10)
            assert "".join(lines).replace(" ", "") == sentence.replace(" ", "")
            for line in lines:
                assert line[0] not in CLOSING and line[-1] not in OPENING, (width, line)
                assert set(re.findall(r"[A-Za-z]+", line)) <= words, (width, line)
            assert any("本米·蓬马占" in line for line in lines), (width, lines)
            assert any("H.E." in line for line in lines), (width, lines)


def test_three_signature_lines_side_by_side_stay_one_line_each(client, as_role, event, make):
    as_role("organiser")
    ceremony_id = _ceremony(
        make,
        event,
        [*BRUNEI_SIGNING, ("National University of Laos", "LA", BOUNMY)],
    )
    data = client.get(f"/events/{event.slug}/ceremonies/{ceremony_id}/cover-sheets.pdf").data
    for page in _text(data, "-layout").split("\f"):
        if not page.strip():
            continue
        runs = re.findall(r"_+", page)
        assert len(runs) == 3, page  # one line for each party, none wrapped to a second
        assert min(len(run) for run in runs) >= 15


def test_myanmar_lines_have_room_for_their_tall_glyphs(app):
    from eventhub.ceremonies.pdf import BODY
    from eventhub.pdf import paragraph, register_fonts

    with app.app_context():
        register_fonts()
        name = " ".join(["ဒေါ်ဇော်စန္ဒာချို"] * 6)
        shaped = paragraph(name, BODY)
        _width, height = shaped.wrap(120, 10_000)
        lines = len(shaped.lines)
        assert lines > 1
        assert height / lines >= 1.7 * BODY.fontSize


@pytest.mark.parametrize(
    ("honorific", "said"),
    [
        ("Asst. Prof.", "助理教授"),
        ("Assistant Professor", "助理教授"),
        ("Assoc. Prof.", "副教授"),
        ("Assoc. Prof. Dr.", "副教授"),
        ("Prof. Dr.", "教授"),
        ("Prof.", "教授"),
        ("Dr.", "博士"),
        ("H.E.", "阁下"),
    ],
)
def test_honorifics_are_said_in_chinese_as_a_protocol_office_says_them(honorific, said):
    from eventhub.ceremonies.names import chinese_honorific

    assert chinese_honorific(SimpleNamespace(honorific=honorific)) == said


@pytest.mark.parametrize("name", ["ဦးအောင်ကျော်", "ທ່ານ ບຸນມີ", "PHOMMACHANH Bounmy"])
def test_a_short_name_on_a_name_card_keeps_its_full_size_in_any_script(app, name):
    """A name that fits the card's line is printed at the card's size: a tall script's
    roomier lines are not taken for a second line (it was shrunk to three quarters)."""
    from eventhub.ceremonies.pdf import _fitted
    from eventhub.pdf import register_fonts

    with app.app_context():
        register_fonts()
        assert _fitted(name, 755, 44).size == 44
