"""The printable programme: A4, by day, English and Chinese, its pages numbered in both."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from eventhub.events.models import Event
from eventhub.i18n import clock_time, date_interval, local_date
from eventhub.pdf import document, numbered_canvas, paragraph, register_fonts
from eventhub.scheduling.activities import days_of, on_day
from eventhub.scheduling.models import Activity

BODY = ParagraphStyle("body", fontName="EH-Latin", fontSize=8.5, leading=11)
SMALL = ParagraphStyle(
    "small", parent=BODY, fontSize=7.5, leading=9.5, textColor=colors.HexColor("#555555")
)
TITLE = ParagraphStyle("title", parent=BODY, fontSize=16, leading=21, alignment=1)
DAY = ParagraphStyle(
    "day",
    parent=BODY,
    fontSize=12,
    leading=16,
    textColor=colors.HexColor("#0b5d7a"),
)
# A day's table: its heading row across the columns, a hairline under each activity (the
# printed programme's and a person's own agenda's).
DAY_TABLE = [
    ("SPAN", (0, 0), (-1, 0)),
    ("LEFTPADDING", (0, 0), (-1, 0), 0),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#cccccc")),
    ("TOPPADDING", (0, 0), (-1, -1), 3),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ("TOPPADDING", (0, 0), (-1, 0), 4 * mm),
]
# Both languages on every line: the programme is handed to guests and hosts alike.
LANGUAGES = ("en", "zh_Hans")


def page_label(page: int, pages: int) -> str:
    return f"Page {page} of {pages} · 第{page}页，共{pages}页"


def _clock(moment, zone: ZoneInfo) -> str:
    """The time the app writes everywhere (eventhub.i18n.clock_time), on the event's clock:
    the local time of day, so the reader's own zone is never applied to it again."""
    return clock_time(moment.astimezone(zone).time())


def _both(english: str, chinese: str) -> str:
    return f"{english} {chinese}" if chinese and chinese != english else english


def programme_pdf(event: Event, activities: list[Activity]) -> bytes:
    register_fonts()
    zone = ZoneInfo(event.timezone)
    buffer = io.BytesIO()
    doc = document(
        buffer,
        pagesize=A4,
        margin=15 * mm,
        title=f"{event.name_en} — programme",
        author=event.name_en,
    )
    story = [
        paragraph(event.name_zh, TITLE, bold=True),
        paragraph(event.name_en, TITLE, bold=True),
        paragraph(
            (
                " · ".join(
                    [
                        _both(event.city_en, event.city_zh),
                        *(
                            date_interval(event.starts_on, event.ends_on, "yMMMd", locale)
                            for locale in LANGUAGES
                        ),
                        "Programme 日程",
                    ]
                )
            ),
            SMALL,
        ),
    ]
    for day in days_of(event):
        items = on_day(event, activities, day)
        if not items:
            continue
        # The day heads its table and is repeated on a page the day runs on to.
        heading = " · ".join(local_date(day, "full", locale) for locale in LANGUAGES)
        rows: list[list] = [[paragraph(heading, DAY, bold=True), "", ""]]
        for activity in items:
            start, end = _clock(activity.starts_at, zone), _clock(activity.ends_at, zone)
            room = activity.room
            where = (
                [_both(room.name_en, room.name_zh), _both(room.venue.name_en, room.venue.name_zh)]
                if room
                else []
            )
            rows.append(
                [
                    paragraph(f"{start}–{end}", BODY),
                    [
                        paragraph(activity.title_en, BODY, bold=True),
                        paragraph(activity.title_zh or "", BODY),
                    ],
                    paragraph("\n".join(where), SMALL),
                ]
            )
        table = Table(rows, colWidths=[22 * mm, 105 * mm, 53 * mm], repeatRows=1)
        table.setStyle(TableStyle(DAY_TABLE))
        story.extend([table, Spacer(1, 2 * mm)])
    doc.build(story, canvasmaker=numbered_canvas(page_label, bottom=8 * mm))
    return buffer.getvalue()
