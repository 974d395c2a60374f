"""A person's own agenda as a PDF, written in their language: what they enrolled in, their
duties and places, by day. The printed programme handed to everyone stays English and
Chinese (scheduling.pdf)."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from eventhub.events.models import Event
from eventhub.i18n import date_range, local_date, localized, time_range
from eventhub.pdf import document, numbered_canvas, paragraph, register_fonts
from eventhub.registration.models import Participant
from eventhub.scheduling.agenda import AgendaItem
from eventhub.scheduling.models import ActivityState, EnrolmentStatus
from eventhub.scheduling.pdf import DAY_TABLE

BODY = ParagraphStyle("agenda-body", fontName="EH-Latin", fontSize=9.5, leading=13)
SMALL = ParagraphStyle(
    "agenda-small", parent=BODY, fontSize=8.5, leading=11.5, textColor=colors.HexColor("#555555")
)
TITLE = ParagraphStyle("agenda-title", parent=BODY, fontSize=16, leading=22)
DAY = ParagraphStyle(
    "agenda-day", parent=BODY, fontSize=12, leading=17, textColor=colors.HexColor("#0b5d7a")
)


def _p(text: str, style: ParagraphStyle = BODY, *, bold: bool = False):
    return paragraph(text, style, bold=bold, prose=True)


def _notes(item: AgendaItem, overlapping: set[int]) -> list[str]:
    """What the person reads under an activity: their role, their seat, their enrolment."""
    notes = [str(duty) for duty in item.duties] + [str(place) for place in item.places]
    if item.enrolment is not None:
        notes.append(
            _("Enrolled")
            if item.enrolment.status == EnrolmentStatus.ENROLLED
            else _("On the waiting list")
        )
    if item.activity.id in overlapping:
        notes.append(_("Overlaps"))
    if item.activity.state == ActivityState.CANCELLED:
        notes.append(_("Cancelled by the organisers"))
    return notes


def _row(item: AgendaItem, overlapping: set[int]) -> list:
    activity = item.activity
    room = activity.room
    details = [_p(localized(activity, "title"), BODY, bold=True)]
    if room:
        where = (localized(room, "name"), localized(room.venue, "name"))
        details.append(_p(" · ".join(dict.fromkeys(x for x in where if x)), SMALL))
    notes = _notes(item, overlapping)
    if notes:
        details.append(_p(" · ".join(notes), SMALL))
    when = time_range(activity.starts_at, activity.ends_at) if activity.starts_at else ""
    return [_p(when, BODY), details]


def _table(heading: str, rows: list[list]) -> Table:
    table = Table(
        [[_p(heading, DAY, bold=True), ""], *rows],
        colWidths=[36 * mm, 138 * mm],
        repeatRows=1,
        hAlign="LEFT",
    )
    table.setStyle(TableStyle(DAY_TABLE))
    return table


def agenda_pdf(
    event: Event,
    participant: Participant,
    items: list[AgendaItem],
    overlapping: set[int],
    locale: str,
) -> bytes:
    """The agenda in `locale`: labels through the catalogues, titles, rooms and the event's
    name through `localized`, dates and times through eventhub.i18n. Times are on the
    event's clock (the request's zone is the event's)."""
    register_fonts()
    zone = ZoneInfo(event.timezone)
    buffer = io.BytesIO()
    with force_locale(locale):
        name = localized(event, "name")
        doc = document(
            buffer,
            pagesize=A4,
            margin=15 * mm,
            title=f"{name} — {_('My agenda')}",
            author=name,
        )
        story: list = [
            _p(_("My agenda"), TITLE, bold=True),
            _p(participant.latin_name, BODY, bold=True),
            _p(f"{name} · {date_range(event.starts_on, event.ends_on)}", SMALL),
            Spacer(1, 2 * mm),
        ]
        if not items:
            story.append(_p(_("Your agenda is empty. Add activities from the programme.")))
        full_date = local_date
        days: dict = {}
        for item in items:
            start = item.activity.starts_at
            days.setdefault(start.astimezone(zone).date() if start else None, []).append(item)
        for day, on_day in days.items():
            # The day written in full as the programme page heads it (`|date('full')`,
            # eventhub.i18n): a calendar the reader's language asks for comes with it.
            heading = full_date(day, "full") if day else _("Time to be announced")
            story.append(_table(heading, [_row(item, overlapping) for item in on_day]))
        doc.build(
            story,
            canvasmaker=numbered_canvas(
                lambda page, pages: _("Page %(page)d of %(pages)d", page=page, pages=pages),
                bottom=8 * mm,
            ),
        )
    return buffer.getvalue()
