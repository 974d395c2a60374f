"""A scan's answer as JSON, and the one recorder of single scans sent as JSON: the API's
scans and the scanner page's queued ones (both batches answer alike)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, request
from flask_babel import gettext as _

from eventhub.checkin import holders, recording, rules
from eventhub.errors import DomainError, error_response
from eventhub.extensions import db

BATCH_LIMIT = 500


def parse_time(value) -> datetime | None:
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


def answer_json(answer: rules.Answer) -> dict:
    body = {
        "result": answer.result.value,
        "reason": answer.text,
        "participant": holders.summary(answer.participant),
        "duplicate": answer.duplicate,
    }
    if answer.reason == "attention":
        body["attention"] = True  # a VIP: protocol staff were alerted
    if answer.places_left is not None:
        body["places_left"] = answer.places_left
    return body


def printable(value) -> bool:
    """No code, slug or id holds control characters or lone surrogates (which the database
    would refuse)."""
    return str(value).strip().isprintable()


def scan_fields_error(item, names: tuple[str, ...]) -> tuple[int, dict] | None:
    """(status, body) of a 4xx when `item` is no scan object or one of its fields `names`
    is missing or holds what no code, slug or id holds; None when they are usable."""
    if not isinstance(item, dict):
        return 400, {"message": _("Send each scan as a JSON object.")}
    for name in names:
        value = item.get(name)
        if not isinstance(value, str | int) or not str(value).strip():
            return 422, {"message": _("%(field)s is required.", field=name), "field": name}
        if not printable(value):
            message = _("%(field)s holds characters that are not allowed.", field=name)
            return 422, {"message": message, "field": name}
    return None


def record_item(
    gate: rules.Gate,
    item: dict,
    *,
    user_id: int | None,
    device: str,
    known: rules.Known | None = None,
) -> tuple[int, dict]:
    """(status, body) for one scan object (fields checked) at a checkpoint the scanner may
    use: the API's scans and the scanner page's queued ones."""
    try:
        answer = recording.record_scan(
            gate,
            str(item["code"]),
            str(item["client_scan_id"]),
            scanned_at=parse_time(item.get("scanned_at")),
            user_id=user_id,
            device=device,
            offline_result=str(item.get("offline_result") or ""),
            offline_reason=str(item.get("offline_reason") or ""),
            known=known,
            direction=str(item.get("direction") or "") or None,
        )
    except DomainError as error:
        db.session.rollback()
        return 422, {"message": str(error), "field": error.field}
    # The scan's id: what a gate device's "Undo" names.
    return 200, answer_json(answer) | ({"scan_id": answer.scan_id} if answer.scan_id else {})


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
