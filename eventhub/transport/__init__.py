"""Ground transport: vehicles, drivers and escorts, and the trips planned from the flights
people enter (pick-ups, drop-offs, shuttles, visits)."""

from flask import Blueprint

bp = Blueprint("transport", __name__, url_prefix="/events/<slug>")

# The views register their routes, the receivers connect to their signals, on import.
from eventhub.transport import (  # noqa: E402,F401
    dashboard,
    desk_views,
    fleet_views,
    models,
    panels,
    personal_data,
    retention,
    sheet_views,
    travel,
    trip_views,
)
