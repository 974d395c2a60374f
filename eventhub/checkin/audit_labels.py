"""How the audit log names checkpoints and their fields (see audit/display.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from eventhub.audit import display
from eventhub.auth.models import UserSession
from eventhub.checkin.models import AttentionAlert, Checkpoint

display.describe_record(
    "Checkpoint",
    _l("Checkpoint"),
    Checkpoint,
    display.endpoint_url("checkin.edit_checkpoint", "checkpoint_id"),
)
display.describe_record(
    "AttentionAlert",
    _l("Arrival needing attention"),
    AttentionAlert,
    display.endpoint_url("checkin.alerts"),
)
# An organiser signing out a staff member's phone (device_views.py).
display.describe_record(
    "UserSession",
    _l("Login session"),
    UserSession,
    display.endpoint_url("checkin.scanner_devices"),
)
display.describe_fields(
    {
        "opens_at": _l("Opens"),
        "closes_at": _l("Closes"),
        "zone": _l("Badge zone required"),
        "categories": _l("Who may pass"),
        "activity_id": _l("Activity behind this door"),
        "enrolment_required": _l("Only people enrolled in that activity"),
        "reentry": _l("Re-entry allowed"),
        "active": _l("Open for scanning"),
        "staff": _l("Staff who scan here"),
        "daily_opens": _l("Opens each day at"),
        "daily_closes": _l("Closes each day at"),
        "direction": _l("Scans here record"),
        "capacity": _l("Places in the room"),
        "needs_attention": _l("Needs attention at the gates"),
    }
)
