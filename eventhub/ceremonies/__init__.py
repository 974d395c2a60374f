"""Signing ceremonies: the agreements, their parties, signatories and witnesses."""

from flask import Blueprint

bp = Blueprint("ceremonies", __name__, url_prefix="/events/<slug>")

# The views register their routes, `people` tells the scheduler who ceremonies need and
# `privacy` keeps signed records through an anonymisation, on import.
from eventhub.ceremonies import (  # noqa: E402,F401
    audit_labels,
    ceremony_views,
    people,
    personal_data,
    privacy,
    views,
)
