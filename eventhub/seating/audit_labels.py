"""How the audit log names seating's records, fields and values (see audit/display.py).
The actions' names are set beside their codes in plans.py and cards.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from eventhub.audit import display
from eventhub.seating.forms import SHAPE_LABELS
from eventhub.seating.models import SeatingPlan, SeatingTable

display.describe_record(
    "SeatingPlan",
    _l("Seating plan"),
    SeatingPlan,
    display.endpoint_url("seating.plan", "plan_id"),
)
display.describe_record(
    "SeatingTable", _l("Seating table"), SeatingTable, display.endpoint_url("seating.plans")
)
display.describe_fields(
    {
        "unseated": _l("Guests without a seat"),
        "version": _l("Plan version"),
        "shape": _l("Table shape"),
        "seats": _l("Seats at the table"),
        "table": _l("Table"),
        "x": _l("Position across the room"),
        "y": _l("Position down the room"),
        "participant": _l("Place (table, seat)"),
        "swapped_with": _l("Swapped with"),
        "host_country_code": _l("Host country"),
        "host_id": _l("Host"),
        "guest_of_honour_id": _l("Guest of honour"),
        "interpreters_behind": _l("Interpreters behind their principal"),
    }
)
display.describe_values("shape", SHAPE_LABELS)
display.describe_values("interpreters_behind", {True: _l("yes"), False: _l("no")})
