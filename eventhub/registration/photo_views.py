"""The organisers' photo crop: the upload as sent, and the 3:4 frame chosen on it."""

from __future__ import annotations

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.errors import abort_with
from eventhub.extensions import db
from eventhub.registration import bp, photo_crops
from eventhub.registration.access import ORGANISERS, participant_or_404
from eventhub.registration.models import ParticipantPhoto
from eventhub.web import attempt


def _photo_or_404(participant_id: int) -> ParticipantPhoto:
    photo = db.session.get(ParticipantPhoto, participant_id)
    if photo is None:
        abort_with(404, _("No photo has been uploaded."))
    return photo


@bp.get("/participants/<int:participant_id>/photo/original")
@event_view(*ORGANISERS)
def participant_photo_original(event, participant_id: int):
    """The upload the crop is cut from, for the crop tool."""
    participant = participant_or_404(event, participant_id)
    photo = _photo_or_404(participant.id)
    response = Response(photo_crops.original_of(photo), mimetype=photo.content_type)
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


def _whole_number(name: str) -> int:
    raw = request.form.get(name, "").strip()
    if not raw.isascii() or not raw.lstrip("-").isdigit() or len(raw) > 6:
        abort_with(400, _("The crop frame is given in whole pixels."))
    return int(raw)


@bp.post("/participants/<int:participant_id>/photo/crop")
@event_view(Role.ORGANISER)
def participant_photo_crop(event, participant_id: int):
    """Save the frame the organiser placed (or go back to the default one)."""
    participant = participant_or_404(event, participant_id)
    _photo_or_404(participant.id)
    if request.form.get("reset"):
        box = None
    else:
        box = (_whole_number("left"), _whole_number("top"), _whole_number("width"), 0)
    ok, _used = attempt(lambda: photo_crops.set_crop(participant, box, actor=current_user))
    if ok:
        flash(
            _("The photo is cropped as framed: badges, gates and lists show it so.")
            if box
            else _("The photo is back to its default crop."),
            "success",
        )
    return redirect(
        url_for("registration.participant_detail", slug=event.slug, participant_id=participant.id)
        + "#photo-crop"
    )
