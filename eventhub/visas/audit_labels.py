"""How the audit log names the visa workflow's values (see audit/display.py); the fields are
named with the participant's (registration.forms.HISTORY_LABELS)."""

from __future__ import annotations

from eventhub.audit import display
from eventhub.visas.labels import STEP_LABELS

display.describe_values("visa_state", STEP_LABELS, object_type="Participant")
