"""The printable programme: A4, by day, English and Chinese."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from eventhub.events.models import Event
from eventhub.pdf import document, markup, register_fonts
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
    spaceBefore=5 * mm,
    spaceAfter=2 * mm,
    textColor=colors.HexColor("#0b5d7a"),
)
WEEKDAYS_ZH = "一二三四五六日"


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
        Paragraph(markup(event.name_zh, bold=True), TITLE),
        Paragraph(markup(event.name_en, bold=True), TITLE),
        Paragraph(
            markup(
                f"{event.city_en} · {event.starts_on.isoformat()} – "
                f"{event.ends_on.isoformat()} · 日程 Programme"
            ),
            SMALL,
        ),
    ]
    for day in days_of(event):
        items = on_day(event, activities, day)
        if not items:
            continue
        story.append(
            Paragraph(
                markup(
                    f"{day.strftime('%A %d %B %Y')} · {day.year}年{day.month}月{day.day}日 "
                    f"星期{WEEKDAYS_ZH[day.weekday()]}",
                    bold=True,
                ),
                DAY,
            )
        )
        rows = []
        for activity in items:
            start = activity.starts_at.astimezone(zone).strftime("%H:%M")
            end = activity.ends_at.astimezone(zone).strftime("%H:%M")
            where = (
                f"{activity.room.name_en} {activity.room.name_zh}<br/>{activity.room.venue.name_en}"
                if activity.room
                else ""
            )
            rows.append(
                [
                    Paragraph(markup(f"{start}–{end}"), BODY),
                    Paragraph(
                        markup(activity.title_en, bold=True)
                        + "<br/>"
                        + markup(activity.title_zh or ""),
                        BODY,
                    ),
                    Paragraph(markup(where.replace("<br/>", "\n")).replace("\n", "<br/>"), SMALL),
                ]
            )
        table = Table(rows, colWidths=[22 * mm, 105 * mm, 53 * mm], repeatRows=0)
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#cccccc")),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        story.extend([table, Spacer(1, 2 * mm)])
    doc.build(story)
    return buffer.getvalue()
