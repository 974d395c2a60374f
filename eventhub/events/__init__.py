"""Events: the list, each event's home page, its settings and its team."""

from flask import Blueprint

bp = Blueprint("events", __name__)

from eventhub.events import audit_views, translation_views, views  # noqa: E402,F401
