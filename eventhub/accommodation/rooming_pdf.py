"""The rooming list as a PDF for the hotel (A4 landscape): the hotel, the night or nights,
when it was printed (on the event's clock), rooms booked against contracted per night, then
a row per guest with the passport name and the name in the guest's own script, every script
shaped (eventhub.pdf), and the changes since the list sent marked."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from eventhub.accommodation.rooming_lists import RoomingList
from eventhub.accommodation.rooming_xlsx import rows
from eventhub.pdf import document, numbered_canvas, paragraph, register_fonts

BODY = ParagraphStyle("body", fontName="EH-Latin", fontSize=8, leading=10)
HEAD = ParagraphStyle("head", parent=BODY, fontSize=7.5, leading=9.5)
TITLE = ParagraphStyle("title", parent=BODY, fontSize=14, leading=19)
SMALL = ParagraphStyle(
    "small", parent=BODY, fontSize=8, leading=10.5, textColor=colors.HexColor("#444444")
)
CHANGED = colors.HexColor("#fff4cc")  # a row that changed since the list sent
LATE = colors.HexColor("#f8d7da")  # ... on a night past its cut-off
OVER = colors.HexColor("#b02a37")
GRID = colors.HexColor("#bbbbbb")

# Widths in mm (277 across landscape A4): the change column holds "new 新增 — after cut-off
# 已过截止日期 (2025-07-24 – 2025-07-26, 3)" in two lines, so a row stays one or two lines.
COLUMNS = [
    ("Change 变更", 56),
    ("Room 房号", 13),
    ("Room type 房型", 25),
    ("Name (passport) 护照姓名", 36),
    ("Own script 本国文字", 29),
    ("Nationality · delegation 国籍·代表团", 27),
    ("Arrival 抵达", 22),
    ("Departure 离开", 22),
    ("Nights 入住晚", 26),
    ("Notes 备注", 21),
]


def page_label(page: int, pages: int) -> str:
    return f"Page {page} of {pages} · 第{page}页，共{pages}页"


def _nights_title(listing: RoomingList) -> str:
    if listing.night is not None:
        return f"Night of {listing.night.isoformat()} · {listing.night.isoformat()} 晚"
    nights = sorted({c.night for c in listing.counts})
    if not nights:
        return "All nights 全部日期"
    return f"All nights 全部日期: {nights[0].isoformat()} – {nights[-1].isoformat()}"


def _since(listing: RoomingList) -> str:
    sent = listing.sent
    if sent is None:
        return "First list sent to the hotel: every room is new. 首次发送：所有房间均为新增。"
    when = sent.sent_at.astimezone(listing.zone).strftime("%Y-%m-%d %H:%M")
    who = sent.sent_by.display_name or sent.sent_by.email if sent.sent_by else "—"
    which = f"night of {sent.night.isoformat()}" if sent.night else "all nights"
    return (
        f"Changes since the list of {when} ({which}) sent by {who}: {len(listing.changes)}"
        f" ({listing.late} after cut-off) · 自上次发送以来的变更：{len(listing.changes)}"
    )


def _counts_table(listing: RoomingList) -> Table | None:
    nights = sorted({c.night for c in listing.counts})
    types = list(dict.fromkeys(c.type_name for c in listing.counts))
    if not nights:
        return None
    by = {(c.type_name, c.night): c for c in listing.counts}
    data = [
        [paragraph("Booked / contracted 已订 / 协议", HEAD, bold=True)]
        + [paragraph(n.strftime("%m-%d"), HEAD, bold=True) for n in nights]
    ]
    style = [
        ("GRID", (0, 0), (-1, -1), 0.3, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
    ]
    for row, name in enumerate(types, start=1):
        cells = [paragraph(name, BODY)]
        for column, night in enumerate(nights, start=1):
            count = by.get((name, night))
            cells.append(paragraph(f"{count.booked} / {count.contracted}" if count else "", BODY))
            if count and count.over:
                style.append(("BACKGROUND", (column, row), (column, row), LATE))
        data.append(cells)
    width = min(18 * mm, (277 * mm - 50 * mm) / len(nights))
    table = Table(data, colWidths=[50 * mm] + [width] * len(nights), hAlign="LEFT")
    table.setStyle(TableStyle(style))
    return table


def _guest_table(listing: RoomingList) -> Table:
    data = [[paragraph(title, HEAD, bold=True) for title, _w in COLUMNS]]
    style = [
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    shade = None
    for index, row in enumerate(rows(listing), start=1):
        change, number, type_name, room_class, latin, native = row[:6]
        nationality, delegation, arrival, in_flight, departure, out_flight = row[6:12]
        first, last, nights, notes = row[12:]
        if change or number or type_name or first:  # a room's first row
            shade = LATE if "cut-off" in change else CHANGED if change else None
        if shade is not None:
            style.append(("BACKGROUND", (0, index), (-1, index), shade))
        data.append(
            [
                paragraph(change, BODY, bold=bool(change)),
                paragraph(number, BODY),
                paragraph(f"{type_name}\n{room_class}" if type_name else "", BODY),
                paragraph(latin, BODY, bold=True, whole_words=True),
                paragraph(native, BODY, whole_words=True),
                paragraph("\n".join(dict.fromkeys(filter(None, [nationality, delegation]))), BODY),
                paragraph(" ".join(filter(None, [arrival, in_flight])), BODY),
                paragraph(" ".join(filter(None, [departure, out_flight])), BODY),
                paragraph(
                    f"{first} – {last}" + (f" ({nights})" if nights else "") if first else "",
                    BODY,
                ),
                paragraph(notes, BODY),
            ]
        )
    table = Table(data, colWidths=[w * mm for _t, w in COLUMNS], repeatRows=1)
    table.setStyle(TableStyle(style))
    return table


def rooming_pdf(listing: RoomingList) -> bytes:
    register_fonts()
    hotel = listing.hotel
    buffer = io.BytesIO()
    doc = document(
        buffer,
        pagesize=landscape(A4),
        margin=10 * mm,
        title=f"Rooming list — {hotel.name_en}",
        author="EventHub",
    )
    printed = listing.printed_at.astimezone(listing.zone).strftime("%Y-%m-%d %H:%M")
    story = [
        paragraph(
            " ".join(filter(None, [hotel.name_en, hotel.name_zh])) + " · Rooming list 入住名单",
            TITLE,
            bold=True,
        ),
        paragraph(f"{_nights_title(listing)} · Printed 打印 {printed} ({listing.zone.key})", SMALL),
        paragraph(_since(listing), SMALL),
        Spacer(1, 3 * mm),
    ]
    counts = _counts_table(listing)
    if counts is not None:
        story.extend([counts, Spacer(1, 4 * mm)])
    story.append(_guest_table(listing))
    doc.build(story, canvasmaker=numbered_canvas(page_label, bottom=5 * mm))
    return buffer.getvalue()
