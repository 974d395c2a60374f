"""Badges: print-ready accreditation with signed QR codes, and their reprints."""

from flask import Blueprint

bp = Blueprint("badges", __name__, url_prefix="/events/<slug>")

from eventhub.badges import views  # noqa: E402,F401
