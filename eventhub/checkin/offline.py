"""What a device needs to judge codes itself (offline, or the server too slow): the
checkpoint's rules and each person's facts, judged on the device at scan time by
static/js/gate-roster.js (a port of rules.check_rules and the once-a-day rule), and the
admissions made here, sent again as deltas."""

from __future__ import annotations

import gzip
import hashlib
import json

import sqlalchemy as sa
from flask import Request, Response

from eventhub import crypto
from eventhub.badges import codes
from eventhub.badges.checking import Holder, holders_query
from eventhub.badges.models import Badge
from eventhub.checkin.holders import summary
from eventhub.checkin.models import Admission, Scan
from eventhub.checkin.rules import REASONS, Gate, RuleFacts, admitted_where, rule_facts
from eventhub.extensions import db
from eventhub.i18n import fixed_text
from eventhub.registration.models import Category, Participant, Status

GZIP_FROM = 1024  # bytes: smaller answers are not worth compressing


def code_digest(code: str) -> str:
    """How a roster names a code: its hash, so that a stolen roster prints no badge."""
    return hashlib.sha256(code.encode()).hexdigest()[:24]


def device_rules(gate: Gate) -> dict:
    """The checkpoint's rules as the device judges them (gate-roster.js `decide`): one place
    to extend when a rule is added to rules.check_rules."""
    return {
        "active": gate.active,
        "opens_at": gate.opens_at.isoformat() if gate.opens_at else None,
        "closes_at": gate.closes_at.isoformat() if gate.closes_at else None,
        "categories": [c for c in gate.categories.split(",") if c],
        "zone": gate.zone,
        "enrolment": bool(gate.enrolment_required and gate.activity_id),
        "reentry": gate.reentry,
        "timezone": gate.timezone,
        "name_en": gate.name_en,
        "name_zh": gate.name_zh,
    }


def person_facts(gate: Gate, person: Holder, facts: RuleFacts, key: bytes) -> dict:
    """What the rules read about one badge holder (no passport data, no contact details)."""
    entry = {
        "id": person.id,
        "code": code_digest(codes.make_code(key, person.badge_id, person.badge_version)),
        "revoked": [
            code_digest(codes.make_code(key, person.badge_id, v))
            for v in range(1, person.badge_version)
        ],
        "status": person.status.value,
        "category": person.category.value,
        # Who is refused needs no name at the gate.
        "participant": summary(person) if person.status == Status.APPROVED else None,
    }
    if gate.zone:
        # Heads of delegation pass where officials do: their badge shows that band.
        category = Category.OFFICIAL if person.head else person.category
        entry["zones"] = facts.styles[category].zones.split()
    if facts.enrolled is not None:
        entry["enrolled"] = person.id in facts.enrolled
    return entry


def _people(gate: Gate) -> list[dict]:
    key = crypto.signing_key("badge")  # the same key signs the badges
    holders = [
        Holder.of_row(row)
        for row in db.session.execute(
            holders_query().where(
                Participant.__table__.c.event_id == gate.event_id,
                Badge.__table__.c.id.is_not(None),
            )
        )
    ]
    facts = rule_facts(gate)
    return [person_facts(gate, person, facts, key) for person in holders]


def _admissions(gate: Gate, after: int = 0) -> tuple[list[list], int]:
    """The admissions here (person id, day, and the "when and where" a repeat shows) made
    by scans after `after`, and the newest such scan's id (the delta cursor)."""
    rows = db.session.execute(
        sa.select(Admission.participant_id, Admission.day, Scan.id, Scan.scanned_at, Scan.device)
        .join(Scan, Admission.scan_id == Scan.id)
        .where(Admission.checkpoint_id == gate.id, Scan.id > after)
        .order_by(Scan.id)
    ).all()
    admissions = []
    for row in rows:
        where = admitted_where(gate, row.scanned_at, row.device)
        admissions.append([row.participant_id, row.day.isoformat(), where["time"], where["where"]])
    return admissions, max((row.id for row in rows), default=after)


def _texts() -> dict:
    return {key: fixed_text(REASONS, key) for key in REASONS}


def roster(gate: Gate, since: str = "") -> dict:
    """The device's roster: `version` names it ("<people and rules>.<admission cursor>").
    Given the `since` version a device holds, and its people and rules unchanged, only the
    admissions made since (a delta); otherwise everything."""
    rules = device_rules(gate)
    people = _people(gate)
    stamp = hashlib.sha256(
        json.dumps([rules, people, _texts()], sort_keys=True, default=str).encode()
    ).hexdigest()[:16]
    held, _sep, cursor = since.partition(".")
    if held == stamp and cursor.isdigit():
        admissions, newest = _admissions(gate, int(cursor))
        return {"delta": True, "version": f"{stamp}.{newest}", "admissions": admissions}
    admissions, newest = _admissions(gate)
    return {
        "delta": False,
        "version": f"{stamp}.{newest}",
        "rules": rules,
        "reasons": _texts(),
        "people": people,
        "admissions": admissions,
    }


def roster_response(data: dict, request: Request) -> Response:
    """The roster as JSON, 304 when the device holds this version already (If-None-Match),
    gzipped when the device accepts it."""
    etag = f'"{data["version"]}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = Response(status=304)
        response.headers["ETag"] = etag
        return response
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
    response = Response(body, mimetype="application/json")
    if len(body) >= GZIP_FROM and "gzip" in request.headers.get("Accept-Encoding", ""):
        response.set_data(gzip.compress(body, compresslevel=6))
        response.headers["Content-Encoding"] = "gzip"
    response.headers["ETag"] = etag
    response.headers["Vary"] = "Accept-Encoding, Cookie, Authorization"
    response.headers["Cache-Control"] = "no-cache, private"
    return response
