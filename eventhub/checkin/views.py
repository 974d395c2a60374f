"""Check-in pages. Thin: parse, call a service, render.

The scanner page talks JSON to the endpoints below with the session's CSRF token; devices
without a login use the bearer-token API (eventhub/api/scans.py). Both call the same service.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask import g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.api.scans import answer_json
from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.badges import services as badge_services
from eventhub.checkin import bp, services
from eventhub.checkin.models import Checkpoint, CheckpointStaff, Scan
from eventhub.errors import DomainError, abort_with, error_response
from eventhub.extensions import db, limiter
from eventhub.registration.models import Participant, Status
from eventhub.text import search_text

SCANNERS = (Role.ORGANISER, Role.STAFF)


def _checkpoint(event, ref: str) -> Checkpoint:
    checkpoint = services.checkpoint_by_ref(event, ref)
    if checkpoint is None:
        abort_with(404, _("There is no such checkpoint in this event."))
    if not services.may_scan_at(current_user, g.event_roles, checkpoint):
        abort_with(403, _("You are not assigned to this checkpoint."))
    return checkpoint


def _recent_json(checkpoint: Checkpoint) -> list[dict]:
    return [
        {
            "id": scan.id,
            "time": scan.received_at.isoformat(),
            "result": scan.result.value,
            "name": scan.participant.latin_name if scan.participant else scan.code[:12],
            "undone": scan.undone_at is not None,
        }
        for scan in services.recent_scans(checkpoint)
    ]


@bp.get("/checkin/")
@event_view(*SCANNERS)
def checkpoints(event):
    query = sa.select(Checkpoint).where(Checkpoint.event_id == event.id)
    if Role.ORGANISER not in g.event_roles:
        query = query.join(CheckpointStaff).where(CheckpointStaff.user_id == current_user.id)
    return render_template(
        "checkin/checkpoints.html",
        event=event,
        checkpoints=db.session.scalars(query.order_by(Checkpoint.name_en)).all(),
    )


@bp.get("/checkin/<ref>")
@event_view(*SCANNERS)
def scanner(event, ref: str):
    checkpoint = _checkpoint(event, ref)
    return render_template("checkin/scanner.html", event=event, checkpoint=checkpoint)


def _device() -> str:
    name = current_user.display_name or current_user.email
    return f"{name} ({request.user_agent.platform or 'web'})"[:100]


@bp.post("/checkin/<ref>/scan")
@event_view(*SCANNERS)
@limiter.limit("20 per second")
def scan(event, ref: str):
    checkpoint = _checkpoint(event, ref)
    body = request.get_json(silent=True) or {}
    code = str(body.get("code", ""))[:200]
    if not code.strip():
        return error_response(422, _("code is required."), field="code")
    try:
        answer = services.record_scan(
            event,
            checkpoint,
            code,
            str(body.get("client_scan_id") or uuid.uuid4()),
            user=current_user,
            device=_device(),
        )
    except DomainError as error:
        db.session.rollback()
        return error_response(422, str(error), field=error.field)
    db.session.commit()
    return jsonify(
        {**answer_json(answer), "scan_id": answer.scan_id, "recent": _recent_json(checkpoint)}
    )


@bp.post("/checkin/<ref>/scans/<int:scan_id>/undo")
@event_view(*SCANNERS)
def undo(event, ref: str, scan_id: int):
    checkpoint = _checkpoint(event, ref)
    scan = db.session.get(Scan, scan_id)
    if scan is None or scan.checkpoint_id != checkpoint.id:
        return error_response(404, _("There is no such scan at this checkpoint."))
    try:
        services.undo_scan(scan, user=current_user)
    except DomainError as error:
        db.session.rollback()
        return error_response(409, str(error))
    db.session.commit()
    return jsonify({"undone": scan.id, "recent": _recent_json(checkpoint)})


@bp.get("/checkin/<ref>/search")
@event_view(*SCANNERS)
@limiter.limit("60 per minute")
def search(event, ref: str):
    """People who forgot their badge: found by name in any script."""
    _checkpoint(event, ref)
    words = search_text(request.args.get("q", "")[:100]).split()
    if not words:
        return jsonify({"people": []})
    query = sa.select(Participant).where(
        Participant.event_id == event.id, Participant.status == Status.APPROVED
    )
    for word in words:
        query = query.where(Participant.search_text.contains(word))
    people = db.session.scalars(query.order_by(Participant.family_name).limit(10)).all()
    return jsonify({"people": [services.summary(p) for p in people]})


@bp.post("/checkin/<ref>/admit/<int:participant_id>")
@event_view(*SCANNERS)
def admit(event, ref: str, participant_id: int):
    """Check in someone found by name (badge forgotten): judged like their badge."""
    checkpoint = _checkpoint(event, ref)
    person = db.session.get(Participant, participant_id)
    if person is None or person.event_id != event.id:
        return error_response(404, _("There is no such participant in this event."))
    badge = badge_services.badges_for([person])[person.id]
    answer = services.record_scan(
        event,
        checkpoint,
        badge_services.code_of(badge),
        str((request.get_json(silent=True) or {}).get("client_scan_id") or uuid.uuid4()),
        user=current_user,
        device=_device() + " · " + _("by name"),
    )
    db.session.commit()
    return jsonify(
        {**answer_json(answer), "scan_id": answer.scan_id, "recent": _recent_json(checkpoint)}
    )
