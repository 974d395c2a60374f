"""Accommodation: hotels, room blocks per night, rooms for the guests and rooming lists."""

from flask import Blueprint

bp = Blueprint("accommodation", __name__, url_prefix="/events/<slug>")

# The views register their routes, the receivers connect to their signals, on import.
from eventhub.accommodation import (  # noqa: E402,F401
    dashboard,
    desk_views,
    list_views,
    models,
    panels,
    personal_data,
    preference_views,
    retention,
    rooms_views,
    setup_views,
    travel,
)
