"""How the audit log names agreements' records, fields and values (see audit/display.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from eventhub.audit import display
from eventhub.audit.services import ACTION_LABELS
from eventhub.ceremonies.labels import FIELD_LABELS, KIND_LABELS, STATUS_LABELS
from eventhub.ceremonies.models import Agreement
from eventhub.registration.precedence import TIE_BREAK_LABELS

display.describe_record(
    "Agreement",
    _l("Agreement"),
    Agreement,
    display.endpoint_url("ceremonies.agreement", "agreement_id"),
)
display.describe_fields(
    {**FIELD_LABELS, "title": _l("Title"), "witness": _l("Witness"), "scan": _l("Signed copy")}
)
display.describe_values("status", STATUS_LABELS, object_type="Agreement")
display.describe_values("kind", KIND_LABELS, object_type="Agreement")
# A ceremony's stage conventions (ceremony.settings, recorded on its activity).
display.describe_fields(
    {
        "host_left": _l("Host on the left (as the audience sees it)"),
        "tie_break": _l("Order within a rank"),
    }
)
display.describe_values("tie_break", TIE_BREAK_LABELS, object_type="Activity")
# ceremonies.privacy: said at each anonymisation of an event with signed agreements.
ACTION_LABELS["agreement.record_kept"] = _l(
    "Signing records kept through the anonymisation (a signing is a public act)"
)
display.describe_fields({"agreements": _l("Signed agreements whose record is kept")})
