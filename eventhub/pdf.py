"""PDF text in every script the documents need, with reportlab: fonts located by
configuration, names split into runs by script, and a name that a font cannot print refused
with the script's name instead of printed as empty boxes."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

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
    "EH-Thai": ("NotoSansThai-Regular.ttf", 0),
    "EH-Thai-Bold": ("NotoSansThai-Bold.ttf", 0),
    "EH-Lao": ("NotoSansLao-Regular.ttf", 0),
    "EH-Lao-Bold": ("NotoSansLao-Bold.ttf", 0),
    "EH-Khmer": ("NotoSansKhmer-Regular.ttf", 0),
    "EH-Khmer-Bold": ("NotoSansKhmer-Bold.ttf", 0),
    "EH-Myanmar": ("NotoSansMyanmar-Regular.ttf", 0),
    "EH-Myanmar-Bold": ("NotoSansMyanmar-Bold.ttf", 0),
}
# Scripts of the region that need their own font, by Unicode block. These scripts stack and
# reorder glyphs, so paragraphs that may hold them are shaped (HarfBuzz, via uharfbuzz).
SCRIPT_BLOCKS = [
    (0x0E00, 0x0E7F, "EH-Thai"),
    (0x0E80, 0x0EFF, "EH-Lao"),
    (0x1780, 0x17FF, "EH-Khmer"),
    (0x19E0, 0x19FF, "EH-Khmer"),
    (0x1000, 0x109F, "EH-Myanmar"),
    (0xA9E0, 0xA9FF, "EH-Myanmar"),
    (0xAA60, 0xAA7F, "EH-Myanmar"),
]
DEFAULT_FONT_DIRS = ["/usr/share/fonts/truetype/noto", "/usr/share/fonts/truetype/wqy"]


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
                    "The font %(file)s is not installed (Debian packages fonts-noto-core and "
                    "fonts-wqy-zenhei); documents cannot be printed without it.",
                    file=filename,
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
        return "EH-CJK"
    code = ord(char)
    for first, last, font in SCRIPT_BLOCKS:
        if first <= code <= last:
            return f"{font}-Bold" if bold else font
    return "EH-Latin-Bold" if bold else "EH-Latin"


_SHAPED_SCRIPTS = re.compile(
    "[" + "".join(f"\\u{first:04x}-\\u{last:04x}" for first, last, _f in SCRIPT_BLOCKS) + "]"
)


def needs_shaping(text: str) -> bool:
    """Whether the text holds a script whose glyphs stack or reorder (Thai, Lao, Khmer,
    Myanmar). Shape only such text: reportlab 5.1 fails on a shaped word that mixes three
    fonts (e.g. "2025中国—东盟"), and Latin and CJK need no shaping."""
    return _SHAPED_SCRIPTS.search(text) is not None


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


def markup(text: str, *, bold: bool = False) -> str:
    """Paragraph markup with each run of one script in its font, the text escaped."""
    check_printable(text)
    runs = script_runs(text, bold=bold)
    return "".join(f'<font name="{font}">{escape(chunk)}</font>' for font, chunk in runs)


def document(buffer, *, pagesize, margin: float, title: str, **info):
    """A platypus document with the same margin on every side."""
    from reportlab.platypus import SimpleDocTemplate

    return SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=title,
        **info,
    )


def numbered_canvas(label, *, size: float = 7.5, bottom: float = 20.0, grey: float = 0.35):
    """A canvas class for `doc.build(story, canvasmaker=...)` that writes `label(page, pages)`
    centred at the foot of every page ("Page 2 of 5"), once the number of pages is known:
    each page is kept until the document is saved, then finished with its footer."""
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 -- reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.saveState()
                self.setFillGray(grey)
                draw_text(
                    self,
                    self._pagesize[0] / 2,
                    bottom,
                    label(self._pageNumber, total),
                    size,
                    align="centre",
                )
                self.restoreState()
                super().showPage()
            super().save()

    return NumberedCanvas


def paragraph(text: str, style, *, bold: bool = False, whole_words: bool = False):
    """A Paragraph of one person's or organisation's text in any script, shaped when its
    script needs it, with room for tall scripts (Myanmar, Khmer) between its lines.
    `whole_words` (names on ceremony documents): text without Chinese breaks only between
    words, a word is never cut into letters (give a width to `wrapped` for Chinese rules).
    Without it a word wider than the line is split, so a long address on a badge's back
    stays on the card."""
    from reportlab.lib.styles import ParagraphStyle

    changes = {"leading": max(style.leading, line_height(text, style.fontSize))}
    if whole_words and not any(_is_cjk(char) for char in text):
        changes["splitLongWords"] = 0
    return _paragraph(
        markup(text, bold=bold), text, ParagraphStyle("text", parent=style, **changes)
    )


def _paragraph(marked: str, text: str, style):
    """The Paragraph of `marked` (markup of `text`), shaped when the text needs it.
    reportlab's shaper fails on some words mixing fonts; such text is set unshaped rather than
    not at all."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    if not needs_shaping(text):
        return Paragraph(marked, style)
    shaped = Paragraph(marked, ParagraphStyle("shaped", parent=style, shaping=1))
    try:
        shaped.wrap(10_000, 10_000)  # shapes every word now, so a failure shows here
    except (AttributeError, KeyError):
        return Paragraph(marked, style)
    return shaped


# --- text drawn straight on a canvas (badges, certificates: thousands of pages, no platypus)
# Each run of one script is shaped on its own, so a name mixing scripts ("ສົມພອນ(NUOL)")
# is shaped too: reportlab's shaper fails on a single word spanning several fonts.


def _shaped(chunk: str, font: str, size: float):
    """The run ready for drawString: shaped when its script needs it."""
    if not needs_shaping(chunk):
        return chunk
    from reportlab.pdfbase.ttfonts import shapeStr

    return shapeStr(chunk, font, size)


def _run_width(chunk: str, font: str, size: float) -> float:
    return _unit_width(chunk, font) * size


@lru_cache(maxsize=8192)
def _unit_width(chunk: str, font: str) -> float:
    """Width at 1 pt: widths grow linearly with the size, shaped or not."""
    shaped = _shaped(chunk, font, 100)
    data = getattr(shaped, "__shapeData__", None)
    if data:
        return sum(glyph.x_advance for glyph in data) / 1000
    return pdfmetrics.stringWidth(chunk, font, 1)


# Line height per font, in ems: Myanmar and Khmer stack marks far above and below the line.
LINE_HEIGHTS = {"EH-Myanmar": 1.75, "EH-Khmer": 1.6, "EH-Thai": 1.4, "EH-Lao": 1.45}


def line_height(text: str, size: float) -> float:
    return size * max(
        (LINE_HEIGHTS.get(font.removesuffix("-Bold"), 1.25) for font, _c in script_runs(text)),
        default=1.25,
    )


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    return sum(_run_width(chunk, font, size) for font, chunk in script_runs(text, bold=bold))


def draw_text(
    canvas,
    x: float,
    y: float,
    text: str,
    size: float,
    *,
    bold: bool = False,
    align: str = "left",
    max_width: float | None = None,
) -> None:
    """One line at baseline y, in every script, shaped where needed. Wider than max_width,
    it is narrowed (horizontal scale) rather than cut: a name is never lost."""
    runs = [
        (font, chunk, _run_width(chunk, font, size)) for font, chunk in script_runs(text, bold=bold)
    ]
    width = sum(w for _f, _c, w in runs)
    scale = min(1.0, max_width / width) if max_width and width else 1.0
    start = {"left": x, "centre": x - width * scale / 2, "right": x - width * scale}[align]
    if scale == 1.0:  # the common case, without a graphics state of its own
        for font, chunk, w in runs:
            canvas.setFont(font, size)
            canvas.drawString(start, y, _shaped(chunk, font, size))
            start += w
        return
    canvas.saveState()
    canvas.translate(start, y)
    canvas.scale(scale, 1)
    offset = 0.0
    for font, chunk, w in runs:
        canvas.setFont(font, size)
        canvas.drawString(offset, 0, _shaped(chunk, font, size))
        offset += w
    canvas.restoreState()


def fit_lines(
    text: str, width: float, *, largest: float, smallest: float, lines: int = 2, bold: bool = False
) -> tuple[float, list[str]]:
    """The largest size (in half points) at which the text fits `width` on at most `lines`
    lines, broken at spaces; at the smallest size the lines may still be too wide, and
    draw_text narrows them."""
    words = text.split()
    if not words:
        return largest, []
    # Widths at 1 pt, once: text width grows linearly with the size.
    unit = {word: text_width(word, 1, bold=bold) for word in set(words)}
    space = text_width(" ", 1, bold=bold)

    def split(count: int) -> list[list[str]]:
        if count == 1 or len(words) == 1:
            return [words]
        # The break that makes the longer line shortest (two lines; more are rare on badges).
        best = min(
            range(1, len(words)),
            key=lambda i: max(
                sum(unit[w] for w in words[:i]) + space * (i - 1),
                sum(unit[w] for w in words[i:]) + space * (len(words) - i - 1),
            ),
        )
        return [words[:best], words[best:]]

    def widest(parts: list[list[str]]) -> float:
        return max(sum(unit[w] for w in part) + space * (len(part) - 1) for part in parts)

    size = largest
    while True:
        for count in range(1, min(lines, 2) + 1):
            parts = split(count)
            if widest(parts) * size <= width:
                return size, [" ".join(part) for part in parts]
        if size - 0.5 < smallest:
            return size, [" ".join(part) for part in split(min(lines, 2))]
        size -= 0.5


# --- lines broken as a protocol office expects: Latin (and Thai, Lao...) words whole, a break
# only between words; Chinese between characters, but never before closing punctuation, after
# opening punctuation, or inside a Chinese name written with a middle dot ("本米·蓬马占").
CANNOT_START = set("，。、：；！？）》」』】〕〉”’…·,.:;!?)]}%")
CANNOT_END = set("（《「『【〔〈“‘([{")
NAME_DOT = "·"
# Marks outside the CJK blocks that Chinese text uses; other punctuation ("H.E.", "Co.,")
# belongs to the Latin word it is written with.
_CJK_MARKS = set("·“”‘’…—")
_NAME_REACH = 4  # Han characters on each side of a name's dot kept with it


def _tokens(text: str) -> list[str]:
    """Spaces, whole words of non-CJK letters, and single CJK characters."""
    tokens: list[str] = []
    for char in text:
        if char.isspace():
            kind = "space"
        elif _is_cjk(char) or char in _CJK_MARKS:
            kind = "single"
        else:
            kind = "word"
        if tokens and kind != "single" and _kind(tokens[-1]) == kind:
            tokens[-1] += char
        else:
            tokens.append(char)
    return tokens


def _kind(token: str) -> str:
    if token.isspace():
        return "space"
    if len(token) == 1 and (_is_cjk(token) or token in _CJK_MARKS):
        return "single"
    return "word"


def _glued(tokens: list[str], i: int) -> bool:
    """Whether no line may break between tokens[i-1] and tokens[i] (no space between)."""
    before, after = tokens[i - 1], tokens[i]
    if after[0] in CANNOT_START or before[-1] in CANNOT_END:
        return True
    if _kind(before) == "word" and _kind(after) == "word":
        return True
    # Inside a Chinese name with a middle dot: the Han characters near the dot stay together.
    for j in range(max(0, i - _NAME_REACH), min(len(tokens), i + _NAME_REACH)):
        if tokens[j] == NAME_DOT:
            span = tokens[min(i, j + 1) - 1 : max(i, j) + 1]
            if all(_is_cjk(t) or t == NAME_DOT for t in span):
                return True
    return False


def break_lines(text: str, width: float, size: float, *, bold: bool = False) -> list[str]:
    """The text cut into lines no wider than `width` at `size`, at the places a reader
    accepts: between words, between Chinese characters by the rules above. A word wider than
    the line stays whole on its own line (never cut into letters)."""
    tokens = _tokens(text)
    # Units: what may not be split (a word with its punctuation, a glued Chinese name).
    units: list[str] = []
    for i, token in enumerate(tokens):
        if units and not token.isspace() and not units[-1].isspace() and _glued(tokens, i):
            units[-1] += token
        else:
            units.append(token)
    lines: list[str] = []
    line = ""
    for unit in units:
        if unit.isspace():
            if line:
                line += " "
            continue
        candidate = line + unit
        if line.strip() and text_width(candidate.rstrip(), size, bold=bold) > width:
            lines.append(line.rstrip())
            line = unit
        else:
            line = candidate
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def widest_word(text: str, size: float, *, bold: bool = False) -> float:
    """The width of the longest piece of the text that no line may break."""
    return max(
        (text_width(line, size, bold=bold) for line in break_lines(text, 0, size, bold=bold)),
        default=0.0,
    )


def wrapped(text: str, style, width: float, *, bold: bool = False, smallest: float = 7.0):
    """A paragraph `width` wide of text mixing Latin and Chinese, broken by `break_lines`; when
    a single word is wider than the line, the size goes down to `smallest`, never below (the
    word then runs past the edge rather than being cut)."""
    from reportlab.lib.styles import ParagraphStyle

    size = style.fontSize
    widest = widest_word(text, 1, bold=bold)
    if widest * size > width:
        size = max(smallest, width / widest)
    leading = max(style.leading * size / style.fontSize, line_height(text, size))
    fitted = ParagraphStyle(
        "wrapped", parent=style, fontSize=size, leading=leading, splitLongWords=0
    )
    lines = break_lines(text, width - 0.5, size, bold=bold)
    return _paragraph("<br/>".join(markup(line, bold=bold) for line in lines), text, fitted)


def join_parts(files: list[str], out, title: str) -> None:
    """PDF parts joined into one file with qpdf (pikepdf), written straight to `out`: long
    print runs are drawn in parts, to bound memory."""
    import pikepdf  # noqa: PLC0415 -- late: qpdf is loaded by print runs only

    with pikepdf.new() as joined:
        sources = [pikepdf.open(path) for path in files]
        for source in sources:
            joined.pages.extend(source.pages)
        joined.docinfo["/Title"] = title
        joined.docinfo["/Creator"] = "EventHub"
        joined.save(out)
        for source in sources:
            source.close()
