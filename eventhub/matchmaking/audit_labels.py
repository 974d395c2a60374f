"""How the audit log names matchmaking's actions, records, fields and values (see
audit/display.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from eventhub.audit import display
from eventhub.audit.services import ACTION_LABELS
from eventhub.matchmaking.labels import STATE_LABELS
from eventhub.matchmaking.models import MatchmakingSession, MatchProfile, Meeting, MeetingRequest

ACTION_LABELS.update(
    {
        "match_profile.create": _l("Organisation joined matchmaking"),
        "match_profile.update": _l("Matchmaking profile changed"),
        "meeting_request.create": _l("Meeting requested"),
        "meeting_request.withdraw": _l("Meeting request withdrawn"),
        "meeting.accept": _l("Meeting accepted"),
        "meeting.decline": _l("Meeting declined"),
        "meeting.cancel": _l("Meeting cancelled by the organisers"),
        "meeting.agreement": _l("Draft agreement made from a meeting"),
        "matchmaking.propose": _l("Meetings proposed"),
        "matchmaking.session_add": _l("Matchmaking session added"),
        "matchmaking.session_edit": _l("Matchmaking session changed"),
        "matchmaking.session_remove": _l("Matchmaking session removed"),
    }
)
display.describe_record(
    "MatchProfile",
    _l("Matchmaking profile"),
    MatchProfile,
    display.endpoint_url("matchmaking.profile", "profile_id"),
)
display.describe_record("MeetingRequest", _l("Meeting request"), MeetingRequest)
display.describe_record(
    "Meeting",
    _l("Matchmaking meeting"),
    Meeting,
    display.endpoint_url("matchmaking.meeting", "meeting_id"),
)
display.describe_record(
    "MatchmakingSession",
    _l("Matchmaking session"),
    MatchmakingSession,
    display.endpoint_url("matchmaking.sessions"),
)
display.describe_fields(
    {
        "topics": _l("Topics"),
        "representative_id": _l("Representative at the meetings"),
        "to": _l("Asked to meet"),
        "side": _l("Side"),
        "agreement_id": _l("Draft agreement"),
        "proposed": _l("Meetings proposed"),
        "mutual_scheduled": _l("Mutual pairs scheduled"),
    }
)
display.describe_values("state", STATE_LABELS, object_type="Meeting")
display.describe_values(
    "side", {"first": _l("first side"), "second": _l("second side")}, object_type="Meeting"
)
