"""The gate over the API: participants with their check-in state, checkpoints, the scans
since a cursor, and undoing a scan. Everything is limited to the token's checkpoints."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import g, jsonify, request
from flask_babel import gettext as _

from eventhub.api import bp
from eventhub.api.auth import token_required
from eventhub.api.checkin_schemas import PARTICIPANTS_QUERY, SCANS_QUERY
from eventhub.api.validation import query_args
from eventhub.auth import services as auth_services
from eventhub.auth.models import Role, User
from eventhub.badges.checking import Holder, holders_query
from eventhub.checkin import checkpoint_setup, holders, recording
from eventhub.checkin.models import Checkpoint, CheckpointStaff, Scan, ScanResult
from eventhub.errors import DomainError, error_response
from eventhub.extensions import db
from eventhub.registration.models import Participant, Status
from eventhub.text import holds_every_word, search_text
from eventhub.web import MAX_ID

SCANNERS = (Role.STAFF, Role.ORGANISER)


def _query_or_error(parameters):
    query, status, errors = query_args(parameters, request.args)
    if status:
        return None, error_response(status, next(iter(errors.values()))[0], errors=errors)
    return query, None


def checkpoints_in_scope(event) -> list[Checkpoint]:
    """The event's checkpoints this token may work at: its checkpoint scope and, for a token
    issued to a person, where that person may scan."""
    token = g.api_token
    query = sa.select(Checkpoint).where(Checkpoint.event_id == event.id)
    if token.user_id is not None and token.role != Role.ORGANISER:
        query = query.join(CheckpointStaff).where(CheckpointStaff.user_id == token.user_id)
    found = db.session.scalars(query.order_by(Checkpoint.name_en, Checkpoint.id)).all()
    return [c for c in found if auth_services.token_covers(token, c.id)]


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _checkpoint_json(checkpoint: Checkpoint) -> dict:
    return {
        "id": checkpoint.id,
        "slug": checkpoint.slug,
        "name_en": checkpoint.name_en,
        "name_zh": checkpoint.name_zh or None,
        "categories": [c for c in (checkpoint.categories or "").split(",") if c],
        "zone": checkpoint.zone or None,
        "activity_id": checkpoint.activity_id,
        "enrolment_required": checkpoint.enrolment_required,
        "opens_at": _utc(checkpoint.opens_at).isoformat() if checkpoint.opens_at else None,
        "closes_at": _utc(checkpoint.closes_at).isoformat() if checkpoint.closes_at else None,
        "reentry": checkpoint.reentry,
        "active": checkpoint.active,
    }


@bp.get("/events/<slug>/checkpoints")
@token_required(*SCANNERS)
def checkpoints(event):
    """The checkpoints in the token's scope, with their rules."""
    return jsonify({"checkpoints": [_checkpoint_json(c) for c in checkpoints_in_scope(event)]})


def _check_ins(event, person_ids: list[int], gates: dict[int, Checkpoint]) -> dict[int, list]:
    """Each person's first admission per checkpoint (of `gates`) and local day."""
    found: dict[int, list] = {}
    if not person_ids or not gates:
        return found
    zone = ZoneInfo(event.timezone)
    seen = set()
    rows = db.session.execute(
        sa.select(Scan.participant_id, Scan.checkpoint_id, Scan.scanned_at, Scan.device)
        .where(
            Scan.participant_id.in_(person_ids),
            Scan.checkpoint_id.in_(list(gates)),
            Scan.result == ScanResult.ADMITTED,
            Scan.undone_at.is_(None),
        )
        .order_by(Scan.scanned_at, Scan.id)
    )
    for person_id, checkpoint_id, scanned_at, device in rows:
        at = _utc(scanned_at).astimezone(zone)
        key = (person_id, checkpoint_id, at.date())
        if key in seen:
            continue
        seen.add(key)
        found.setdefault(person_id, []).append(
            {
                "checkpoint": gates[checkpoint_id].slug,
                "day": at.date().isoformat(),
                "at": at.isoformat(),
                "device": device or None,
            }
        )
    return found


@bp.get("/events/<slug>/participants")
@token_required(*SCANNERS)
def participants(event):
    """People as a gate knows them, found by name in any script, with where and when they
    were admitted at the token's checkpoints. Staff tokens see approved people only."""
    query, problem = _query_or_error(PARTICIPANTS_QUERY)
    if problem:
        return problem
    page, limit = query.get("page", 1), query.get("limit", 50)
    gates = {c.id: c for c in checkpoints_in_scope(event)}
    if g.api_token.role != Role.ORGANISER and not gates:
        # A staff or device token is for a gate: with none of this event's, no one's names.
        return error_response(403, _("This token scans at none of this event's checkpoints."))
    person = Participant.__table__
    condition = [person.c.event_id == event.id]
    if g.api_token.role != Role.ORGANISER:
        condition.append(person.c.status == Status.APPROVED)
    if "id" in query:
        condition.append(person.c.id == query["id"])
    words = search_text(query.get("q", "")).split()
    condition += holds_every_word(person.c.search_text, words)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(person).where(*condition))
    rows = db.session.execute(
        holders_query()
        .where(*condition)
        .order_by(person.c.sort_name, person.c.id)
        .offset((page - 1) * limit)
        .limit(limit)
    )
    people = [Holder.of_row(row) for row in rows]
    check_ins = _check_ins(event, [p.id for p in people], gates)
    details = holders.search_details(people)  # namesakes told apart
    items = [
        {
            **holders.summary(p),
            "status": p.status.value,
            "has_badge": p.badge_id is not None,
            "position": details.get(p.id, ("", False))[0],
            "number": p.id,
            "has_photo": details.get(p.id, ("", False))[1],
            "check_ins": check_ins.get(p.id, []),
        }
        for p in people
    ]
    more = page * limit < total
    return jsonify(
        {
            "participants": items,
            "page": page,
            "limit": limit,
            "total": total,
            "next_page": page + 1 if more else None,
            "checkpoints": [c.slug for c in gates.values()],
        }
    )


def _scan_json(scan: Scan, gates: dict[int, Checkpoint]) -> dict:
    return {
        "id": scan.id,
        "checkpoint": gates[scan.checkpoint_id].slug,
        "participant_id": scan.participant_id,
        "result": scan.result.value,
        "reason": scan.reason,
        "scanned_at": _utc(scan.scanned_at).isoformat(),
        "received_at": _utc(scan.received_at).isoformat(),
        "device": scan.device or None,
        "duplicate": scan.duplicate,
        "offline": scan.offline,
        "server_result": scan.server_result.value if scan.server_result else None,
        "server_reason": scan.server_reason or None,
        "undone_at": _utc(scan.undone_at).isoformat() if scan.undone_at else None,
    }


@bp.get("/events/<slug>/scans")
@token_required(*SCANNERS)
def scans_since(event):
    """Scans at the token's checkpoints with an id above `since`, oldest first; `next` is
    the cursor for the following call (the same one when nothing is new)."""
    query, problem = _query_or_error(SCANS_QUERY)
    if problem:
        return problem
    since, limit = query.get("since", 0), query.get("limit", 100)
    gates = {c.id: c for c in checkpoints_in_scope(event)}
    if "checkpoint" in query:
        wanted = checkpoint_setup.checkpoint_by_ref(event, query["checkpoint"])
        if wanted is None:
            return error_response(404, _("There is no such checkpoint in this event."))
        if wanted.id not in gates:
            return error_response(403, _("This token may not read this checkpoint's scans."))
        gates = {wanted.id: gates[wanted.id]}
    found = []
    if gates:
        found = db.session.scalars(
            sa.select(Scan)
            .where(
                Scan.event_id == event.id,
                Scan.checkpoint_id.in_(list(gates)),
                Scan.id > since,
            )
            .order_by(Scan.id)
            .limit(limit)
        ).all()
    return jsonify(
        {
            "scans": [_scan_json(s, gates) for s in found],
            "next": found[-1].id if found else since,
            "more": len(found) == limit,
        }
    )


@bp.post("/events/<slug>/scans/<int:scan_id>/undo")
@token_required(*SCANNERS)
def undo_scan(event, scan_id: int):
    """A mistaken scan no longer counts as an arrival (write scope, checkpoint in scope)."""
    gates = {c.id: c for c in checkpoints_in_scope(event)}
    scan = db.session.get(Scan, scan_id) if scan_id <= MAX_ID else None
    if scan is None or scan.event_id != event.id:
        return error_response(404, _("There is no such scan in this event."))
    if scan.checkpoint_id not in gates:
        return error_response(403, _("This token may not undo scans at this checkpoint."))
    token = g.api_token
    person = db.session.get(User, token.user_id) if token.user_id else None
    try:
        recording.undo_scan(
            scan, user=person, actor_label=f"API token {token.prefix} ({token.label})"
        )
    except DomainError as error:
        return error_response(409, str(error))
    return jsonify(_scan_json(scan, gates))
