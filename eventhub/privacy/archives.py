"""Event archives and retention: what an archive says about how long its personal data was
kept, and what of that data is past its date when the archive comes back.

export-event writes `retention_section(event)` into the archive's manifest: per kind of data
the days the event kept it, the day from which it was due, and the erasures already run.
import-event restores through `restore`, which before writing anything finds the kinds the
archive still holds past their date today (`expired`) and refuses them unless told to restore
them anyway (recorded in the audit log) or to erase them at once.

eventhub.events.archive (core) knows nothing of this; which participant columns hold which
kind is registration's list (personal_fields.BY_KIND), which the command passes in.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub import clock
from eventhub.audit import display
from eventhub.audit import services as audit
from eventhub.audit.services import ACTION_LABELS
from eventhub.errors import DomainError
from eventhub.events import archive
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.privacy import kinds, persons, retention, tombstones
from eventhub.privacy.kinds import Kind
from eventhub.privacy.models import ErasureRun, ErasureTrigger, RetentionRule

ACTION_LABELS["event.import_expired"] = _l(
    "Event restored from an archive with personal data past its date"
)
display.describe_fields(
    {kind.value: label for kind, label in kinds.KIND_LABELS.items()}
    | {"past_due_data": _l("Data past its date")}
)
display.describe_values(
    "past_due_data",
    {"kept": _l("Restored all the same"), "erased": _l("Erased at once")},
)

# Columns of a participant by kind ({column: its erased value}), from registration.
Columns = Mapping[Kind, Mapping[str, Any]]


class Expiry(enum.StrEnum):
    """What import-event does with data past its date."""

    REFUSE = "refuse"
    RESTORE = "restore"  # --restore-expired
    ERASE = "erase"  # --erase-expired


@dataclass(frozen=True)
class Expired:
    """One kind of data an archive holds past its date: how many records, due since when."""

    kind: Kind
    records: int
    due_since: date
    days: int

    @property
    def label(self) -> str:
        return str(kinds.KIND_LABELS[self.kind])


@dataclass
class Verdict:
    """What an import found past its date, by which retention, and what became of it."""

    expired: list[Expired] = field(default_factory=list)
    today: date | None = None
    from_archive: bool = True  # False: an archive without a retention section (defaults)
    erased: dict[str, int] = field(default_factory=dict)
    erased_again: int = 0  # people erased since the archive was made, erased again


class ExpiredData(DomainError):
    """The archive holds personal data past its date and nobody said to restore it."""

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(_l("This archive holds personal data past its retention date."))
        self.verdict = verdict


def rules_of(event) -> dict[Kind, int]:
    """The event's own retention rules (other kinds keep kinds.DEFAULT_DAYS)."""
    rows = db.session.execute(
        sa.select(RetentionRule.kind, RetentionRule.days).where(RetentionRule.event_id == event.id)
    )
    return {Kind(kind): days for kind, days in rows}


def retention_section(event) -> dict[str, Any]:
    """The manifest's "retention": per kind the days applied (the event's rule or the
    default), the day it is due from (uploads: `days` after each upload), whether it was due
    and erased already (the event's erasure runs), and when the archive was made."""
    made = clock.now()
    rules = rules_of(event)
    runs = list(
        db.session.scalars(
            sa.select(ErasureRun)
            .where(ErasureRun.event_id == event.id)
            .order_by(ErasureRun.started_at, ErasureRun.id)
        )
    )
    section: dict[str, Any] = {
        "made_at": made.isoformat(timespec="seconds"),
        "event_ends_on": event.ends_on.isoformat(),
        "timezone": event.timezone,
        "kinds": {},
        "erasure_runs": [_run(run) for run in runs],
    }
    for kind in Kind:
        days = rules.get(kind, kinds.DEFAULT_DAYS[kind])
        entry: dict[str, Any] = {"days": days, "set_by": "event" if kind in rules else "default"}
        if kind is Kind.IMPORTS:
            entry["counted_from"] = "upload"
            entry["due_for_uploads_before"] = (made - timedelta(days=days)).isoformat(
                timespec="seconds"
            )
        else:
            entry["counted_from"] = "event_end"
            entry["due_from"] = kinds.erase_after(event, days).isoformat()
            entry["due"] = kinds.is_due(event, days)
        entry["erased"] = [
            {**_run(run, counts=False), "records": run.counts[kind.value]}
            for run in runs
            if kind.value in (run.counts or {})
        ]
        section["kinds"][kind.value] = entry
    return section


def _run(run: ErasureRun, *, counts: bool = True) -> dict[str, Any]:
    moment = run.finished_at or run.started_at
    described = {
        "at": moment.isoformat(timespec="seconds") if moment else None,
        "trigger": run.trigger.value,
    }
    if counts:
        described |= {"person": run.participant_id is not None, "counts": run.counts or {}}
    return described


def archived_days(manifest: dict, tables: dict[str, list[dict]]) -> tuple[dict[Kind, int], bool]:
    """The days per kind the archive says applied, and whether it said so. An archive made
    before archives recorded it: the event's rules it holds, else the defaults."""
    section = manifest.get("retention")
    try:
        if isinstance(section, dict) and isinstance(section.get("kinds"), dict):
            said = section["kinds"]
            return {
                kind: int(said.get(kind.value, {}).get("days", kinds.DEFAULT_DAYS[kind]))
                for kind in Kind
            }, True
        rules = {row["kind"]: int(row["days"]) for row in tables.get("retention_rule", [])}
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise DomainError(
            _l("This archive's retention section is damaged; it was not restored.")
        ) from error
    return {kind: rules.get(kind.value, kinds.DEFAULT_DAYS[kind]) for kind in Kind}, False


def _holds(value: Any, erased: Any) -> bool:
    return value not in (None, "", {"$bytes": ""}) and value != erased


def _records(kind: Kind, tables: dict[str, list[dict]], columns: Columns) -> list[dict]:
    """The archived records that hold data of `kind` (not erased already)."""
    people = tables.get("participant", [])
    if kind in columns:
        return [
            row
            for row in people
            if any(_holds(row.get(name), erased) for name, erased in columns[kind].items())
        ]
    if kind is Kind.IDENTITY:
        return [row for row in people if row.get("erased_at") is None]
    if kind is Kind.PHOTOS:
        return tables.get("participant_photo", [])
    if kind is Kind.SCANS:
        return [row for row in tables.get("scan", []) if row.get("participant_id") is not None]
    if kind is Kind.IMPORTS:
        return [row for row in tables.get("import_batch", []) if _holds(row.get("content"), None)]
    return []


def expired(
    manifest: dict, tables: dict[str, list[dict]], columns: Columns
) -> tuple[list[Expired], bool]:
    """The kinds of data the archive holds past their date today (clock.now(), in the
    event's zone) by the archive's retention; and whether the archive said which applied."""
    days_by_kind, said = archived_days(manifest, tables)
    row = {name: archive.typed(value) for name, value in tables["event"][0].items()}
    event = SimpleNamespace(ends_on=row["ends_on"], timezone=row["timezone"])
    found = []
    for kind in Kind:
        days = days_by_kind[kind]
        records = _records(kind, tables, columns)
        if not records:
            continue
        if kind is Kind.IMPORTS:
            uploads = [archive.typed(r["created_at"]) for r in records]
            due = [u for u in uploads if u < kinds.uploaded_before(days)]
            if due:
                since = min(due) + timedelta(days=days)
                found.append(Expired(kind, len(due), _day_in(since, event), days))
        elif kinds.is_due(event, days):
            found.append(Expired(kind, len(records), kinds.erase_after(event, days), days))
    return found, said


def _day_in(moment: datetime, event) -> date:
    return moment.astimezone(ZoneInfo(event.timezone)).date()


def restore(
    source: Path, *, slug: str | None, columns: Columns, expiry: Expiry
) -> tuple[archive.Restored, Verdict]:
    """Restore an archive (archive.import_event) unless it holds data past its date and
    `expiry` refuses it (ExpiredData, nothing written). People erased since the archive was
    made (tombstones) are erased again at once. Restored anyway: an audit entry says what;
    erased at once: one erasure run. Flushed; the caller commits."""
    verdict = Verdict()
    erased: dict[str, Any] = {}

    def vet(manifest: dict, tables: dict[str, list[dict]]) -> None:
        erased.update(_erased_since(manifest, tables))
        # Those erased again do not count as data past its date.
        kept = {
            **tables,
            "participant": [
                row for row in tables.get("participant", []) if row.get("id") not in erased["again"]
            ],
        }
        verdict.expired, verdict.from_archive = expired(manifest, kept, columns)
        row = tables["event"][0]
        verdict.today = kinds.event_today(SimpleNamespace(timezone=row["timezone"]))
        if verdict.expired and expiry is Expiry.REFUSE:
            raise ExpiredData(verdict)

    restored = archive.import_event(source, slug=slug, vet=vet)
    event = db.session.scalar(sa.select(Event).where(Event.slug == restored.slug))
    for participant_id, when in erased["listed"].items():
        tombstones.remember_erased(erased["slug"], participant_id, when)
    for participant_id in erased["again"]:
        persons.erase_person(event, participant_id, trigger=ErasureTrigger.IMPORT)
    verdict.erased_again = len(erased["again"])
    if not verdict.expired:
        db.session.flush()
        return restored, verdict
    audit.record(
        "event.import_expired",
        event,
        event_id=event.id,
        changes={item.kind.value: [None, item.records] for item in verdict.expired}
        | {"past_due_data": [None, "erased" if expiry is Expiry.ERASE else "kept"]},
    )
    if expiry is Expiry.ERASE:
        verdict.erased = erase_expired(event, verdict.expired)
    db.session.flush()
    return restored, verdict


def _erased_since(manifest: dict, tables: dict[str, list[dict]]) -> dict[str, Any]:
    """Who the archive's own list and this installation's tombstones say was erased, matched
    on the archived address (an event restored under another --slug is the same event): the
    archived slug, the manifest's list, and the ids of those the archive still holds whole."""
    archived_slug = manifest.get("event", "")
    listed = tombstones.from_manifest(manifest)
    known = set(listed) | set(tombstones.erased_ids(archived_slug))
    again = sorted(
        row["id"]
        for row in tables.get("participant", [])
        if row.get("id") in known and row.get("erased_at") is None
    )
    return {"slug": archived_slug, "listed": listed, "again": again}


def erase_expired(event, found: list[Expired]) -> dict[str, int]:  # noqa: ARG001
    """Erase what is past its date in the restored event, as the nightly job would: one
    erasure run (trigger "import") with the counts per kind. The caller commits, then calls
    retention.reclaim()."""
    run = retention.erase_due(event, trigger=ErasureTrigger.IMPORT, actor=None)
    return dict(run.counts) if run is not None else {}


# The manifest's "erased_people" (export-event adds it; restore reads it back).
erased_section = tombstones.manifest_section

DEFAULTS_USED = (
    "The archive does not say which retention applied (it was made before archives recorded "
    "it): the event's own rules found in it, else the default periods, were used."
)


def describe(verdict: Verdict, expiry: Expiry = Expiry.REFUSE) -> str:
    """For the person at the command line: what is past its date, and what happened to it."""
    lines = {
        Expiry.REFUSE: "This archive holds personal data past its retention date "
        f"(today is {verdict.today} in the event's time zone):",
        Expiry.RESTORE: "Restored with personal data past its retention date "
        "(recorded in the audit log):",
        Expiry.ERASE: "Restored; personal data past its retention date was erased at once:",
    }
    out = [lines[expiry]]
    for item in verdict.expired:
        counted = "the upload" if item.kind is Kind.IMPORTS else "the event"
        line = (
            f"  - {item.label} ({item.kind.value}): {item.records} record"
            f"{'' if item.records == 1 else 's'}, due since {item.due_since.isoformat()} "
            f"(kept {item.days} day{'' if item.days == 1 else 's'} after {counted})"
        )
        if expiry is Expiry.ERASE:
            erased = verdict.erased.get(item.kind.value, 0)
            line += f"; erased: {erased}"
            if erased < item.records:
                line += " (the rest stays until the nightly erasure of data past its date)"
        out.append(line)
    if expiry is Expiry.REFUSE:
        out.append(
            "Nothing was restored. To restore it all the same (recorded in the audit log), add "
            "--restore-expired; to restore the event and erase what is past its date at once, "
            "add --erase-expired."
        )
    if not verdict.from_archive:
        out.append(DEFAULTS_USED)
    return "\n".join(out)


def describe_erased_again(verdict: Verdict) -> str:
    """For the command line: how many people erased since the archive was made were erased
    again (nothing when none)."""
    if not verdict.erased_again:
        return ""
    n = verdict.erased_again
    return (
        f"{n} {'person' if n == 1 else 'people'} erased since this archive was made "
        f"{'was' if n == 1 else 'were'} erased again (the erasure's record says so)."
    )
