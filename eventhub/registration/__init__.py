"""Registration: the public form, the participant's own page, the organisers' list."""

from flask import Blueprint

bp = Blueprint("registration", __name__, url_prefix="/events/<slug>")

from eventhub.registration import delegation_views, views  # noqa: E402,F401
