"""Looking up the objects a URL names, refused when they are not of the URL's event."""

from __future__ import annotations

from flask_babel import gettext as _

from eventhub.scheduling.models import Activity
from eventhub.web import in_event_or_404


def activity_or_404(event, activity_id: int) -> Activity:
    """One of the event's activities, or a 404."""
    return in_event_or_404(
        Activity, activity_id, event, _("There is no such activity in this event.")
    )
