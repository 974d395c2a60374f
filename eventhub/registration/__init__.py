"""Registration: the public form, the participant's own page, the organisers' list."""

from flask import Blueprint

bp = Blueprint("registration", __name__, url_prefix="/events/<slug>")
# A logged-in person's registrations across events (account_views).
account_bp = Blueprint("account", __name__, url_prefix="/my-registration")

# The views register their routes, the panels connect to other modules' pages, on import.
from eventhub.registration import (  # noqa: E402,F401
    account_language,
    account_views,
    audit_labels,
    consent_panel,
    data_request_views,
    delegation_admin_views,
    delegation_views,
    erased_people,
    import_export_views,
    merge_views,
    organisation_views,
    organiser_views,
    panels,
    personal_data,
    personal_data_views,
    photo_views,
    quota_views,
    retention,
    travel_watch,
    views,
)
