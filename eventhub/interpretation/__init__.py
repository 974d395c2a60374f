"""Interpretation: the languages of each activity's floor and channels, booths, interpreters
and their rota, headsets lent and returned at the door."""

from flask import Blueprint

bp = Blueprint("interpretation", __name__, url_prefix="/events/<slug>")

# The views register their routes, the receivers connect to their signals, on import.
from eventhub.interpretation import (  # noqa: E402,F401
    audit_labels,
    coverage,
    headset_views,
    models,
    personal_data,
    views,
)
