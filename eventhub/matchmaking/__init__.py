"""Matchmaking meetings between organisations, fitted around each person's programme, that
lead to draft agreements."""

from flask import Blueprint

bp = Blueprint("matchmaking", __name__, url_prefix="/events/<slug>")

# The views register their routes, the receivers connect to their signals, on import.
from eventhub.matchmaking import (  # noqa: E402,F401
    audit_labels,
    models,
    panels,
    propose_views,
    runs,
    views,
)
