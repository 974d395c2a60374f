"""How the audit log names the programme's records, fields and values (see audit/display.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from eventhub.audit import display
from eventhub.scheduling.forms import ACCESS_LABELS, STATE_LABELS, TYPE_LABELS, VISIBILITY_LABELS
from eventhub.scheduling.models import Activity, Room, TravelTime, Venue

display.describe_record(
    "Activity",
    _l("Activity"),
    Activity,
    display.endpoint_url("scheduling.edit_activity", "activity_id"),
)
display.describe_record("Venue", _l("Venue"), Venue, display.endpoint_url("scheduling.venues"))
display.describe_record("Room", _l("Room"), Room, display.endpoint_url("scheduling.venues"))
display.describe_record(
    "TravelTime", _l("Travel time"), TravelTime, display.endpoint_url("scheduling.venues")
)
display.describe_fields(
    {
        "title_en": _l("Title in English"),
        "title_zh": _l("Title in Chinese"),
        "type": _l("Type"),
        "track": _l("Track or theme"),
        "track_zh": _l("Track in Chinese"),
        "starts_at": _l("Starts"),
        "ends_at": _l("Ends"),
        "room_id": _l("Room"),
        "capacity": _l("Seats"),
        "access": _l("Access"),
        "visibility": _l("Who sees it"),
        "state": _l("State"),
        "from": _l("From"),
        "to": _l("To"),
        "minutes": _l("Minutes"),
    }
)
display.describe_values("type", TYPE_LABELS, object_type="Activity")
display.describe_values("access", ACCESS_LABELS, object_type="Activity")
display.describe_values("state", STATE_LABELS, object_type="Activity")
display.describe_values("visibility", VISIBILITY_LABELS, object_type="Activity")
