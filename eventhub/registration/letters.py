"""Visa invitation letters (A4, English and Chinese) for one participant or a delegation."""

from __future__ import annotations

import io
from datetime import date

from flask_babel import lazy_gettext as _l
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    HRFlowable,
    PageBreak,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from eventhub import crypto
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.pdf import TextBlock, paragraph, register_fonts
from eventhub.registration.letter_cover import covering_page
from eventhub.registration.models import Participant, Status

BODY = ParagraphStyle("body", fontName="EH-Latin", fontSize=10.5, leading=15)
SMALL = ParagraphStyle(
    "small", parent=BODY, fontSize=8.5, leading=11, textColor=colors.HexColor("#444444")
)
HEAD = ParagraphStyle("head", parent=BODY, fontSize=15, leading=20, alignment=1)
TITLE = ParagraphStyle(
    "title",
    parent=BODY,
    fontSize=13,
    leading=18,
    alignment=1,
    spaceBefore=4 * mm,
    spaceAfter=4 * mm,
)
CELL = ParagraphStyle("cell", parent=BODY, fontSize=9.5, leading=12)


def _p(text: str, style: ParagraphStyle = BODY, *, bold: bool = False) -> TextBlock:
    return paragraph(text, style, bold=bold)


def _d(day: date | None) -> str:
    return day.isoformat() if day else "—"


def _venue_address(event) -> str:
    """The venue's address in both languages for the letterhead, each once."""
    return " / ".join(dict.fromkeys(t for t in (event.venue_address, event.venue_address_zh) if t))


def _zh_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def letter_reference(event: Event, participant: Participant) -> str:
    return f"{event.slug.upper()}-VL-{participant.id:06d}"


def _passport_name(person: Participant) -> str:
    """'NGUYỄN Thị Hương / NGUYEN THI HUONG': the name, and as the passport's machine-readable
    zone writes it when that differs (what the visa officer compares)."""
    machine = person.mrz_name
    written = person.latin_name
    return written if machine == written.upper() else f"{written} / {machine}"


def _letter(event: Event, person: Participant, issued: date) -> list:
    """The flowables of one letter."""
    issuer_en = event.letter_issuer_en or f"Organising Committee of the {event.name_en}"
    issuer_zh = event.letter_issuer_zh or f"{event.name_zh}组委会"
    stay = (
        f"{_d(person.arrival_date or event.starts_on)} – "
        f"{_d(person.departure_date or event.ends_on)}"
    )
    nationality = person.nationality.name_en if person.nationality else "—"
    nationality_zh = person.nationality.name_zh if person.nationality else "—"
    organisation = person.organisation.name_en if person.organisation else "—"
    details = [
        ("Name (as in passport) 姓名", _passport_name(person)),
        ("Date of birth 出生日期", crypto.decrypt(person.date_of_birth_encrypted) or "—"),
        ("Nationality 国籍", f"{nationality} {nationality_zh}"),
        ("Passport number 护照号码", crypto.decrypt(person.passport_number_encrypted) or "—"),
        ("Passport valid until 护照有效期至", _d(person.passport_expiry)),
        ("Organisation 单位", organisation),
        ("Position 职务", person.position or "—"),
        ("Intended stay in China 在华停留时间", stay),
    ]
    table = Table(
        [[_p(label, CELL, bold=True), _p(value, CELL)] for label, value in details],
        colWidths=[62 * mm, 104 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f1f4f6")),
            ]
        )
    )
    city_dates = (
        f"{event.city_en}, China, from {event.starts_on.strftime('%d %B %Y')} to "
        f"{event.ends_on.strftime('%d %B %Y')}"
    )
    return [
        _p(issuer_zh, HEAD, bold=True),
        _p(issuer_en, HEAD, bold=True),
        _p(event.letter_contact or _venue_address(event), SMALL),
        HRFlowable(
            width="100%",
            thickness=1,
            color=colors.HexColor("#0b5d7a"),
            spaceBefore=2 * mm,
            spaceAfter=3 * mm,
        ),
        _p(
            f"Ref. {letter_reference(event, person)}    {issued.strftime('%d %B %Y')} / "
            f"{_zh_date(issued)}",
            SMALL,
        ),
        _p("邀请函 · Letter of Invitation", TITLE, bold=True),
        _p(
            "To the Embassy or Consulate General of the People's Republic of China: "
            "中华人民共和国驻外使领馆："
        ),
        Spacer(1, 3 * mm),
        _p(
            f"On behalf of the {issuer_en.removeprefix('The ')}, we have the pleasure of "
            f"inviting the person below to attend the {event.name_en}, held in {city_dates}. "
            f"We kindly ask you to issue the appropriate visa."
        ),
        Spacer(1, 2 * mm),
        _p(
            f"{issuer_zh}诚挚邀请下列人员出席于{_zh_date(event.starts_on)}至"
            f"{_zh_date(event.ends_on)}在中国{event.city_zh or event.city_en}举行的"
            f"{event.name_zh}，请予办理相应签证为盼。"
        ),
        Spacer(1, 4 * mm),
        table,
        Spacer(1, 10 * mm),
        _p(event.letter_signatory or "", BODY, bold=True),
        _p(
            " · ".join(
                t for t in (event.letter_signatory_title_en, event.letter_signatory_title_zh) if t
            ),
            BODY,
        ),
        _p(f"{issuer_en} / {issuer_zh}", SMALL),
    ]


def may_have_letter(person: Participant) -> bool:
    """An official invitation vouches for the person: only an approved registration gets one."""
    return person.status == Status.APPROVED


def with_letters(people: list[Participant]) -> tuple[list[Participant], list[Participant]]:
    """Who gets a letter (approved, asked for one, gave the passport details), and who asked
    for one but is left out because the registration is not approved."""
    asked = [p for p in people if p.visa_letter_requested and p.passport_number_encrypted]
    return (
        [p for p in asked if may_have_letter(p)],
        [p for p in asked if not may_have_letter(p)],
    )


def visa_letters_pdf(
    event: Event, people: list[Participant], *, issued: date, covering_locale: str | None = None
) -> bytes:
    """One page per approved participant who asked for a letter and gave the passport
    details; the others are left out (see with_letters). `covering_locale` (a person's own
    download): each letter comes after a covering page for its reader, in that language
    (letter_cover); prints for the embassies have none."""
    wanted, _left_out = with_letters(people)
    if not wanted:
        raise DomainError(
            _l("No approved participant here has asked for a visa letter with passport details.")
        )
    register_fonts()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{event.name_en} — visa invitation letters",
        author=event.letter_issuer_en or event.name_en,
        subject=", ".join(p.latin_name for p in wanted)[:500],
    )
    story: list = []
    for index, person in enumerate(wanted):
        if index:
            story.append(PageBreak())
        if covering_locale:
            reference = letter_reference(event, person)
            story.extend(covering_page(event, person, covering_locale, reference))
            story.append(PageBreak())
        story.extend(_letter(event, person, issued))
    document.build(story)
    return buffer.getvalue()
