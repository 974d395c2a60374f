"""How the audit log names certificates' fields and values (see audit/display.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from eventhub.audit import display
from eventhub.certificates.services import CERTIFICATE_KINDS, SETTINGS_TEXTS

display.describe_fields(
    {
        **{name: label for name, (label, _size) in SETTINGS_TEXTS.items()},
        "kind": _l("Kind"),
        "issued": _l("Issued"),
        "certificate": _l("Certificate"),
    }
)
display.describe_values("kind", CERTIFICATE_KINDS, object_type="Event")
