"""Seating plans for banquets and ceremonies: tables by precedence, interpreters with their
principals, hand edits, re-flow on cancellation, place and table cards."""

from flask import Blueprint

bp = Blueprint("seating", __name__, url_prefix="/events/<slug>")

# The views register their routes, the receivers connect to their signals, on import.
from eventhub.seating import (  # noqa: E402,F401
    audit_labels,
    models,
    personal_data,
    places,
    print_views,
    reflow,
    tasks,
    views,
)
