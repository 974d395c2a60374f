"""Every PDF the app makes, printed with the names of the test corpus (mixed scripts and long
names): no box (a character drawn with a font that has no glyph for it, or glyph 0), and, by
the layout's own measurements, no line wider than its box and no two lines overlapping.

Documents: badges (front, and back in print runs) in CR80, A6 and A4; certificates; visa
letters; the event's programme; the ceremony's signing register, press list, cover sheets,
programme, name cards and MC script. (The stage plan and run of show are web pages.)"""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from reportlab.pdfbase.ttfonts import TTFont

from eventhub.ceremonies.models import Agreement
from eventhub.extensions import db
from eventhub.scheduling.models import ActivityState, ActivityType
from tests.fixtures.name_corpus import LONG, MIXED

# Each signatory: (family name, given name, own script, position).
BRUNEI = LONG[0][1]
PEOPLE = [
    ("CHHIM", "Sreypov", dict(MIXED)["khmer-latin"], "Director-General"),
    ("KYI", "Aung", dict(MIXED)["myanmar-latin"], "Rector"),
    ("KEOMANY", "Somphone", dict(MIXED)["lao-latin"], "Vice President"),
    ("SOMCHAI", "Kittisak", dict(MIXED)["thai-latin"], "Dean"),
    ("HAMZAH", BRUNEI, dict(LONG)["khmer-he"], dict(LONG)["long-organisation"]),
    ("PHOMMACHANH", "Bounthavy", dict(LONG)["lao-three-words"], "President"),
]
SHAPED_FONTS = {"EH-Khmer", "EH-Myanmar", "EH-Thai", "EH-Lao"}
ORGANISATIONS = [dict(LONG)["long-organisation"], dict(MIXED)["chinese-latin"]]


class Recorder:
    """What the fonts were asked to draw, and the TextBlocks drawn, per document."""

    def __init__(self):
        self.drawn: list[tuple[str, str]] = []  # (font name, text as given to the font)
        self.blocks: list = []  # (block, page, [(line, corners)])

    def clear(self):
        self.drawn.clear()
        self.blocks.clear()


@pytest.fixture
def recorder(monkeypatch):
    record = Recorder()
    split = TTFont.splitString

    def splitString(self, text, doc, encoding="utf-8"):  # noqa: N802 (reportlab's name)
        record.drawn.append((self.fontName, text))
        return split(self, text, doc, encoding)

    monkeypatch.setattr(TTFont, "splitString", splitString)
    import eventhub.pdf

    text_block = getattr(eventhub.pdf, "TextBlock", None)  # the layout measures its blocks
    if text_block is not None:
        monkeypatch.setattr(
            text_block,
            "on_draw",
            lambda block, page, boxes: record.blocks.append((block, page, boxes)),
        )
    return record


def _corpus(client, app, make, event) -> tuple[int, list[int]]:
    """A signing ceremony where the corpus people sign three agreements between organisations
    with long and mixed names; the people approved with passports (letters, badges); a
    published forum named after one of them. Returns the ceremony's and the people's ids."""
    from eventhub import crypto
    from eventhub.badges.models import BadgeSettings
    from eventhub.certificates.models import CertificateSettings

    with app.app_context():
        passport = crypto.encrypt("P1234567")
        khmer, myanmar = dict(MIXED)["khmer-latin"], dict(MIXED)["myanmar-latin"]
        db.session.add_all(
            [
                BadgeSettings(
                    event_id=event.id,
                    back_zh=f"礼宾联络：{khmer} · {myanmar}",
                    back_en=f"Protocol desk: {khmer}, {myanmar} +855 23 880 880\n"
                    "Programme: https://caecw.example.org/events/caecw-2026/programme/day-2",
                ),
                CertificateSettings(
                    event_id=event.id,
                    signatory_name=khmer,
                    signatory_title_en=dict(LONG)["long-organisation"],
                    signatory_title_zh="组委会秘书长",
                ),
            ]
        )
        db.session.commit()
    organisations = [
        make.organisation(name_en=name, name_zh="教育部", country_code=code)
        for name, code in zip(ORGANISATIONS, ("KH", "CN"), strict=True)
    ] + [make.organisation(name_en="National University of Laos", country_code="LA")]
    delegation = make.delegation(event, name_en=dict(MIXED)["khmer-latin"])
    people = [
        make.participant(
            event,
            family_name=family,
            given_name=given,
            native_name=native,
            position=position,
            organisation_id=organisations[n % len(organisations)].id,
            delegation_id=delegation.id,
            visa_letter_requested=True,
            passport_number_encrypted=passport,
            nationality_code="KH",
        )
        for n, (family, given, native, position) in enumerate(PEOPLE)
    ]
    venue = make.venue(event, name_en=dict(MIXED)["thai-latin"])
    room = make.room(venue, name_en=dict(MIXED)["khmer-latin"])
    starts = datetime(2025, 7, 25, 2, 0, tzinfo=UTC)
    ceremony_id = make.activity(
        event,
        title_en="Signing Ceremony with " + dict(MIXED)["myanmar-latin"],
        title_zh="签约仪式",
        type=ActivityType.SIGNING_CEREMONY,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=90),
        room_id=room.id,
        state=ActivityState.PUBLISHED,
    ).id
    make.activity(
        event,
        title_en="Keynote: " + dict(MIXED)["khmer-latin"] + " and " + BRUNEI,
        title_zh="主旨演讲",
        starts_at=starts + timedelta(hours=3),
        ends_at=starts + timedelta(hours=4),
        room_id=room.id,
        state=ActivityState.PUBLISHED,
    )
    for number in range(3):
        pair = (organisations[number % 3], organisations[(number + 1) % 3])
        url = client.post(
            f"/events/{event.slug}/agreements/new",
            data={
                "title_en": f"MoU {number + 1} with " + dict(MIXED)["khmer-latin"],
                "title_zh": "工程教育合作谅解备忘录",
                "kind": "mou",
                "languages": ["en", "zh", "km"],
                "prevailing_language": "en",
                "party": [str(pair[0].id), str(pair[1].id)],
                "ceremony_id": str(ceremony_id),
            },
        ).headers["Location"]
        with app.app_context():
            agreement = db.session.scalars(
                sa.select(Agreement).order_by(Agreement.id.desc())
            ).first()
            parties = [p.id for p in agreement.parties]
        for party, person in zip(parties, people[2 * number : 2 * number + 2], strict=True):
            client.post(f"{url}/signatory", data={"party_id": party, "participant_id": person.id})
    return ceremony_id, [p.id for p in people]


def _documents(client, app, make, event, recorder) -> dict[str, tuple[list, list]]:
    """Every PDF with the corpus: name -> (what the fonts drew, the blocks laid out)."""
    from eventhub.badges import printing
    from eventhub.certificates.models import Certificate
    from eventhub.registration import letters
    from eventhub.registration.models import Participant

    ceremony_id, people = _corpus(client, app, make, event)
    made: dict[str, tuple[list, list]] = {}

    def keep(name: str, data: bytes) -> None:
        assert data.startswith(b"%PDF"), name
        if os.environ.get("CORPUS_PDF_DIR"):  # to look at them: pdftoppm -r 150 -png
            Path(os.environ["CORPUS_PDF_DIR"], name.replace(" ", "-") + ".pdf").write_bytes(data)
        made[name] = (list(recorder.drawn), list(recorder.blocks))
        recorder.clear()

    recorder.clear()
    base = f"/events/{event.slug}/ceremonies/{ceremony_id}"
    for document in ("register", "press-list", "cover-sheets", "programme", "name-cards"):
        keep(document, client.get(f"{base}/{document}.pdf").data)
    keep("mc-script", client.get(f"{base}/mc-script.pdf").data)
    keep("event programme", client.get(f"/events/{event.slug}/programme.pdf").data)
    with app.app_context():
        chosen = [db.session.get(Participant, i) for i in people]
        for layout in ("cr80", "a6", "a4"):
            buffer = io.BytesIO()
            printing.write_badges(event, chosen, buffer, layout=layout, workers=1, back=True)
            keep(f"badges {layout}", buffer.getvalue())
        keep("visa letters", letters.visa_letters_pdf(event, chosen, issued=event.starts_on))
    client.post(f"/events/{event.slug}/certificates/issue", data={"kind": "participation"})
    with app.app_context():
        certificates = db.session.scalars(sa.select(Certificate.id)).all()
    assert certificates
    for certificate in certificates:
        keep(
            f"certificate {certificate}",
            client.get(f"/events/{event.slug}/certificates/{certificate}.pdf").data,
        )
    return made


def _boxes(drawn: list[tuple[str, str]]) -> list[str]:
    """Characters drawn with a font that has no glyph for them (they print as boxes)."""
    from reportlab.pdfbase import pdfmetrics

    found = []
    for font_name, text in drawn:
        glyphs = pdfmetrics.getFont(font_name).face.charToGlyph
        missing = [c for c in text if not c.isspace() and glyphs.get(ord(c), 0) == 0]
        if missing:
            found.append(f"{font_name}: {str(text)!r} draws {''.join(missing)!r} as boxes")
    return found


def _unshaped(drawn: list[tuple[str, str]]) -> list[str]:
    """Text of a script whose letters stack or reorder (Khmer, Myanmar, Thai, Lao) drawn as
    it is typed, where HarfBuzz would change it (ស្រី without its subscript, ကြ in the wrong
    order)."""
    from reportlab.pdfbase.ttfonts import shapeStr

    return [
        f"{font_name}: {text!r} drawn unshaped"
        for font_name, text in drawn
        if font_name.removesuffix("-Bold") in SHAPED_FONTS
        and not hasattr(text, "__shapeData__")
        and hasattr(shapeStr(str(text), font_name, 10), "__shapeData__")
    ]


def test_every_pdf_prints_the_corpus_without_a_box(client, as_role, app, make, event, recorder):
    as_role("organiser")
    made = _documents(client, app, make, event, recorder)
    problems = {name: _boxes(drawn) + _unshaped(drawn) for name, (drawn, _blocks) in made.items()}
    assert all(drawn for drawn, _blocks in made.values())  # each drew text
    failing = {name: found for name, found in problems.items() if found}
    assert not failing, ", ".join(sorted(failing))


def _overlap(a, b) -> bool:
    """Whether two line boxes (two opposite corners each) overlap by more than a hair."""
    (ax0, ax1), (ay0, ay1) = sorted(p[0] for p in a), sorted(p[1] for p in a)
    (bx0, bx1), (by0, by1) = sorted(p[0] for p in b), sorted(p[1] for p in b)
    return min(ax1, bx1) - max(ax0, bx0) > 0.5 and min(ay1, by1) - max(ay0, by0) > 0.5


def test_every_pdf_lays_out_the_corpus_without_clipping_or_overlap(
    client, as_role, app, make, event, recorder
):
    from eventhub.pdf import TextBlock  # noqa: F401 (the measurements come from its blocks)

    as_role("organiser")
    made = _documents(client, app, make, event, recorder)
    for name in ("register", "press-list", "cover-sheets", "name-cards", "visa letters"):
        assert made[name][1], name  # laid out with measured blocks
    clipped, overlapping = [], []
    for name, (_drawn, blocks) in made.items():
        pages: dict[int, list] = {}
        for block, page, boxes in blocks:
            if block.narrowed:
                clipped.append((name, block.text, round(block.widest), round(block.available)))
            pages.setdefault(page, []).extend(boxes)
        for page, boxes in pages.items():
            for i, (line, corners) in enumerate(boxes):
                overlapping += [
                    (name, page, line, other)
                    for other, other_corners in boxes[i + 1 :]
                    if _overlap(corners, other_corners)
                ]
    assert not clipped
    assert not overlapping
