"""Drawing badges on a reportlab canvas: fast enough for thousands, every script shaped.

Plain data in (BadgeData), no database: batches are drawn in worker processes.
The QR code is drawn as vector rectangles from its module matrix, encoded with a fixed
version and mask (the standard allows any mask; trying all eight is where the time went).
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field

import qrcode
from qrcode.util import MODE_ALPHA_NUM, QRData
from reportlab.lib.colors import HexColor, black, white
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader

from eventhub.badges.layout import BLEED, FrontLayout, measure_front, proportions
from eventhub.pdf import draw_text, fit_lines, line_height, paragraph

# Version 3 with error correction Q holds 47 alphanumeric characters; codes have 29.
QR_VERSION = 3
QR_MASK = 4

CR80 = (54 * mm, 85.6 * mm)  # ISO/IEC 7810 ID-1, portrait
A6 = (105 * mm, 148 * mm)
A4 = (210 * mm, 297 * mm)
LAYOUTS = ("cr80", "a6", "a4")


@dataclass
class Style:
    colour: str  # "#c8102e"
    code: str
    label_en: str
    label_zh: str
    zones: str = ""


@dataclass
class BadgeData:
    code: str
    latin_name: str
    native_name: str = ""
    position: str = ""
    organisation: str = ""
    country: str = ""
    style: Style = field(default_factory=lambda: Style("#1f5f7a", "D", "Delegate", "代表"))
    photo: bytes | None = None
    event_en: str = ""
    event_zh: str = ""
    dates: str = ""
    # The back side, when printed: the event's practical information.
    back_en: str = ""
    back_zh: str = ""


def qr_matrix(code: str) -> list[list[bool]]:
    qr = qrcode.QRCode(
        version=QR_VERSION,
        error_correction=qrcode.constants.ERROR_CORRECT_Q,
        mask_pattern=QR_MASK,
        border=0,
    )
    qr.add_data(QRData(code.encode(), mode=MODE_ALPHA_NUM))
    qr.make(fit=False)
    return qr.get_matrix()


def draw_qr(canvas, code: str, x: float, y: float, size: float) -> None:
    """A badge's QR code (see qr_matrix), the quiet zone around it is the caller's margin."""
    draw_matrix(canvas, qr_matrix(code), x, y, size)


def draw_matrix(canvas, matrix: list[list[bool]], x: float, y: float, size: float) -> None:
    """Dark modules as one filled path in module units, runs merged into rectangles. The
    path is written as PDF operators directly: small integers, thousands of badges, no
    float formatting."""
    count = len(matrix)
    module = size / count
    ops = []
    for row_index, row in enumerate(matrix):
        bottom = count - row_index - 1
        start = None
        for col_index, dark in enumerate([*row, False]):
            if dark and start is None:
                start = col_index
            elif not dark and start is not None:
                ops.append(f"{start} {bottom} {col_index - start} 1 re")
                start = None
    canvas.saveState()
    canvas.setFillColor(black)
    canvas.transform(module, 0, 0, module, x, y)
    canvas._code.append(" ".join(ops) + " f")  # noqa: SLF001 (raw operators: see docstring)
    canvas.restoreState()


def latin_only(text: str) -> bool:
    """A "name in own script" in Latin letters (Vietnamese, Malay) is the Latin name again.
    (Certificates draw names with this and the next helpers too.)"""
    return all(
        ord(char) < 0x250
        or unicodedata.category(char)[0] in "MPZ"
        or unicodedata.name(char, "").startswith("LATIN")
        for char in text
    )


def text_block(canvas, text, centre, top, width, *, largest, smallest, bold=False, lines=2):
    """Centred lines under `top`, shrunk to fit; returns the y below the block."""
    if not text:
        return top
    size, parts = fit_lines(text, width, largest=largest, smallest=smallest, lines=lines, bold=bold)
    y = top
    for part in parts:
        height = line_height(part, size)
        y -= height * 0.78  # the baseline, below the ascenders
        draw_text(canvas, centre, y, part, size, bold=bold, align="centre", max_width=width)
        y -= height * 0.22
    return y


def _text(canvas, block, centre: float) -> None:
    """A measured text block's lines, centred, from its top down."""
    top = block.top
    for part in block.lines:
        height = line_height(part, block.size)
        draw_text(
            canvas,
            centre,
            top - height * 0.78,  # the baseline, below the ascenders
            part,
            block.size,
            bold=block.bold,
            align="centre",
            max_width=block.w,
        )
        top -= height


def draw_badge(
    canvas, data: BadgeData, x: float, y: float, w: float, h: float, *, bleed: bool = False
) -> FrontLayout:
    """One badge front with its lower left corner at (x, y), as measured by
    layout.measure_front (returned). With `bleed`, the coloured band and rule run 3 mm past
    the card's edges, for a guillotine."""
    layout = measure_front(data, x, y, w, h)
    p = proportions(w)
    blocks = layout.blocks
    centre = x + w / 2
    colour = HexColor(data.style.colour)
    canvas.saveState()
    canvas.setFillColor(white)
    canvas.rect(x, y, w, h, stroke=0, fill=1)
    canvas.setFillColor(black)
    for name in ("event_zh", "event_en"):
        if name in blocks:
            _text(canvas, blocks[name], centre)
    canvas.setFillColor(colour)
    for name in ("rule", "band"):
        b = blocks[name]
        if bleed:
            canvas.rect(b.x, b.y, b.w, b.h, stroke=0, fill=1)
        else:
            bottom = max(b.y, y)
            canvas.rect(x, bottom, w, b.y + b.h - bottom, stroke=0, fill=1)
    if "photo" in blocks:
        b = blocks["photo"]
        canvas.drawImage(
            ImageReader(io.BytesIO(data.photo)),
            b.x,
            b.y,
            b.w,
            b.h,
            preserveAspectRatio=True,
            anchor="c",
        )
    b = blocks["qr"]
    draw_qr(canvas, data.code, b.x, b.y, b.w)

    canvas.setFillColor(black)
    band_top = blocks["band"].top
    clip = any(problem.kind == "clipped" for problem in layout.problems)
    if clip:  # never over the band: what does not fit is cut at its top (and reported)
        canvas.saveState()
        path = canvas.beginPath()
        path.rect(x, band_top, w, h - (band_top - y))
        canvas.clipPath(path, stroke=0, fill=0)
    for name in ("name", "latin_name", "position", "organisation", "country"):
        if name in blocks:
            _text(canvas, blocks[name], centre)
    if clip:
        canvas.restoreState()

    # The category band: letter code large, label in both languages, zones; in black or
    # white, whichever reads on the band's colour.
    band = p.band
    canvas.setFillColor(HexColor(layout.band_text))
    draw_text(canvas, x + p.pad, y + band * 0.3, data.style.code, p.code_size, bold=True)
    label = f"{data.style.label_zh} {data.style.label_en}".strip()
    draw_text(
        canvas,
        x + w - p.pad,
        y + band * 0.55,
        label,
        p.label_size,
        align="right",
        max_width=w * 0.6,
    )
    if data.style.zones:
        draw_text(
            canvas,
            x + w - p.pad,
            y + band * 0.2,
            data.style.zones,
            p.label_size,
            bold=True,
            align="right",
            max_width=w * 0.6,
        )
    canvas.restoreState()
    return layout


def _crop_marks(canvas, x: float, y: float, w: float, h: float) -> None:
    """Short lines at each corner, outside the bleed, on the lines where the guillotine cuts."""
    length, gap = CROP_MARK, BLEED + 0.5 * mm
    canvas.setLineWidth(0.25)
    canvas.setStrokeColor(black)
    for cx in (x, x + w):
        for cy in (y, y + h):
            down = -1 if cy == y else 1
            left = -1 if cx == x else 1
            canvas.line(cx, cy + down * gap, cx, cy + down * (gap + length))
            canvas.line(cx + left * gap, cy, cx + left * (gap + length), cy)


# Around an A6 badge: its bleed, then room for the crop marks (a print shop trims it).
A6_MARGIN = BLEED + 4.5 * mm
A4_GUTTER = 2 * BLEED + 4 * mm  # between cards on a sheet: two bleeds and the crop marks
# Office printers leave about 5 mm at each edge of a sheet unprinted: nine CR80 cards are
# 256.8 mm high, so the rows sit closer (their marks meet in the gutter, short of the next
# card's bleed) and the marks are shorter, to end inside the printed area.
PRINTER_MARGIN = 5 * mm
A4_ROW_GUTTER = 2 * BLEED + 3 * mm
CROP_MARK = 2.5 * mm


def page_size(layout: str) -> tuple[float, float]:
    """The page a run is printed on: a CR80 card exactly (card printers print to the edge of
    pre-cut cards: no bleed, no marks); A6 with its bleed and crop marks around it; A4."""
    a6_sheet = (A6[0] + 2 * A6_MARGIN, A6[1] + 2 * A6_MARGIN)
    return {"cr80": CR80, "a6": a6_sheet, "a4": A4}[layout]


# A phone number starts with "+" or "(" ("+855 23 881 234", "(+86) 10 6512 3456", "(021) 5555
# 1234"), then groups of digits; other digits ("24 25 July", "Bus 5 10:30") are left alone.
_PHONE = re.compile(r"(?<![\w+(])(?:\+\d+|\(\+?\d+\))(?: (?:\d+|\(\d+\)))+(?!\w)")


def keep_numbers(line: str) -> str:
    """Spaces inside a phone number made non-breaking: a number is dialled from one line,
    never read across two."""
    return _PHONE.sub(lambda number: number.group().replace(" ", "\u00a0"), line)


def draw_badge_back(
    canvas, data: BadgeData, x: float, y: float, w: float, h: float, *, bleed: bool = False
) -> None:
    """The back: the event, its practical information in both languages (phone numbers kept
    whole on one line), and the holder's name small at the foot so that fronts and backs can
    be matched."""
    k = w / CR80[0]
    pad = 4 * mm * k
    inner = w - 2 * pad
    centre = x + w / 2
    colour = HexColor(data.style.colour)
    canvas.saveState()
    canvas.setFillColor(colour)
    out = BLEED if bleed else 0
    canvas.rect(x - out, y + h - 2 * mm * k, w + 2 * out, 2 * mm * k + out, stroke=0, fill=1)
    canvas.setFillColor(black)
    top = y + h - pad - 2 * mm * k
    top = text_block(canvas, data.event_zh, centre, top, inner, largest=8 * k, smallest=5 * k)
    top = text_block(canvas, data.event_en, centre, top, inner, largest=7 * k, smallest=5 * k)
    top = text_block(canvas, data.dates, centre, top, inner, largest=6.5 * k, smallest=5 * k)
    top -= 3 * mm * k
    style = ParagraphStyle("back", fontSize=6.5 * k, leading=8.5 * k)
    for text in (data.back_zh, data.back_en):
        for line in text.splitlines():
            if not line.strip():
                top -= 2 * mm * k
                continue
            block = paragraph(keep_numbers(line), style)
            _w, height = block.wrap(inner, h)
            if top - height < y + 12 * mm * k:
                break  # never over the name at the foot
            block.drawOn(canvas, x + pad, top - height)
            top -= height
        top -= 2 * mm * k
    text_block(
        canvas,
        data.latin_name,
        centre,
        y + 10 * mm * k,
        inner,
        largest=7 * k,
        smallest=5 * k,
        lines=1,
    )
    canvas.restoreState()


def _boxes(canvas, x: float, y: float, w: float, h: float) -> None:
    """Trim and bleed boxes of a page holding one badge to be trimmed."""
    canvas.setTrimBox((x, y, x + w, y + h))
    canvas.setBleedBox((x - BLEED, y - BLEED, x + w + BLEED, y + h + BLEED))


def draw_badges(canvas, badges: list[BadgeData], layout: str, *, back: bool = False) -> None:
    """Every badge on the canvas: one per page for cr80 and a6 (each followed by its back,
    for duplex printing, when `back`); nine CR80 badges per A4 sheet with crop marks, each
    sheet followed by its backs mirrored left to right (long-edge duplex). On A4 sheets and
    A6 pages the coloured bands bleed 3 mm past the cut, the crop marks outside the bleed."""
    if layout == "cr80":
        w, h = CR80
        for data in badges:
            draw_badge(canvas, data, 0, 0, w, h)
            canvas.showPage()
            if back:
                draw_badge_back(canvas, data, 0, 0, w, h)
                canvas.showPage()
        return
    if layout == "a6":
        (w, h), m = A6, A6_MARGIN
        for data in badges:
            for side in ("front", "back") if back else ("front",):
                (draw_badge if side == "front" else draw_badge_back)(
                    canvas, data, m, m, w, h, bleed=True
                )
                _crop_marks(canvas, m, m, w, h)
                _boxes(canvas, m, m, w, h)
                canvas.showPage()
        return
    columns, rows, gutter, row_gutter = 3, 3, A4_GUTTER, A4_ROW_GUTTER
    w, h = CR80
    left = (A4[0] - columns * w - (columns - 1) * gutter) / 2
    bottom = (A4[1] - rows * h - (rows - 1) * row_gutter) / 2
    for start in range(0, len(badges), columns * rows):
        sheet = badges[start : start + columns * rows]
        for side in ("front", "back") if back else ("front",):
            for index, data in enumerate(sheet):
                column, row = index % columns, index // columns
                if side == "back":
                    column = columns - 1 - column  # behind its front once the sheet turns
                bx = left + column * (w + gutter)
                by = bottom + (rows - 1 - row) * (h + row_gutter)
                (draw_badge if side == "front" else draw_badge_back)(
                    canvas, data, bx, by, w, h, bleed=True
                )
                _crop_marks(canvas, bx, by, w, h)
            canvas.showPage()


def qr_png(code: str, box: int = 12) -> bytes:
    """The code as a PNG with its quiet zone, sharp on a phone screen."""
    qr = qrcode.QRCode(
        version=QR_VERSION,
        error_correction=qrcode.constants.ERROR_CORRECT_Q,
        mask_pattern=QR_MASK,
        box_size=box,
        border=4,
    )
    qr.add_data(QRData(code.encode(), mode=MODE_ALPHA_NUM))
    qr.make(fit=False)
    buffer = io.BytesIO()
    qr.make_image().save(buffer)
    return buffer.getvalue()
