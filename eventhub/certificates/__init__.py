"""Certificates: issued by rule (attendance from check-in, speakers from the programme),
printed and emailed in runs like badges, verified by anyone from their QR code, revoked."""

from flask import Blueprint

bp = Blueprint("certificates", __name__, url_prefix="/events/<slug>")
# The public page a certificate's QR code opens: outside any event's address.
verify_bp = Blueprint("verify", __name__)

# The views register their routes, the panels connect to other modules' pages, on import.
from eventhub.certificates import audit_labels, panels, personal_data, views  # noqa: E402,F401
