"""Scheduling: venues and rooms, the timetable, the programme, agendas and calendar feeds."""

from flask import Blueprint

bp = Blueprint("scheduling", __name__, url_prefix="/events/<slug>")

# The views register their routes on import: the organisers' pages, the participants'.
from eventhub.scheduling import (  # noqa: E402,F401
    audit_labels,
    personal_data,
    programme_views,
    venue_views,
    views,
)
