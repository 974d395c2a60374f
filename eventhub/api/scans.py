"""Scanning over the API: one scan, a batch of queued scans, a checkpoint's roster."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, g, jsonify, request
from flask_babel import gettext as _

from eventhub.api import bp
from eventhub.api.auth import token_required
from eventhub.auth import services as auth_services
from eventhub.auth.models import Role
from eventhub.checkin import services
from eventhub.db import utcnow
from eventhub.errors import DomainError, error_response
from eventhub.extensions import db, limiter

SCANNERS = (Role.STAFF, Role.ORGANISER)
BATCH_LIMIT = 500


def _device_key() -> str:
    """Rate limits count per device: its token (checked afterwards), else its address."""
    import hashlib

    header = request.headers.get("Authorization", "")
    if header:
        return "device:" + hashlib.sha256(header.encode()).hexdigest()[:16]
    return request.remote_addr or ""


def _parse_time(value) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise DomainError(_("scanned_at must be an ISO 8601 date and time."), field="scanned_at")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        moment.astimezone(UTC)  # years at the edge of the calendar overflow here
    except (ValueError, OverflowError) as exc:
        raise DomainError(
            _("scanned_at must be an ISO 8601 date and time."), field="scanned_at"
        ) from exc
    if not 2000 <= moment.year <= 2100:
        raise DomainError(_("scanned_at must be an ISO 8601 date and time."), field="scanned_at")
    return moment


def _may_scan(gate: services.Gate, assigned: bool | None = None) -> bool:
    """A token issued to a person scans where that person may; a device token (no person)
    scans at every checkpoint of its event. `assigned`: whether the person is on this
    checkpoint's staff, when already read."""
    token = g.api_token
    if token.user_id is None:
        return True
    if assigned is not None and token.role == Role.STAFF:
        return assigned
    return services.may_scan_at(token.user_id, {token.role}, gate.id)


def answer_json(answer: services.Answer) -> dict:
    return {
        "result": answer.result.value,
        "reason": answer.text,
        "participant": services.summary(answer.participant),
        "duplicate": answer.duplicate,
    }


def _printable(value) -> bool:
    """No code, slug or id holds control characters or lone surrogates (which the database
    would refuse)."""
    return str(value).strip().isprintable()


def _with_context(plaintext: str):
    """The token of a single scan, read with everything the scan needs in the same round
    trip (kept in g.scan_context); a request too malformed for that is only authenticated,
    and answered by _one."""
    body = request.get_json(silent=True)
    fields = (body.get(name) for name in ("code", "checkpoint")) if isinstance(body, dict) else ()
    code, ref = (*fields, None, None)[:2]
    digest = auth_services.token_digest(plaintext)
    if digest is None or not all(
        isinstance(v, str | int) and str(v).strip() and _printable(v) for v in (code, ref)
    ):
        return auth_services.find_api_token(plaintext)
    try:
        when = _parse_time(body.get("scanned_at")) or utcnow()
    except DomainError:
        return auth_services.find_api_token(plaintext)  # _one says what is wrong
    context = services.scan_context(digest, ref, str(code), when)
    g.scan_context = context
    return None if context is None else context.grant


def scan_fields_error(item, names: tuple[str, ...]) -> tuple[int, dict] | None:
    """(status, body) of a 4xx when `item` is no scan object or one of its fields `names`
    is missing or holds what no code, slug or id holds; None when they are usable."""
    if not isinstance(item, dict):
        return 400, {"message": _("Send each scan as a JSON object.")}
    for name in names:
        value = item.get(name)
        if not isinstance(value, str | int) or not str(value).strip():
            return 422, {"message": _("%(field)s is required.", field=name), "field": name}
        if not _printable(value):
            message = _("%(field)s holds characters that are not allowed.", field=name)
            return 422, {"message": message, "field": name}
    return None


def record_item(
    gate: services.Gate,
    item: dict,
    *,
    user_id: int | None,
    device: str,
    known: services.Known | None = None,
) -> tuple[int, dict]:
    """(status, body) for one scan object (fields checked) at a checkpoint the scanner may
    use: the API's scans and the scanner page's queued ones."""
    try:
        answer = services.record_scan(
            gate,
            str(item["code"]),
            str(item["client_scan_id"]),
            scanned_at=_parse_time(item.get("scanned_at")),
            user_id=user_id,
            device=device,
            offline_result=str(item.get("offline_result") or ""),
            known=known,
        )
    except DomainError as error:
        db.session.rollback()
        return 422, {"message": str(error), "field": error.field}
    return 200, answer_json(answer)


def queued_scans() -> list | Response:
    """The scans of a batch upload, or the 4xx answer to a body that holds none or too many."""
    body = request.get_json(silent=True)
    scans = body.get("scans") if isinstance(body, dict) else None
    if not isinstance(scans, list):
        return error_response(400, _('Send {"scans": [...]}.'))
    if len(scans) > BATCH_LIMIT:
        return error_response(413, _("At most %(n)d scans at a time.", n=BATCH_LIMIT))
    return scans


def batch_answer(item, status: int, payload: dict) -> dict:
    """One scan's answer in a batch: its status, and its client_scan_id to match it by."""
    client_id = item.get("client_scan_id") if isinstance(item, dict) else None
    return {"status": status, "client_scan_id": client_id, **payload}


def _one(item, context: services.ScanContext | None = None) -> tuple[int, dict]:
    """(status, body) for one scan object."""
    error = scan_fields_error(item, ("code", "checkpoint", "client_scan_id"))
    if error is not None:
        return error
    token = g.api_token
    gate = context.gate if context else services.gate_by_ref(token.event_id, item["checkpoint"])
    if gate is None:
        return 404, {"message": _("There is no such checkpoint in this event.")}
    if not _may_scan(gate, context.assigned if context else None):
        return 403, {"message": _("You are not assigned to this checkpoint.")}
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
@token_required(*SCANNERS, autocommit=True)
def scan_batch():
    """Scans queued while offline, in the order they were made: an answer for each."""
    scans = queued_scans()
    if not isinstance(scans, list):
        return scans
    answers = []
    for item in scans:
        answers.append(batch_answer(item, *_one(item)))
        db.session.commit()  # each scan stands on its own
    return jsonify({"answers": answers})


@bp.get("/checkpoints/<ref>/roster")
@limiter.limit("30 per minute", key_func=_device_key)
@token_required(*SCANNERS, autocommit=True)
def roster(ref):
    """Everything a device needs to judge codes at this checkpoint without the network."""
    gate = services.gate_by_ref(g.api_token.event_id, ref)
    if gate is None:
        return error_response(404, _("There is no such checkpoint in this event."))
    if not _may_scan(gate):
        return error_response(403, _("You are not assigned to this checkpoint."))
    return jsonify(
        {
            "checkpoint": {
                "id": gate.id,
                "slug": gate.slug,
                "name_en": gate.name_en,
                "name_zh": gate.name_zh,
                "reentry": gate.reentry,
            },
            "generated_at": datetime.now(UTC).isoformat(),
            "entries": services.roster(gate),
        }
    )
