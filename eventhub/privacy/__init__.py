"""Personal data kept only as long as allowed: consent per purpose with versioned notices,
retention per kind of data, and each person's data exported or erased on request.

Below registration: registration records consents at sign-up; every domain that holds
personal data answers this package's signals (signals.py) with its part of a person's export,
its erasure, and what of each kind it holds past its date.
"""

from flask import Blueprint

bp = Blueprint("privacy", __name__, url_prefix="/events/<slug>")

# The views register their routes on import; own_records answers the signals about one
# person with privacy's own tables (consents, requests, erasure runs).
from eventhub.privacy import notice_views, own_records, request_views, retention_views, views  # noqa: E402,F401
