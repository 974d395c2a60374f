"""How participants' categories and statuses are named on pages, in lists and in mail."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from eventhub.registration.models import Category, Status

CATEGORY_LABELS = {
    Category.OFFICIAL: _l("Official / VIP"),
    Category.DELEGATE: _l("Delegate"),
    Category.SPEAKER: _l("Speaker"),
    Category.MEDIA: _l("Media"),
    Category.INTERPRETER: _l("Interpreter"),
    Category.STAFF: _l("Staff"),
    Category.VOLUNTEER: _l("Volunteer"),
}
STATUS_LABELS = {
    Status.PENDING: _l("Pending review"),
    Status.APPROVED: _l("Approved"),
    Status.WAITLISTED: _l("Waiting list"),
    Status.REJECTED: _l("Rejected"),
    Status.WITHDRAWN: _l("Withdrawn"),
}
