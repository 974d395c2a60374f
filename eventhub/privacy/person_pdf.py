"""The readable copy of one person's export (persons.export_person): every section, in the
reader's language, every script shaped (the same TextBlocks as badges and certificates)."""

from __future__ import annotations

import io
import re
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from eventhub.pdf import MissingFont, document, numbered_canvas, paragraph, register_fonts

BODY = ParagraphStyle("body", fontName="EH-Latin", fontSize=8.5, leading=11)
KEY = ParagraphStyle("key", parent=BODY, textColor=colors.HexColor("#555555"))
TITLE = ParagraphStyle("title", parent=BODY, fontSize=16, leading=21)
HEADING = ParagraphStyle(
    "heading",
    parent=BODY,
    fontSize=12,
    leading=16,
    spaceBefore=10,
    spaceAfter=3,
    textColor=colors.HexColor("#0b5d7a"),
)
SUBHEADING = ParagraphStyle("sub", parent=BODY, fontSize=9.5, leading=13, spaceBefore=5)
WIDTH = A4[0] - 30 * mm

SECTIONS = {
    "participant": _l("Registration"),
    "privacy": _l("Consents and requests"),
    "visa": _l("Visa"),
    "badges": _l("Badges"),
    "scans": _l("Gate scans"),
    "programme": _l("Programme"),
    "agreements": _l("Agreements"),
    "certificates": _l("Certificates"),
    "records": _l("Mails, account and history"),
}
PARTS = {
    "fields": _l("Data held"),
    "delegation": _l("Delegation"),
    "organisation": _l("Organisation"),
    "consents": _l("Consents"),
    "requests": _l("Requests about the data"),
    "erasures": _l("Erasures"),
    "enrolments": _l("Enrolments"),
    "roles": _l("Roles"),
    "mails": _l("Mails sent"),
    "account": _l("User account"),
    "audit": _l("Changes recorded"),
}


_MOMENT = re.compile(r"^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(?::[\d.]+)?\+00:00$")


def _text(value: Any) -> str:
    if isinstance(value, str) and (moment := _MOMENT.match(value)):
        return f"{moment[1]} {moment[2]} UTC"  # stored UTC, said so
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    return str(value)


def _block(text: str, style, *, bold: bool = False):
    try:
        return paragraph(text, style, bold=bold)
    except MissingFont:  # a character no font has: shown as its code, never dropped
        return paragraph(text.encode("ascii", "backslashreplace").decode(), style, bold=bold)


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _grid(rows: list[list[Any]], widths: list[float], header: bool = False) -> Table:
    table = Table(
        [
            [
                _block(_text(cell), KEY if (header and r == 0) or c == 0 and not header else BODY)
                for c, cell in enumerate(row)
            ]
            for r, row in enumerate(rows)
        ],
        colWidths=widths,
        repeatRows=1 if header else 0,
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#dddddd")),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _pairs(data: dict[str, Any]) -> Table:
    return _grid([[_label(k), v] for k, v in data.items()], [0.32 * WIDTH, 0.68 * WIDTH])


def _rows(items: list[dict[str, Any]]) -> Table:
    keys = list(dict.fromkeys(k for item in items for k in item))
    # Each column as wide as its longest text needs, within bounds: serials on one line.
    needs = [min(40, max(6, len(_label(k)), *(len(_text(i.get(k))) for i in items))) for k in keys]
    widths = [WIDTH * n / sum(needs) for n in needs]
    return _grid(
        [[_label(k) for k in keys], *[[i.get(k) for k in keys] for i in items]], widths, header=True
    )


def _part(story: list, value: Any) -> None:
    if isinstance(value, dict):
        story.append(_pairs(value) if value else _block(_("None."), BODY))
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        story.append(_rows(value))
    elif isinstance(value, list):
        story.append(_block(_text(value) if value else _("None."), BODY))
    else:
        story.append(_block(_text(value), BODY))


def _section(story: list, key: str, data: Any) -> None:
    story.append(_block(str(SECTIONS.get(key, _label(key))), HEADING, bold=True))
    if isinstance(data, dict) and any(isinstance(v, dict | list) for v in data.values()):
        plain = {k: v for k, v in data.items() if not isinstance(v, dict | list)}
        if plain:
            story.append(_pairs(plain))
        for name, value in data.items():
            if isinstance(value, dict | list):
                story.append(_block(str(PARTS.get(name, _label(name))), SUBHEADING, bold=True))
                _part(story, value)
    else:
        _part(story, data)


def _person_name(export: dict[str, Any]) -> str:
    fields = export["sections"].get("participant", {}).get("fields", {})
    latin = " ".join(p for p in (fields.get("given_name"), fields.get("family_name")) if p)
    native = fields.get("native_name") or fields.get("name_zh") or ""
    return " / ".join(p for p in (native, latin) if p) or f"#{export['participant_id']}"


def render(export: dict[str, Any], *, locale: str = "en") -> bytes:
    """An A4 PDF: title, the person, the event and the date of the export, then each
    section with its heading and its rows."""
    register_fonts()
    buffer = io.BytesIO()
    with force_locale(locale):
        title = _("Personal data held about one person")
        doc = document(buffer, pagesize=A4, margin=15 * mm, title=title)
        event = export["sections"].get("participant", {}).get("event") or export["event"]
        story: list = [
            _block(title, TITLE, bold=True),
            _pairs(
                {
                    _("Person"): _person_name(export),
                    _("Event"): event,
                    _("Exported at"): export["exported_at"],
                }
            ),
            Spacer(1, 4 * mm),
        ]
        sections = export["sections"]
        for key in sorted(
            sections, key=lambda k: (list(SECTIONS).index(k) if k in SECTIONS else 99, k)
        ):
            _section(story, key, sections[key])
        label = _("Page %(page)d of %(pages)d", page=0, pages=0).replace("0", "{}", 2)
        doc.build(
            story,
            canvasmaker=numbered_canvas(lambda page, pages: label.format(page, pages)),
        )
    return buffer.getvalue()
