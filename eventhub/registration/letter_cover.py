"""The covering page of a person's own visa letter, in their language: what the letter is,
that the embassy reads its English and Chinese pages, what to take there, that it names their
passport number, and whom to ask. The letter itself stays English and Chinese (letters)."""

from __future__ import annotations

import re

from flask_babel import force_locale
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import HRFlowable, Spacer

from eventhub.events.models import Event
from eventhub.i18n import date_range, localized
from eventhub.pdf import paragraph
from eventhub.registration.models import Participant

BODY = ParagraphStyle("cover-body", fontName="EH-Latin", fontSize=11, leading=17)
ITEM = ParagraphStyle("cover-item", parent=BODY, leftIndent=0, spaceBefore=1 * mm)
EVENT = ParagraphStyle(
    "cover-event", parent=BODY, fontSize=10, leading=15, textColor=colors.HexColor("#444444")
)
TITLE = ParagraphStyle("cover-title", parent=BODY, fontSize=16, leading=24)
HEADING = ParagraphStyle(
    "cover-heading", parent=BODY, fontSize=12, leading=18, spaceBefore=5 * mm, spaceAfter=1 * mm
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def contact_email(event: Event) -> str:
    """The address written in the event's contact for the embassies, if there is one."""
    found = _EMAIL.search(event.letter_contact or "")
    return found.group(0) if found else ""


def _p(text: str, style: ParagraphStyle = BODY, *, bold: bool = False):
    return paragraph(text, style, bold=bold, prose=True)


def covering_page(event: Event, person: Participant, locale: str, reference: str) -> list:
    """The page's flowables, written in `locale`."""
    with force_locale(locale):
        event_name = localized(event, "name")
        email = contact_email(event)
        return [
            _p(event_name, EVENT, bold=True),
            _p(date_range(event.starts_on, event.ends_on), EVENT),
            HRFlowable(
                width="100%",
                thickness=1,
                color=colors.HexColor("#0b5d7a"),
                spaceBefore=2 * mm,
                spaceAfter=4 * mm,
            ),
            _p(_("Your visa invitation letter"), TITLE, bold=True),
            _p(
                _(
                    "For %(name)s · reference %(reference)s",
                    name=person.latin_name,
                    reference=reference,
                ),
                EVENT,
            ),
            Spacer(1, 4 * mm),
            _p(
                _(
                    "The next pages are your letter of invitation from the organisers of "
                    "%(event)s, for your Chinese visa application.",
                    event=event_name,
                )
            ),
            Spacer(1, 2 * mm),
            _p(
                _(
                    "The embassy or consulate of China reads the letter's English and Chinese "
                    "pages. This page is for you only: you need not hand it in."
                )
            ),
            _p(_("What to take to the embassy or consulate"), HEADING, bold=True),
            _p("• " + _("Your passport, valid for at least six more months."), ITEM),
            _p("• " + _("This letter, printed (the English and Chinese pages)."), ITEM),
            _p("• " + _("The visa application form, filled in and signed."), ITEM),
            _p(_("Keep the letter private"), HEADING, bold=True),
            _p(
                _(
                    "The letter gives your passport number and date of birth. Show it only to "
                    "the embassy or consulate, and do not post it or share it online."
                )
            ),
            _p(_("Questions"), HEADING, bold=True),
            _p(
                _(
                    "If something in the letter is wrong or you have a question, write to "
                    "%(email)s.",
                    email=email,
                )
                if email
                else _(
                    "If something in the letter is wrong or you have a question, ask the "
                    "organisers of the event."
                )
            ),
        ]
