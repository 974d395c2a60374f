"""Storing a participant's photo with its 3:4 crop, and the organisers' choice of crop."""

from __future__ import annotations

import re

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from eventhub.audit import services as audit
from eventhub.auth.models import User
from eventhub.db import utcnow
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.registration.models import Participant, ParticipantPhoto
from eventhub.registration.photos import Box, crop_photo


def store_photo(participant: Participant, prepared: tuple[bytes, int, int]) -> ParticipantPhoto:
    """A new upload (as photos.prepare_photo made it), shown with the default crop."""
    original, width, height = prepared
    stored = db.session.get(ParticipantPhoto, participant.id)
    if stored is None:
        stored = ParticipantPhoto(participant_id=participant.id)
        db.session.add(stored)
    stored.original, stored.width, stored.height = original, width, height
    stored.content_type = "image/jpeg"
    _apply(stored, None)
    return stored


def crop_box(photo: ParticipantPhoto) -> Box | None:
    if photo.crop_width is None:
        return None
    return (photo.crop_left or 0, photo.crop_top or 0, photo.crop_width, photo.crop_height or 0)


def original_of(photo: ParticipantPhoto) -> bytes:
    """The upload the crop is cut from (a photo stored before crops: the photo itself)."""
    return photo.original or photo.content


def _apply(photo: ParticipantPhoto, box: Box | None) -> None:
    if photo.original is None:  # stored before crops: what was shown is the upload
        photo.original = photo.content
    photo.content, used = crop_photo(photo.original, box)
    photo.crop_left, photo.crop_top, photo.crop_width, photo.crop_height = used
    photo.cropped_by_organiser = box is not None


def set_crop(participant: Participant, box: Box | None, *, actor: User | None) -> Box:
    """An organiser's crop (None: back to the default one), applied wherever the photo is
    shown or printed; the upload is kept. The badge counts as changed for the next run."""
    photo = db.session.get(ParticipantPhoto, participant.id)
    if photo is None:
        raise DomainError(_l("No photo has been uploaded."))
    before = crop_box(photo)
    _apply(photo, box)
    after = crop_box(photo)
    if before != after or box is None:
        participant.updated_at = utcnow()  # "changed since the last print"
        audit.record(
            "participant.update",
            participant,
            actor=actor,
            event_id=participant.event_id,
            changes={"photo_crop": [_label(before), _label(after) if box else DEFAULT_CROP]},
        )
    db.session.flush()
    return after


# The audit log stores the crop as a code ("default", "WxH at (x, y)"), shown in the
# reader's words by crop_text (registered in audit_labels).
DEFAULT_CROP = "default"
_BOX_CODE = re.compile(r"^(\d+)x(\d+) at \((\d+), (\d+)\)$")


def _label(box: Box | None) -> str | None:
    return f"{box[2]}x{box[3]} at ({box[0]}, {box[1]})" if box else None


def crop_text(code: str) -> str | None:
    """A recorded crop in the reader's language ('600 × 800 pixels from (10, 20)'), or None
    for a value that is not one."""
    if code == DEFAULT_CROP:
        return _("Default crop")
    found = _BOX_CODE.match(code)
    if found is None:
        return None
    width, height, left, top = (format_decimal(int(n)) for n in found.groups())
    return _(
        "%(width)s × %(height)s pixels from (%(left)s, %(top)s)",
        width=width,
        height=height,
        left=left,
        top=top,
    )
