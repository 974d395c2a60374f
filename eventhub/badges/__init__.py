"""Badges: print-ready accreditation with signed QR codes, reprints that revoke, and print
runs drawn apart from the web requests."""

from flask import Blueprint

bp = Blueprint("badges", __name__, url_prefix="/events/<slug>")

# The views register their routes, the panels connect to other modules' pages, on import.
from eventhub.badges import (  # noqa: E402,F401
    audit_labels,
    panels,
    personal_data,
    retention,
    views,
)
