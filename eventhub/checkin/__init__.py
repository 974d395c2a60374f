"""On-site check-in: checkpoints and their rules, scans from phones and hardware scanners."""

from flask import Blueprint

bp = Blueprint("checkin", __name__, url_prefix="/events/<slug>")

from eventhub.checkin import (  # noqa: E402,F401
    alert_views,
    audit_labels,
    dashboard_views,
    device_views,
    personal_data,
    retention,
    views,
)
