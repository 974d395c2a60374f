"""Names in every script of the region, drawn the way badges and certificates draw them,
compared with HarfBuzz's own shaping (Pillow's raqm layout) rendered from the same font."""

from __future__ import annotations

import io
import subprocess

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageOps, features
from reportlab.pdfgen.canvas import Canvas

from eventhub.pdf import FONTS, draw_text, find_font, register_fonts

# Khmer subscript consonants, Myanmar medials placed before their consonant, Thai and Lao
# marks stacked above vowels, Vietnamese stacked diacritics, Chinese.
SAMPLES = [
    ("EH-Khmer", "ស្រី ខ្មែរ ព្រះ", True),
    ("EH-Myanmar", "အောင်ဆန်းစုကြည်", True),
    ("EH-Thai", "น้ำฝน ปั้นทอง", True),
    ("EH-Lao", "ສົມພອນ ແກ້ວມະນີ", False),
    ("EH-Latin", "Nguyễn Thị Hương", False),
    ("EH-CJK", "杨明 贵阳", False),
]
POINTS, DPI = 40, 144


def _ink(image: Image.Image) -> Image.Image:
    """The text's black pixels, cropped to them."""
    grey = ImageOps.invert(image.convert("L"))
    return grey.crop(grey.getbbox()).point(lambda v: 255 if v > 100 else 0).convert("1")


def _overlap(reference: Image.Image, ours: Image.Image) -> float:
    """Shared ink over all ink (intersection over union), ours scaled onto the reference."""
    ours = ours.resize(reference.size)
    both = ImageChops.logical_and(reference, ours).histogram()[255]
    either = ImageChops.logical_or(reference, ours).histogram()[255]
    return both / either


def _from_pdf(draw) -> Image.Image:
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
    return _ink(Image.open(io.BytesIO(png)))


def _harfbuzz(font: str, text: str) -> Image.Image:
    filename, index = FONTS[font]
    face = ImageFont.truetype(
        str(find_font(filename)),
        POINTS * DPI // 72,
        index=index,
        layout_engine=ImageFont.Layout.RAQM,
    )
    image = Image.new("L", (1600, 300), 255)
    ImageDraw.Draw(image).text((20, 80), text, font=face, fill=0)
    return _ink(image)


@pytest.mark.skipif(not features.check("raqm"), reason="Pillow without raqm (HarfBuzz) layout")
@pytest.mark.parametrize(("font", "text", "unshaped_differs"), SAMPLES)
def test_names_match_harfbuzz_shaping(app, font, text, unshaped_differs):
    with app.app_context():
        register_fonts()
        reference = _harfbuzz(font, text)
        ours = _from_pdf(lambda canvas: draw_text(canvas, 20, 40, text, POINTS))
        # Same extent to two pixels and the same glyphs in the same places.
        assert abs(ours.size[0] - reference.size[0]) <= 2
        assert abs(ours.size[1] - reference.size[1]) <= 2
        assert _overlap(reference, ours) > 0.8
        if unshaped_differs:  # the comparison sees what shaping fixes
            plain = _from_pdf(
                lambda canvas: (canvas.setFont(font, POINTS), canvas.drawString(20, 40, text))
            )
            assert _overlap(reference, plain) < 0.7
