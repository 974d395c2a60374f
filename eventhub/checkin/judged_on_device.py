"""Scans judged on the device (offline, or the server too slow to answer): the gate's
decision is what happened, the server's judgement is kept beside it, and the earliest
admission is the arrival whatever order the devices upload in."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from eventhub.checkin import occupancy, recording
from eventhub.checkin.models import Admission, AttentionAlert, Scan, ScanResult
from eventhub.checkin.rules import (
    REASONS,
    Answer,
    Gate,
    Known,
    admitted_where,
    moment_text,
)
from eventhub.extensions import db
from eventhub.i18n import fixed_text, localized_text, zoned_clock
from eventhub.registration.labels import CATEGORY_LABELS

# The person may pass (admitted now, or earlier that day): what "admitted" means when the
# gate's decision and the server's are compared.
LET_IN = (ScanResult.ADMITTED, ScanResult.ALREADY_ADMITTED)
# What the gate said when its own reason is unknown here: nothing the server did not see
# (a refusal at the gate is not "registration not approved").
DEFAULT_REASONS = {
    ScanResult.ADMITTED: "admitted",
    ScanResult.ALREADY_ADMITTED: "already_here",
    ScanResult.DENIED: "refused_at_gate",
    ScanResult.INVALID: "unknown",
    ScanResult.EXITED: "exit",
}
# Reasons that show details: without them (the server cannot tell), a plainer reason.
DETAILED = ("too_early", "too_late", "daily_early", "daily_late", "full", "not_inside")
DETAILED += ("category", "zone", "already")


def gate_decision(offline_result: str) -> ScanResult | None:
    """The device's verdict, when it sent one it could have given."""
    try:
        return ScanResult(offline_result)
    except ValueError:
        return None


def _gate_answer(gate, known: Known, server: Answer, decided, reason: str, day, when) -> Answer:
    """What the gate said, with the details its reason shows (from the server's own answer
    when both gave the same reason)."""
    person = server.participant or known.check.holder
    if decided == ScanResult.ADMITTED:
        # The gate said "needs attention" to a VIP it knew as one; else plain admitted.
        said = "attention" if reason == "attention" else "admitted"
        return Answer(decided, said, participant=person)
    if reason not in REASONS or reason in ("admitted", "undone"):
        reason = server.reason if server.result == decided else DEFAULT_REASONS[decided]
    if reason == server.reason:
        return Answer(decided, reason, dict(server.detail), person)
    detail: dict = {}
    where = localized_text("checkpoint", gate.id, "name", gate.name_en, gate.name_zh)
    if reason == "too_early" and gate.opens_at:
        detail = {"time": moment_text(gate, gate.opens_at, when)}
    elif reason == "too_late" and gate.closes_at:
        detail = {"time": moment_text(gate, gate.closes_at, when)}
    elif reason == "daily_early" and gate.daily_opens:
        detail = {"time": zoned_clock(gate.daily_opens)}
    elif reason == "daily_late" and gate.daily_closes:
        detail = {"time": zoned_clock(gate.daily_closes)}
    elif reason == "full" and gate.capacity is not None:
        detail = {"capacity": gate.capacity, "where": where}
    elif reason == "not_inside":
        detail = {"where": where}
    elif reason == "category" and person:
        detail = {"category": fixed_text(CATEGORY_LABELS, person.category)}
    elif reason == "zone":
        detail = {"zone": gate.zone}
    elif reason == "already" and day in known.admissions:
        detail = admitted_where(gate, *known.admissions[day])
    if reason in DETAILED and not detail:
        reason = DEFAULT_REASONS[decided]
    return Answer(decided, reason, detail, person)


def record_judged_on_device(
    gate: Gate,
    known: Known,
    server: Answer,
    decided: ScanResult,
    reason: str,
    *,
    code: str,
    client_scan_id: str,
    when: datetime,
    day: date,
    user_id: int | None,
    device: str,
    now: datetime,
) -> Answer:
    """Record what the gate decided (`decided`, `reason`), with the server's `server`
    judgement at that time beside it; an admission only if the gate admitted."""
    answer = _gate_answer(gate, known, server, decided, reason, day, when)
    row = recording._scan_values(gate, code, client_scan_id, when, user_id, device, answer, now)
    if row["participant_id"] is None and server.participant is not None:
        row["participant_id"] = server.participant.id
    row.update(
        offline=True,
        server_result=server.result.value,
        server_reason=server.reason,
        disagrees=(decided in LET_IN) != (server.result in LET_IN),
    )
    admit = decided == ScanResult.ADMITTED and not gate.reentry and row["participant_id"]
    with recording._writing(everywhere=True):
        scan_id, _admitted = recording._insert(row, None)
        if scan_id is None:
            return _decided_after_answer(gate, row, decided, answer, day)
        answer.scan_id = scan_id
        if admit:
            _settle_arrival(gate, row["participant_id"], day, scan_id, when, device, answer)
        _alert_if_needed(gate, answer, known, scan_id, when, day)
    return answer


def _alert_if_needed(gate: Gate, answer: Answer, known, scan_id: int, when, day) -> None:
    """A VIP the gate let in offline alerts protocol staff as an online admission does,
    once: not when a scan uploaded earlier already raised that day's alert here."""
    person = answer.participant or (known.check.holder if known else None)
    if answer.result != ScanResult.ADMITTED or person is None or not person.attention:
        return
    start, end = occupancy.day_bounds(gate.timezone, day)
    alert = AttentionAlert.__table__
    raised = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(alert)
        .where(
            alert.c.checkpoint_id == gate.id,
            alert.c.participant_id == person.id,
            alert.c.scanned_at >= start,
            alert.c.scanned_at < end,
        )
    )
    if not raised or gate.reentry:  # with re-entry each admission alerts, as online
        occupancy.raise_alert(gate, person.id, scan_id, when)


def _decided_after_answer(gate: Gate, row: dict, decided, answer: Answer, day) -> Answer:
    """The same client_scan_id again. A resend of a scan judged on the device answers as
    the first time; but a scan the server answered too slowly (the device gave up, judged
    it itself and queued it) becomes what the gate decided, the server's answer kept beside."""
    stored = recording._stored(gate, row["client_scan_id"])
    if stored.checkpoint_id != gate.id or stored.code != row["code"]:
        return recording._resent(gate, row["client_scan_id"], row["code"])  # refuses
    if stored.offline or stored.undone_at is not None:
        return recording._answer_of(stored)
    server = stored.result
    stored.offline = True
    stored.server_result, stored.server_reason = server, stored.reason
    stored.disagrees = (decided in LET_IN) != (server in LET_IN)
    if decided == ScanResult.ADMITTED:
        if server == ScanResult.ALREADY_ADMITTED:
            # The gate let in someone already in: admitted (what happened), a duplicate with
            # no second admission; the "already" details stay for the conflicts page.
            stored.result, stored.reason, stored.duplicate = ScanResult.ADMITTED, "admitted", True
        elif server != ScanResult.ADMITTED and stored.participant_id and not gate.reentry:
            stored.result, stored.reason, stored.detail = ScanResult.ADMITTED, "admitted", ""
            db.session.flush()
            answer.scan_id = stored.id
            _settle_arrival(
                gate,
                stored.participant_id,
                day,
                stored.id,
                stored.scanned_at,
                stored.device,
                answer,
            )
            _alert_if_needed(gate, answer, None, stored.id, stored.scanned_at, day)
            return answer
    else:
        if server == ScanResult.ADMITTED:  # the gate refused: no arrival
            db.session.execute(sa.delete(Admission).where(Admission.scan_id == stored.id))
        stored.result, stored.reason = answer.result, answer.reason
        stored.detail = recording._stored_detail(answer)[:200]
    db.session.flush()
    return recording._answer_of(stored)


def _settle_arrival(gate, person_id, day, scan_id, when, device, answer: Answer) -> None:
    """This scan admitted `person_id`: it holds the day's admission unless an earlier scan
    does. The admission row is locked while deciding, so devices uploading at once agree
    on the earliest; a lost insert (another upload's admission went in) decides again."""
    admission, scan = Admission.__table__, Scan.__table__
    held = (
        admission.c.checkpoint_id == gate.id,
        admission.c.participant_id == person_id,
        admission.c.day == day,
    )
    for _attempt in range(5):
        holder = db.session.execute(
            sa.select(admission.c.scan_id).where(*held).with_for_update()
        ).scalar()
        if holder is None:
            inserted = recording._statement("admission").first(
                {
                    "checkpoint_id": gate.id,
                    "participant_id": person_id,
                    "day": day,
                    "scan_id": scan_id,
                }
            )
            if inserted is not None:
                return
            continue  # another upload's admission went in meanwhile: compare with it
        if holder == scan_id:
            return
        held_at, held_device = db.session.execute(
            sa.select(scan.c.scanned_at, scan.c.device).where(scan.c.id == holder)
        ).one()
        if when < held_at:
            # This scan is the arrival; the other gate let the person through a second time:
            # it still admitted (what the gate did), flagged a duplicate, the server's
            # "already" details kept for the conflicts page.
            db.session.execute(sa.update(admission).where(*held).values(scan_id=scan_id))
            where = admitted_where(gate, when, device)
            db.session.execute(
                sa.update(scan)
                .where(scan.c.id == holder)
                .values(
                    server_result=ScanResult.ALREADY_ADMITTED,
                    server_reason="already",
                    detail=f"{where['time']}|{where['where']}"[:200],
                    duplicate=True,
                )
            )
            return
        break
    else:  # pragma: no cover - five lost inserts in a row
        raise RuntimeError("admission kept changing")
    # An earlier scan holds the arrival: the gate still let the person through (admitted,
    # what happened), flagged a duplicate with no second admission; the server would have
    # said "already", with when and where kept for the conflicts page.
    where = admitted_where(gate, held_at, held_device)
    answer.duplicate = True
    db.session.execute(
        sa.update(scan)
        .where(scan.c.id == scan_id)
        .values(
            server_result=ScanResult.ALREADY_ADMITTED,
            server_reason="already",
            detail=f"{where['time']}|{where['where']}"[:200],
            duplicate=True,
        )
    )
