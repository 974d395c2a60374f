"""The table plan for the entrance, A4 landscape: the room drawn from above with every table
where it stands, numbered, then every guest in alphabetical order (Latin sort name, the
Chinese name beside it) with their table, in three columns. The plan's version is on every
page, so a plan posted at the door is known to be the latest. Plain data in, no database."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from eventhub.pdf import draw_text, register_fonts
from eventhub.seating.models import TableShape

if TYPE_CHECKING:
    from eventhub.seating.cards import GuestLine, TableSpot

WIDTH, HEIGHT = landscape(A4)
MARGIN = 12 * mm
INK = colors.HexColor("#0b3d52")
GREY = colors.HexColor("#555555")
ROW = 14.5  # pt between list lines
LIST_SIZE = 10.5  # read standing at the door
COLUMNS = 3


def _header(canvas, heading: str, version_line: str, page: int, pages: int) -> float:
    """The heading, the version and the page; returns the y under them."""
    canvas.setFillColor(colors.black)
    draw_text(canvas, MARGIN, HEIGHT - MARGIN - 14, heading, 16, bold=True, max_width=WIDTH * 0.7)
    canvas.setFillColor(GREY)
    draw_text(
        canvas,
        WIDTH - MARGIN,
        HEIGHT - MARGIN - 14,
        f"{version_line} · {page}/{pages}",
        9,
        align="right",
        max_width=WIDTH * 0.28,
    )
    canvas.setFillColor(colors.black)
    return HEIGHT - MARGIN - 26


def _room(canvas, spots: list[TableSpot], top: float, stage: str) -> None:
    """The room from above: the stage side at the top, each table at its x/y (percent of
    the room), its shape roughly to scale, its number in it."""
    left, bottom = MARGIN, MARGIN
    width, height = WIDTH - 2 * MARGIN, top - MARGIN - 4
    canvas.setStrokeColor(GREY)
    canvas.setLineWidth(0.8)
    canvas.rect(left, bottom, width, height)
    canvas.setFillColor(GREY)
    draw_text(canvas, left + width / 2, top - 16, stage, 9, align="centre")
    count = max(len(spots), 1)
    # Tables shrink as they multiply, so that 60 of them still fit side by side.
    radius = max(9.0, min(28.0, (width * height / count) ** 0.5 * 0.3))
    places = [
        (
            left + width * min(max(spot.x, 0), 100) / 100,
            top - 24 - (height - 34) * min(max(spot.y, 0), 100) / 100,
        )
        for spot in spots
    ]
    # Round tables never touch: at most a little under half the distance to the nearest.
    nearest = min(
        (
            ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5
            for i, a in enumerate(places)
            for b in places[i + 1 :]
        ),
        default=radius * 3,
    )
    radius = max(7.0, min(radius, nearest * 0.42))
    for spot, (x, y) in zip(spots, places, strict=True):
        canvas.setStrokeColor(INK)
        canvas.setFillColor(colors.HexColor("#e7f1f5"))
        if spot.shape == TableShape.ROUND:
            canvas.circle(x, y, radius, stroke=1, fill=1)
        else:
            long_side = radius * max(2.0, min(8.0, spot.seats / 2.5))
            canvas.rect(x - long_side / 2, y - radius * 0.6, long_side, radius * 1.2, 1, 1)
        canvas.setFillColor(INK)
        size = max(7.0, radius * 0.8)
        draw_text(canvas, x, y - size * 0.35, str(spot.number), size, bold=True, align="centre")


def entrance_plan(
    spots: list[TableSpot],
    guests: list[GuestLine],
    *,
    heading: str,
    version_line: str,
    stage: str,
    list_heading: str,
    title: str,
) -> bytes:
    """The layout page, then the guest list pages."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(WIDTH, HEIGHT), pageCompression=1)
    canvas.setTitle(title)
    canvas.setCreator("EventHub")
    list_top = HEIGHT - MARGIN - 26 - 34
    per_column = max(1, int((list_top - MARGIN) // ROW))
    per_page = per_column * COLUMNS
    list_pages = [guests[i : i + per_page] for i in range(0, len(guests), per_page)]
    pages = 1 + len(list_pages)
    top = _header(canvas, heading, version_line, 1, pages)
    _room(canvas, spots, top, stage)
    canvas.showPage()
    column_width = (WIDTH - 2 * MARGIN) / COLUMNS
    for number, chunk in enumerate(list_pages, start=2):
        top = _header(canvas, heading, version_line, number, pages)
        draw_text(canvas, MARGIN, top - 12, list_heading, 11, bold=True)
        for index, guest in enumerate(chunk):
            column, row = divmod(index, per_column)
            x = MARGIN + column * column_width
            y = list_top - row * ROW
            if row % 2 == 0:  # banded rows: the eye follows a line to its table
                canvas.setFillColor(colors.HexColor("#f2f2f2"))
                canvas.rect(x - 2, y - 4, column_width - 8, ROW, stroke=0, fill=1)
                canvas.setFillColor(colors.black)
            name = f"{guest.latin}  {guest.chinese}" if guest.chinese else guest.latin
            draw_text(canvas, x, y, name, LIST_SIZE, max_width=column_width - 40)
            draw_text(
                canvas, x + column_width - 14, y, str(guest.table), 11, bold=True, align="right"
            )
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
