"""Scanning over the API: one scan, a batch of queued scans, a checkpoint's roster."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask import g, jsonify, request
from flask_babel import gettext as _

from eventhub.api import bp
from eventhub.api.auth import token_required
from eventhub.api.validation import body_errors
from eventhub.auth import services as auth_services
from eventhub.auth.models import Role
from eventhub.checkin import checkpoint_setup, offline, reading, rules
from eventhub.checkin.models import Checkpoint
from eventhub.checkin.scanning import (
    batch_answer,
    parse_time,
    printable,
    queued_scans,
    record_item,
    scan_fields_error,
)
from eventhub.db import utcnow
from eventhub.errors import DomainError, error_response
from eventhub.events.models import Event
from eventhub.extensions import db, limiter

SCANNERS = (Role.STAFF, Role.ORGANISER)


def _device_key() -> str:
    """Rate limits count per device: its token (checked afterwards), else its address."""
    import hashlib

    header = request.headers.get("Authorization", "")
    if header:
        return "device:" + hashlib.sha256(header.encode()).hexdigest()[:16]
    return request.remote_addr or ""


def may_scan(gate: rules.Gate, assigned: bool | None = None, in_scope: bool | None = None) -> bool:
    """A token scans and reads the roster within its checkpoint scope; one issued to a
    person, moreover, only where that person may. `assigned`, `in_scope`: whether the
    person is on this checkpoint's staff and the checkpoint in the token's scope, when
    already read."""
    token = g.api_token
    if not (in_scope if in_scope is not None else auth_services.token_covers(token, gate.id)):
        return False
    if token.user_id is None:
        return True
    if assigned is not None and token.role == Role.STAFF:
        return assigned
    return checkpoint_setup.may_scan_at(token.user_id, {token.role}, gate.id)


def _with_context(plaintext: str):
    """The token of a single scan, read with everything the scan needs in the same round
    trip (kept in g.scan_context); a request too malformed for that is only authenticated,
    and answered by _one."""
    body = request.get_json(silent=True)
    fields = (body.get(name) for name in ("code", "checkpoint")) if isinstance(body, dict) else ()
    code, ref = (*fields, None, None)[:2]
    digest = auth_services.token_digest(plaintext)
    if digest is None or not all(
        isinstance(v, str | int) and str(v).strip() and printable(v) for v in (code, ref)
    ):
        return auth_services.find_api_token(plaintext)
    try:
        when = parse_time(body.get("scanned_at")) or utcnow()
    except DomainError:
        return auth_services.find_api_token(plaintext)  # _one says what is wrong
    context = reading.scan_context(digest, ref, str(code), when)
    g.scan_context = context
    return None if context is None else context.grant


def _one(item, context: reading.ScanContext | None = None) -> tuple[int, dict]:
    """(status, body) for one scan object."""
    errors = body_errors("Scan", item)
    if "" in errors:
        return 400, {"message": _("Send each scan as a JSON object.")}
    if errors:
        field, messages = next(iter(errors.items()))
        return 422, {"message": messages[0], "field": field, "errors": errors}
    error = scan_fields_error(item, ("code", "checkpoint", "client_scan_id"))
    if error is not None:  # what no schema says: characters no badge, slug or id holds
        return error
    token = g.api_token
    gate = context.gate if context else rules.gate_by_ref(token.event_id, item["checkpoint"])
    if gate is None:
        return 404, {"message": _("There is no such checkpoint in this event.")}
    if not may_scan(gate, *((context.assigned, context.in_scope) if context else ())):
        return 403, {"message": _("This token may not scan at this checkpoint.")}
    return record_item(
        gate,
        item,
        user_id=token.user_id,
        device=token.label or f"token {token.prefix}",
        known=context.known if context else None,
    )


@bp.post("/scans")
@limiter.limit("50 per second", key_func=_device_key)
@token_required(*SCANNERS, autocommit=True, lookup=_with_context)
def scan():
    """Judge and record one scan; the same client_scan_id again returns the first answer."""
    status, payload = _one(request.get_json(silent=True), g.get("scan_context"))
    if status != 200:
        return error_response(status, payload.pop("message"), **payload)
    return jsonify(payload)


@bp.post("/scans/batch")
@limiter.limit("5 per second", key_func=_device_key)
@token_required(*SCANNERS, autocommit=True, after_end=True)
def scan_batch():
    """Scans queued while offline, in the order they were made: an answer for each."""
    scans = queued_scans()  # 400 unless {"scans": [...]}; 413 past the schema's maxItems
    ended_at = g.get("token_ended_at")  # a revoked (or expired) token: see _before_end
    if not isinstance(scans, list):
        if ended_at is not None:
            return error_response(401, _("This device was signed out."), wipe=True, answers=[])
        return scans
    answers = []
    for item in scans:
        refused = ended_at is not None and not _before_end(item, ended_at)
        answer = batch_answer(item, *(_after_end() if refused else _one(item)))
        if not isinstance(answer["client_scan_id"], str):
            answer["client_scan_id"] = None  # echoed only when it is text, as documented
        answers.append(answer)
        db.session.commit()  # each scan stands on its own
    if ended_at is not None:
        # Its scans from before are recorded; the device is still told to forget everything.
        return error_response(401, _("This device was signed out."), wipe=True, answers=answers)
    return jsonify({"answers": answers})


def _before_end(item, ended_at: datetime) -> bool:
    """Whether a queued scan was made before its token was revoked (or expired): a device
    offline then may hand it in afterwards. A scan without a readable time was not."""
    try:
        when = parse_time(item.get("scanned_at")) if isinstance(item, dict) else None
    except DomainError:
        return False
    return when is not None and when < ended_at


def _after_end() -> tuple[int, dict]:
    return 401, {"message": _("Scanned after this device was signed out: not recorded.")}


@bp.get("/checkpoints/<ref>/roster")
@limiter.limit("30 per minute", key_func=_device_key)
@token_required(*SCANNERS, autocommit=True)
def roster(ref):
    """Everything a device needs to judge codes at this checkpoint without the network."""
    gate = rules.gate_by_ref(g.api_token.event_id, ref)
    if gate is None:
        return error_response(404, _("There is no such checkpoint in this event."))
    if not may_scan(gate):
        return error_response(403, _("This token may not read this checkpoint's roster."))
    data = offline.roster(gate, request.args.get("since", ""))
    data["checkpoint"] = {
        "id": gate.id,
        "slug": gate.slug,
        "name_en": gate.name_en,
        "name_zh": gate.name_zh,
        "reentry": gate.reentry,
    }
    data["generated_at"] = datetime.now(UTC).isoformat()
    return offline.roster_response(data, request)


@bp.get("/checkpoints")
@limiter.limit("30 per minute", key_func=_device_key)
@token_required(*SCANNERS)
def device_checkpoints():
    """The checkpoints this token scans at: a gate device's list, kept for starting offline."""
    token = g.api_token
    event = db.session.get(Event, token.event_id)
    gates = [
        rules.Gate.of(event, checkpoint)
        for checkpoint in db.session.scalars(
            sa.select(Checkpoint)
            .where(Checkpoint.event_id == event.id)
            .order_by(Checkpoint.name_en)
        )
    ]
    return jsonify(
        {
            "label": token.label,
            "expires_at": token.expires_at.isoformat() if token.expires_at else None,
            "checkpoints": [
                {
                    "slug": gate.slug,
                    "name_en": gate.name_en,
                    "name_zh": gate.name_zh,
                    "reentry": gate.reentry,
                }
                for gate in gates
                if may_scan(gate)
            ],
        }
    )
