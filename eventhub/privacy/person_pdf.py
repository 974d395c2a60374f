"""The readable copy of one person's export (persons.export_person): every section, in the
reader's language, every script shaped (the same TextBlocks as badges and certificates).

Keys and codes are named by each domain's Reading (readable.py): labels instead of keys,
countries, languages, purposes and statuses by their names, internal ids left to the JSON.
Times are on the event's clock, its zone named once at the top."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from eventhub.i18n import medium_date, timezone_name, zoned_datetime
from eventhub.pdf import (
    MissingFont,
    document,
    numbered_canvas,
    paragraph,
    register_fonts,
    text_width,
    widest_word,
)
from eventhub.privacy.readable import Reading, readings

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
PAD = 4  # a cell's padding on each side
LONG_TEXT = 120  # a cell longer than this turns a table into one block per row

_MOMENT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")
_DAY = re.compile(r"^\d{4}-\d\d-\d\d$")
_NONE = Reading(title="", labels={}, order=99)


class _Reader:
    """Names keys and values of one section in the reader's language, times on `zone`."""

    def __init__(self, reading: Reading, zone: str) -> None:
        self.reading, self.zone = reading, zone

    def label(self, key: str) -> str:
        label = self.reading.labels.get(key)
        return str(label) if label is not None else key.replace("_", " ").capitalize()

    def shown(self, data: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in data.items() if k not in self.reading.hidden}

    def text(self, value: Any, key: str | None = None) -> str:
        naming = self.reading.values.get(key) if key else None
        if naming is not None and value not in (None, ""):
            if callable(naming):
                return naming(value) or "—"
            if value in naming:
                return str(naming[value])
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, str) and _MOMENT.match(value):
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is None:  # stored UTC
                moment = moment.replace(tzinfo=UTC)
            return zoned_datetime(moment, self.zone)
        if isinstance(value, str) and _DAY.match(value):
            return medium_date(date.fromisoformat(value))
        if isinstance(value, dict):
            return "; ".join(f"{self.label(k)}: {self.text(v, k)}" for k, v in value.items())
        if isinstance(value, list):
            return ", ".join(self.text(v, key) for v in value)
        return str(value)


def _block(text: str, style, *, bold: bool = False):
    try:
        return paragraph(text, style, bold=bold, whole_words=True)
    except MissingFont:  # a character no font has: shown as its code, never dropped
        return paragraph(
            text.encode("ascii", "backslashreplace").decode(), style, bold=bold, whole_words=True
        )


def _grid(rows: list[list[str]], widths: list[float], *, header: bool = False) -> Table:
    table = Table(
        [
            [
                _block(cell, KEY if (header and r == 0) or (c == 0 and not header) else BODY)
                for c, cell in enumerate(row)
            ]
            for r, row in enumerate(rows)
        ],
        colWidths=widths,
        repeatRows=1 if header else 0,
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#dddddd")),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LEFTPADDING", (0, 0), (-1, -1), PAD),
                ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
            ]
        )
    )
    return table


def _least(texts: list[str]) -> float:
    """The narrowest a column of `texts` may be: its widest unbreakable word, padded."""
    return max(widest_word(t, BODY.fontSize) for t in texts) + 2 * PAD + 1


def _most(texts: list[str]) -> float:
    """The width a column of `texts` needs to keep every text on one line."""
    return max(text_width(t, BODY.fontSize) for t in texts) + 2 * PAD + 1


def _widths(columns: list[list[str]]) -> list[float] | None:
    """Column widths within the page: each at least its widest word, the room left given
    to the columns that would wrap; None when even the words do not fit side by side."""
    least = [_least(c) for c in columns]
    most = [max(n, _most(c)) for n, c in zip(least, columns, strict=True)]
    if sum(least) > WIDTH:
        return None
    if sum(most) <= WIDTH:  # room to spare: every column a little wider, the page's width
        return [m * WIDTH / sum(most) for m in most]
    spare, wanted = WIDTH - sum(least), sum(m - n for m, n in zip(most, least, strict=True))
    return [n + spare * (m - n) / wanted for m, n in zip(most, least, strict=True)]


def _pairs(reader: _Reader, data: dict[str, Any]):
    """Label and value, one row each; what is empty (not held) is left out."""
    rows = [
        [reader.label(k), reader.text(v, k)]
        for k, v in reader.shown(data).items()
        if v not in (None, "")
    ]
    if not rows:
        return _block(_("None."), BODY)
    first = min(max(_most([r[0] for r in rows]), 0.3 * WIDTH), 0.4 * WIDTH)
    return _grid(rows, [first, WIDTH - first])


def _rows(story: list, reader: _Reader, items: list[dict[str, Any]]) -> None:
    """A table, one row per item, when its columns fit; else one block of pairs each."""
    shown = [reader.shown(i) for i in items]
    keys = list(dict.fromkeys(k for item in shown for k in item))
    rows = [[reader.text(i.get(k), k) for k in keys] for i in shown]
    columns = [[reader.label(k), *(r[c] for r in rows)] for c, k in enumerate(keys)]
    widths = (
        _widths(columns) if all(len(cell) <= LONG_TEXT for row in rows for cell in row) else None
    )
    if widths is None:
        for item in shown:
            story.extend((_pairs(reader, item), Spacer(1, 2 * mm)))
        return
    story.append(_grid([[reader.label(k) for k in keys], *rows], widths, header=True))


def _part(story: list, reader: _Reader, value: Any) -> None:
    if isinstance(value, dict):
        story.append(_pairs(reader, value) if value else _block(_("None."), BODY))
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        _rows(story, reader, value)
    elif isinstance(value, list):
        story.append(_block(reader.text(value) if value else _("None."), BODY))
    else:
        story.append(_block(reader.text(value), BODY))


def _section(story: list, reader: _Reader, key: str, data: Any) -> None:
    story.append(_block(str(reader.reading.title or reader.label(key)), HEADING, bold=True))
    if isinstance(data, dict) and any(isinstance(v, dict | list) for v in data.values()):
        plain = {
            k: v
            for k, v in reader.shown(data).items()
            if not isinstance(v, dict | list) and v not in (None, "")
        }
        if plain:
            story.append(_pairs(reader, plain))
        for name, value in reader.shown(data).items():
            if isinstance(value, dict | list):
                story.append(_block(reader.label(name), SUBHEADING, bold=True))
                _part(story, reader, value)
    else:
        _part(story, reader, data)


def _person_name(export: dict[str, Any]) -> str:
    fields = export["sections"].get("participant", {}).get("fields", {})
    latin = " ".join(p for p in (fields.get("given_name"), fields.get("family_name")) if p)
    native = fields.get("native_name") or fields.get("name_zh") or ""
    return " / ".join(p for p in (native, latin) if p) or f"#{export['participant_id']}"


def render(event, export: dict[str, Any], *, locale: str = "en") -> bytes:
    """An A4 PDF in `locale`: title, the person, the event, the date of the export and the
    zone its times are on, then each section with its heading and its rows."""
    register_fonts()
    buffer = io.BytesIO()
    zone = event.timezone
    with force_locale(locale):
        named = readings(event)
        title = _("Personal data held about one person")
        doc = document(buffer, pagesize=A4, margin=15 * mm, title=title)
        head = _Reader(_NONE, zone)
        story: list = [
            _block(title, TITLE, bold=True),
            _grid(
                [
                    [_("Person"), _person_name(export)],
                    [_("Event"), " / ".join(n for n in (event.name_en, event.name_zh) if n)],
                    [_("Exported at"), head.text(export["exported_at"])],
                    [_("Times are in"), timezone_name(zone)],
                ],
                [0.25 * WIDTH, 0.75 * WIDTH],
            ),
            Spacer(1, 4 * mm),
        ]
        sections = export["sections"]
        for key in sorted(sections, key=lambda k: (named.get(k, _NONE).order, k)):
            _section(story, _Reader(named.get(key, _NONE), zone), key, sections[key])
        label = _("Page %(page)d of %(pages)d", page=0, pages=0).replace("0", "{}", 2)
        doc.build(
            story,
            canvasmaker=numbered_canvas(lambda page, pages: label.format(page, pages)),
        )
    return buffer.getvalue()
