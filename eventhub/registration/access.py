"""Who may see participants; the objects a URL names, refused when not of the URL's event."""

from __future__ import annotations

from flask import Response
from flask_babel import gettext as _

from eventhub.auth.models import Role
from eventhub.errors import abort_with
from eventhub.extensions import db
from eventhub.registration.models import Participant, ParticipantPhoto
from eventhub.web import in_event_or_404

# Who may look at participants; only organisers change them.
ORGANISERS = (Role.ORGANISER, Role.VISA_OFFICER)


def participant_or_404(event, participant_id: int) -> Participant:
    """One of the event's participants, or a 404."""
    return in_event_or_404(
        Participant, participant_id, event, _("There is no such participant in this event.")
    )


def photo_response(participant_id: int, max_age: int = 300) -> Response:
    """The participant's portrait as stored, or a 404; cached by the browser only."""
    photo = db.session.get(ParticipantPhoto, participant_id)
    if photo is None:
        abort_with(404, _("No photo has been uploaded."))
    response = Response(photo.content, mimetype=photo.content_type)
    response.headers["Cache-Control"] = f"private, max-age={max_age}"
    return response
