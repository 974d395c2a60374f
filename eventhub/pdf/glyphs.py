"""Text shaped by HarfBuzz and written as PDF text operators of our own: each glyph where
HarfBuzz puts it, marks raised or lowered by an absolute text matrix, never by a text rise.

reportlab 5.1's route for shaped strings (`TextObject._formatText`) moves marks with the
`Ts` operator through `TextObject.setRise`, whose shortcut for two rise changes in a row does
not record the new rise: the glyph after a raised mark (Khmer ៊ ់) keeps the mark's offset,
and since the rise is part of the graphics state, so does the next line drawn. Here no `Ts`
is written: a glyph off the baseline starts a segment with its own `Tm`.

`actual_text` wraps a drawn line in a marked-content span whose `/ActualText` is the line as
typed, so copying, searching and reading aloud give the name, not private-use glyph codes."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import uharfbuzz
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapedStr


class Glyph(NamedTuple):
    """One shaped glyph, in thousandths of an em (the unit of PDF widths and TJ)."""

    char: str  # the character reportlab's subsets know the glyph by (private use if none)
    x_advance: float
    x_offset: float
    y_offset: float
    width: float  # the advance the PDF font's /Widths give the glyph


@lru_cache(maxsize=32)
def _hb_font(font_name: str):
    font = pdfmetrics.getFont(font_name)
    # hbFont also sets up font.hbAddPrivate, which gives a glyph no character maps to a
    # private-use one in reportlab's subsets (its own shaper does the same).
    return font, font.hbFont(), 1000 / font.hbFace.upem


@lru_cache(maxsize=8192)  # badges repeat organisations, countries, event names
def shape(text: str, font_name: str) -> tuple[Glyph, ...]:
    """The text shaped as HarfBuzz shapes it by default (script and language guessed from
    the text, kerning and the script's required features), for one font. Positions do not
    depend on the size: the region's fonts have no tracking table."""
    if not text:  # HarfBuzz gives no glyph lists at all for an empty buffer
        return ()
    font, hb_font, scale = _hb_font(font_name)
    buffer = uharfbuzz.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    uharfbuzz.shape(hb_font, buffer)
    face = font.face
    glyphs = []
    for info, position in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True):
        gid = info.codepoint
        chars = face.glyphToChar.get(gid)
        if chars:
            code = chars[0]
        else:
            code = font.hbAddPrivate(hb_font.glyph_to_string(gid), gid, position.x_advance)
        glyphs.append(
            Glyph(
                chr(code),
                position.x_advance * scale,
                position.x_offset * scale,
                position.y_offset * scale,
                face.charWidths[code],
            )
        )
    return tuple(glyphs)


@lru_cache(maxsize=8192)
def _glyph_string(text: str, font_name: str) -> ShapedStr:
    """The glyphs as the characters reportlab's subsets know them by, marked as shaped (as
    reportlab's own shaper marks its strings)."""
    glyphs = shape(text, font_name)
    return ShapedStr("".join(glyph.char for glyph in glyphs), shapeData=list(glyphs))


@lru_cache(maxsize=8192)
def width(text: str, font_name: str) -> float:
    """The shaped text's advance at 1 pt."""
    return sum(glyph.x_advance for glyph in shape(text, font_name)) / 1000


def operators(canvas, x: float, y: float, text: str, font_name: str, size: float) -> str:
    """`BT … ET` drawing the text shaped, its pen starting at (x, y) in user space."""
    font = pdfmetrics.getFont(font_name)
    doc = canvas._doc  # subsets are per document; reportlab's text objects use it too
    glyphs = shape(text, font_name)
    scale = size / 1000
    code = ["BT"]
    index = 0
    pen = 0.0
    for subset, chars in font.splitString(_glyph_string(text, font_name), doc):
        code.append(f"{font.getSubsetInternalName(subset, doc)} {fp_str(size)} Tf")
        segment: list[str] = []  # a TJ array: strings of glyphs, shifts between them
        run = bytearray()  # glyphs that follow each other without a shift
        segment_y = expected = None  # expected: where the PDF's pen stands after a glyph
        for char in chars:
            glyph = glyphs[index]
            index += 1
            origin = pen + glyph.x_offset
            if expected is None or glyph.y_offset != segment_y:
                if run:
                    segment.append(f"({escapePDF(bytes(run))})")
                if segment:
                    code.append(f"[{' '.join(segment)}] TJ")
                segment, run = [], bytearray()
                segment_y = glyph.y_offset
                code.append(f"1 0 0 1 {fp_str(x + origin * scale, y + segment_y * scale)} Tm")
            elif abs(origin - expected) > 1e-6:
                segment.append(f"({escapePDF(bytes(run))}) {fp_str(expected - origin)}")
                run = bytearray()
            run.append(char)
            expected = origin + glyph.width
            pen += glyph.x_advance
        if run:
            segment.append(f"({escapePDF(bytes(run))})")
        if segment:
            code.append(f"[{' '.join(segment)}] TJ")
    code.append("ET")
    return " ".join(code)


def extracts_as_typed(text: str, font_name: str) -> bool:
    """Whether the glyphs' characters are the text itself (then no ActualText is needed).
    Not for characters beyond the BMP (𠮷): reportlab's ToUnicode maps keep only 16 bits of
    a code point, so they would copy out as another character."""
    return text.isascii() or (
        _glyph_string(text, font_name) == text and all(ord(char) <= 0xFFFF for char in text)
    )


def actual_text(text: str) -> tuple[str, str]:
    """The operators opening and closing a span that extracts as `text`."""
    utf16 = ("\ufeff" + text).encode("utf-16-be").hex().upper()
    return f"/Span <</ActualText <{utf16}>>> BDC", "EMC"
