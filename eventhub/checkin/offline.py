"""What a device needs to judge codes offline: the digests of each badge's codes, and verdicts."""

from __future__ import annotations

import hashlib

from eventhub import crypto
from eventhub.badges import codes
from eventhub.badges.checking import Holder, holders_query
from eventhub.badges.models import Badge
from eventhub.checkin.holders import summary
from eventhub.checkin.models import ScanResult
from eventhub.checkin.rules import Gate, check_rules, rule_facts
from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.registration.models import Participant, Status


def code_digest(code: str) -> str:
    """How a roster names a code: its hash, so that a stolen roster prints no badge."""
    return hashlib.sha256(code.encode()).hexdigest()[:24]


def roster(gate: Gate) -> list[dict]:
    """What a device needs to judge codes offline at this checkpoint: for each badge, the
    digests of its current and revoked codes, and the verdict of the rules (no passport
    data, no contact details)."""
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
    entries = []
    now = utcnow()
    facts = rule_facts(gate)
    for person in holders:
        current = codes.make_code(key, person.badge_id, person.badge_version)
        verdict = check_rules(gate, person, now, facts)
        revoked = range(1, person.badge_version)
        entries.append(
            {
                "code": code_digest(current),
                "revoked": [code_digest(codes.make_code(key, person.badge_id, v)) for v in revoked],
                # Who is refused needs no name at the gate.
                "participant": summary(person) if person.status == Status.APPROVED else None,
                "result": verdict.result.value,
                "reason": verdict.text if verdict.result != ScanResult.ADMITTED else "",
            }
        )
    return entries
