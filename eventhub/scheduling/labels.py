"""How enrolments' statuses and people's roles in an activity are named on pages and in a
person's readable export."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from eventhub.scheduling.models import ActivityRole, EnrolmentStatus

ENROLMENT_LABELS = {
    EnrolmentStatus.ENROLLED: _l("Enrolled"),
    EnrolmentStatus.WAITLISTED: _l("On the waiting list"),
    EnrolmentStatus.CANCELLED: _l("Cancelled"),
}
ROLE_LABELS = {
    ActivityRole.SPEAKER: _l("Speaker"),
    ActivityRole.MODERATOR: _l("Moderator"),
    ActivityRole.REQUIRED_VIP: _l("Required VIP"),
}
