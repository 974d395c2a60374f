"""How the steps of a visa are named on pages and in exports."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from eventhub.visas.models import VisaStep

STEP_LABELS = {
    VisaStep.REQUESTED: _l("Letter requested"),
    VisaStep.ISSUED: _l("Letter issued"),
    VisaStep.SENT: _l("Letter sent"),
    VisaStep.GRANTED: _l("Visa granted"),
    VisaStep.REFUSED: _l("Visa refused"),
}
# The date each step is recorded with, and its label.
STEP_DATES = {
    VisaStep.REQUESTED: "requested_on",
    VisaStep.ISSUED: "issued_on",
    VisaStep.SENT: "sent_on",
    VisaStep.GRANTED: "decided_on",
    VisaStep.REFUSED: "decided_on",
}
DATE_LABELS = {
    "requested_on": _l("Requested on"),
    "issued_on": _l("Letter issued on"),
    "sent_on": _l("Sent on"),
    "decided_on": _l("Embassy's decision on"),
}
