"""What judging a scan reads: the code's holder and admissions; from a device, token and gate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from eventhub import crypto
from eventhub.auth import services as auth_services
from eventhub.auth.models import ApiToken, ApiTokenCheckpoint
from eventhub.badges import codes
from eventhub.badges.checking import CodeCheck, check_code, code_check, holder_of_badge
from eventhub.checkin.models import Admission, Checkpoint, CheckpointStaff, Scan
from eventhub.checkin.rules import GATE_FIELDS, Gate, Known, by_ref
from eventhub.db import HotStatement
from eventhub.events.models import Event
from eventhub.registration.models import Participant


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


def read_known(gate: Gate, code: str, day: date) -> Known:
    check = check_code(gate.event_id, code, _HOLDER_AT_GATE, {"checkpoint_id": gate.id, "day": day})
    admitted_at, admitted_by = check.row[-2:] if check.row else (None, None)
    return Known(check, {day: (admitted_at, admitted_by)} if admitted_at else {})


@dataclass
class ScanContext:
    """Everything a scan from a device reads, in one round trip: the token, the checkpoint
    it names (None: no such checkpoint in the token's event), whether the token's person is
    on that checkpoint's staff, and the code's holder with their admissions there."""

    grant: auth_services.TokenGrant
    gate: Gate | None
    assigned: bool
    known: Known
    in_scope: bool = True  # the checkpoint is among the token's (or it has all)


def _scan_context_query(column: str) -> sa.Select:
    token, event, scope = ApiToken.__table__, Event.__table__, ApiTokenCheckpoint.__table__
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
            sa.or_(
                token.c.all_checkpoints,
                sa.exists().where(
                    scope.c.token_id == token.c.id, scope.c.checkpoint_id == checkpoint.c.id
                ),
            ).label("in_scope"),
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
    named = by_ref(ref)
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
    holder_row = row[gate_end + 2 : -3]
    check = code_check(version, holder_row, row[1]) if read is not None else CodeCheck("invalid")
    admissions = {r[-3]: (r[-2], r[-1]) for r in rows if r[-3] is not None}
    return ScanContext(
        auth_services.grant_of(row),
        gate,
        bool(row[gate_end]),
        Known(check, admissions),
        in_scope=bool(row[gate_end + 1]),
    )
