"""Ceremony documents: the signing register (every agreement with its parties, signatories and
witnesses, in running order, English and Chinese) and the table name cards."""

from __future__ import annotations

import io
from functools import partial

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from eventhub.ceremonies.models import Agreement
from eventhub.ceremonies.names import (
    LANGUAGE_NAMES,
    chinese_name,
    chinese_title,
    latin,
    names_in,
    original_language,
    title_in,
    unbroken,
)
from eventhub.ceremonies.signed_record import Person, label_zh, signer, witness
from eventhub.events.models import Event
from eventhub.i18n import clock_time, datetime_text
from eventhub.pdf import TextBlock, document, register_fonts, text_width, wrapped
from eventhub.pdf import paragraph as any_paragraph
from eventhub.personnames import protocol
from eventhub.scheduling.models import Activity

# Names on ceremony documents are never cut inside a word.
paragraph = partial(any_paragraph, whole_words=True)

BODY = ParagraphStyle("body", fontName="EH-Latin", fontSize=8.5, leading=11)
HEAD = ParagraphStyle("head", parent=BODY, fontSize=14, leading=19, alignment=1)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=7.5, leading=10, textColor=colors.dimgrey)


def _person_cell(person: Person | None, width: float, *, press: bool) -> list:
    """A signatory or witness as the register or the press list names them: Latin name;
    for the press also the Chinese rendering, the name in its own script and the titles."""
    if person is None:
        return [Paragraph("—", BODY)]
    cell = [wrapped(latin(person), BODY, width)]
    if not press:
        return cell
    said = chinese_name(person).strip()
    if said != unbroken(person.latin_name):
        cell.append(wrapped(said, BODY, width))
    if person.native_name and person.native_name != said:
        cell.append(paragraph(person.native_name, BODY))
    for title in dict.fromkeys(t for t in (person.position, chinese_title(person)) if t):
        cell.append(wrapped(title, SMALL, width))
    return cell


def _people_cell(people: list[Person | None], width: float, *, press: bool) -> list:
    cell: list = []
    for person in people:
        if cell:
            cell.append(Spacer(1, 1.5 * mm))
        cell += _person_cell(person, width, press=press)
    return cell or [Paragraph("—", BODY)]


def _amendments(event: Event, agreements: list[Agreement], style, *, numbered: bool) -> list:
    """After the record as signed: each correction, from what to what, why, by whom, when."""
    story: list = []
    for number, agreement in enumerate(agreements, start=1):
        for amendment in agreement.amendments:
            if not story:
                story += [
                    Spacer(1, 5 * mm),
                    paragraph("Amendments 修正记录", style, bold=True),
                ]
            story.append(
                paragraph(
                    (f"{number}. " if numbered else "")
                    + f"{agreement.title_en} — {amendment.label} {label_zh(amendment)}: "
                    + f"was 原为 {amendment.old_value or '—'}; "
                    + f"corrected to 改为 {amendment.new_value}. "
                    + f"Why 原因: {amendment.reason} "
                    + f"({amendment.actor}, {datetime_text(amendment.created_at)})",
                    style,
                )
            )
    return story


def signing_register(
    event: Event,
    ceremony: Activity,
    agreements: list[Agreement],
    *,
    signing_times: dict[int, str] | None = None,
) -> bytes:
    """The signing register; with the time each agreement is signed, the press list: the
    parties in English and Chinese, each signatory and witness by the Latin name, its Chinese
    rendering and their own script, with their titles in English and Chinese."""
    press = signing_times is not None
    heading = "媒体名单 Press list" if press else "签约名录 Signing register"
    register_fonts()
    buffer = io.BytesIO()
    doc = document(
        buffer,
        pagesize=landscape(A4),
        margin=12 * mm,
        title=f"{ceremony.title_en} — {heading}",
    )
    header = [
        paragraph(text, BODY, bold=True)
        for text in (
            "Time 时间" if press else "No. 序号",
            "Agreement 协议",
            "Parties 签约方",
            "Signatories 签字人",
            "Witnesses 见证人",
        )
    ]
    widths = [14 * mm, 80 * mm, 60 * mm, 66 * mm, 53 * mm]
    padding = 2 * 6 + 1  # the cell padding (6 pt each side) and a point to spare
    rows = [header]
    for number, agreement in enumerate(agreements, start=1):
        parties = [
            wrapped(
                f"{p.organisation.name_en} ({p.organisation.country_code})"
                + (f" {p.organisation.name_zh}" if press and p.organisation.name_zh else ""),
                BODY,
                widths[2] - padding,
            )
            for p in agreement.parties
        ]
        rows.append(
            [
                paragraph(signing_times.get(agreement.id, "") if press else str(number), BODY),
                [
                    wrapped(agreement.title_en, BODY, widths[1] - padding, bold=True),
                    wrapped(agreement.title_zh or "", BODY, widths[1] - padding),
                ],
                parties,
                _people_cell(
                    [signer(p) for p in agreement.parties], widths[3] - padding, press=press
                ),
                _people_cell(
                    [witness(w) for w in agreement.witnesses], widths[4] - padding, press=press
                ),
            ]
        )
    table = Table(rows, colWidths=widths, repeatRows=1)
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
    doc.build(
        [
            paragraph(event.name_zh + " · " + event.name_en, HEAD, bold=True),
            paragraph(f"{title} — {heading}", HEAD),
            Spacer(1, 4 * mm),
            table,
            *_amendments(event, agreements, BODY, numbered=not press),
        ]
    )
    return buffer.getvalue()


def _fitted(text: str, width: float, largest: float, *, bold: bool = False) -> TextBlock:
    """Text as large as fits the width on one line; a long name (a Bruneian title and name
    runs to 80 letters) goes to two lines rather than shrinking out of sight."""
    lines = 1
    size = largest
    while True:
        style = ParagraphStyle("card", parent=BODY, fontSize=size, leading=size * 1.3, alignment=1)
        result = paragraph(text, style, bold=bold)
        result.wrap(width, 10_000)
        fits = len(result.lines) <= lines and not result.narrowed
        if fits or size <= largest / 3:
            return result
        size -= 2
        if lines == 1 and size < largest * 0.55:
            lines, size = 2, largest * 0.75


def tent_cards(event: Event, people: list[tuple[Person, str]]) -> bytes:
    """Folded name cards for the signing table, one per A4 landscape sheet: fold along the
    middle; the upper half is printed upside down so the name reads from both sides."""
    from reportlab.pdfgen.canvas import Canvas

    register_fonts()
    buffer = io.BytesIO()
    width, height = landscape(A4)
    canvas = Canvas(buffer, pagesize=(width, height))
    canvas.setTitle(f"{event.name_en} — name cards")
    margin = 15 * mm
    for person, organisation in people:
        lines = [(latin(person, protocol.TENT_CARD), 54, True)]  # the name never split across lines
        if person.native_name:
            lines.append((person.native_name, 44, False))
        lines.append((organisation, 20, False))
        for upside_down in (False, True):
            canvas.saveState()
            if upside_down:  # the half facing the signatory, readable from their seat
                canvas.translate(width, height)
                canvas.rotate(180)
            y = height / 2 - 18 * mm
            for text, size, bold in lines:
                fitted = _fitted(text, width - 2 * margin, size, bold=bold)
                _w, used = fitted.wrap(width - 2 * margin, height / 2)
                y -= used
                fitted.drawOn(canvas, margin, y)
                y -= 4 * mm
            canvas.restoreState()
        canvas.setDash(3, 4)
        canvas.setStrokeColor(colors.grey)
        canvas.line(margin / 2, height / 2, width - margin / 2, height / 2)  # the fold
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def mc_script(event: Event, ceremony: Activity, lines, problems: list[str]) -> bytes:
    """The master of ceremonies' script: time, cue and what to say, English then Chinese."""
    register_fonts()
    buffer = io.BytesIO()
    doc = document(
        buffer,
        pagesize=A4,
        margin=14 * mm,
        title=f"{ceremony.title_en} — MC script",
    )
    say = ParagraphStyle("say", parent=BODY, fontSize=10, leading=14)
    say_width = 109 * mm - 12  # the column less its padding
    rows = [[paragraph(text, BODY, bold=True) for text in ("Time 时间", "Cue 环节", "Say 主持词")]]
    for line in lines:
        rows.append(
            [
                Paragraph(
                    clock_time(line.cue.starts_at) + f"<br/>({line.cue.minutes}′)",
                    BODY,
                ),
                [
                    wrapped(text, BODY, 55 * mm - 12)
                    for text in (line.cue.text_zh, line.cue.text_en)
                ],
                [wrapped(text, say, say_width) for text in (line.say_en, line.say_zh) if text]
                or Paragraph("—", say),
            ]
        )
    table = Table(rows, colWidths=[18 * mm, 55 * mm, 109 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#999999")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e7f1f5")),
            ]
        )
    )
    title = f"{ceremony.title_zh or ''} {ceremony.title_en}".strip()
    story = [
        paragraph(title, HEAD, bold=True),
        paragraph("主持词 Master of ceremonies' script", HEAD),
        Spacer(1, 3 * mm),
    ]
    story += [paragraph("! " + problem, BODY, bold=True) for problem in problems]
    story += [Spacer(1, 3 * mm), table]
    doc.build(story)
    return buffer.getvalue()


def cover_sheets(event: Event, ceremony: Activity, agreements: list[Agreement]) -> bytes:
    """One cover sheet per original, by the alternat rule: the original a party keeps names
    that party first, and its signatory signs in the first (left) position."""
    from reportlab.platypus import PageBreak

    register_fonts()
    buffer = io.BytesIO()
    doc = document(buffer, pagesize=A4, margin=20 * mm, title=f"{ceremony.title_en} — cover sheets")
    big = ParagraphStyle("big", parent=BODY, fontSize=16, leading=22, alignment=1)
    text = ParagraphStyle("text", parent=BODY, fontSize=11, leading=16)
    text_centred = ParagraphStyle("text_centred", parent=text, alignment=1)
    story: list = []
    for number, agreement in enumerate(agreements, start=1):
        for keeper in agreement.parties:
            order = [keeper, *(p for p in agreement.parties if p is not keeper)]
            language = original_language(
                agreement.languages.split(","),
                agreement.prevailing_language,
                keeper.organisation.country_code,
            )
            story += [
                paragraph(f"{number}. 正本 Original — {keeper.organisation.name_en}", HEAD),
                paragraph(LANGUAGE_NAMES.get(language, language), text_centred),
                Spacer(1, 8 * mm),
                paragraph(agreement.title_en, big, bold=True),
                wrapped(agreement.title_zh or "", big, A4[0] - 40 * mm),
                Spacer(1, 8 * mm),
                paragraph("Between 签约方", text, bold=True),
            ]
            story += [
                wrapped(
                    f"{i}. {p.organisation.name_en}"
                    + (f" {p.organisation.name_zh}" if p.organisation.name_zh else "")
                    + f" ({p.organisation.country_code})",
                    text,
                    A4[0] - 40 * mm,
                )
                for i, p in enumerate(order, start=1)
            ]
            blocks = []
            block_width = (A4[0] - 40 * mm) / len(order) - 14
            for p in order:
                person = signer(p)  # as signed, once signed
                blocks.append(
                    [
                        Spacer(1, 18 * mm),
                        Paragraph("_" * int(block_width / text_width("_", text.fontSize)), text),
                        *(
                            [
                                wrapped(line, text, block_width)
                                for line in names_in(person, language)
                            ]
                            if person
                            else [Paragraph("—", text)]
                        ),
                        paragraph(title_in(person, language) if person else "", text),
                        paragraph(f"For 代表 {p.organisation.name_en}", text),
                    ]
                )
            # Signature blocks side by side, this original's party on the left.
            table = Table([blocks], colWidths=[(A4[0] - 40 * mm) / len(blocks)] * len(blocks))
            table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
            story += [Spacer(1, 10 * mm), table]
            story += _amendments(event, [agreement], text, numbered=False)
            story.append(PageBreak())
    doc.build(story[:-1] if story else [paragraph("—", text)])
    return buffer.getvalue()


def ceremony_programme(event: Event, ceremony: Activity, cues) -> bytes:
    """The programme handed to guests: the ceremony's moments and, for each signing, the
    agreements with their parties, in English and Chinese."""
    register_fonts()
    buffer = io.BytesIO()
    doc = document(buffer, pagesize=A4, margin=18 * mm, title=f"{ceremony.title_en} — programme")
    text = ParagraphStyle("text", parent=BODY, fontSize=10, leading=14)
    small = ParagraphStyle("small", parent=BODY, fontSize=8.5, leading=12, textColor=colors.grey)
    rows = []
    shown: set[int] = set()
    for cue in cues:
        if cue.agreements and cue.agreements[0].id in shown:
            continue  # the steps of one signing share its line
        moment = clock_time(cue.starts_at)
        if cue.agreements:
            shown.update(a.id for a in cue.agreements)
            cell = []
            for agreement in cue.agreements:
                cell += [
                    paragraph(agreement.title_en, text, bold=True),
                    wrapped(agreement.title_zh or "", text, 154 * mm - 12),
                    paragraph(
                        " · ".join(
                            f"{p.organisation.name_en} ({p.organisation.country_code})"
                            for p in agreement.parties
                        ),
                        small,
                    ),
                    Spacer(1, 2 * mm),
                ]
        else:
            cell = [paragraph(f"{cue.text_zh}\n{cue.text_en}", text)]
        rows.append([Paragraph(moment, text), cell])
    table = Table(rows, colWidths=[20 * mm, 154 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#cccccc")),
            ]
        )
    )
    place = ceremony.room.name_en if ceremony.room else ""
    story = [
        paragraph(f"{event.name_zh} · {event.name_en}", HEAD),
        paragraph(ceremony.title_zh or "", HEAD, bold=True),
        paragraph(ceremony.title_en, HEAD, bold=True),
        paragraph(datetime_text(ceremony.starts_at) + (f" · {place}" if place else ""), HEAD),
        Spacer(1, 6 * mm),
        table,
    ]
    doc.build(story)
    return buffer.getvalue()
