"""What a device needs to judge codes itself (offline, or the server too slow): the
checkpoint's rules and each person's facts, judged on the device at scan time by
static/js/gate-roster.js (a port of rules.check_rules and the once-a-day rule), and the
admissions made here, sent again as deltas with the ones undone since.

A device syncs every 30 s: whether its people and rules changed is told by a fingerprint of a
few aggregate queries (`fingerprint`), so the common sync (nothing changed, or only
admissions) never builds the whole roster; the database, which every worker shares, is the
only state."""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Request, Response

from eventhub import crypto
from eventhub.badges import codes
from eventhub.badges.checking import Holder, holders_query
from eventhub.badges.models import Badge, BadgeStyle
from eventhub.checkin import occupancy
from eventhub.checkin.holders import summary
from eventhub.checkin.models import Admission, Scan, ScanResult
from eventhub.checkin.rules import REASONS, Gate, RuleFacts, admitted_where, local_time, rule_facts
from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.i18n import fixed_text, localized_text, zoned_clock, zoned_datetime
from eventhub.registration.models import Category, Delegation, Participant, Status
from eventhub.scheduling.models import Enrolment
from eventhub.web import MAX_ID

# Changed when what a roster holds changes shape: every device then fetches it whole.
FORMAT = 2

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
        # Each day, in the event's zone ("08:00:00"), as check_rules compares them.
        "daily_opens": gate.daily_opens.isoformat() if gate.daily_opens else None,
        "daily_closes": gate.daily_closes.isoformat() if gate.daily_closes else None,
        "direction": str(gate.direction),
        "capacity": gate.capacity,
        "timezone": gate.timezone,
        "name_en": gate.name_en,
        "name_zh": gate.name_zh,
        # The checkpoint in the reader's language, as the server's reasons name it.
        "where": localized_text("checkpoint", gate.id, "name", gate.name_en, gate.name_zh),
        # The opening and closing moments as the server's reasons write them in the reader's
        # language (rules.moment_text): the time alone on their day, date and time on another.
        "moments": {
            name: {
                "clock": zoned_clock(moment, gate.timezone),
                "full": zoned_datetime(moment, gate.timezone),
            }
            for name, moment in (("opens_at", gate.opens_at), ("closes_at", gate.closes_at))
            if moment
        },
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
    if person.attention:  # a VIP: admitted with the attention reason, alerted on upload
        entry["attention"] = True
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
    """The admissions here (person id, day, the "when and where" a repeat shows, and the
    admitting scan's id, which an undo names) made by scans after `after`, and the newest
    such scan's id (the delta cursor)."""
    rows = db.session.execute(
        sa.select(Admission.participant_id, Admission.day, Scan.id, Scan.scanned_at, Scan.device)
        .join(Scan, Admission.scan_id == Scan.id)
        .where(Admission.checkpoint_id == gate.id, Scan.id > after)
        .order_by(Scan.id)
    ).all()
    admissions = []
    for row in rows:
        where = admitted_where(gate, row.scanned_at, row.device)
        admissions.append(
            [row.participant_id, row.day.isoformat(), where["time"], where["where"], row.id]
        )
    return admissions, max((row.id for row in rows), default=after)


UNDO_OVERLAP_MS = 60_000  # undos committed out of order are sent again: removing is idempotent


def _millis(moment) -> int:
    return int(moment.timestamp() * 1000)


def _undo_cursor(gate: Gate) -> int:
    newest = db.session.scalar(
        sa.select(sa.func.max(Scan.undone_at)).where(Scan.checkpoint_id == gate.id)
    )
    return _millis(newest) if newest else 0


def _undone(gate: Gate, after_ms: int) -> list[list]:
    """Admitting scans undone at the gate since `after_ms` (a little before: a slower
    transaction may commit an older time): [person id, day, scan id, undone at (ms)]. The
    device drops the admission held by that scan, so the person is not "already admitted"."""
    since = datetime.fromtimestamp(max(0, after_ms - UNDO_OVERLAP_MS) / 1000, UTC)
    rows = db.session.execute(
        sa.select(Scan.participant_id, Scan.scanned_at, Scan.id, Scan.undone_at).where(
            Scan.checkpoint_id == gate.id,
            Scan.undone_at.is_not(None),
            Scan.undone_at > since,
            Scan.participant_id.is_not(None),
            Scan.result == ScanResult.ADMITTED,
        )
    )
    return [
        [row.participant_id, local_time(gate, row.scanned_at).date().isoformat(), row.id]
        + [_millis(row.undone_at)]
        for row in rows
    ]


def _inside(gate: Gate) -> dict | None:
    """Inside now at a door with a capacity, for the device to estimate from offline."""
    if gate.capacity is None:
        return None
    day = local_time(gate, utcnow()).date()
    return {"day": day.isoformat(), "count": occupancy.inside_now(gate.id, gate.timezone, day)}


def _texts() -> dict:
    return {key: fixed_text(REASONS, key) for key in REASONS}


def fingerprint(gate: Gate) -> str:
    """Names the roster's people and rules without building it: the rules themselves, the
    texts, and counts, newest ids and newest changes of what a person's facts are read
    from (participants, badges, delegations, enrolments, badge styles). A person approved,
    a badge reprinted, an enrolment made changes it; an admission does not."""
    person, badge, delegation = (
        Participant.__table__,
        Badge.__table__,
        Delegation.__table__,
    )
    of_event = person.c.event_id == gate.event_id
    badges = badge.join(person, badge.c.participant_id == person.c.id)
    tables = [
        (person, person, of_event, person.c.updated_at),
        (badge, badges, of_event, badge.c.updated_at),
        (delegation, delegation, delegation.c.event_id == gate.event_id, delegation.c.updated_at),
    ]
    if gate.enrolment_required and gate.activity_id:
        enrolment = Enrolment.__table__
        tables.append(
            (
                enrolment,
                enrolment,
                enrolment.c.activity_id == gate.activity_id,
                enrolment.c.changed_at,
            )
        )
    aggregates = [
        sa.select(aggregate).select_from(source).where(where).scalar_subquery()
        for table, source, where, changed in tables
        for aggregate in (sa.func.count(), sa.func.max(table.c.id), sa.func.max(changed))
    ]
    # One round trip. For 4,000 people this reads every participant and badge row (~10 ms
    # on SQLite on a busy 2-core machine), against ~0.3 s to build the roster.
    row = db.session.execute(sa.select(*aggregates)).one()
    parts = [FORMAT, device_rules(gate), _texts(), [str(value) for value in row]]
    if gate.zone:
        style = BadgeStyle.__table__
        parts.append(
            [
                list(row)
                for row in db.session.execute(
                    sa.select(style.c.category, style.c.zones)
                    .where(style.c.event_id == gate.event_id)
                    .order_by(style.c.category)
                )
            ]
        )
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


def roster(gate: Gate, since: str = "") -> dict:
    """The device's roster: `version` names it ("<people and rules>.<admission cursor>.<undo
    cursor>[.<inside now>]"). Given the `since` version a device holds, and its people and
    rules unchanged, only the admissions made and undone since (a delta); otherwise
    everything."""
    stamp = fingerprint(gate)
    inside = _inside(gate)
    undo_cursor = _undo_cursor(gate)
    tail = f".{inside['count']}" if inside else ""
    held = since.split(".")
    if (
        len(held) >= 3
        and held[0] == stamp
        # Cursors a device was given: an id and milliseconds, never beyond what fits.
        and all(part.isascii() and part.isdigit() for part in held[1:3])
        and int(held[1]) <= MAX_ID
        and len(held[2]) <= 13  # milliseconds until the year 2286
    ):
        admissions, newest = _admissions(gate, int(held[1]))
        data = {
            "delta": True,
            "version": f"{stamp}.{newest}.{undo_cursor}{tail}",
            "admissions": admissions,
            "undone": _undone(gate, int(held[2])),
        }
    else:
        admissions, newest = _admissions(gate)
        rules = device_rules(gate)
        data = {
            "delta": False,
            "version": f"{stamp}.{newest}.{undo_cursor}{tail}",
            "rules": rules,
            "reasons": _texts(),
            "people": _people(gate),
            "admissions": admissions,
            "undone": [],
        }
    if inside:
        data["inside"] = inside
    return data


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
