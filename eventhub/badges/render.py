"""Drawing badges on a reportlab canvas: fast enough for thousands, every script shaped.

Plain data in (BadgeData), no database: batches are drawn in worker processes.
The QR code is drawn as vector rectangles from its module matrix, encoded with a fixed
version and mask (the standard allows any mask; trying all eight is where the time went).
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass, field

import qrcode
from qrcode.util import MODE_ALPHA_NUM, QRData
from reportlab.lib.colors import HexColor, black, white
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader

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
    honorific: str = ""
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


def draw_badge(canvas, data: BadgeData, x: float, y: float, w: float, h: float) -> None:
    """One badge front with its lower left corner at (x, y). Sizes follow the width, so the
    same layout serves a CR80 card and an A6 lanyard badge."""
    k = w / CR80[0]  # 1 on a card
    pad = 3 * mm * k
    inner = w - 2 * pad
    centre = x + w / 2
    colour = HexColor(data.style.colour)
    canvas.saveState()
    canvas.setFillColor(white)
    canvas.rect(x, y, w, h, stroke=0, fill=1)

    # Header: the event, both languages, above a rule in the category's colour.
    top = y + h - pad
    canvas.setFillColor(black)
    top = text_block(
        canvas, data.event_zh, centre, top, inner, largest=7 * k, smallest=5 * k, lines=1
    )
    top = text_block(
        canvas, data.event_en, centre, top, inner, largest=6 * k, smallest=4.5 * k, lines=1
    )
    canvas.setFillColor(colour)
    canvas.rect(x, top - 1.2 * mm * k, w, 0.8 * mm * k, stroke=0, fill=1)
    top -= 2.5 * mm * k

    # Photo and QR code side by side (the code alone, centred, without a photo).
    qr_size = 21 * mm * k
    photo_w, photo_h = 18 * mm * k, 24 * mm * k
    row_h = max(qr_size, photo_h)
    qr_y = top - row_h + (row_h - qr_size) / 2
    if data.photo:
        gap = (w - photo_w - qr_size) / 3
        canvas.drawImage(
            ImageReader(io.BytesIO(data.photo)),
            x + gap,
            top - photo_h,
            photo_w,
            photo_h,
            preserveAspectRatio=True,
            anchor="c",
        )
        draw_qr(canvas, data.code, x + 2 * gap + photo_w, qr_y, qr_size)
    else:
        draw_qr(canvas, data.code, centre - qr_size / 2, qr_y, qr_size)
    top -= row_h + 2 * mm * k

    # The name, largest: own script first, then Latin letters.
    canvas.setFillColor(black)
    if data.native_name and not latin_only(data.native_name):
        top = text_block(
            canvas, data.native_name, centre, top, inner, largest=15 * k, smallest=7 * k, bold=True
        )
        top = text_block(
            canvas, data.latin_name, centre, top, inner, largest=11 * k, smallest=6 * k, bold=True
        )
    else:
        top = text_block(
            canvas, data.latin_name, centre, top, inner, largest=15 * k, smallest=6 * k, bold=True
        )
    position = " ".join(part for part in (data.honorific, data.position) if part)
    top = text_block(canvas, position, centre, top, inner, largest=7 * k, smallest=5 * k)
    top = text_block(canvas, data.organisation, centre, top, inner, largest=7 * k, smallest=5 * k)
    text_block(canvas, data.country, centre, top, inner, largest=7 * k, smallest=5 * k, lines=1)

    # The category band: label in both languages, letter code large, zones.
    band = 11 * mm * k
    canvas.setFillColor(colour)
    canvas.rect(x, y, w, band, stroke=0, fill=1)
    canvas.setFillColor(white)
    draw_text(canvas, x + pad, y + band * 0.3, data.style.code, 16 * k, bold=True)
    label = f"{data.style.label_zh} {data.style.label_en}".strip()
    draw_text(
        canvas, x + w - pad, y + band * 0.55, label, 6.5 * k, align="right", max_width=w * 0.6
    )
    if data.style.zones:
        draw_text(
            canvas,
            x + w - pad,
            y + band * 0.2,
            data.style.zones,
            6.5 * k,
            bold=True,
            align="right",
            max_width=w * 0.6,
        )
    canvas.restoreState()


def _crop_marks(canvas, x: float, y: float, w: float, h: float) -> None:
    """Short lines outside each corner, where the guillotine cuts."""
    length, gap = 4 * mm, 1.5 * mm
    canvas.setLineWidth(0.25)
    canvas.setStrokeColor(black)
    for cx in (x, x + w):
        for cy in (y, y + h):
            down = -1 if cy == y else 1
            left = -1 if cx == x else 1
            canvas.line(cx, cy + down * gap, cx, cy + down * (gap + length))
            canvas.line(cx + left * gap, cy, cx + left * (gap + length), cy)


def page_size(layout: str) -> tuple[float, float]:
    return {"cr80": CR80, "a6": A6, "a4": A4}[layout]


def draw_badge_back(canvas, data: BadgeData, x: float, y: float, w: float, h: float) -> None:
    """The back: the event, its practical information in both languages, and the holder's
    name small at the foot so that fronts and backs can be matched."""
    k = w / CR80[0]
    pad = 4 * mm * k
    inner = w - 2 * pad
    centre = x + w / 2
    colour = HexColor(data.style.colour)
    canvas.saveState()
    canvas.setFillColor(colour)
    canvas.rect(x, y + h - 2 * mm * k, w, 2 * mm * k, stroke=0, fill=1)
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
            block = paragraph(line, style)
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


def draw_badges(canvas, badges: list[BadgeData], layout: str, *, back: bool = False) -> None:
    """Every badge on the canvas: one per page for cr80 and a6 (each followed by its back,
    for duplex printing, when `back`); nine CR80 badges per A4 sheet with crop marks, each
    sheet followed by its backs mirrored left to right (long-edge duplex)."""
    if layout in ("cr80", "a6"):
        w, h = page_size(layout)
        for data in badges:
            draw_badge(canvas, data, 0, 0, w, h)
            canvas.showPage()
            if back:
                draw_badge_back(canvas, data, 0, 0, w, h)
                canvas.showPage()
        return
    columns, rows, gutter = 3, 3, 6 * mm  # the gutters hold the crop marks
    w, h = CR80
    left = (A4[0] - columns * w - (columns - 1) * gutter) / 2
    bottom = (A4[1] - rows * h - (rows - 1) * gutter) / 2
    for start in range(0, len(badges), columns * rows):
        sheet = badges[start : start + columns * rows]
        for side in ("front", "back") if back else ("front",):
            for index, data in enumerate(sheet):
                column, row = index % columns, index // columns
                if side == "back":
                    column = columns - 1 - column  # behind its front once the sheet turns
                bx = left + column * (w + gutter)
                by = bottom + (rows - 1 - row) * (h + gutter)
                (draw_badge if side == "front" else draw_badge_back)(canvas, data, bx, by, w, h)
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
