"""Looking up the objects a URL names, refused when they are not of the URL's event."""

from __future__ import annotations

from flask_babel import gettext as _

from eventhub.errors import abort_with
from eventhub.extensions import db
from eventhub.registration.models import Participant


def participant_or_404(event, participant_id: int) -> Participant:
    """One of the event's participants, or a 404."""
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.event_id != event.id:
        abort_with(404, _("There is no such participant in this event."))
    return participant
