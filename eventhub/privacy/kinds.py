"""The purposes a registrant consents to, and the kinds of personal data kept for a time.

Both are closed lists: a purpose or kind is a code change (its label, its notice, who
erases it), never a row an organiser invents.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from eventhub import clock


class Purpose(enum.StrEnum):
    REGISTRATION = "registration"  # required: without it nobody can register
    PHOTO = "photo"  # the photo printed on the badge and shown at the gates
    SHARE_HEADS = "share_heads"  # name, position and country shown to other delegations' heads
    PUBLIC_LIST = "public_list"  # the public list of participants
    MARKETING = "marketing"  # invitations to later weeks
    # PIPL art. 39: a separate consent, never pre-ticked, for data sent outside China.
    TRANSFER_ABROAD = "transfer_abroad"


PURPOSE_LABELS = {
    Purpose.REGISTRATION: _l("Registration for the event"),
    Purpose.PHOTO: _l("My photo on my badge and on the gate staff's screens"),
    Purpose.SHARE_HEADS: _l("My name, position and country shown to other delegations' heads"),
    Purpose.PUBLIC_LIST: _l("My name in the public list of participants"),
    Purpose.MARKETING: _l("Invitations to later weeks"),
    Purpose.TRANSFER_ABROAD: _l("Transfer of my personal data outside China"),
}
REQUIRED_PURPOSES = frozenset({Purpose.REGISTRATION})
# Why a gate shows no photo of someone who has one.
PHOTO_DECLINED = _l("This person has not agreed to their photo being shown.")


class Kind(enum.StrEnum):
    """Kinds of personal data, each erased a number of days after the event ends (imports:
    after the upload)."""

    PASSPORT = "passport"
    HEALTH = "health"
    TRAVEL = "travel"
    PHOTOS = "photos"
    SCANS = "scans"
    IMPORTS = "imports"
    IDENTITY = "identity"


KIND_LABELS = {
    Kind.PASSPORT: _l("Passport and visa data"),
    Kind.HEALTH: _l("Dietary and health needs"),
    Kind.TRAVEL: _l("Travel and hotel"),
    Kind.PHOTOS: _l("Photos"),
    Kind.SCANS: _l("Gate scans and admissions"),
    Kind.IMPORTS: _l("Uploaded list files"),
    Kind.IDENTITY: _l("Names and contacts (the whole person)"),
}
KIND_DESCRIPTIONS = {
    Kind.PASSPORT: _l(
        "Passport number, date of birth, passport expiry and name, nationality, visa notes."
    ),
    Kind.HEALTH: _l("Diet (halal, vegetarian…), allergies, dietary notes and accessibility needs."),
    Kind.TRAVEL: _l("Arrival and departure flights, dates, airports and hotel."),
    Kind.PHOTOS: _l("Portrait photos for badges and gates, and uploads not yet used."),
    Kind.SCANS: _l(
        "Who passed which gate and when; the counts per checkpoint stay, without the person."
    ),
    Kind.IMPORTS: _l("Lists uploaded by organisers: deleted once imported, or after this."),
    Kind.IDENTITY: _l(
        "Everything else: the person is erased, an attendance count and certificate serials "
        "stay without the name."
    ),
}
# Days after the event ends (IMPORTS: after the upload) unless the event sets its own.
DEFAULT_DAYS = {
    Kind.PASSPORT: 30,
    Kind.HEALTH: 30,
    Kind.TRAVEL: 60,
    Kind.PHOTOS: 90,
    Kind.SCANS: 180,
    Kind.IMPORTS: 1,
    Kind.IDENTITY: 730,
}
MAX_DAYS = 3650


def event_today(event) -> date:
    """Today in the event's zone, on the (test-movable) clock."""
    return clock.today_in(ZoneInfo(event.timezone))


def erase_after(event, days: int) -> date:
    """The first day on which data kept `days` after the event's end is due."""
    return event.ends_on + timedelta(days=days + 1)


def is_due(event, days: int) -> bool:
    """Data kept `days` days after the event's last day is due from the day after that."""
    return event_today(event) >= erase_after(event, days)


def uploaded_before(days: int) -> datetime:
    """Uploads made before this moment are past their date (IMPORTS)."""
    return clock.now() - timedelta(days=days)
