"""A gate device's forgotten-badge desk over the API: checking in a person found by name,
and their photo to compare with the face in front of the staff. Both within the token's
checkpoints, as a staff member's scanner page does with a login."""

from __future__ import annotations

import uuid

from flask import g, jsonify, request
from flask_babel import gettext as _

from eventhub.api import bp
from eventhub.api.auth import token_required
from eventhub.api.checkin import SCANNERS, checkpoints_in_scope
from eventhub.api.scans import may_scan
from eventhub.badges.issuing import badges_for, code_of, may_have_badge
from eventhub.checkin import rules
from eventhub.checkin.scanning import printable, record_item
from eventhub.errors import error_response
from eventhub.extensions import db
from eventhub.privacy import consents
from eventhub.privacy.kinds import PHOTO_DECLINED, Purpose
from eventhub.registration.access import photo_response
from eventhub.registration.models import Participant, ParticipantPhoto, Status
from eventhub.web import MAX_ID


def _gate_person(event, participant_id: int) -> Participant | None:
    """An approved person of this event, the only ones a gate may admit or see."""
    person = db.session.get(Participant, participant_id) if participant_id <= MAX_ID else None
    if person is None or person.event_id != event.id or person.status != Status.APPROVED:
        return None
    return person


@bp.post("/events/<slug>/participants/<int:participant_id>/admit")
@token_required(*SCANNERS)
def admit_participant(event, participant_id: int):
    """Check in someone found by name (badge forgotten): judged like their badge."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return error_response(400, _("Send a JSON object naming the checkpoint."))
    ref = body.get("checkpoint")
    if not isinstance(ref, str | int) or not str(ref).strip() or not printable(ref):
        return error_response(422, _("checkpoint is required."), field="checkpoint")
    gate = rules.gate_by_ref(event.id, str(ref))
    if gate is None:
        return error_response(404, _("There is no such checkpoint in this event."))
    if not may_scan(gate):
        return error_response(403, _("This token may not scan at this checkpoint."))
    person = _gate_person(event, participant_id)
    if person is None or not may_have_badge(person):
        return error_response(404, _("There is no such participant in this event."))
    client_id = body.get("client_scan_id")
    if not isinstance(client_id, str) or not client_id.strip() or not printable(client_id):
        client_id = str(uuid.uuid4())
    token = g.api_token
    item = {
        "code": code_of(badges_for([person])[person.id]),
        "client_scan_id": client_id[:64],
        "direction": body.get("direction") if isinstance(body.get("direction"), str) else None,
    }
    device = (token.label or f"token {token.prefix}") + " · " + _("by name")
    status, payload = record_item(gate, item, user_id=token.user_id, device=device[:100])
    if status != 200:
        return error_response(status, payload.pop("message"), **payload)
    return jsonify(payload)


@bp.get("/events/<slug>/participants/<int:participant_id>/photo")
@token_required(*SCANNERS)
def participant_photo(event, participant_id: int):
    """The portrait of an approved person, for a token that scans at one of the event's
    checkpoints."""
    if not checkpoints_in_scope(event):
        return error_response(403, _("This token scans at none of this event's checkpoints."))
    person = _gate_person(event, participant_id)
    if person is None or db.session.get(ParticipantPhoto, person.id) is None:
        return error_response(404, _("No photo has been uploaded."))
    if consents.declined([person.id], Purpose.PHOTO):
        return error_response(404, str(PHOTO_DECLINED))
    response = photo_response(person.id)
    # A device's wipe (revoked, lost) clears its storage, not the browser's HTTP cache.
    response.headers["Cache-Control"] = "no-store"
    return response
