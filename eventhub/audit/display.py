"""Showing audit entries in the reader's language.

Entries store codes: the action ("participant.status"), the field names and the raw values
("pending", an instant in UTC). Labels are looked up when the entry is shown, so an entry
reads in Chinese for a Chinese reader and in English for an English one, and entries
written before a label existed still read (as their codes). The domains describe their own
fields, values and records here (`describe_*`), as the audit log imports no domain.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from eventhub.audit.models import AuditEntry
from eventhub.extensions import db
from eventhub.i18n import medium_date, medium_datetime

# Fields many actions record; the domains add their own.
_FIELDS: dict[str, Any] = {
    "status": _l("Status"),
    "role": _l("Role"),
    "user": _l("Person"),
    "reason": _l("Reason"),
    "name": _l("Name"),
    "count": _l("Number"),
    "run": _l("Print run"),
    "label": _l("Label"),
    "participants": _l("Participants"),
    "file": _l("File"),
    "email": _l("Email"),
}
_VALUES: dict[tuple[str | None, str], dict[str, Any]] = {}
_RECORDS: dict[str, RecordKind] = {}
_TEXTS: dict[str, Callable[[str], str | None]] = {}

_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class RecordKind:
    """What an entry's object_type is called, and the page showing one of them."""

    label: Any
    model: type | None = None
    url: Callable[[Any, int], str] | None = None  # (event, id) -> address


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    before: str
    after: str


def describe_fields(labels: Mapping[str, Any]) -> None:
    """Name recorded fields ({"arrival_at": _l("Arrival time")})."""
    _FIELDS.update(labels)


def describe_values(
    field: str, labels: Mapping[Any, Any], *, object_type: str | None = None
) -> None:
    """Name the values a field records (enum members or their stored values), for one kind
    of record (a participant's status is not an agreement's) or for any."""
    _VALUES.setdefault((object_type, field), {}).update(
        {str(getattr(key, "value", key)): label for key, label in labels.items()}
    )


def describe_value_text(field: str, text: Callable[[str], str | None]) -> None:
    """Say a field's recorded codes that no table lists ('600x800 at (10, 20)') in the
    reader's words: `text(code)`, or None to show the code as recorded."""
    _TEXTS[field] = text


def describe_record(
    object_type: str,
    label: Any,
    model: type | None = None,
    url: Callable[[Any, int], str] | None = None,
) -> None:
    """Name a kind of record (the model's class name) and say where one is shown."""
    _RECORDS[object_type] = RecordKind(label, model, url)


def record_kinds() -> dict[str, str]:
    """{object_type: its name in the reader's language}, by name."""
    return dict(sorted(((k, str(v.label)) for k, v in _RECORDS.items()), key=lambda kv: kv[1]))


def record_label(object_type: str) -> str:
    kind = _RECORDS.get(object_type)
    return str(kind.label) if kind else object_type


def field_label(field: str) -> str:
    label = _FIELDS.get(field)
    return str(label) if label is not None else field


def show_value(field: str, value: Any, object_type: str | None = None) -> str:
    """A recorded value as the reader reads it: a named code, a date in their language, an
    instant on the clock of the event being looked at."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list | tuple):
        return ", ".join(show_value(field, v, object_type) for v in value)
    if isinstance(value, datetime):
        return medium_datetime(value)
    if isinstance(value, date):
        return medium_date(value)
    named = _VALUES.get((object_type, field), {}).get(str(value))
    if named is None:
        named = _VALUES.get((None, field), {}).get(str(value))
    if named is not None:
        return str(named)
    if isinstance(value, str) and field in _TEXTS:
        said = _TEXTS[field](value)
        if said is not None:
            return said
    if isinstance(value, str):
        if _MOMENT.match(value):
            return medium_datetime(datetime.fromisoformat(value.replace("Z", "+00:00")))
        if _DAY.match(value):
            try:
                return medium_date(date.fromisoformat(value))
            except ValueError:
                return value
    return str(value)


def changes_of(entry: AuditEntry) -> list[Change]:
    """The entry's changes, labelled; a value recorded alone (not as [before, after]) is
    shown as the value after."""
    rows = []
    for field, change in (entry.changes or {}).items():
        if isinstance(change, list | tuple) and len(change) == 2:
            before, after = change
        else:
            before, after = None, change
        if before in (None, "") and after in (None, ""):
            continue  # a field left empty when the record was made
        kind = entry.object_type
        rows.append(
            Change(
                field,
                field_label(field),
                show_value(field, before, kind),
                show_value(field, after, kind),
            )
        )
    return rows


def record_urls(entries: Iterable[AuditEntry], event: Any) -> dict[int, str]:
    """{entry id: address of its record} for the entries whose record still exists."""
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        kind = _RECORDS.get(entry.object_type)
        if kind and kind.url and entry.object_id.isdigit():
            wanted.setdefault(entry.object_type, set()).add(int(entry.object_id))
    existing: dict[str, set[int]] = {}
    for object_type, ids in wanted.items():
        model = _RECORDS[object_type].model
        if model is None:
            existing[object_type] = ids
            continue
        query = sa.select(model.id).where(model.id.in_(ids))
        if hasattr(model, "event_id"):
            query = query.where(model.event_id == event.id)
        existing[object_type] = set(db.session.scalars(query))
    urls = {}
    for entry in entries:
        if entry.object_id.isdigit() and int(entry.object_id) in existing.get(
            entry.object_type, ()
        ):
            urls[entry.id] = _RECORDS[entry.object_type].url(event, int(entry.object_id))
    return urls


def endpoint_url(endpoint: str, id_arg: str | None = None) -> Callable[[Any, int], str]:
    """A `url` for `describe_record`: the endpoint with the event's slug (and the id)."""

    def build(event: Any, record_id: int) -> str:
        values = {id_arg: record_id} if id_arg else {}
        return url_for(endpoint, slug=event.slug, **values)

    return build
