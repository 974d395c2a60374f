"""The visa desk's workflow per person: requested -> letter issued -> sent -> the embassy's
outcome (granted or refused), with the date of each step; shown per delegation and listed."""

from flask import Blueprint

bp = Blueprint("visas", __name__, url_prefix="/events/<slug>")

# The views register their routes, the panels connect to registration's pages, on import.
from eventhub.visas import audit_labels, panels, personal_data, retention, views  # noqa: E402,F401
