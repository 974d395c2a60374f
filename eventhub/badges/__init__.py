"""Badges and certificates: print-ready accreditation with signed QR codes, reprints that
revoke, and certificates anyone can verify."""

from flask import Blueprint

bp = Blueprint("badges", __name__, url_prefix="/events/<slug>")
# The public page a certificate's QR code opens: outside any event's address.
verify_bp = Blueprint("verify", __name__)

# The views register their routes, the panels connect to other modules' pages, on import.
from eventhub.badges import panels, views  # noqa: E402,F401
