"""How the audit log names badges' fields (see audit/display.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from eventhub.audit import display

display.describe_fields({"badge_version": _l("Badge version")})
