"""Glyph by glyph: what a PDF draws, read back from its content streams, against what
HarfBuzz (uharfbuzz) makes of the same text with the same font file and size.

- `pdf_glyphs(pdf)`: per page, every glyph drawn, as (reportlab font name, glyph id, x, y) in
  page space, with the text state followed operator by operator (cm q Q, Tf Ts Tc Tw Tz TL,
  Tm Td TD T* ' ", Tj TJ) and the /ActualText of the span it is in. A subset's code is mapped
  back to the font's glyph id through the subset's ToUnicode map and the character -> glyph
  map of the registered reportlab font (private-use characters included: reportlab gives a
  glyph no character maps to one of those, in this process).
- `harfbuzz_line(...)`: where each glyph of one `draw_text` call belongs, from uharfbuzz.
- `compare(glyphs, lines)`: each expected line found in order among the drawn glyphs, every
  glyph's id and position within `TOLERANCE`; returns the differences, as sentences.
- `recording_draw_text(monkeypatch, *modules)`: the `draw_text` calls a renderer makes.

Reuse it for any PDF the app draws (paragraphs included) by recording the lines to expect."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import lru_cache

import pikepdf
import uharfbuzz
from reportlab.pdfbase import pdfmetrics

from eventhub.pdf import FONTS, find_font, script_runs

TOLERANCE = 0.05  # pt


@dataclass(frozen=True)
class Glyph:
    font: str  # reportlab's registered name, e.g. EH-Khmer-Bold
    gid: int
    x: float
    y: float
    actual_text: str | None = None


def _multiply(a, b):
    """a x b, for PDF matrices (a b c d e f)."""
    return (
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    )


def _registered_faces() -> dict[str, str]:
    """PDF base font name (without the subset tag) -> reportlab font name."""
    faces = {}
    for name in pdfmetrics.getRegisteredFontNames():
        face = getattr(pdfmetrics.getFont(name), "face", None)
        if face is not None and hasattr(face, "subfontNameX"):
            faces[(face.name + face.subfontNameX).decode("latin-1")] = name
    return faces


def _to_unicode(font) -> dict[int, str]:
    data = font.ToUnicode.read_bytes().decode("latin-1")
    mapping: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for code, uni in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(code, 16)] = _utf16(uni)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for first, last, uni in re.findall(
            r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            for offset in range(int(last, 16) - int(first, 16) + 1):
                mapping[int(first, 16) + offset] = chr(int(uni, 16) + offset)
    return mapping


def _utf16(hexa: str) -> str:
    if len(hexa) % 4:  # reportlab writes a code point past the BMP as plain hex
        return chr(int(hexa, 16))
    return bytes.fromhex(hexa).decode("utf-16-be")


class _Font:
    def __init__(self, font, faces):
        base = str(font.BaseFont)[1:].split("+", 1)[-1]
        self.name = faces.get(base, base)
        face = pdfmetrics.getFont(self.name).face if self.name in faces.values() else None
        self.first = int(font.get("/FirstChar", 0))
        self.widths = [float(w) for w in font.get("/Widths", [])]
        unicode = _to_unicode(font) if "/ToUnicode" in font else {}
        self.gids = {
            code: (face.charToGlyph.get(ord(char[0]), -1) if face and len(char) == 1 else -1)
            for code, char in unicode.items()
        }

    def width(self, code: int) -> float:
        index = code - self.first
        return self.widths[index] if 0 <= index < len(self.widths) else 0.0


def pdf_glyphs(pdf: bytes) -> list[list[Glyph]]:
    faces = _registered_faces()
    pages = []
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            fonts = {
                str(key): _Font(font, faces)
                for key, font in (page.Resources.get("/Font") or {}).items()
            }
            pages.append(_page_glyphs(pikepdf.parse_content_stream(page), fonts))
    return pages


def _page_glyphs(operations, fonts) -> list[Glyph]:
    glyphs: list[Glyph] = []
    ctm = (1, 0, 0, 1, 0, 0)
    state = {"font": None, "size": 0.0, "rise": 0.0, "tc": 0.0, "tw": 0.0, "tz": 1.0, "tl": 0.0}
    stack = []
    spans: list[str | None] = []
    tm = tlm = (1, 0, 0, 1, 0, 0)

    def show(string: bytes):
        nonlocal tm
        font = fonts[state["font"]]
        for code in string:
            # The glyph's origin: (0, rise) in text space, through Tm and the CTM.
            m = _multiply(_multiply((1, 0, 0, 1, 0, state["rise"]), tm), ctm)
            actual = next((span for span in reversed(spans) if span is not None), None)
            glyphs.append(Glyph(font.name, font.gids.get(code, -1), m[4], m[5], actual))
            advance = font.width(code) / 1000 * state["size"] + state["tc"]
            advance += state["tw"] if code == 32 else 0
            tm = _multiply((1, 0, 0, 1, advance * state["tz"], 0), tm)

    for operands, operator in operations:
        op = str(operator)
        args = list(operands)
        if op == "q":
            stack.append((ctm, dict(state)))
        elif op == "Q":
            ctm, state = stack.pop()
        elif op == "cm":
            ctm = _multiply(tuple(float(a) for a in args), ctm)
        elif op == "BT":
            tm = tlm = (1, 0, 0, 1, 0, 0)
        elif op == "Tf":
            state["font"], state["size"] = str(args[0]), float(args[1])
        elif op == "Ts":
            state["rise"] = float(args[0])
        elif op == "Tc":
            state["tc"] = float(args[0])
        elif op == "Tw":
            state["tw"] = float(args[0])
        elif op == "Tz":
            state["tz"] = float(args[0]) / 100
        elif op == "TL":
            state["tl"] = float(args[0])
        elif op == "Tm":
            tm = tlm = tuple(float(a) for a in args)
        elif op in ("Td", "TD"):
            tm = tlm = _multiply((1, 0, 0, 1, float(args[0]), float(args[1])), tlm)
            if op == "TD":
                state["tl"] = -float(args[1])
        elif op in ("T*", "'", '"'):
            tm = tlm = _multiply((1, 0, 0, 1, 0, -state["tl"]), tlm)
            if op == '"':
                state["tw"], state["tc"] = float(args[0]), float(args[1])
            if op != "T*":
                show(bytes(args[-1]))
        elif op == "Tj":
            show(bytes(args[0]))
        elif op == "TJ":
            for item in args[0]:
                if isinstance(item, pikepdf.String):
                    show(bytes(item))
                else:
                    shift = -float(item) / 1000 * state["size"] * state["tz"]
                    tm = _multiply((1, 0, 0, 1, shift, 0), tm)
        elif op in ("BDC", "BMC"):
            props = args[1] if op == "BDC" and len(args) > 1 else None
            text = None
            if isinstance(props, pikepdf.Dictionary) and "/ActualText" in props:
                text = str(props.ActualText)
            spans.append(text)
        elif op == "EMC":
            spans.pop()
    return glyphs


@dataclass(frozen=True)
class Line:
    text: str
    glyphs: tuple[Glyph, ...]


@lru_cache(maxsize=64)
def _hb_font(font_name: str):
    filename, index = FONTS[font_name]
    face = uharfbuzz.Face(uharfbuzz.Blob.from_file_path(str(find_font(filename))), index)
    return uharfbuzz.Font(face), face.upem


def harfbuzz_run(text: str, font_name: str, size: float) -> list[tuple[int, float, float, float]]:
    """(glyph id, x advance, x offset, y offset) in pt, HarfBuzz's defaults for the text."""
    font, upem = _hb_font(font_name)
    font.ptem = size
    buffer = uharfbuzz.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    uharfbuzz.shape(font, buffer)
    scale = size / upem
    return [
        (info.codepoint, pos.x_advance * scale, pos.x_offset * scale, pos.y_offset * scale)
        for info, pos in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True)
    ]


def harfbuzz_line(
    text: str,
    x: float,
    y: float,
    size: float,
    *,
    bold: bool = False,
    align: str = "left",
    max_width: float | None = None,
) -> Line:
    """The glyphs of a draw_text call: each run of one script shaped on its own, the line
    placed by its alignment and narrowed (horizontally) to max_width, as draw_text does."""
    shaped = [
        (font, harfbuzz_run(chunk, font, size)) for font, chunk in script_runs(text, bold=bold)
    ]
    width = sum(advance for _font, run in shaped for _g, advance, _x, _y in run)
    scale = min(1.0, max_width / width) if max_width and width else 1.0
    pen = {"left": x, "centre": x - width * scale / 2, "right": x - width * scale}[align]
    glyphs = []
    for font, run in shaped:
        for gid, advance, x_offset, y_offset in run:
            glyphs.append(Glyph(font, gid, pen + x_offset * scale, y + y_offset))
            pen += advance * scale
    return Line(text, tuple(glyphs))


def compare(drawn: list[Glyph], lines: list[Line], tolerance: float = TOLERANCE) -> list[str]:
    """Each line's glyphs found in order among the drawn ones (the same fonts and glyph ids
    in a row), and each glyph's position within the tolerance; the differences found."""
    problems = []
    cursor = 0
    for line in lines:
        want = [(g.font, g.gid) for g in line.glyphs]
        found = next(
            (
                start
                for start in range(cursor, len(drawn) - len(want) + 1)
                if [(g.font, g.gid) for g in drawn[start : start + len(want)]] == want
            ),
            None,
        )
        if found is None:
            near = [(g.font, g.gid) for g in drawn[cursor : cursor + len(want)]]
            problems.append(f"{line.text!r}: glyphs {want} not drawn (next drawn: {near})")
            continue
        for index, (expected, got) in enumerate(
            zip(line.glyphs, drawn[found : found + len(want)], strict=True)
        ):
            dx, dy = got.x - expected.x, got.y - expected.y
            if abs(dx) > tolerance or abs(dy) > tolerance:
                problems.append(
                    f"{line.text!r} glyph {index} ({expected.font} #{expected.gid}) "
                    f"off by x {dx:+.3f} pt, y {dy:+.3f} pt"
                )
        cursor = found + len(want)
    return problems


def recording_draw_text(monkeypatch, *modules) -> list[Line]:
    """Every draw_text call the modules make from now on, as the HarfBuzz line it should
    give (the call itself still draws)."""
    lines: list[Line] = []
    for module in modules:
        original = module.draw_text

        def record(canvas, x, y, text, size, *, _draw=original, **options):
            lines.append(harfbuzz_line(text, x, y, size, **options))
            return _draw(canvas, x, y, text, size, **options)

        monkeypatch.setattr(module, "draw_text", record)
    return lines
