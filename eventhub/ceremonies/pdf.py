"""The signing register of a ceremony: every agreement with its parties, signatories and
witnesses, in running order, English and Chinese."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from eventhub.ceremonies.models import Agreement
from eventhub.events.models import Event
from eventhub.pdf import markup, register_fonts
from eventhub.scheduling.models import Activity

BODY = ParagraphStyle("body", fontName="EH-Latin", fontSize=8.5, leading=11)
HEAD = ParagraphStyle("head", parent=BODY, fontSize=14, leading=19, alignment=1)


def _names(people: list[str]) -> str:
    return "<br/>".join(markup(name) for name in people) or "—"


def signing_register(event: Event, ceremony: Activity, agreements: list[Agreement]) -> bytes:
    register_fonts()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"{ceremony.title_en} — signing register",
    )
    header = [
        Paragraph(markup(text, bold=True), BODY)
        for text in (
            "No. 序号",
            "Agreement 协议",
            "Parties 签约方",
            "Signatories 签字人",
            "Witnesses 见证人",
        )
    ]
    rows = [header]
    for number, agreement in enumerate(agreements, start=1):
        rows.append(
            [
                Paragraph(str(number), BODY),
                Paragraph(
                    markup(agreement.title_en, bold=True)
                    + "<br/>"
                    + markup(agreement.title_zh or ""),
                    BODY,
                ),
                Paragraph(
                    _names(
                        [
                            f"{p.organisation.name_en} ({p.organisation.country_code})"
                            for p in agreement.parties
                        ]
                    ),
                    BODY,
                ),
                Paragraph(
                    _names(
                        [
                            f"{p.signatory.honorific} {p.signatory.latin_name}".strip()
                            if p.signatory
                            else "—"
                            for p in agreement.parties
                        ]
                    ),
                    BODY,
                ),
                Paragraph(
                    _names(
                        [
                            f"{w.participant.honorific} {w.participant.latin_name}".strip()
                            for w in agreement.witnesses
                        ]
                    ),
                    BODY,
                ),
            ]
        )
    table = Table(rows, colWidths=[14 * mm, 95 * mm, 70 * mm, 50 * mm, 44 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#999999")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e7f1f5")),
            ]
        )
    )
    title = f"{ceremony.title_zh or ''} {ceremony.title_en}".strip()
    document.build(
        [
            Paragraph(markup(event.name_zh + " · " + event.name_en, bold=True), HEAD),
            Paragraph(markup(title + " — 签约名录 Signing register"), HEAD),
            Spacer(1, 4 * mm),
            table,
        ]
    )
    return buffer.getvalue()
