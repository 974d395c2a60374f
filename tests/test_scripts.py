"""Tamil, Jawi (Malay in Arabic script, right to left) and rare Chinese characters beyond the
BMP (𠮷), drawn the way badges and certificates draw them and compared with HarfBuzz (uharfbuzz)
shaping the same font file at the same size; bold Chinese next to a bold Latin name."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops, features
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from eventhub.pdf import draw_text, drawing, register_fonts, text_width
from eventhub.pdf.fonts import FONT_PACKAGES
from tests.pdf_glyphs import compare, harfbuzz_line, harfbuzz_run, pdf_glyphs
from tests.test_shaping import DPI, POINTS, _from_pdf, _harfbuzz, _overlap

SIZE = 24.0
SAMPLES = [
    ("tamil", "EH-Tamil", "முத்து குமாரசாமி", False),
    ("tamil-bold", "EH-Tamil-Bold", "முத்து குமாரசாமி", True),
    ("tamil-conjuncts", "EH-Tamil", "க்ஷேத்ரா ஸ்ரீநிவாசன்", False),
    ("jawi", "EH-Arabic", "محمد بن عبدالله", False),
    ("jawi-bold", "EH-Arabic-Bold", "محمد بن عبدالله", True),
    ("jawi-letters", "EH-Arabic", "ڠاه ڤيتري ۏاهيد ڽوڽا ݢوروه", False),
    ("cjk-extension-b", "EH-CJK-B", "𠮷𩸽𠀋", False),
]


def _drawn(text: str, *, bold: bool = False) -> list[tuple[str, float, float, str]]:
    """The runs draw_text writes, as (font, size, x, text), in the order written."""
    runs: list[tuple[str, float, float, str]] = []
    original = drawing._run_operators

    def record(canvas, x, y, chunk, font, size):
        runs.append((font, size, x, chunk))
        return original(canvas, x, y, chunk, font, size)

    drawing._run_operators = record
    try:
        canvas = Canvas(io.BytesIO(), pagesize=(900, 120))
        draw_text(canvas, 20, 40, text, SIZE, bold=bold)
    finally:
        drawing._run_operators = original
    return runs


@pytest.mark.parametrize(("label", "font", "text", "bold"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_each_new_script_prints_harfbuzzs_glyphs_in_harfbuzzs_places(app, label, font, text, bold):
    """Read back from the PDF, glyph by glyph: HarfBuzz's glyphs for the font file, in its
    places (0.05 pt), none of them the .notdef box, and the width measured is HarfBuzz's."""
    with app.app_context():
        register_fonts()
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=(900, 120))
        draw_text(canvas, 20, 40, text, SIZE, bold=bold)
        canvas.save()
        drawn = [glyph for page in pdf_glyphs(buffer.getvalue()) for glyph in page]
        line = harfbuzz_line(text, 20, 40, SIZE, bold=bold)
        assert {glyph.font for glyph in drawn} == {font}  # one run, in its own font
        assert 0 not in [glyph.gid for glyph in drawn]  # no .notdef box
        assert len(drawn) == len(line.glyphs)
        assert compare(drawn, [line]) == []
        full_width = sum(advance for _g, advance, _x, _y in harfbuzz_run(text, font, SIZE))
        assert text_width(text, SIZE, bold=bold) == pytest.approx(full_width, abs=0.05)


@pytest.mark.skipif(not features.check("raqm"), reason="Pillow without raqm (HarfBuzz) layout")
@pytest.mark.parametrize(
    ("font", "text"),
    [("EH-Tamil", "முத்து குமாரசாமி"), ("EH-Arabic", "محمد بن عبدالله"), ("EH-CJK-B", "𠮷𩸽")],
)
def test_the_printed_page_looks_like_harfbuzzs_rendering(app, font, text):
    with app.app_context():
        register_fonts()
        reference = _harfbuzz(font, text)
        ours = _from_pdf(lambda canvas: draw_text(canvas, 20, 40, text, POINTS))
    assert abs(ours.size[0] - reference.size[0]) <= 2
    assert abs(ours.size[1] - reference.size[1]) <= 2
    assert _overlap(reference, ours) > 0.8


# A space between words of two scripts, in the font of the word it follows when read.
ARABIC_SPACE, LATIN_SPACE = ("EH-Arabic",), ("EH-Latin",)


@pytest.mark.parametrize(
    ("text", "left_to_right"),
    [
        # A Jawi line reads from the right: the Latin in brackets stands to its left.
        ("محمد بن عبدالله (Muhammad)", ["(Muhammad)", ARABIC_SPACE, "محمد بن عبدالله"]),
        # A Latin line reads from the left: the Jawi in brackets stands to its right.
        (
            "Muhammad bin Abdullah (محمد بن عبدالله)",
            ["Muhammad bin Abdullah (", "محمد بن عبدالله", ")"],
        ),
        # Jawi, Latin, Jawi: the first word is rightmost, the last leftmost.
        ("عبدالله Ali محمد", ["محمد", LATIN_SPACE, "Ali", ARABIC_SPACE, "عبدالله"]),
    ],
)
def test_a_line_mixing_jawi_and_latin_keeps_its_visual_order_and_widths(app, text, left_to_right):
    """Each word starts where reading it in its own direction puts it, and the line is as wide
    as measured (badges centre names by that width)."""
    with app.app_context():
        register_fonts()
        drawn = _drawn(text)
        expected, pen = [], 20.0
        for piece in left_to_right:
            if isinstance(piece, tuple):
                pen += pdfmetrics.stringWidth(" ", piece[0], SIZE)
                continue
            expected.append((piece, pen))
            pen += text_width(piece, SIZE)
        starts = []  # where each drawn run's first visible glyph starts
        for font, _size, x, string in sorted(drawn, key=lambda d: d[2]):
            if str(string).strip():
                # The blanks drawn first: a right-to-left run's trailing ones.
                kept = str(string).rstrip() if font == "EH-Arabic" else str(string).lstrip()
                blank = len(string) - len(kept)
                starts.append(x + blank * pdfmetrics.stringWidth(" ", font, SIZE))
        assert starts == pytest.approx([left for _p, left in expected], abs=0.05)
        assert pen - 20 == pytest.approx(text_width(text, SIZE), abs=0.05)


def _ink_and_box(text: str, *, bold: bool) -> tuple[int, int, int]:
    """Ink pixels of the text drawn at 40 pt from x = 20 pt, how far left of that start and how
    far right of its measured end the ink reaches (pixels; at most 0 when the measured width
    holds the ink)."""
    with_width = []

    def draw(canvas):
        draw_text(canvas, 20, 40, text, POINTS, bold=bold)
        with_width.append(text_width(text, POINTS, bold=bold))

    image = _from_pdf_full(draw)
    left, _top, right, _bottom = image.getbbox()
    start = 20 * DPI / 72
    return (
        image.histogram()[255],
        round(start - left),
        round(right - start - with_width[0] * DPI / 72),
    )


def _from_pdf_full(draw) -> Image.Image:
    """The page's ink as white (255) on black, not cropped."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(700, 120))
    draw(canvas)
    canvas.save()
    png = subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-png", "-"],
        input=buffer.getvalue(),
        capture_output=True,
        check=True,
    ).stdout
    grey = Image.open(io.BytesIO(png)).convert("L")
    return ImageChops.invert(grey).point(lambda v: 255 if v > 100 else 0)


def test_bold_chinese_is_visibly_bolder_and_stays_inside_its_width(app):
    """Where the Latin name is bold the Chinese name is too (WenQuanYi has no bold: its
    outline is stroked); the measured width still holds the ink, so centring holds."""
    with app.app_context():
        register_fonts()
        for text in ("杨明 贵阳", "𠮷田"):
            regular, *regular_outside = _ink_and_box(text, bold=False)
            bold, *bold_outside = _ink_and_box(text, bold=True)
            assert bold > regular * 1.2  # plainly heavier
            assert max(regular_outside + bold_outside) <= 1
        assert text_width("杨明", SIZE, bold=True) > text_width("杨明", SIZE)


def test_a_fresh_machine_installs_every_font_package_the_pdfs_name():
    """`make install` brings the fonts; the missing-font message and README name them all."""
    root = Path(__file__).resolve().parent.parent
    makefile = (root / "Makefile").read_text()
    packages = re.search(r"^FONT_DEBS := (.+)$", makefile, re.M).group(1).split()
    readme = (root / "README.md").read_text()
    for package in ("fonts-noto-core", "fonts-wqy-zenhei", "fonts-hanazono"):
        assert package in packages and package in FONT_PACKAGES and f"`{package}`" in readme


# Not yet "Hamzah (اواڠ …)": reportlab's paragraph shapes a word mixing scripts ("(اواڠ")
# with its first font (issue 20, item 2: paragraphs drawn by draw_text).
@pytest.mark.parametrize("text", ["محمد بن عبدالله", "محمد بن عبدالله (Muhammad)"])
def test_letters_and_programmes_print_a_jawi_name_in_the_order_badges_do(app, text):
    """Paragraphs (letters, programmes, ceremony documents) lay words out left to right:
    a Jawi name there reads from the right too, as on a badge."""
    from reportlab.lib.styles import ParagraphStyle

    from eventhub.pdf import paragraph, wrapped

    style = ParagraphStyle("name", fontName="EH-Latin", fontSize=POINTS, leading=POINTS * 2)
    with app.app_context():
        register_fonts()
        badge = _from_pdf(lambda canvas: draw_text(canvas, 20, 40, text, POINTS))
        for make in (lambda: paragraph(text, style), lambda: wrapped(text, style, 680)):

            def draw(canvas, make=make):
                block = make()
                block.wrapOn(canvas, 680, 120)
                block.drawOn(canvas, 20, 10)

            page = _from_pdf(draw)
            assert abs(page.size[0] - badge.size[0]) <= 2
            assert _overlap(badge, page) > 0.8
