"""Finding entries in an event's audit log (who, what, which record, when) and exporting them."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from eventhub.audit import display
from eventhub.audit.models import AuditEntry
from eventhub.audit.services import ACTION_LABELS
from eventhub.extensions import db
from eventhub.i18n import medium_datetime
from eventhub.text import neutralise

# Characters that make a spreadsheet read a cell as a formula (CSV injection).
EXPORT_LIMIT = 100_000


@dataclass
class AuditFilters:
    """What the audit page was asked for; empty: everything."""

    who: str = ""
    what: str = ""
    record: str = ""  # a kind of record (its object_type)
    record_id: str = ""
    since: date | None = None  # the event's calendar days, both included
    until: date | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> AuditFilters:
        found = cls(
            who=args.get("who", "").strip()[:254],
            what=args.get("what", "").strip()[:64],
            record=args.get("record", "").strip()[:64],
            record_id=args.get("record_id", "").strip().lstrip("#")[:64],
        )
        for name in ("since", "until"):
            text = args.get(name, "").strip()
            if not text:
                continue
            try:
                setattr(found, name, date.fromisoformat(text))
            except ValueError:
                found.errors[name] = str(_l("A date, e.g. 2025-07-24."))
        if found.since and found.until and found.until < found.since:
            found.errors["until"] = str(_l("The last day cannot come before the first."))
            found.until = None
        return found

    def query_args(self) -> dict[str, str]:
        """The filters as query-string arguments (for the pages and the export)."""
        values = asdict(self)
        values.pop("errors")
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items() if v}


def entries_query(event, filters: AuditFilters) -> sa.Select:
    """The event's entries matching `filters`, newest first."""
    query = sa.select(AuditEntry).where(AuditEntry.event_id == event.id)
    if filters.who:
        query = query.where(AuditEntry.actor == filters.who)
    if filters.what:
        query = query.where(AuditEntry.action == filters.what)
    if filters.record:
        query = query.where(AuditEntry.object_type == filters.record)
    if filters.record_id:
        query = query.where(AuditEntry.object_id == filters.record_id)
    zone = ZoneInfo(event.timezone)
    if filters.since:
        query = query.where(AuditEntry.created_at >= datetime.combine(filters.since, time(), zone))
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time(), zone)
        query = query.where(AuditEntry.created_at < end)
    return query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())


def choices(event) -> dict[str, list[tuple[str, str]]]:
    """What the filters offer: the people, actions and kinds of record in this event's log."""

    def distinct(column) -> list[str]:
        return list(
            db.session.scalars(sa.select(column).where(AuditEntry.event_id == event.id).distinct())
        )

    actions = [(code, action_label(code)) for code in distinct(AuditEntry.action)]
    kinds = [(kind, display.record_label(kind)) for kind in distinct(AuditEntry.object_type)]
    return {
        "who": [(who, who) for who in sorted(distinct(AuditEntry.actor), key=str.lower)],
        "what": sorted(actions, key=lambda item: item[1]),
        "record": sorted(kinds, key=lambda item: item[1]),
    }


def action_label(code: str) -> str:
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def to_csv(entries: Iterable[AuditEntry]) -> bytes:
    """The entries as a spreadsheet reads them, in the reader's language (UTF-8 with a
    byte-order mark, so that Excel shows every script right); times on the event's clock."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _("When"),
            _("Who"),
            _("Action"),
            _("Record"),
            _("Record number"),
            _("What changed"),
            _("Before"),
            _("After"),
        ]
    )
    for entry in entries:
        head = [
            medium_datetime(entry.created_at),
            entry.actor,
            action_label(entry.action),
            display.record_label(entry.object_type),
            entry.object_id,
        ]
        rows = [[c.label, c.before, c.after] for c in display.changes_of(entry)] or [["", "", ""]]
        for row in rows:  # one line per change: filterable in a spreadsheet
            writer.writerow([neutralise(str(v)) for v in head + row])
    return buffer.getvalue().encode("utf-8-sig")
