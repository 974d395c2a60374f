"""Check-in rules: judging a scanned code at a checkpoint, once, whatever the network did.

A scan is judged in this order: a code that is not ours ("invalid"), a revoked badge, a
registration not approved, the checkpoint closed or outside its hours, the wrong category,
zone or no enrolment ("denied"), then admission: once a day at a checkpoint without re-entry
("already_admitted" the second time, saying when and where).
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub import crypto
from eventhub.auth import services as auth_services
from eventhub.auth.models import ApiToken, User
from eventhub.badges import codes
from eventhub.badges.checking import (
    CodeCheck,
    Holder,
    check_code,
    code_check,
    holder_of_badge,
    holders_query,
)
from eventhub.badges.models import Badge
from eventhub.badges.styles import styles_of
from eventhub.checkin.models import Admission, Checkpoint, CheckpointStaff, Scan, ScanResult
from eventhub.db import HotStatement, autocommits, utcnow
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.i18n import fixed_text
from eventhub.registration.labels import CATEGORY_LABELS
from eventhub.registration.models import Category, Participant, Status
from eventhub.text import holds_every_word
from eventhub.web import MAX_ID, as_id, in_event

REASONS = {
    "unknown": _l("Unknown code: not a badge of this event."),
    "revoked": _l("Badge revoked: it was reprinted. Ask for the new badge."),
    "not_approved": _l("Registration not approved."),
    "inactive": _l("This checkpoint is closed."),
    "too_early": _l("Outside the time window: opens at %(time)s."),
    "too_late": _l("Outside the time window: closed at %(time)s."),
    "category": _l("Not allowed here: %(category)s."),
    "zone": _l("Wrong zone: zone %(zone)s needed."),
    "not_enrolled": _l("Not enrolled in this activity."),
    "already": _l("Already checked in at %(time)s at %(where)s."),
    "admitted": _l("Welcome."),
    "undone": _l("This scan was undone at the gate: it admits no one."),
}
FUTURE_TOLERANCE = timedelta(minutes=5)  # device clocks drift
OFFLINE_LIMIT = timedelta(hours=24)


def _by_ref(ref: str | int) -> tuple[str, int | str] | None:
    """("id", 12) or ("slug", "main-entrance") for a checkpoint named either way; None when
    no checkpoint can have that name."""
    text = str(ref).strip()
    if text.isascii() and text.isdigit():  # slugs hold a letter, so digits are an id
        if len(text) > 10 or int(text) > MAX_ID:
            return None
        return "id", int(text)
    return "slug", text[:64]


def checkpoint_by_ref(event: Event, ref: str | int) -> Checkpoint | None:
    """A checkpoint by id or slug."""
    named = _by_ref(ref)
    if named is None:
        return None
    column, value = named
    return db.session.scalar(
        sa.select(Checkpoint).where(
            Checkpoint.event_id == event.id, getattr(Checkpoint, column) == value
        )
    )


@dataclass(frozen=True, slots=True)
class Gate:
    """A checkpoint as a scan reads it, with its event's id and time zone: made from the
    loaded objects on the pages, read in one query of plain columns on the scan API."""

    id: int
    event_id: int
    slug: str
    name_en: str
    name_zh: str
    categories: str
    zone: str
    activity_id: int | None
    enrolment_required: bool
    opens_at: datetime | None
    closes_at: datetime | None
    reentry: bool
    active: bool
    timezone: str  # the event's

    @classmethod
    def of(cls, event: Event, checkpoint: Checkpoint) -> Gate:
        return cls(
            timezone=event.timezone,
            **{name: getattr(checkpoint, name) for name in GATE_FIELDS},
        )


GATE_FIELDS = [name for name in Gate.__slots__ if name != "timezone"]
# Built once: at a thousand scans a second, building a statement cost more than running it.
_GATE = {
    column: HotStatement(
        sa.select(
            *(Checkpoint.__table__.c[name] for name in GATE_FIELDS), Event.__table__.c.timezone
        )
        .join_from(Checkpoint.__table__, Event.__table__)
        .where(
            Checkpoint.__table__.c.event_id == sa.bindparam("event_id"),
            Checkpoint.__table__.c[column] == sa.bindparam("ref"),
        )
    )
    for column in ("id", "slug")
}


def gate_by_ref(event_id: int, ref: str | int) -> Gate | None:
    """The checkpoint named by id or slug in this event, as a scan reads it."""
    named = _by_ref(ref)
    if named is None:
        return None
    column, value = named
    row = _GATE[column].first({"event_id": event_id, "ref": value})
    return None if row is None else Gate(*row)


def may_scan_at(user_id: int, roles: set, checkpoint_id: int) -> bool:
    """Organisers scan anywhere; staff where they are assigned."""
    from eventhub.auth.models import Role

    if Role.ORGANISER in roles:
        return True
    return (
        Role.STAFF in roles
        and db.session.get(CheckpointStaff, (checkpoint_id, user_id)) is not None
    )


@dataclass
class Answer:
    result: ScanResult
    reason: str  # key of REASONS
    detail: dict = field(default_factory=dict)
    participant: Holder | None = None
    scan_id: int | None = None
    duplicate: bool = False

    @property
    def text(self) -> str:
        """The reason in the reader's language, its details filled in."""
        text = fixed_text(REASONS, self.reason)
        return text % self.detail if self.detail else text


def _local(gate: Gate, moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(gate.timezone))


@dataclass
class RuleFacts:
    """What the rules look up beyond the holder, read once for a whole roster or only when
    a checkpoint needs them for one scan."""

    styles: dict
    enrolled: set[int] | None


def _facts(gate: Gate, person_ids: list[int] | None = None) -> RuleFacts:
    """The badge styles (for zones) and who is enrolled in the checkpoint's activity: for
    everyone, or only for `person_ids`."""
    from eventhub.scheduling.models import Enrolment, EnrolmentStatus

    enrolled = None
    if gate.enrolment_required and gate.activity_id:
        query = sa.select(Enrolment.participant_id).where(
            Enrolment.activity_id == gate.activity_id,
            Enrolment.status == EnrolmentStatus.ENROLLED,
        )
        if person_ids is not None:
            query = query.where(Enrolment.participant_id.in_(person_ids))
        enrolled = set(db.session.scalars(query))
    styles = styles_of(gate.event_id) if gate.zone else {}
    return RuleFacts(styles, enrolled)


def _holder_at_gate() -> sa.Select:
    """A badge's holder, and when and by which device they were admitted at a checkpoint
    on a day: a repeat scan (the common case at a busy door) is answered from one query."""
    admission, scan = Admission.__table__, Scan.__table__
    return (
        holder_of_badge()
        .add_columns(scan.c.scanned_at.label("admitted_at"), scan.c.device.label("admitted_by"))
        .outerjoin(
            admission,
            sa.and_(
                admission.c.participant_id == Participant.__table__.c.id,
                admission.c.checkpoint_id == sa.bindparam("checkpoint_id"),
                admission.c.day == sa.bindparam("day"),
            ),
        )
        # Joined one after the other, not as "(admission JOIN scan)", which SQLite builds
        # whole before joining.
        .outerjoin(scan, scan.c.id == admission.c.scan_id)
    )


_HOLDER_AT_GATE = HotStatement(_holder_at_gate())


@dataclass
class Known:
    """What a scan's judging needs, when already read: the code's check and the holder's
    admissions at this checkpoint by day (when, by which device)."""

    check: CodeCheck
    admissions: dict[date, tuple[datetime, str]]


def _read(gate: Gate, code: str, day: date) -> Known:
    check = check_code(gate.event_id, code, _HOLDER_AT_GATE, {"checkpoint_id": gate.id, "day": day})
    admitted_at, admitted_by = check.row[-2:] if check.row else (None, None)
    return Known(check, {day: (admitted_at, admitted_by)} if admitted_at else {})


def _judge(gate: Gate, known: Known, when: datetime, day: date) -> Answer:
    check = known.check
    if check.result == "invalid":
        return Answer(ScanResult.INVALID, "unknown")
    if check.result == "revoked":
        return Answer(ScanResult.DENIED, "revoked", participant=check.holder)
    answer = _rules(gate, check.holder, when)
    if answer.result == ScanResult.ADMITTED and not gate.reentry and day in known.admissions:
        where = _admitted_where(gate, *known.admissions[day])
        return Answer(ScanResult.ALREADY_ADMITTED, "already", where, check.holder)
    return answer


@dataclass
class ScanContext:
    """Everything a scan from a device reads, in one round trip: the token, the checkpoint
    it names (None: no such checkpoint in the token's event), whether the token's person is
    on that checkpoint's staff, and the code's holder with their admissions there."""

    grant: auth_services.TokenGrant
    gate: Gate | None
    assigned: bool
    known: Known


def _scan_context_query(column: str) -> sa.Select:
    token, event = ApiToken.__table__, Event.__table__
    checkpoint, staff = Checkpoint.__table__, CheckpointStaff.__table__
    admission, scan = Admission.__table__, Scan.__table__
    holder = holder_of_badge().subquery("holder")
    return (
        auth_services.token_query()
        .add_columns(
            *(checkpoint.c[name] for name in GATE_FIELDS),
            event.c.timezone,
            sa.exists()
            .where(staff.c.checkpoint_id == checkpoint.c.id, staff.c.user_id == token.c.user_id)
            .label("assigned"),
            *holder.c,
            admission.c.day,
            scan.c.scanned_at,
            scan.c.device,
        )
        .join(event, event.c.id == token.c.event_id)
        .outerjoin(
            checkpoint,
            sa.and_(
                checkpoint.c.event_id == token.c.event_id,
                checkpoint.c[column] == sa.bindparam("ref"),
            ),
        )
        # Found by the badge's key alone (a join on the event let the planner walk every
        # participant); a badge of another event is told apart afterwards (code_check).
        .outerjoin(holder, sa.true())
        .outerjoin(
            admission,
            sa.and_(
                admission.c.checkpoint_id == checkpoint.c.id,
                admission.c.participant_id == holder.c.id,
                # The event's local day is within a day of the UTC one, whatever its zone:
                # the rows of those days come back and the right one is picked here.
                admission.c.day.between(sa.bindparam("first_day"), sa.bindparam("last_day")),
            ),
        )
        .outerjoin(scan, scan.c.id == admission.c.scan_id)  # one by one, as above
    )


_SCAN_CONTEXT = {column: HotStatement(_scan_context_query(column)) for column in ("id", "slug")}


def scan_context(digest: str, ref: str | int, code: str, when: datetime) -> ScanContext | None:
    """The scan's context, or None for an unknown or revoked token."""
    named = _by_ref(ref)
    column, value = named if named is not None else ("id", 0)
    read = codes.read_code(crypto.signing_key("badge"), code)
    badge_id, version = read if read is not None else (0, 0)
    utc_day = when.astimezone(UTC).date()
    rows = _SCAN_CONTEXT[column].rows(
        {
            "digest": digest,
            "ref": value,
            "badge_id": badge_id,
            "first_day": utc_day - timedelta(days=1),
            "last_day": utc_day + timedelta(days=1),
        }
    )
    if not rows:
        return None
    row = rows[0]
    start = auth_services.TOKEN_COLUMNS
    gate_end = start + len(GATE_FIELDS) + 1
    gate = Gate(*row[start:gate_end]) if row[start] is not None else None
    holder_row = row[gate_end + 1 : -3]
    check = code_check(version, holder_row, row[1]) if read is not None else CodeCheck("invalid")
    admissions = {r[-3]: (r[-2], r[-1]) for r in rows if r[-3] is not None}
    return ScanContext(
        auth_services.grant_of(row), gate, bool(row[gate_end]), Known(check, admissions)
    )


def _rules(gate: Gate, person: Holder, when: datetime, facts: RuleFacts | None = None) -> Answer:
    """The checkpoint's rules for a genuine, current badge's holder."""
    if person.status != Status.APPROVED:
        return Answer(ScanResult.DENIED, "not_approved", participant=person)
    if not gate.active:
        return Answer(ScanResult.DENIED, "inactive", participant=person)
    if gate.opens_at and when < gate.opens_at:
        time = _local(gate, gate.opens_at).strftime("%H:%M")
        return Answer(ScanResult.DENIED, "too_early", {"time": time}, person)
    if gate.closes_at and when > gate.closes_at:
        time = _local(gate, gate.closes_at).strftime("%H:%M")
        return Answer(ScanResult.DENIED, "too_late", {"time": time}, person)
    allowed = [c for c in gate.categories.split(",") if c]
    if allowed and person.category.value not in allowed:
        label = fixed_text(CATEGORY_LABELS, person.category)
        return Answer(ScanResult.DENIED, "category", {"category": label}, person)
    if gate.zone or (gate.enrolment_required and gate.activity_id):
        facts = facts or _facts(gate, [person.id])
    if gate.zone:
        # Heads of delegation pass where officials do: their badge shows that band.
        category = Category.OFFICIAL if person.head else person.category
        zones = facts.styles[category].zones.split()
        if gate.zone not in zones and "ALL" not in zones:
            return Answer(ScanResult.DENIED, "zone", {"zone": gate.zone}, person)
    if gate.enrolment_required and gate.activity_id and person.id not in facts.enrolled:
        return Answer(ScanResult.DENIED, "not_enrolled", participant=person)
    return Answer(ScanResult.ADMITTED, "admitted", participant=person)


def holder_of(participant_id: int | None) -> Holder | None:
    if participant_id is None:
        return None
    row = db.session.execute(
        holders_query().where(Participant.__table__.c.id == participant_id)
    ).first()
    return None if row is None else Holder.of_row(row)


def _answer_of(scan) -> Answer:
    """A stored scan's answer, for a resend: what it said, unless staff undid it since."""
    if scan.undone_at is not None:
        return Answer(ScanResult.DENIED, "undone", participant=holder_of(scan.participant_id))
    detail = {}
    if scan.detail:
        time, _sep, where = scan.detail.partition("|")
        detail = {"time": time, "where": where} if scan.reason == "already" else {}
        if scan.reason in ("too_early", "too_late"):
            detail = {"time": scan.detail}
        elif scan.reason == "category":
            detail = {"category": scan.detail}
        elif scan.reason == "zone":
            detail = {"zone": scan.detail}
    return Answer(
        scan.result,
        scan.reason,
        detail,
        holder_of(scan.participant_id),
        scan.id,
        duplicate=scan.duplicate,
    )


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
    now: datetime | None = None,
    known: Known | None = None,
) -> Answer:
    """Judge and record one scan (`known`: the code's holder and admissions, when read
    already with the scan's context). The same client_scan_id again returns the first answer
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
    day = _local(gate, when).date()
    known = known or _read(gate, code, day)
    answer = _judge(gate, known, when, day)
    offline_admitted = offline_result == "admitted"
    if (
        answer.result == ScanResult.ALREADY_ADMITTED
        and offline_admitted
        and when < known.admissions[day][0]
    ):
        # A device admitted this person offline before the scan that holds the check-in:
        # the earlier one is the arrival, and the later one becomes the duplicate.
        person = known.check.holder
        return _admit_earlier(gate, person, code, client_scan_id, when, user_id, device, now)
    # Admitted by a device offline, already admitted here: one check-in, and this scan kept
    # as a flagged duplicate.
    answer.duplicate = answer.result == ScanResult.ALREADY_ADMITTED and offline_admitted
    row = _scan_values(
        gate, code, client_scan_id, when, user_id, device, answer, now, offline_result
    )
    # The database decides, with no extra lookup on the common path: the scan goes in
    # unless its client_scan_id is there already (a resend: the first answer); the admission
    # goes in unless another gate's is there (then this scan says when).
    admit = answer.result == ScanResult.ADMITTED and not gate.reentry
    with _writing():
        scan_id, admitted = _insert(row, day if admit else None)
        if scan_id is not None and admit and not admitted:
            # Another gate admitted this person between our reading and our writing: the
            # scan says when and where (PostgreSQL stored its result already; SQLite in
            # the same transaction as the insert).
            answer.result, answer.reason = ScanResult.ALREADY_ADMITTED, "already"
            answer.detail = _first_admission(gate, answer.participant.id, day) or {}
            answer.duplicate = offline_result == "admitted"
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
    if scan_id is None:
        return _resent(gate, client_scan_id, row["code"])
    answer.scan_id = scan_id
    return answer


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
)


def _statement(name: str):
    """INSERT ... ON CONFLICT DO NOTHING RETURNING, for a scan, an admission, or (on
    PostgreSQL) both in one statement, in the database's own dialect."""
    dialect = db.session.get_bind().dialect.name
    key = (dialect, name)
    if key not in _STATEMENTS:
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
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
    there, and the scan goes in saying which happened ("already_admitted" then, flagged a
    duplicate if a device admitted it offline): no moment where a scan says "admitted"
    without its admission. Returns (scan id, admitted scan id); no row for a resend."""
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
    values["duplicate"] = sa.case(
        (lost, sa.bindparam("offline_admitted", type_=sa.Boolean)), else_=values["duplicate"]
    )
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


def _admit_earlier(gate, person, code, client_scan_id, when, user_id, device, now) -> Answer:
    """An offline admission older than the one on record takes its place: this scan is the
    check-in, the other is kept as already admitted and flagged a duplicate (its gate let the
    person through a second time). In one transaction; a resend answers as the first time."""
    admission, scan = Admission.__table__, Scan.__table__
    day = _local(gate, when).date()
    answer = Answer(ScanResult.ADMITTED, "admitted", participant=person)
    row = _scan_values(gate, code, client_scan_id, when, user_id, device, answer, now, "")
    with _writing(everywhere=True):
        scan_id, _admitted = _insert(row, None)
        if scan_id is None:
            return _resent(gate, client_scan_id, row["code"])
        held = (
            admission.c.checkpoint_id == gate.id,
            admission.c.participant_id == person.id,
            admission.c.day == day,
        )
        later = db.session.execute(
            sa.select(admission.c.scan_id).where(*held).with_for_update()
        ).scalar()
        if later is None:  # undone meanwhile: this scan simply admits
            db.session.execute(
                sa.insert(admission).values(
                    checkpoint_id=gate.id, participant_id=person.id, day=day, scan_id=scan_id
                )
            )
            answer.scan_id = scan_id
            return answer
        db.session.execute(sa.update(admission).where(*held).values(scan_id=scan_id))
        where = _admitted_where(gate, when, device)
        db.session.execute(
            sa.update(scan)
            .where(scan.c.id == later)
            .values(
                result=ScanResult.ALREADY_ADMITTED,
                reason="already",
                detail=f"{where['time']}|{where['where']}"[:200],
                duplicate=True,
            )
        )
    answer.scan_id = scan_id
    return answer


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


def _admitted_where(gate: Gate, scanned_at: datetime, device: str) -> dict:
    """The details of "already checked in at 09:12 at Main entrance (Gate B)"."""
    place = gate.name_en + (f" ({device})" if device else "")
    return {"time": _local(gate, scanned_at).strftime("%H:%M"), "where": place}


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
    return None if row is None else _admitted_where(gate, row.scanned_at, row.device)


def _stored_detail(answer: Answer) -> str:
    """How a scan keeps its reason's details (read back by _answer_of)."""
    if answer.reason == "already" and answer.detail:
        return f"{answer.detail['time']}|{answer.detail['where']}"
    return str(next(iter(answer.detail.values()), "")) if answer.detail else ""


def _scan_values(gate, code, client_scan_id, when, user_id, device, answer, now, offline_result):
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
        # For PostgreSQL's combined insert: a scan losing the race to another gate's
        # admission is a flagged duplicate if its device admitted it offline.
        "offline_admitted": offline_result == "admitted",
    }


def undo_scan(scan: Scan, *, user: User | None) -> None:
    """A mistaken scan (the wrong badge held up): it no longer counts as an arrival."""
    if scan.undone_at is not None:
        raise DomainError(_l("This scan was already undone."))
    scan.undone_at = utcnow()
    db.session.execute(sa.delete(Admission).where(Admission.scan_id == scan.id))
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
    facts = _facts(gate)
    for person in holders:
        current = codes.make_code(key, person.badge_id, person.badge_version)
        verdict = _rules(gate, person, now, facts)
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


def summary(person: Holder | None) -> dict | None:
    """What a gate shows about a person: enough to recognise them, nothing more."""
    if person is None:
        return None
    return {
        "id": person.id,
        "name": person.latin_name,
        "native_name": person.native_name,
        "category": person.category.value,
        "category_label": fixed_text(CATEGORY_LABELS, person.category),
        "country": person.country_code,
        "delegation": person.delegation,
    }


def search(event_id: int, words: list[str], limit: int = 10) -> list[Holder]:
    """Approved people whose names hold every word, for a gate whose guest forgot a badge."""
    person = Participant.__table__
    query = holders_query().where(person.c.event_id == event_id, person.c.status == Status.APPROVED)
    query = query.where(*holds_every_word(person.c.search_text, words))
    rows = db.session.execute(query.order_by(person.c.family_name, person.c.id).limit(limit))
    return [Holder.of_row(row) for row in rows]


# Pages living beside the checkpoints' addresses (/checkin/<slug>).
RESERVED_SLUGS = {"arrivals", "checkpoints", "attendance.csv", "sw.js"}
CHECKPOINT_FIELDS = (
    "name_en",
    "name_zh",
    "slug",
    "categories",
    "zone",
    "activity_id",
    "enrolment_required",
    "opens_at",
    "closes_at",
    "reentry",
    "active",
)


def save_checkpoint(
    event: Event,
    checkpoint: Checkpoint | None,
    data: dict,
    staff_ids: list[int],
    *,
    actor: User | None,
) -> Checkpoint:
    """Create or change a checkpoint and who scans there. Times are typed in the event's
    time zone and stored in UTC."""
    from eventhub.audit import services as audit
    from eventhub.auth.models import EventMembership, Role
    from eventhub.scheduling.models import Activity

    zone = ZoneInfo(event.timezone)
    values = {name: data.get(name) for name in CHECKPOINT_FIELDS}
    for name in ("opens_at", "closes_at"):
        text = (values[name] or "").strip()
        if not text:
            values[name] = None
            continue
        try:
            values[name] = datetime.fromisoformat(text).replace(tzinfo=zone)
        except ValueError as exc:
            raise DomainError(_l("A date and time, e.g. 2025-07-24 08:00."), field=name) from exc
    earliest = datetime.combine(event.starts_on - timedelta(days=30), datetime.min.time(), zone)
    latest = datetime.combine(event.ends_on + timedelta(days=30), datetime.min.time(), zone)
    for name in ("opens_at", "closes_at"):
        if values[name] and not earliest <= values[name] <= latest:
            raise DomainError(_l("A time around the event's days, please."), field=name)
    if values["opens_at"] and values["closes_at"] and values["closes_at"] <= values["opens_at"]:
        raise DomainError(_l("It must close after it opens."), field="closes_at")
    values["activity_id"] = as_id(values["activity_id"])
    activity_id = values["activity_id"]
    if activity_id is not None and in_event(Activity, activity_id, event) is None:
        raise DomainError(_l("Choose an activity of this event."), field="activity_id")
    if values["enrolment_required"] and values["activity_id"] is None:
        raise DomainError(
            _l("Choose the activity whose enrolled participants may pass."), field="activity_id"
        )
    values["categories"] = ",".join(values["categories"] or [])
    values["zone"] = (values["zone"] or "").strip().upper()
    taken = db.session.scalar(
        sa.select(Checkpoint.id).where(
            Checkpoint.event_id == event.id,
            Checkpoint.slug == values["slug"],
            Checkpoint.id != (checkpoint.id if checkpoint else -1),
        )
    )
    if taken:
        raise DomainError(_l("Another checkpoint already uses this short name."), field="slug")
    if values["slug"] in RESERVED_SLUGS:
        raise DomainError(_l("This short name is taken by a page; choose another."), field="slug")
    allowed_staff = set(
        db.session.scalars(
            sa.select(EventMembership.user_id).where(
                EventMembership.event_id == event.id, EventMembership.role == Role.STAFF
            )
        )
    )
    if set(staff_ids) - allowed_staff:
        raise DomainError(_l("Only the event's staff can be assigned."), field="staff")
    created = checkpoint is None
    checkpoint = checkpoint or Checkpoint(event_id=event.id)
    changes = {} if created else audit.diff(checkpoint, values)
    for name, value in values.items():
        setattr(checkpoint, name, value)
    db.session.add(checkpoint)
    db.session.flush()
    current = set(
        db.session.scalars(
            sa.select(CheckpointStaff.user_id).where(CheckpointStaff.checkpoint_id == checkpoint.id)
        )
    )
    for user_id in set(staff_ids) - current:
        db.session.add(CheckpointStaff(checkpoint_id=checkpoint.id, user_id=user_id))
    for user_id in current - set(staff_ids):
        db.session.delete(db.session.get(CheckpointStaff, (checkpoint.id, user_id)))
    if set(staff_ids) != current:
        changes["staff"] = [sorted(current), sorted(staff_ids)]
    audit.record(
        "checkpoint.create" if created else "checkpoint.update",
        checkpoint,
        actor=actor,
        event_id=event.id,
        changes=changes if not created else {"slug": [None, checkpoint.slug]},
    )
    db.session.flush()
    return checkpoint


# --- the arrivals dashboard -----------------------------------------------------------------


@dataclass
class Arrivals:
    day: object
    days: list
    buckets: list[tuple[str, int]]  # ("08:00", arrivals in the quarter hour)
    arrived: int
    expected: int
    by_checkpoint: list[tuple[Checkpoint, int, int]]  # checkpoint, admissions today, scans
    by_country: list[tuple[str, int, int]]  # code, arrived, expected
    by_delegation: list[tuple[str, int, int]]
    vips: list[tuple[Participant, datetime | None]]
    # Activities with a door: enrolled, attended, and the enrolled who did not come.
    by_activity: list[tuple[str, int, int, int]] = field(default_factory=list)


def _first_arrivals(event: Event) -> dict[int, datetime]:
    """Each participant's first admission anywhere, re-entry doors included (undone scans
    do not count)."""
    rows = db.session.execute(
        sa.select(Scan.participant_id, sa.func.min(Scan.scanned_at))
        .where(
            Scan.event_id == event.id,
            Scan.result == ScanResult.ADMITTED,
            Scan.undone_at.is_(None),
        )
        .group_by(Scan.participant_id)
    ).all()
    return dict(rows)


def arrivals(event: Event, day=None) -> Arrivals:
    from eventhub.registration import precedence
    from eventhub.registration.models import Delegation

    zone = ZoneInfo(event.timezone)
    first = _first_arrivals(event)
    days = [event.starts_on + timedelta(days=n) for n in range(event.days)]
    local = {pid: when.astimezone(zone) for pid, when in first.items()}
    if day is None:
        day = max((w.date() for w in local.values()), default=event.starts_on)
    counts: dict[str, int] = {}
    for when in local.values():
        if when.date() == day:
            slot = when.replace(minute=when.minute - when.minute % 15)
            key = slot.strftime("%H:%M")
            counts[key] = counts.get(key, 0) + 1
    buckets = sorted(counts.items())
    approved = list(
        db.session.execute(
            sa.select(
                Participant.id,
                Participant.country_code,
                Participant.delegation_id,
                Participant.protocol_rank,
            ).where(Participant.event_id == event.id, Participant.status == Status.APPROVED)
        )
    )
    by_country: dict[str, list[int]] = {}
    by_delegation: dict[int | None, list[int]] = {}
    for pid, country, delegation_id, _rank in approved:
        arrived = int(pid in first)
        by_country.setdefault(country, [0, 0])
        by_country[country][0] += arrived
        by_country[country][1] += 1
        if delegation_id:
            by_delegation.setdefault(delegation_id, [0, 0])
            by_delegation[delegation_id][0] += arrived
            by_delegation[delegation_id][1] += 1
    names = dict(
        db.session.execute(
            sa.select(Delegation.id, Delegation.name_en).where(Delegation.event_id == event.id)
        ).all()
    )
    start = datetime.combine(day, datetime.min.time(), zone)
    end = start + timedelta(days=1)
    admitted_scan = sa.and_(Scan.result == ScanResult.ADMITTED, Scan.undone_at.is_(None))
    counts = {
        checkpoint_id: (admitted, scans)
        for checkpoint_id, admitted, scans in db.session.execute(
            sa.select(
                Scan.checkpoint_id,
                sa.func.count().filter(admitted_scan),
                sa.func.count(),
            )
            .where(Scan.event_id == event.id, Scan.scanned_at >= start, Scan.scanned_at < end)
            .group_by(Scan.checkpoint_id)
        )
    }
    checkpoints = [
        (checkpoint, *counts.get(checkpoint.id, (0, 0)))
        for checkpoint in db.session.scalars(
            sa.select(Checkpoint)
            .where(Checkpoint.event_id == event.id)
            .order_by(Checkpoint.name_en)
        )
    ]
    vip_levels = precedence.vip_levels(event)
    vips = list(
        db.session.scalars(
            sa.select(Participant)
            .where(
                Participant.event_id == event.id,
                Participant.status == Status.APPROVED,
                Participant.protocol_rank.in_(vip_levels),
            )
            .order_by(Participant.protocol_rank, Participant.family_name)
        )
    )
    by_activity = _activity_attendance(event)
    return Arrivals(
        by_activity=by_activity,
        day=day,
        days=days,
        buckets=buckets,
        arrived=len(first),
        expected=len(approved),
        by_checkpoint=checkpoints,
        by_country=sorted(
            ((c, a, e) for c, (a, e) in by_country.items()), key=lambda r: (-r[2], r[0])
        ),
        by_delegation=sorted(
            ((names.get(d, "?"), a, e) for d, (a, e) in by_delegation.items()),
            key=lambda r: r[0],
        ),
        vips=[(p, local.get(p.id)) for p in vips],
    )


def _activity_attendance(event: Event) -> list[tuple[str, int, int, int]]:
    """(activity, enrolled, attended, enrolled no-shows) for activities behind a checkpoint."""
    from eventhub.scheduling.models import Activity, Enrolment, EnrolmentStatus

    activities = db.session.execute(
        sa.select(Activity.id, Activity.title_en)
        .join(Checkpoint, Checkpoint.activity_id == Activity.id)
        .where(Checkpoint.event_id == event.id)
        .distinct()
        .order_by(Activity.title_en)
    ).all()
    ids = [activity_id for activity_id, _title in activities]
    # Two queries for all the activities, however many there are.
    enrolled: dict[int, set[int]] = {activity_id: set() for activity_id in ids}
    for activity_id, person_id in db.session.execute(
        sa.select(Enrolment.activity_id, Enrolment.participant_id).where(
            Enrolment.activity_id.in_(ids), Enrolment.status == EnrolmentStatus.ENROLLED
        )
    ):
        enrolled[activity_id].add(person_id)
    attended: dict[int, set[int]] = {activity_id: set() for activity_id in ids}
    for activity_id, person_id in db.session.execute(
        sa.select(Checkpoint.activity_id, Scan.participant_id)
        .join(Checkpoint, Checkpoint.id == Scan.checkpoint_id)
        .where(
            Checkpoint.activity_id.in_(ids),
            Scan.result == ScanResult.ADMITTED,
            Scan.undone_at.is_(None),
        )
        .distinct()
    ):
        attended[activity_id].add(person_id)
    return [
        (
            title,
            len(enrolled[activity_id]),
            len(attended[activity_id]),
            len(enrolled[activity_id] - attended[activity_id]),
        )
        for activity_id, title in activities
    ]


def attendance_rows(event: Event) -> list[list]:
    """Everyone approved, with their first arrival and where they were admitted."""
    zone = ZoneInfo(event.timezone)
    first = _first_arrivals(event)
    places: dict[int, set[str]] = {}
    for pid, slug in db.session.execute(
        sa.select(Scan.participant_id, Checkpoint.slug)
        .join(Checkpoint, Checkpoint.id == Scan.checkpoint_id)
        .where(
            Scan.event_id == event.id,
            Scan.result == ScanResult.ADMITTED,
            Scan.undone_at.is_(None),
        )
    ):
        places.setdefault(pid, set()).add(slug)
    rows = []
    for person in db.session.scalars(
        sa.select(Participant)
        .where(Participant.event_id == event.id, Participant.status == Status.APPROVED)
        .options(sa.orm.joinedload(Participant.delegation))
        .order_by(Participant.family_name, Participant.given_name)
    ):
        when = first.get(person.id)
        rows.append(
            [
                person.id,
                person.latin_name,
                person.native_name,
                person.country_code,
                person.delegation.name_en if person.delegation else "",
                person.category.value,
                when.astimezone(zone).strftime("%Y-%m-%d %H:%M") if when else "",
                " ".join(sorted(places.get(person.id, ()))),
            ]
        )
    return rows
