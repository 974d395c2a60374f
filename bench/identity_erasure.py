"""The nightly IDENTITY erasure of a whole past event (issue 21, item 2): every participant of
the demo week erased as one person's erasure leaves them, with the clock moved past the
event's retention for names and contacts (app.config["CLOCK_SHIFT"]). Times the erasure and
its commit, with and without the audit log's index on (object_type, object_id) that each
person's erasure looks its entries up by (migration 0042_audit_object_index), alternately
(A/B, round after round) on copies of one demo database.

    .venv/bin/python bench/identity_erasure.py
    BENCH_ROUNDS=5 .venv/bin/python bench/identity_erasure.py
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from eventhub import create_app  # noqa: E402
from eventhub.audit.models import AuditEntry  # noqa: E402
from eventhub.db import utcnow  # noqa: E402
from eventhub.demo.builder import build_demo_if_empty  # noqa: E402
from eventhub.events.models import Event  # noqa: E402
from eventhub.extensions import db  # noqa: E402
from eventhub.outbox.models import MailState, OutboxMessage  # noqa: E402
from eventhub.privacy import kinds, retention  # noqa: E402
from eventhub.privacy.kinds import Kind  # noqa: E402
from eventhub.privacy.signals import retention_erase  # noqa: E402
from eventhub.registration.models import Participant  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
AUDIT_PER_PERSON = int(os.environ.get("BENCH_AUDIT_PER_PERSON", "4"))
MAILS_PER_PERSON = int(os.environ.get("BENCH_MAILS_PER_PERSON", "3"))
# "queries": only the per-person look-ups (quick); "erasure": only the whole erasure.
PART = os.environ.get("BENCH_PART", "")
ACTIONS = ["participant.create", "participant.update", "participant.status", "badge.reprint"] * 4
SLUG = "caecw-2025"
INDEX = "ix_audit_entry_object"


def _app(path: str):
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "SECRET_KEY": "bench",
            "PUBLIC_URL": "http://127.0.0.1:5000",
        }
    )


def build(folder: str) -> str:
    """The demo week, with an audit log as a real week leaves it: the demo builds its people
    without going through the pages, so it writes AUDIT_PER_PERSON entries about each
    participant (registered, approved, edited…) with details naming them."""
    path = f"{folder}/demo.sqlite3"
    app = _app(path)
    with app.app_context(), app.test_request_context():
        upgrade()
        build_demo_if_empty()
        rows = [
            {
                "created_at": utcnow(),
                "event_id": event_id,
                "actor": "organiser@example.org",
                "action": action,
                "object_type": "Participant",
                "object_id": str(pid),
                "changes": {"email": [None, f"person{pid}@example.org"]},
                "ip_address": "",
            }
            for pid, event_id in db.session.execute(sa.select(Participant.id, Participant.event_id))
            for action in ACTIONS[:AUDIT_PER_PERSON]
        ]
        if rows:
            db.session.execute(sa.insert(AuditEntry), rows)
        db.session.commit()
        db.engine.dispose()
    return path


def erase_identity(path: str, *, indexed: bool) -> tuple[float, int, int]:
    """Seconds to erase every person of the past event (IDENTITY) and commit; people, audit rows."""
    app = _app(path)
    with app.app_context(), app.test_request_context():
        with db.engine.begin() as connection:
            connection.exec_driver_sql(f"DROP INDEX IF EXISTS {INDEX}")
            if indexed:
                connection.exec_driver_sql(
                    f"CREATE INDEX {INDEX} ON audit_entry (object_type, object_id)"
                )
            audit_rows = connection.exec_driver_sql("SELECT count(*) FROM audit_entry").scalar()
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        days = retention.days_for(event, Kind.IDENTITY)
        # The first day IDENTITY is due, in the event's zone, plus one for safety.
        due_on = kinds.erase_after(event, days)
        app.config["CLOCK_SHIFT"] = timedelta(days=(due_on - kinds.event_today(event)).days + 1)
        assert kinds.is_due(event, days)
        started = time.perf_counter()
        erased = sum(
            int(n or 0)
            for _r, n in retention_erase.send(event, kind=Kind.IDENTITY, days=days, actor=None)
        )
        db.session.commit()
        seconds = time.perf_counter() - started
        left = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Participant)
            .where(Participant.event_id == event.id, Participant.erased_at.is_(None))
        )
        assert left == 0, left
        db.engine.dispose()
    return seconds, erased, audit_rows


def per_person_queries(demo: str, folder: str) -> None:
    """The two look-ups one person's erasure makes by the person (audit details by record,
    mails by address in the event), for every participant of the past event, on a copy
    holding MAILS_PER_PERSON mails a person: without an index on either, with the audit
    index (0042_audit_object_index), and with an index on the outbox's (event_id,
    lower(recipient)) too (not in the code: what registration/personal_records.py's look-up
    would need)."""
    copy = f"{folder}/queries.sqlite3"
    shutil.copy(demo, copy)
    app = _app(copy)
    with app.app_context(), app.test_request_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        people = db.session.execute(
            sa.select(Participant.id, Participant.email).where(Participant.event_id == event.id)
        ).all()
        db.session.execute(
            sa.insert(OutboxMessage),
            [
                {
                    "event_id": event.id,
                    "recipient": (email or f"p{pid}@example.org").upper(),
                    "subject": "Your registration",
                    "text": "Dear delegate",
                    "message_id": f"<{pid}-{n}@bench>",
                    "state": MailState.SENT,
                    "created_at": utcnow(),
                    "next_attempt_at": utcnow(),
                }
                for pid, email in people
                for n in range(MAILS_PER_PERSON)
            ],
        )
        db.session.commit()
        conditions = (
            ("no index", []),
            ("audit index", [f"CREATE INDEX {INDEX} ON audit_entry (object_type, object_id)"]),
            (
                "audit + outbox",
                [
                    f"CREATE INDEX {INDEX} ON audit_entry (object_type, object_id)",
                    "CREATE INDEX ix_bench_outbox ON outbox_message (event_id, lower(recipient))",
                ],
            ),
        )
        times: dict[str, list[tuple[float, float]]] = {label: [] for label, _sql in conditions}
        for _round in range(ROUNDS):
            for label, statements in conditions:
                with db.engine.begin() as connection:
                    connection.exec_driver_sql(f"DROP INDEX IF EXISTS {INDEX}")
                    connection.exec_driver_sql("DROP INDEX IF EXISTS ix_bench_outbox")
                    for statement in statements:
                        connection.exec_driver_sql(statement)
                started = time.perf_counter()
                for pid, _email in people:
                    db.session.execute(
                        sa.update(AuditEntry)
                        .where(
                            AuditEntry.object_type == "Participant",
                            AuditEntry.object_id == str(pid),
                        )
                        .values(changes={})
                    )
                audit_seconds = time.perf_counter() - started
                started = time.perf_counter()
                for _pid, email in people:
                    address = (email or "").strip().lower()
                    db.session.scalars(
                        sa.select(OutboxMessage.id).where(
                            OutboxMessage.event_id == event.id,
                            sa.func.lower(OutboxMessage.recipient) == address,
                        )
                    ).all()
                mail_seconds = time.perf_counter() - started
                db.session.rollback()
                times[label].append((audit_seconds, mail_seconds))
        print(
            f"per-person look-ups, {len(people)} people, {MAILS_PER_PERSON} mails each (medians):"
        )
        for label, values in times.items():
            audit_median = statistics.median(a for a, _m in values)
            mail_median = statistics.median(m for _a, m in values)
            print(f"  {label:15} audit update {audit_median:6.2f} s   mails {mail_median:6.2f} s")
        db.engine.dispose()


def main() -> None:
    folder = tempfile.mkdtemp(prefix="eventhub-bench-")
    started = time.perf_counter()
    demo = build(folder)
    assert not Path(f"{demo}-wal").exists() or not Path(f"{demo}-wal").stat().st_size
    print(f"demo week built in {time.perf_counter() - started:.1f} s")
    if PART != "erasure":
        per_person_queries(demo, folder)
    if PART == "queries":
        shutil.rmtree(folder)
        return
    times: dict[str, list[float]] = {"without index": [], "with index": []}
    for _round in range(ROUNDS):
        for label, indexed in (("without index", False), ("with index", True)):
            # A new name each time: a removed copy's -wal file must not meet the next one.
            copy = f"{folder}/copy-{_round}-{int(indexed)}.sqlite3"
            shutil.copy(demo, copy)
            seconds, erased, audit_rows = erase_identity(copy, indexed=indexed)
            times[label].append(seconds)
            print(f"  {label:14} {seconds:7.2f} s  ({erased} people, {audit_rows} audit rows)")
            for leftover in Path(folder).glob(f"{Path(copy).name}*"):
                leftover.unlink()
    print(f"{'':14} {'median':>8} {'max':>8}")
    for label, values in times.items():
        print(f"{label:14} {statistics.median(values):8.2f} {max(values):8.2f}  s")
    ratio = statistics.median(times["without index"]) / statistics.median(times["with index"])
    print(f"without / with: {ratio:.2f}x")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
