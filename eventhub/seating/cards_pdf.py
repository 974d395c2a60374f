"""Place cards and table cards as protocol offices print them: folded tent cards on A4.

Place cards: two per A4 portrait sheet, cut across the middle; each half is folded along its
own middle into a tent 210 x 74 mm whose two faces both carry the name (the upper face
printed upside down, so it reads upright once folded). Table cards: one per A4 sheet, folded
once, the big number and the table's name in English and Chinese on both faces.

Every line goes through eventhub.pdf.draw_text: split into runs by script, each shaped by
HarfBuzz, so Thai, Lao, Khmer, Myanmar and Chinese names print as written. Plain data in
(eventhub.seating.cards), no database."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from eventhub.pdf import draw_text, fit_lines, line_height, register_fonts

if TYPE_CHECKING:
    from eventhub.seating.cards import PlaceCard, TableCard

WIDTH, HEIGHT = A4
MARGIN = 14 * mm
GREY = colors.HexColor("#555555")  # 7:1 on white


def _lines(canvas, lines: list[tuple[str, float, float, bool]], centre: float, middle: float):
    """Lines (text, largest, smallest size, bold) centred as a block around `middle`, each
    shrunk to fit the face's width (a long name on two lines rather than out of sight)."""
    width = WIDTH - 2 * MARGIN
    fitted = []
    for text, largest, smallest, bold in lines:
        size, parts = fit_lines(text, width, largest=largest, smallest=smallest, bold=bold)
        fitted += [(part, size, bold) for part in parts]
    heights = [line_height(part, size) for part, size, _b in fitted]
    top = middle + sum(heights) / 2
    for (part, size, bold), height in zip(fitted, heights, strict=True):
        baseline = top - height * 0.78  # below the ascenders, as badges place lines
        draw_text(canvas, centre, baseline, part, size, bold=bold, align="centre", max_width=width)
        top -= height


def _faces(canvas, bottom: float, height: float, draw_face) -> None:
    """A tent of `height` from `bottom`: the lower face upright (drawn first), the upper
    face turned half round about the fold, both drawn by draw_face(face_bottom, face_height)."""
    face = height / 2
    draw_face(bottom, face)
    canvas.saveState()
    canvas.translate(WIDTH, 2 * bottom + height)
    canvas.rotate(180)
    draw_face(bottom, face)
    canvas.restoreState()


def _marks(canvas, y: float, *, cut: bool) -> None:
    """Short marks in the side margins: a solid one where to cut, dashed where to fold."""
    canvas.saveState()
    canvas.setStrokeColor(GREY)
    canvas.setLineWidth(0.5)
    if not cut:
        canvas.setDash(2, 2)
    for x0, x1 in ((0, 8 * mm), (WIDTH - 8 * mm, WIDTH)):
        canvas.line(x0, y, x1, y)
    canvas.restoreState()


def place_cards(cards: list[PlaceCard], *, title: str, table_label) -> bytes:
    """The place cards, two to a sheet. `table_label(card)`: the small line under the names
    ('Table 7 · seat 3 / 7号桌 3号座'), for the staff laying the tables."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(title)
    canvas.setCreator("EventHub")
    half = HEIGHT / 2
    for index, card in enumerate(cards):
        bottom = half if index % 2 == 0 else 0.0

        def face(face_bottom: float, face_height: float, card=card) -> None:
            lines = [(card.latin, 30, 14, True)] + [(name, 24, 12, False) for name in card.others]
            _lines(canvas, lines, WIDTH / 2, face_bottom + face_height / 2 + 3 * mm)
            canvas.saveState()
            canvas.setFillColor(GREY)
            draw_text(canvas, WIDTH / 2, face_bottom + 6 * mm, table_label(card), 9, align="centre")
            canvas.restoreState()

        _faces(canvas, bottom, half, face)
        _marks(canvas, bottom + half / 2, cut=False)
        if index % 2 == 1 or index == len(cards) - 1:
            _marks(canvas, half, cut=True)
            canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def table_cards(tables: list[TableCard], *, title: str, caption: str) -> bytes:
    """One folded card per table: its number, large, and its name in both languages."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(title)
    canvas.setCreator("EventHub")
    for table in tables:

        def face(face_bottom: float, face_height: float, table=table) -> None:
            lines = [(str(table.number), 170, 60, True)]
            lines += [(name, 30, 14, False) for name in (table.name_zh, table.name_en) if name]
            _lines(canvas, lines, WIDTH / 2, face_bottom + face_height / 2 + 6 * mm)
            canvas.saveState()
            canvas.setFillColor(GREY)
            draw_text(canvas, WIDTH / 2, face_bottom + 8 * mm, caption, 10, align="centre")
            canvas.restoreState()

        _faces(canvas, 0.0, HEIGHT, face)
        _marks(canvas, HEIGHT / 2, cut=False)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
