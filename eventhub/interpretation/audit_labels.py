"""How the audit log names interpretation's actions, records, fields and values (see
audit/display.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from eventhub.audit import display
from eventhub.audit.services import ACTION_LABELS
from eventhub.interpretation.forms import MODE_LABELS
from eventhub.interpretation.headsets import STATE_LABELS
from eventhub.interpretation.models import Headset, Interpreter

ACTION_LABELS.update(
    {
        "interpretation.setup": _l("Interpretation set-up changed"),
        "interpretation.assign": _l("Interpreter assigned"),
        "interpretation.unassign": _l("Interpreter taken off an activity"),
        "interpretation.interpreter": _l("Interpreter saved"),
        "interpretation.interpreter_delete": _l("Interpreter removed"),
        "headset.added": _l("Headsets added"),
        "headset.issued": _l("Headset lent"),
        "headset.returned": _l("Headset returned"),
        "headset.state": _l("Headset state changed"),
    }
)
display.describe_record(
    "Interpreter",
    _l("Interpreter"),
    Interpreter,
    display.endpoint_url("interpretation.interpreter_form", "interpreter_id"),
)
display.describe_record(
    "Headset", _l("Headset"), Headset, display.endpoint_url("interpretation.headset_inventory")
)
display.describe_fields(
    {
        "floor_languages": _l("Floor languages"),
        "channels": _l("Interpretation channels"),
        "booths": _l("Booths"),
        "mode": _l("Interpretation mode"),
        "numbers": _l("Headset numbers"),
        "holder": _l("Held by"),
        "max_minutes_per_day": _l("Most minutes a day"),
        "rest_minutes": _l("Rest between turns (minutes)"),
        "participant_id": _l("Registered as participant"),
        "interpreter": _l("Interpreter (channel)"),
        "number": _l("Number"),
        "note": _l("Note"),
    }
)
display.describe_values("mode", MODE_LABELS)
display.describe_values("state", STATE_LABELS, object_type="Headset")
