"""Every name of the corpus, as the PDF draws it, glyph by glyph against HarfBuzz: the glyph
ids and their x/y positions (0.05 pt), on a bare canvas, on badges in the three layouts and
on certificates; and the names copy out of the PDFs as typed (pdftotext)."""

from __future__ import annotations

import io
import subprocess
import unicodedata

import pytest
from reportlab.pdfgen.canvas import Canvas

from eventhub.badges import render as badges
from eventhub.badges.render import BadgeData, draw_badges, latin_only, page_size
from eventhub.certificates import render as certificates
from eventhub.certificates.render import CERTIFICATE_PAGE, CertificateData, draw_certificate
from eventhub.pdf import draw_text, register_fonts, text_width

from .fixtures.name_corpus import ALL, MIXED, SHAPED
from .pdf_glyphs import compare, harfbuzz_line, pdf_glyphs, recording_draw_text

# As a Mac keyboard may send it: letters and combining marks, which HarfBuzz composes or stacks.
DECOMPOSED = [("vietnamese-decomposed", unicodedata.normalize("NFD", "Nguyễn Thị Hương Đặng"))]
NAMES = SHAPED + MIXED + DECOMPOSED
LATIN = "HUN Manet"  # a Latin line after each name: it must stay on its own baseline


@pytest.fixture
def fonts(app):
    with app.app_context():
        register_fonts()
        yield


def _pdf(pagesize, draw) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=pagesize)
    draw(canvas)
    canvas.save()
    return buffer.getvalue()


def _drawn(pdf: bytes):
    return [glyph for page in pdf_glyphs(pdf) for glyph in page]


@pytest.mark.parametrize("size", [15, 44])
@pytest.mark.parametrize(
    ("label", "name"), ALL + DECOMPOSED, ids=[label for label, _n in ALL + DECOMPOSED]
)
def test_draw_text_places_every_glyph_as_harfbuzz(fonts, label, name, size):
    calls = [
        (name, 20, 200, {}),
        (LATIN, 20, 120, {}),
        (name, 400, 60, {"align": "centre", "bold": True}),
        (name, 780, 20, {"align": "right", "max_width": 150}),  # narrowed
        (LATIN, 20, 20, {}),
    ]

    def draw(canvas):
        for text, x, y, options in calls:
            draw_text(canvas, x, y, text, size, **options)

    lines = [harfbuzz_line(text, x, y, size, **options) for text, x, y, options in calls]
    assert compare(_drawn(_pdf((800, 260), draw)), lines) == []


def _badge(name: str) -> BadgeData:
    return BadgeData(
        code="EH-TEST-0001",
        latin_name=name if latin_only(name) else "HUN Manet",  # Vietnamese: the Latin name
        native_name=name,
        position="Minister of Education, Youth and Sport",
        organisation="Ministry of Education",
        country="Cambodia",
        event_en="China-ASEAN Education Cooperation Week",
        event_zh="中国—东盟教育交流周",
    )


@pytest.mark.parametrize("layout", ["cr80", "a6", "a4"])
def test_badges_place_every_glyph_as_harfbuzz(fonts, monkeypatch, layout):
    lines = recording_draw_text(monkeypatch, badges)
    people = [_badge(name) for _label, name in NAMES]
    pdf = _pdf(page_size(layout), lambda canvas: draw_badges(canvas, people, layout))
    drawn_text = " ".join(line.text for line in lines)  # a long name takes two lines
    assert all(name in drawn_text for _label, name in NAMES)
    assert compare(_drawn(pdf), lines) == []


def _certificate(name: str) -> CertificateData:
    return CertificateData(
        serial="CAECW-2025-000123",
        url="https://eventhub.example/c/CAECW-2025-000123",
        title_en="Certificate of Participation",
        title_zh="参会证书",
        body_en="took part in the China-ASEAN Education Cooperation Week 2025",
        body_zh="参加了2025中国—东盟教育交流周",
        latin_name=name if latin_only(name) else "HUN Manet",
        native_name=name,
        signatory="杨明 YANG Ming",
        place_date="Guiyang, 2025-08-26",
    )


def test_certificates_place_every_glyph_as_harfbuzz(fonts, monkeypatch):
    lines = recording_draw_text(monkeypatch, badges, certificates)

    def draw(canvas):
        for _label, name in NAMES:
            draw_certificate(canvas, _certificate(name))
            canvas.showPage()

    pdf = _pdf(CERTIFICATE_PAGE, draw)
    drawn_text = " ".join(line.text for line in lines)  # a long name takes two lines
    assert all(name in drawn_text for _label, name in NAMES)
    assert compare(_drawn(pdf), lines) == []


def _pdftotext(pdf: bytes) -> list[str]:
    """Each page's text as poppler extracts it, whitespace folded."""
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return [" ".join(page.split()) for page in text.split("\f")]


def test_names_copy_out_of_badges_and_certificates_as_typed(fonts):
    people = [_badge(name) for _label, name in NAMES]
    badge_pages = _pdftotext(_pdf(page_size("a6"), lambda c: draw_badges(c, people, "a6")))

    def draw(canvas):
        for _label, name in NAMES:
            draw_certificate(canvas, _certificate(name))
            canvas.showPage()

    certificate_pdf = _pdf(CERTIFICATE_PAGE, draw)
    certificate_pages = _pdftotext(certificate_pdf)
    spans = [
        {glyph.actual_text for glyph in page if glyph.actual_text}
        for page in pdf_glyphs(certificate_pdf)
    ]
    for (label, name), badge, certificate, page_spans in zip(
        NAMES, badge_pages, certificate_pages, spans, strict=False
    ):
        assert "Cambodia" in badge, label
        if any(unicodedata.bidirectional(char) == "AL" for char in name):
            # Right to left: the span holds the name in logical order, as the PDF standard
            # asks; poppler turns every Arabic-script text around again, ActualText or not.
            assert name in page_spans, label
            continue
        assert name in badge, label
        assert name in certificate, label


def test_an_empty_line_draws_nothing_and_measures_nothing(fonts):
    """An empty field (no organisation, no title) measures 0 wide and draws no glyph."""
    assert text_width("", 12) == 0
    assert _drawn(_pdf((200, 100), lambda canvas: draw_text(canvas, 10, 10, "", 12))) == []
