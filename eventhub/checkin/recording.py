"""Recording a scan once, whatever the network did: the one place with each dialect's own SQL."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite

from eventhub.audit import services as audit
from eventhub.auth.models import User
from eventhub.checkin import judged_on_device, live, occupancy
from eventhub.checkin.holders import holder_of
from eventhub.checkin.models import Admission, Checkpoint, Direction, Scan, ScanResult
from eventhub.checkin.reading import read_known
from eventhub.checkin.rules import (
    Answer,
    Gate,
    Known,
    admitted_where,
    exits_here,
    judge,
    local_time,
    within_capacity,
)
from eventhub.db import HotStatement, autocommits, utcnow
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.i18n import localized_text

FUTURE_TOLERANCE = timedelta(minutes=5)  # device clocks drift
OFFLINE_LIMIT = timedelta(hours=24)


def _answer_of(scan) -> Answer:
    """A stored scan's answer, for a resend: what it said, unless staff undid it since."""
    if scan.undone_at is not None:
        return Answer(ScanResult.DENIED, "undone", participant=holder_of(scan.participant_id))
    return Answer(
        scan.result,
        scan.reason,
        detail_of(scan.reason, scan.detail),
        holder_of(scan.participant_id),
        scan.id,
        duplicate=scan.duplicate,
    )


def detail_of(reason: str, stored: str | None) -> dict:
    """A reason's details as a scan keeps them in one column (see _stored_detail)."""
    if not stored:
        return {}
    if reason == "already":
        time, _sep, where = stored.partition("|")
        return {"time": time, "where": where}
    if reason in ("too_early", "too_late", "daily_early", "daily_late"):
        return {"time": stored}
    if reason == "full":
        capacity, _sep, where = stored.partition("|")
        return {"capacity": int(capacity) if capacity.isdigit() else capacity, "where": where}
    key = {"category": "category", "zone": "zone", "not_inside": "where"}.get(reason)
    return {key: stored} if key else {}


def server_detail(scan: Scan) -> dict:
    """The details of what the server would have decided, for a scan judged on the device:
    kept in `detail` when the gate's own reason has none (an admission, a duplicate)."""
    if scan.reason == scan.server_reason or not detail_of(scan.reason, scan.detail):
        return detail_of(scan.server_reason, scan.detail)
    return {}


def _stored(gate: Gate, client_scan_id: str) -> Scan | None:
    return db.session.scalar(
        sa.select(Scan).where(Scan.event_id == gate.event_id, Scan.client_scan_id == client_scan_id)
    )


def record_scan(
    gate: Gate,
    code: str,
    client_scan_id: str,
    *,
    scanned_at: datetime | None = None,
    user_id: int | None = None,
    device: str = "",
    offline_result: str = "",
    offline_reason: str = "",
    now: datetime | None = None,
    known: Known | None = None,
    direction: str | None = None,
) -> Answer:
    """Judge and record one scan (`known`: the code's holder and admissions, when read
    already with the scan's context; `direction`: "entry" or "exit" at a door for both;
    `offline_result`/`offline_reason`: what the device decided, when it judged the scan
    itself). The same client_scan_id again returns the first answer
    and records nothing; two gates admitting one badge at once admit it once (the unique
    admission row decides, in the database, not in this process)."""
    client_scan_id = client_scan_id.strip()[:64]
    if not client_scan_id:
        raise DomainError(_l("client_scan_id is required."), field="client_scan_id")
    for name, value in (("code", code), ("client_scan_id", client_scan_id)):
        if not value.strip().isprintable():  # control characters: no badge, no device id
            raise DomainError(
                _l("%(field)s holds characters that are not allowed.", field=name), field=name
            )
    now = now or utcnow()
    when = scanned_at or now
    if when > now + FUTURE_TOLERANCE:
        raise DomainError(_l("scanned_at is in the future."), field="scanned_at")
    if when < now - OFFLINE_LIMIT:
        # An offline queue is sent within hours; an older time would dodge the hours and
        # the once-a-day rule.
        raise DomainError(_l("scanned_at is more than a day old."), field="scanned_at")
    if direction not in (None, "", "entry", "exit"):
        raise DomainError(_l("direction is entry or exit."), field="direction")
    if direction == "exit" and gate.direction not in ("exit", "both"):
        raise DomainError(_l("This checkpoint records entries only."), field="direction")
    day = local_time(gate, when).date()
    known = known or read_known(gate, code, day)
    answer = judge(gate, known, when, day, exits_here(gate, direction))
    counted = _counted_at_the_door(gate, answer)
    decided = judged_on_device.gate_decision(offline_result)
    if decided is not None:
        if counted:  # what the server would have decided; the gate's decision stands
            answer = _at_the_door(gate, answer, day)
        # Judged on the device: what the gate did is what happened; the server's judgement
        # is kept beside it.
        recorded = judged_on_device.record_judged_on_device(
            gate,
            known,
            answer,
            decided,
            offline_reason,
            code=code,
            client_scan_id=client_scan_id,
            when=when,
            day=day,
            user_id=user_id,
            device=device,
            now=now,
        )
        live.announce(gate.event_id)  # open dashboards refresh (live.py)
        return recorded
    # The database decides, with no extra lookup on the common path: the scan goes in
    # unless its client_scan_id is there already (a resend: the first answer); the admission
    # goes in unless another gate's is there (then this scan says when). At a door that
    # counts who is inside, counting and recording are one transaction, one door at a time.
    with _writing(everywhere=counted):
        if counted:
            occupancy.lock_door(gate.id)
            answer = _at_the_door(gate, answer, day)
        row = _scan_values(gate, code, client_scan_id, when, user_id, device, answer, now)
        admit = answer.result == ScanResult.ADMITTED and not gate.reentry
        scan_id, admitted = _insert(row, day if admit else None)
        if scan_id is not None and admit and not admitted:
            # Another gate admitted this person between our reading and our writing: the
            # scan says when and where (PostgreSQL stored its result already; SQLite in
            # the same transaction as the insert).
            answer.result, answer.reason = ScanResult.ALREADY_ADMITTED, "already"
            answer.detail = _first_admission(gate, answer.participant.id, day) or {}
            db.session.execute(
                sa.update(Scan.__table__)
                .where(Scan.__table__.c.id == scan_id)
                .values(
                    result=answer.result,
                    reason="already",
                    detail=_stored_detail(answer)[:200],
                    duplicate=answer.duplicate,
                )
            )
        if scan_id is not None and answer.reason == "attention":
            occupancy.raise_alert(gate, answer.participant.id, scan_id, when)
    if scan_id is None:
        return _resent(gate, client_scan_id, row["code"])
    live.announce(gate.event_id)  # open dashboards refresh (live.py)
    answer.scan_id = scan_id
    return answer


def _counted_at_the_door(gate: Gate, answer: Answer) -> bool:
    """Whether this scan needs who is inside: an entry at a door with a capacity, or an
    exit at a door for both ways (only someone inside can leave). Never on the common path."""
    if answer.result == ScanResult.ADMITTED:
        return gate.capacity is not None
    return (
        answer.result == ScanResult.EXITED
        and gate.direction == Direction.BOTH
        and answer.participant is not None
    )


def _at_the_door(gate: Gate, answer: Answer, day: date) -> Answer:
    """An entry refused when the door is full; an exit refused for someone not inside (never
    entered, or left already): recorded as a refusal, it makes no room."""
    where = localized_text("checkpoint", gate.id, "name", gate.name_en, gate.name_zh)
    person = answer.participant
    if answer.result == ScanResult.EXITED:
        if occupancy.is_inside(gate.id, person.id, gate.timezone, day):
            return answer
        return Answer(ScanResult.DENIED, "not_inside", {"where": where}, person)
    inside = occupancy.inside_now(gate.id, gate.timezone, day)
    if (
        person is not None
        and gate.reentry
        and occupancy.is_inside(gate.id, person.id, gate.timezone, day)
    ):
        inside -= 1  # in already (no exit scanned): takes no second place
    return within_capacity(gate, answer, inside)


def _resent(gate: Gate, client_scan_id: str, code: str) -> Answer:
    """The first answer to a scan sent again (its client_scan_id is recorded already)."""
    stored = _stored(gate, client_scan_id)
    if stored.checkpoint_id != gate.id or stored.code != code:
        # Not a resend: a device reusing its ids. Its answer is not this scan's.
        raise DomainError(
            _l("This client_scan_id was already used for another scan."),
            field="client_scan_id",
        )
    return _answer_of(stored)


# Built once per dialect with bound parameters: at thousands of scans a second, building
# and coercing a statement for every request cost more than running it.
_STATEMENTS: dict[tuple[str, str], Any] = {}
SCAN_COLUMNS = (
    "event_id",
    "checkpoint_id",
    "client_scan_id",
    "code",
    "participant_id",
    "result",
    "reason",
    "detail",
    "scanned_at",
    "received_at",
    "user_id",
    "device",
    "duplicate",
    "undone_at",
    "offline",
    "server_result",
    "server_reason",
    "disagrees",
)


def _statement(name: str):
    """INSERT ... ON CONFLICT DO NOTHING RETURNING, for a scan, an admission, or (on
    PostgreSQL) both in one statement, in the database's own dialect."""
    dialect = db.session.get_bind().dialect.name
    key = (dialect, name)
    if key not in _STATEMENTS:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        scan, admission = Scan.__table__, Admission.__table__
        new_scan = (
            insert(scan)
            .values({column: sa.bindparam(column) for column in SCAN_COLUMNS})
            .on_conflict_do_nothing(index_elements=["event_id", "client_scan_id"])
            .returning(scan.c.id)
        )
        new_admission = insert(admission).on_conflict_do_nothing(
            index_elements=["checkpoint_id", "participant_id", "day"]
        )
        if name == "scan":
            statement = new_scan
        elif name == "admission":
            statement = new_admission.values(
                {column: sa.bindparam(column) for column in ADMISSION_COLUMNS}
            ).returning(admission.c.id)
        else:  # "scan+admission", PostgreSQL: one round trip, atomic with no transaction
            statement = _scan_and_admission(insert, scan, admission)
        _STATEMENTS[key] = HotStatement(statement)
    return _STATEMENTS[key]


ADMISSION_COLUMNS = ("checkpoint_id", "participant_id", "day", "scan_id")


def _scan_and_admission(insert, scan: sa.Table, admission: sa.Table) -> sa.Select:
    """The scan's id is drawn first; the admission goes in with it unless another scan's is
    there, and the scan goes in saying which happened ("already_admitted" then): no moment
    where a scan says "admitted" without its admission. Returns (scan id, admitted scan id);
    no row for a resend."""
    # Literal SQL, not parameters: the statement runs straight through the driver with
    # only the scan's own values (HotStatement).
    new = sa.select(
        sa.literal_column("nextval(pg_get_serial_sequence('scan', 'id'))").label("id")
    ).cte("new")
    resent = sa.exists().where(
        scan.c.event_id == sa.bindparam("event_id"),
        scan.c.client_scan_id == sa.bindparam("client_scan_id"),
    )
    admitted = (
        insert(admission)
        .from_select(
            ADMISSION_COLUMNS,
            sa.select(
                sa.bindparam("checkpoint_id", type_=sa.Integer),
                sa.bindparam("participant_id", type_=sa.Integer),
                sa.bindparam("day", type_=sa.Date),
                new.c.id,
            ).where(~resent),  # a resend's admission is the first scan's
        )
        .on_conflict_do_nothing(index_elements=["checkpoint_id", "participant_id", "day"])
        .returning(admission.c.scan_id)
        .cte("admitted")
    )
    lost = admitted.c.scan_id.is_(None)  # another gate's admission was there
    values = {column: sa.bindparam(column, type_=scan.c[column].type) for column in SCAN_COLUMNS}
    values["result"] = sa.case(
        (lost, sa.literal_column(f"'{ScanResult.ALREADY_ADMITTED.value}'")),
        else_=values["result"],
    )
    values["reason"] = sa.case((lost, sa.literal_column("'already'")), else_=values["reason"])
    scanned = (
        insert(scan)
        .from_select(
            ["id", *SCAN_COLUMNS],
            sa.select(new.c.id, *values.values()).select_from(
                new.outerjoin(admitted, admitted.c.scan_id == new.c.id)
            ),
        )
        .on_conflict_do_nothing(index_elements=["event_id", "client_scan_id"])
        .returning(scan.c.id)
        .cte("scanned")
    )
    return sa.select(scanned.c.id, admitted.c.scan_id).select_from(
        scanned.outerjoin(admitted, admitted.c.scan_id == scanned.c.id)
    )


@contextmanager
def _writing(everywhere: bool = False):
    """The statements inside in one transaction, when each would otherwise commit alone
    (a scan request on SQLite, or `everywhere`); otherwise nothing (already in a
    transaction, or PostgreSQL, where one statement writes a scan and its admission)."""
    connection = db.session.connection()
    sqlite = connection.dialect.name == "sqlite"
    own = (sqlite or everywhere) and autocommits(connection)
    if not own:
        yield
        return
    connection.exec_driver_sql("BEGIN IMMEDIATE" if sqlite else "BEGIN")
    try:
        yield
    except BaseException:
        connection.exec_driver_sql("ROLLBACK")
        raise
    connection.exec_driver_sql("COMMIT")


def _insert(row: dict, day: date | None) -> tuple[int | None, bool]:
    """Insert the scan and, given the `day` it admits to, its admission. Returns the scan's
    id (None: this client_scan_id is there already) and whether it was admitted (False:
    another scan's admission for that day is there already, and the scan, on PostgreSQL,
    is stored as "already_admitted")."""
    if day is None:
        scanned = _statement("scan").first(row)
        return (None if scanned is None else scanned[0]), False
    if db.session.get_bind().dialect.name == "postgresql":
        both = _statement("scan+admission").first({**row, "day": day})
        return (None, False) if both is None else (both[0], both[1] is not None)
    scanned = _statement("scan").first(row)
    if scanned is None:
        return None, False
    admitted = _statement("admission").first(
        {
            "checkpoint_id": row["checkpoint_id"],
            "participant_id": row["participant_id"],
            "day": day,
            "scan_id": scanned[0],
        }
    )
    return scanned[0], admitted is not None


def _first_admission(gate: Gate, person_id: int, day) -> dict | None:
    """When and where the person was admitted here that day, in one query."""
    row = db.session.execute(
        sa.select(Scan.scanned_at, Scan.device)
        .join(Admission, Admission.scan_id == Scan.id)
        .where(
            Admission.checkpoint_id == gate.id,
            Admission.participant_id == person_id,
            Admission.day == day,
        )
    ).first()
    return None if row is None else admitted_where(gate, row.scanned_at, row.device)


def _stored_detail(answer: Answer) -> str:
    """How a scan keeps its reason's details (read back by _answer_of)."""
    if answer.reason == "already" and answer.detail:
        return f"{answer.detail['time']}|{answer.detail['where']}"
    if answer.reason == "full" and answer.detail:
        return f"{answer.detail['capacity']}|{answer.detail['where']}"
    return str(next(iter(answer.detail.values()), "")) if answer.detail else ""


def _scan_values(gate, code, client_scan_id, when, user_id, device, answer, now):
    return {
        "event_id": gate.event_id,
        "checkpoint_id": gate.id,
        "client_scan_id": client_scan_id,
        "code": code.strip()[:64],
        "participant_id": answer.participant.id if answer.participant else None,
        "result": answer.result.value,
        "reason": answer.reason,
        "detail": _stored_detail(answer)[:200],
        "scanned_at": when,
        "received_at": now,
        "user_id": user_id,
        "device": device[:100],
        "duplicate": answer.duplicate,
        "undone_at": None,
        "offline": False,
        "server_result": None,
        "server_reason": "",
        "disagrees": False,
    }


def undo_scan(scan: Scan, *, user: User | None, actor_label: str | None = None) -> None:
    """A mistaken scan (the wrong badge held up): it no longer counts as an arrival. Audited
    here, whoever undoes it (a staff member on the page, a device or person over the API)."""
    if scan.undone_at is not None:
        raise DomainError(_l("This scan was already undone."))
    if scan.result not in (ScanResult.ADMITTED, ScanResult.EXITED):
        # A refusal or an "already admitted" let nobody in: there is nothing to take back.
        raise DomainError(
            _l("Only a scan that admitted someone or recorded an exit can be undone.")
        )
    scan.undone_at = utcnow()
    db.session.execute(sa.delete(Admission).where(Admission.scan_id == scan.id))
    audit.record(
        "scan.undo",
        scan,
        actor=user,
        actor_label=None if user else actor_label,
        event_id=scan.event_id,
        changes={"undone_at": [None, scan.undone_at.isoformat()]},
    )
    db.session.flush()


def recent_scans(checkpoint: Checkpoint, limit: int = 15) -> list[Scan]:
    return list(
        db.session.scalars(
            sa.select(Scan)
            .where(Scan.checkpoint_id == checkpoint.id)
            .options(sa.orm.joinedload(Scan.participant))
            .order_by(Scan.received_at.desc(), Scan.id.desc())
            .limit(limit)
        )
    )
