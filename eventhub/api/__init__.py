"""JSON API v1: bearer-token authentication, JSON errors, OpenAPI description."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from eventhub.api import checkin, gate_people, scans, views  # noqa: E402,F401
