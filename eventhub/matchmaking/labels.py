"""The names of matchmaking's states, for its pages and the audit log."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from eventhub.matchmaking.models import MeetingState

STATE_LABELS = {
    MeetingState.PROPOSED: _l("Waiting for answers"),
    MeetingState.CONFIRMED: _l("Confirmed"),
    MeetingState.DECLINED: _l("Declined"),
    MeetingState.CANCELLED: _l("Cancelled"),
}
