"""Looking up the objects a URL names, refused when they are not of the URL's event."""

from __future__ import annotations

from flask_babel import gettext as _

from eventhub.ceremonies.models import Agreement
from eventhub.web import in_event_or_404


def agreement_or_404(event, agreement_id: int) -> Agreement:
    return in_event_or_404(
        Agreement, agreement_id, event, _("There is no such agreement in this event.")
    )
