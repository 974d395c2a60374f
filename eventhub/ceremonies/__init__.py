"""Signing ceremonies: the agreements, their parties, signatories and witnesses."""

from flask import Blueprint

bp = Blueprint("ceremonies", __name__, url_prefix="/events/<slug>")

from eventhub.ceremonies import views  # noqa: E402,F401
