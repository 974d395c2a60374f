"""How long each kind of personal data is kept, what is past its date, and its erasure.

Every domain that holds a kind answers this package's signals (retention_due, retention_erase)
for its own tables. An erasure run erases every kind past its date and leaves one ErasureRun
and one audit entry; once its transaction commits, `reclaim` makes sure the erased bytes
cannot be read back from the database files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub import db as dbtools
from eventhub.audit import services as audit
from eventhub.audit.services import ACTION_LABELS
from eventhub.db import utcnow
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.privacy import kinds
from eventhub.privacy.kinds import Kind
from eventhub.privacy.models import ErasureRun, ErasureTrigger, RetentionRule
from eventhub.privacy.signals import retention_due, retention_erase

ACTION_LABELS["retention.rules"] = _l("How long personal data is kept changed")
ACTION_LABELS["retention.erase"] = _l("Personal data past its date erased")

_TOUCHED = "eventhub_erased_tables"


@dataclass
class ReportRow:
    """One kind of data in an event: how long it is kept, from when it goes, how much is due."""

    kind: Kind
    label: str
    description: str
    days: int
    default: bool  # the installation's default, not the event's own rule
    erase_after: date | None  # None for uploads: each is due `days` after it was uploaded
    due: int


def rules_of(event) -> dict[Kind, int]:
    """The event's own rules (kinds without one keep kinds.DEFAULT_DAYS)."""
    rows = db.session.execute(
        sa.select(RetentionRule.kind, RetentionRule.days).where(RetentionRule.event_id == event.id)
    )
    return {Kind(kind): days for kind, days in rows}


def days_for(event, kind: Kind) -> int:
    """How many days after the event's end (uploads: after the upload) `kind` is kept."""
    return rules_of(event).get(kind, kinds.DEFAULT_DAYS[kind])


def set_days(event, wanted: dict[Kind, int], actor) -> dict[str, list[int]]:
    """Store the days per kind the organiser chose; returns {kind: [old, new]} of what
    changed (a save that changes nothing writes nothing). Flushed; the caller commits."""
    if any(not 0 <= days <= kinds.MAX_DAYS for days in wanted.values()):
        raise DomainError(_l("Enter a number of days from 0 to %(max)d.", max=kinds.MAX_DAYS))
    stored = {
        rule.kind: rule
        for rule in db.session.scalars(
            sa.select(RetentionRule).where(RetentionRule.event_id == event.id)
        )
    }
    changes: dict[str, list[int]] = {}
    for kind, days in wanted.items():
        rule = stored.get(kind)
        old = rule.days if rule else kinds.DEFAULT_DAYS[kind]
        if old == days:
            continue
        if rule is None:
            db.session.add(
                RetentionRule(
                    event_id=event.id,
                    kind=kind,
                    days=days,
                    changed_by_id=getattr(actor, "id", None),
                )
            )
        else:
            rule.days, rule.changed_by_id = days, getattr(actor, "id", None)
        changes[kind.value] = [old, days]
    if changes:
        audit.record("retention.rules", event, actor=actor, event_id=event.id, changes=changes)
        db.session.flush()
    return changes


def report(event) -> list[ReportRow]:
    """Every kind, with the event's retention and how many records are past their date."""
    rules = rules_of(event)
    rows = []
    for kind in Kind:
        days = rules.get(kind, kinds.DEFAULT_DAYS[kind])
        due = sum(int(n or 0) for _r, n in retention_due.send(event, kind=kind, days=days))
        rows.append(
            ReportRow(
                kind=kind,
                label=str(kinds.KIND_LABELS[kind]),
                description=str(kinds.KIND_DESCRIPTIONS[kind]),
                days=days,
                default=days == kinds.DEFAULT_DAYS[kind],  # also when saved at the default
                erase_after=None if kind == Kind.IMPORTS else kinds.erase_after(event, days),
                due=due,
            )
        )
    return rows


def touched(*tables: str) -> None:
    """A receiver erased rows of these tables: `reclaim` cleans their files after the commit."""
    db.session.info.setdefault(_TOUCHED, set()).update(tables)


def erase_due(
    event, *, trigger: ErasureTrigger, actor=None, keep_empty: bool = True
) -> ErasureRun | None:
    """Erase every kind past its date in `event`: one run, one audit entry with the counts per
    kind (None, nothing recorded, when nothing was due and not `keep_empty`). Flushed; the
    caller commits, then calls `reclaim`."""
    started = utcnow()
    rules = rules_of(event)
    counts: dict[str, int] = {}
    for kind in Kind:
        days = rules.get(kind, kinds.DEFAULT_DAYS[kind])
        erased = sum(
            int(n or 0) for _r, n in retention_erase.send(event, kind=kind, days=days, actor=actor)
        )
        if erased:
            counts[kind.value] = erased
    if not counts and not keep_empty:
        db.session.flush()
        return None
    run = ErasureRun(
        event_id=event.id,
        trigger=trigger,
        actor_id=getattr(actor, "id", None),
        started_at=started,
        finished_at=utcnow(),
        counts=counts,
    )
    db.session.add(run)
    db.session.flush()
    audit.record(
        "retention.erase",
        run,
        actor=actor,
        actor_label=None if actor else "retention",
        event_id=event.id,
        changes={"trigger": [None, trigger.value]}
        | {kind: [None, count] for kind, count in counts.items()},
    )
    db.session.flush()
    return run


def erase_all_due(trigger: ErasureTrigger = ErasureTrigger.NIGHTLY) -> list[ErasureRun]:
    """`erase_due` for every event; a run is recorded where something was erased. Flushed;
    the caller commits, then calls `reclaim`."""
    runs = []
    for event in db.session.scalars(sa.select(Event).order_by(Event.id)).all():
        run = erase_due(event, trigger=trigger, keep_empty=False)
        if run is not None:
            runs.append(run)
    return runs


def reclaim() -> None:
    """After an erasure run's commit: leave no old copy of what it erased readable in the
    database's files. SQLite (secure_delete is on for every connection, see db.py) folds the
    write-ahead log into the file and truncates it; PostgreSQL VACUUMs the tables written
    (plain VACUUM frees the dead rows' space for reuse; VACUUM FULL, which rewrites the
    files and locks the tables, is the operator's choice: see the README)."""
    tables = sorted(db.session.info.pop(_TOUCHED, set()))
    dbtools.reclaim_erased(db.session.get_bind(), tables)
