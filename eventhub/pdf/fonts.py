"""Fonts for every script the documents need: located by configuration, text split into
runs of one font by script, and a name that no font prints refused with the script's name
instead of printed as empty boxes."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from eventhub.exceptions import DomainError

# Font name -> (file, index inside a .ttc collection).
FONTS = {
    "EH-Latin": ("NotoSans-Regular.ttf", 0),
    "EH-Latin-Bold": ("NotoSans-Bold.ttf", 0),
    "EH-CJK": ("wqy-zenhei.ttc", 0),  # reportlab cannot load Noto CJK's CFF outlines
    # No TrueType CJK font in Debian has a bold that reportlab loads: bold Chinese is the
    # regular drawn with an outline stroke (FAUX_BOLD), under a name of its own.
    "EH-CJK-Bold": ("wqy-zenhei.ttc", 0),
    # Rare name characters beyond the BMP (CJK Extension B to F: 𠮷) that WenQuanYi lacks.
    "EH-CJK-B": ("HanaMinB.ttf", 0),
    "EH-CJK-B-Bold": ("HanaMinB.ttf", 0),
    "EH-Thai": ("NotoSansThai-Regular.ttf", 0),
    "EH-Thai-Bold": ("NotoSansThai-Bold.ttf", 0),
    "EH-Lao": ("NotoSansLao-Regular.ttf", 0),
    "EH-Lao-Bold": ("NotoSansLao-Bold.ttf", 0),
    "EH-Khmer": ("NotoSansKhmer-Regular.ttf", 0),
    "EH-Khmer-Bold": ("NotoSansKhmer-Bold.ttf", 0),
    "EH-Myanmar": ("NotoSansMyanmar-Regular.ttf", 0),
    "EH-Myanmar-Bold": ("NotoSansMyanmar-Bold.ttf", 0),
    "EH-Tamil": ("NotoSansTamil-Regular.ttf", 0),
    "EH-Tamil-Bold": ("NotoSansTamil-Bold.ttf", 0),
    "EH-Arabic": ("NotoNaskhArabic-Regular.ttf", 0),  # Jawi: Malay in Arabic script
    "EH-Arabic-Bold": ("NotoNaskhArabic-Bold.ttf", 0),
}
# Fonts drawn bold by stroking the outline too (text render mode 2), stroke width as a
# fraction of the size; the drawing adds it to the width so the ink stays where measured.
FAUX_BOLD = {"EH-CJK-Bold": 0.03, "EH-CJK-B-Bold": 0.03}
# Scripts of the region that need their own font, by Unicode block. These scripts stack and
# reorder glyphs (or join them, right to left), so text that may hold them is shaped
# (HarfBuzz, via uharfbuzz).
SCRIPT_BLOCKS = [
    (0x0E00, 0x0E7F, "EH-Thai"),
    (0x0E80, 0x0EFF, "EH-Lao"),
    (0x1780, 0x17FF, "EH-Khmer"),
    (0x19E0, 0x19FF, "EH-Khmer"),
    (0x1000, 0x109F, "EH-Myanmar"),
    (0xA9E0, 0xA9FF, "EH-Myanmar"),
    (0xAA60, 0xAA7F, "EH-Myanmar"),
    (0x0B80, 0x0BFF, "EH-Tamil"),
    (0x0600, 0x06FF, "EH-Arabic"),
    (0x0750, 0x077F, "EH-Arabic"),
    (0x08A0, 0x08FF, "EH-Arabic"),
    (0xFB50, 0xFDFF, "EH-Arabic"),
    (0xFE70, 0xFEFF, "EH-Arabic"),
]
# Fonts of scripts written right to left: their runs are shaped right to left and placed
# by visual_runs.
RIGHT_TO_LEFT = {"EH-Arabic", "EH-Arabic-Bold"}
DEFAULT_FONT_DIRS = [
    "/usr/share/fonts/truetype/noto",
    "/usr/share/fonts/truetype/wqy",
    "/usr/share/fonts/truetype/hanazono",
]
FONT_PACKAGES = "fonts-noto-core, fonts-wqy-zenhei and fonts-hanazono"


class MissingFont(DomainError):
    pass


def find_font(filename: str) -> Path | None:
    for folder in current_app.config.get("FONT_DIRS") or DEFAULT_FONT_DIRS:
        candidate = Path(folder) / filename
        if candidate.exists():
            return candidate
    return None


def register_fonts() -> None:
    """Register the fonts once per process (cheap to call again)."""
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, (filename, index) in FONTS.items():
        if name in registered:
            continue
        path = find_font(filename)
        if path is None:
            raise MissingFont(
                _l(
                    "The font %(file)s is not installed (Debian packages %(packages)s); "
                    "documents cannot be printed without it.",
                    file=filename,
                    packages=FONT_PACKAGES,
                )
            )
        pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=index))


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x2E80 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF
        or 0x20000 <= code <= 0x2FFFF
        or 0x3000 <= code <= 0x303F
    )


def _font_for(char: str, bold: bool) -> str:
    if _is_cjk(char):
        # Beyond the BMP WenQuanYi has only a few hundred characters: the rest from HanaMinB.
        font = "EH-CJK" if ord(char) < 0x10000 or _has("EH-CJK", char) else "EH-CJK-B"
        return f"{font}-Bold" if bold else font
    code = ord(char)
    for first, last, font in SCRIPT_BLOCKS:
        if first <= code <= last:
            return f"{font}-Bold" if bold else font
    return "EH-Latin-Bold" if bold else "EH-Latin"


def _has(font_name: str, char: str) -> bool:
    """Whether the font has the character; False while it is not registered (getFont
    would scan every AFM file on the system)."""
    if font_name not in pdfmetrics.getRegisteredFontNames():
        return False
    return ord(char) in pdfmetrics.getFont(font_name).face.charToGlyph


def _covers(font_name: str, char: str) -> bool:
    if char.isspace():
        return True
    face = pdfmetrics.getFont(font_name).face
    return ord(char) in face.charToGlyph


def check_printable(text: str) -> None:
    """Raise MissingFont naming the script of the first character no font has."""
    register_fonts()
    for char in text:
        if not _covers(_font_for(char, False), char) and unicodedata.category(char)[0] != "C":
            script = unicodedata.name(char, f"U+{ord(char):04X}").split(" ")[0].title()
            raise MissingFont(
                _l("No installed font prints %(script)s text (%(char)s).", script=script, char=char)
            )


@lru_cache(maxsize=8192)  # badges repeat organisations, countries, event names
def script_runs(text: str, *, bold: bool = False) -> tuple[tuple[str, str], ...]:
    """The text cut into runs of one font each, as (font name, text); spaces stay with the
    run before them."""
    if text.isascii():
        return (("EH-Latin-Bold" if bold else "EH-Latin", text),)
    runs: list[tuple[str, str]] = []
    for char in text:
        font = (
            _font_for(char, bold)
            if not char.isspace()
            else (runs[-1][0] if runs else _font_for(char, bold))
        )
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + char)
        else:
            runs.append((font, char))
    return tuple(runs)


def visual_runs(text: str, *, bold: bool = False) -> tuple[tuple[str, str], ...]:
    """The runs of script_runs in the order they are drawn from left to right, for a line
    mixing right-to-left Jawi with Latin ("محمد بن عبدالله (Muhammad)"). A small rule per
    run instead of the full Unicode bidi algorithm: the line reads in the direction of its
    first letter; each run keeps its own direction (HarfBuzz gives a right-to-left run in
    visual order); the spaces after a run written against the line's direction stand
    between it and the next run, so they are cut off to keep their place."""
    runs = script_runs(text, bold=bold)
    if not any(font in RIGHT_TO_LEFT for font, _c in runs):
        return runs
    first = next((font for font, chunk in runs if any(c.isalpha() for c in chunk)), None)
    rtl_line = first in RIGHT_TO_LEFT
    order: list[tuple[str, str]] = []
    for font, chunk in runs:
        body = chunk.rstrip()
        if (font in RIGHT_TO_LEFT) != rtl_line and body != chunk:
            order += [(font, body), (font, chunk[len(body) :])]
        else:
            order.append((font, chunk))
    return tuple(reversed(order)) if rtl_line else tuple(order)


# Line height per font, in ems: Myanmar and Khmer stack marks far above and below the line.
LINE_HEIGHTS = {
    "EH-Myanmar": 1.75,
    "EH-Khmer": 1.6,
    "EH-Thai": 1.4,
    "EH-Lao": 1.45,
    "EH-Tamil": 1.4,
    "EH-Arabic": 1.75,  # Naskh: tall ascenders, dots and marks well below the line
}


def line_height(text: str, size: float) -> float:
    return size * max(
        (LINE_HEIGHTS.get(font.removesuffix("-Bold"), 1.25) for font, _c in script_runs(text)),
        default=1.25,
    )
