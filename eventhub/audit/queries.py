"""Finding audit entries (who, what, which record, when, from where), in one event's log or
the whole installation's, and exporting them."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
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
    text: str = ""  # part of the person, the address, the record number or what changed
    since: date | None = None  # calendar days (the event's, else UTC), both included
    until: date | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> AuditFilters:
        found = cls(
            who=args.get("who", "").strip()[:254],
            what=args.get("what", "").strip()[:64],
            record=args.get("record", "").strip()[:64],
            record_id=args.get("record_id", "").strip().lstrip("#")[:64],
            text=args.get("q", "").strip()[:100],
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
        values["q"] = values.pop("text")
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items() if v}


# What a person sees of their own account's sign-ins (the object of these is the account).
SIGN_IN_ACTIONS = ("auth.login", "auth.login_failed", "auth.2fa_failed", "auth.2fa_recovery")


def _in_log(query: sa.Select, event) -> sa.Select:
    """`query` limited to `event`'s log; None: the installation's whole log."""
    return query if event is None else query.where(AuditEntry.event_id == event.id)


def entries_query(event, filters: AuditFilters) -> sa.Select:
    """The entries of `event` (None: of the whole installation, with those of no event such
    as logins) matching `filters`, newest first."""
    query = _in_log(sa.select(AuditEntry), event)
    if filters.who:
        query = query.where(AuditEntry.actor == filters.who)
    if filters.what:
        query = query.where(AuditEntry.action == filters.what)
    if filters.record:
        query = query.where(AuditEntry.object_type == filters.record)
    if filters.record_id:
        query = query.where(AuditEntry.object_id == filters.record_id)
    if filters.text:
        query = query.where(_mentions(filters.text.lower()))
    zone = ZoneInfo(event.timezone) if event is not None else UTC
    if filters.since:
        query = query.where(AuditEntry.created_at >= datetime.combine(filters.since, time(), zone))
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time(), zone)
        query = query.where(AuditEntry.created_at < end)
    return query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())


def _like(text: str) -> str:
    """A LIKE pattern finding `text` as typed: its "%" and "_" are no wildcards."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _mentions(text: str) -> sa.ColumnElement[bool]:
    """Entries naming `text` (lower case) in who, the address, the record number or what
    changed. Both sides lower-cased, as SQLite's LIKE ignores case in ASCII only; changes
    are stored as JSON text, with other scripts as \\u escapes, so looked for that way."""
    plain = _like(text)
    columns = (AuditEntry.actor, AuditEntry.ip_address, AuditEntry.object_id)
    stored = sa.func.lower(sa.cast(AuditEntry.changes, sa.Text))
    return sa.or_(
        *(sa.func.lower(column).like(plain, escape="\\") for column in columns),
        stored.like(_like(json.dumps(text)[1:-1]), escape="\\"),
    )


def choices(event) -> dict[str, list[tuple[str, str]]]:
    """What the filters offer: the people, actions and kinds of record in this event's log
    (None: the installation's)."""

    def distinct(column) -> list[str]:
        return list(db.session.scalars(_in_log(sa.select(column), event).distinct()))

    actions = [(code, action_label(code)) for code in distinct(AuditEntry.action)]
    kinds = [
        (kind, display.record_label(kind)) for kind in distinct(AuditEntry.object_type) if kind
    ]
    return {
        "who": [(who, who) for who in sorted(distinct(AuditEntry.actor), key=str.lower)],
        "what": sorted(actions, key=lambda item: item[1]),
        "record": sorted(kinds, key=lambda item: item[1]),
    }


def sign_ins(user, limit: int = 20) -> list[AuditEntry]:
    """`user`'s latest logins and failed attempts at their account (wrong passwords and
    codes typed with their email), newest first: where a guesser shows."""
    return list(
        db.session.scalars(
            sa.select(AuditEntry)
            .where(
                AuditEntry.object_type == "User",
                AuditEntry.object_id == str(user.id),
                AuditEntry.action.in_(SIGN_IN_ACTIONS),
            )
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
            .limit(limit)
        )
    )


def action_label(code: str) -> str:
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def to_csv(entries: Iterable[AuditEntry], event_names: Mapping[int, str] | None = None) -> bytes:
    """The entries as a spreadsheet reads them, in the reader's language (UTF-8 with a
    byte-order mark, so that Excel shows every script right); times on the event's clock.
    With `event_names` ({event id: name}, the installation's log) each line also says
    which event, if any, and the address the action came from."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    installation = event_names is not None
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
            _("IP address"),
            *((_("Event"),) if installation else ()),
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
        # From where, on every log: an organiser tells their own desk from an unknown address.
        where = [entry.ip_address or ""]
        if installation:
            where.append(event_names.get(entry.event_id, "") if entry.event_id else "")
        rows = [row + where for row in rows]
        for row in rows:  # one line per change: filterable in a spreadsheet
            writer.writerow([neutralise(str(v)) for v in head + row])
    return buffer.getvalue().encode("utf-8-sig")
