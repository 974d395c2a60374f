"""Registration: the public form, the participant's own page, the organisers' list."""

from flask import Blueprint

bp = Blueprint("registration", __name__, url_prefix="/events/<slug>")

# The views register their routes, the panels connect to other modules' pages, on import.
from eventhub.registration import (  # noqa: E402,F401
    audit_labels,
    delegation_admin_views,
    delegation_views,
    import_export_views,
    organiser_views,
    panels,
    views,
)
