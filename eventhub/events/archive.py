"""Backup and restore of one event: everything it holds in a single archive (a ZIP of JSON),
and that archive restored into another installation as the same event.

What belongs to an event is found from the schema, not listed by hand: the event's row and
every row that points at a row of the event, however deep (people, their badges and photos,
venues, activities, agreements, scans...), so a table added later travels too. Accounts,
organisations and countries are shared by events: they travel as far as the event's rows
name them and are matched on arrival by email, by country and name, and by code.

The event's own rows keep their numbers, so that printed badges (whose codes carry the
badge's number) and secret links keep working: the target must not hold those numbers yet
(an empty installation, or one without this event). Encrypted personal data travels
encrypted and badge codes stay signed: the target needs the same data keys and secret key,
which the archive checks before writing anything.

What the archive says about personal data's retention, and what an import does with data past
its date, belong to eventhub.privacy: the command passes it in (`sections` on export, `vet`
on import), as this module imports no domain.
"""

from __future__ import annotations

import base64
import enum
import hmac
import io
import json
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from eventhub import clock, crypto, personnames
from eventhub.audit import services as audit
from eventhub.directory.services import seed_countries
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.events.services import validate_event_data
from eventhub.extensions import db

FORMAT = "eventhub-event-archive/1"
SHARED = ("country", "user", "organisation")  # matched on arrival, never renumbered over
# Uploads waiting for a form (minutes old, of no event yet); mail in the outbox (its bodies
# hold personal links; a restored copy must not send them again).
NOT_KEPT = ("pending_photo", "outbox_message")
USER_FIELDS = ("email", "display_name", "password_hash", "locale", "active")
ORGANISATION_FIELDS = ("country_code", "name_en", "name_zh", "name_native", "city", "website")
KEY_CHECK = "eventhub archive key check"


@dataclass
class Restored:
    """What an import wrote: the event and how many rows of each table."""

    slug: str
    rows: dict[str, int] = field(default_factory=dict)
    accounts_added: int = 0
    accounts_matched: int = 0


def event_tables() -> list[sa.Table]:
    """The tables whose rows belong to an event, parents before children."""
    owned: list[sa.Table] = []
    for table in db.metadata.sorted_tables:
        if table.name in SHARED or table.name in NOT_KEPT:
            continue
        if table.name == "event" or any(fk.column.table in owned for fk in table.foreign_keys):
            owned.append(table)
    return owned


def _belongs(table: sa.Table, event_id: int, owned: list[sa.Table]) -> sa.ColumnElement:
    """Rows of `table` that belong to the event: its own event number, else a link to a row
    of a table earlier in `owned` that belongs (a badge through its participant)."""
    if table.name == "event":
        return table.c.id == event_id
    if "event_id" in table.c and table.c.event_id.foreign_keys:
        return table.c.event_id == event_id
    earlier = owned[: owned.index(table)]
    return sa.or_(
        *(
            fk.parent.in_(sa.select(fk.column).where(_belongs(fk.column.table, event_id, owned)))
            for fk in table.foreign_keys
            if fk.column.table in earlier
        )
    )


def _plain(value: Any) -> Any:
    """A column value as JSON: types JSON lacks are tagged."""
    if isinstance(value, bytes | memoryview):
        return {"$bytes": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, time):
        return {"$time": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, enum.Enum):
        return value.value
    return value


TAGS = {
    "$bytes": base64.b64decode,
    "$datetime": datetime.fromisoformat,
    "$date": date.fromisoformat,
    "$time": time.fromisoformat,
    "$decimal": Decimal,
}


def typed(value: Any) -> Any:
    """An archived column value as the database takes it (the tags of `_plain` undone)."""
    if isinstance(value, dict) and len(value) == 1:
        ((tag, text),) = value.items()
        if tag in TAGS:
            return TAGS[tag](text)
    return value


def _badge_key_check() -> str:
    key = crypto.signing_key("badge")
    return hmac.new(key, KEY_CHECK.encode(), "sha256").hexdigest()[:16]


def _schema_revision(connection: sa.Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def rows_of(event_id: int) -> dict[str, list[dict]]:
    """Every row the event holds, table by table, and the shared rows they name."""
    owned = event_tables()
    tables = {}
    for table in owned:
        query = sa.select(table).where(_belongs(table, event_id, owned))
        primary = list(table.primary_key.columns)
        rows = db.session.execute(query.order_by(*primary)).mappings()
        tables[table.name] = [{k: _plain(v) for k, v in row.items()} for row in rows]
    users, organisations = set(), set()
    for table in owned:
        for fk in table.foreign_keys:
            named = {row[fk.parent.name] for row in tables[table.name]} - {None}
            if fk.column.table.name == "user":
                users |= named
            elif fk.column.table.name == "organisation":
                organisations |= named
    user, organisation = db.metadata.tables["user"], db.metadata.tables["organisation"]
    tables["user"] = [
        {k: _plain(v) for k, v in row.items()}
        for row in db.session.execute(
            sa.select(user.c.id, *(user.c[f] for f in USER_FIELDS))
            .where(user.c.id.in_(users))
            .order_by(user.c.id)
        ).mappings()
    ]
    tables["organisation"] = [
        dict(row)
        for row in db.session.execute(
            sa.select(organisation.c.id, *(organisation.c[f] for f in ORGANISATION_FIELDS))
            .where(organisation.c.id.in_(organisations))
            .order_by(organisation.c.id)
        ).mappings()
    ]
    return tables


def _check_keys_open(tables: dict[str, list[dict]]) -> None:
    """An archive whose personal data this installation's keys cannot open could never be
    restored anywhere: say so now, not on the day of the restore."""
    for rows in tables.values():
        for row in rows:
            for name, value in row.items():
                if name.endswith("_encrypted") and value:
                    if crypto.decrypt(value) is None:
                        raise DomainError(
                            _l(
                                "This installation's data keys do not open the event's "
                                "encrypted data: set EVENTHUB_DATA_KEYS as when it was "
                                "stored, then export again."
                            )
                        )
                    return


def export_event(
    event, target: Path | io.BufferedIOBase, *, sections: Mapping[str, Any] | None = None
) -> dict[str, int]:
    """Write the event's archive to `target` (a path or a binary file); rows per table.
    `sections` are added to the manifest as they are (e.g. "retention", see privacy)."""
    tables = rows_of(event.id)
    _check_keys_open(tables)
    manifest = {
        "format": FORMAT,
        "event": event.slug,
        "exported_at": clock.now().isoformat(),
        "schema": _schema_revision(db.session.connection()),
        "data_key_check": crypto.encrypt(KEY_CHECK),
        "badge_key_check": _badge_key_check(),
        "rows": {name: len(rows) for name, rows in tables.items()},
        **(sections or {}),
    }

    audit.record("event.export", event, event_id=event.id)  # an archive holds everyone's data
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
        for name, rows in tables.items():
            archive.writestr(f"tables/{name}.json", json.dumps(rows, ensure_ascii=False))
    return manifest["rows"]


MAX_RATIO = 200  # JSON rows compress 10-50 times; a thousandfold part is a zip bomb


def _read(source: Path | io.BufferedIOBase) -> tuple[dict, dict[str, list[dict]]]:
    try:
        with zipfile.ZipFile(source) as archive:
            for part in archive.infolist():
                # Checked from the zip's directory before inflating anything (zipfile never
                # inflates a part beyond its declared size).
                if part.file_size > 1024 * 1024 and part.file_size > MAX_RATIO * max(
                    part.compress_size, 1
                ):
                    raise DomainError(
                        _l(
                            "This archive is compressed more than any EventHub archive "
                            "(%(name)s); it was not opened.",
                            name=part.filename,
                        )
                    )
            manifest = json.loads(archive.read("manifest.json"))
            if manifest.get("format") != FORMAT:
                raise DomainError(_l("This file is not an EventHub event archive."))
            tables = {
                name: json.loads(archive.read(f"tables/{name}.json")) for name in manifest["rows"]
            }
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise DomainError(_l("This file is not an EventHub event archive.")) from error
    return manifest, tables


def _check_target(manifest: dict, tables: dict, slug: str) -> None:
    """Refuse before writing anything when the archive cannot become the same event here."""
    connection = db.session.connection()
    if _schema_revision(connection) is None:
        raise DomainError(
            _l("This installation's database is not set up: run `flask db upgrade` first.")
        )
    if manifest["schema"] != _schema_revision(connection):
        raise DomainError(
            _l(
                "This archive was made by another version of EventHub (database schema "
                "%(theirs)s; this installation has %(ours)s): import it with the version "
                "that exported it.",
                theirs=manifest["schema"],
                ours=_schema_revision(connection),
            )
        )
    if crypto.decrypt(manifest["data_key_check"]) != KEY_CHECK:
        raise DomainError(
            _l(
                "The archive's personal data (passport numbers, dates of birth, secret "
                "links) is encrypted with other data keys: set EVENTHUB_DATA_KEYS as on the "
                "installation that exported it."
            )
        )
    if manifest["badge_key_check"] != _badge_key_check():
        raise DomainError(
            _l(
                "The archive's badges were signed with another secret key, so printed badges "
                "would not scan here: set EVENTHUB_SECRET_KEY (or EVENTHUB_BADGE_KEY) as on "
                "the installation that exported it."
            )
        )

    # The archived event under its address here: of the right form, and free.
    archived = {name: typed(value) for name, value in tables["event"][0].items()}
    validate_event_data({**archived, "slug": slug})
    for table in event_tables():
        columns = list(table.primary_key.columns)
        if len(columns) != 1 or columns[0].foreign_keys or not tables.get(table.name):
            continue  # numbered by a parent: free when the parent's number is
        ids = [row[columns[0].name] for row in tables[table.name]]
        taken = db.session.scalar(
            sa.select(sa.func.count()).select_from(table).where(columns[0].in_(ids))
        )
        if taken:
            raise DomainError(
                _l(
                    "This installation already holds %(table)s rows with the numbers of the "
                    "archive's: import into an empty installation, or one without this event.",
                    table=table.name,
                )
            )


def _shared_ids(tables: dict) -> tuple[dict[int, int], dict[int, int], int]:
    """Accounts matched by email (else added, never as administrators) and organisations by
    country and name (else added); their numbers here by their numbers in the archive."""
    user, organisation = db.metadata.tables["user"], db.metadata.tables["organisation"]
    users, added = {}, 0
    for row in tables["user"]:
        found = db.session.scalar(sa.select(user.c.id).where(user.c.email == row["email"]))
        if found is None:
            values = {f: typed(row[f]) for f in USER_FIELDS}
            found = db.session.execute(
                sa.insert(user).values(**values, is_admin=False).returning(user.c.id)
            ).scalar_one()
            added += 1
        users[row["id"]] = found
    organisations = {}
    for row in tables["organisation"]:
        found = db.session.scalar(
            sa.select(organisation.c.id).where(
                organisation.c.country_code == row["country_code"],
                organisation.c.name_en == row["name_en"],
            )
        )
        if found is None:
            values = {f: row[f] for f in ORGANISATION_FIELDS}
            found = db.session.execute(
                sa.insert(organisation).values(**values).returning(organisation.c.id)
            ).scalar_one()
        organisations[row["id"]] = found
    return users, organisations, added


Vet = Callable[[dict, dict[str, list[dict]]], None]


def import_event(
    source: Path | io.BufferedIOBase, *, slug: str | None = None, vet: Vet | None = None
) -> Restored:
    """Restore an archive as the same event (under `slug` when given); the caller commits.
    `vet(manifest, tables)` is asked once the archive fits here, before anything is written:
    it refuses by raising a DomainError."""
    manifest, tables = _read(source)
    slug = slug or manifest["event"]
    _check_target(manifest, tables, slug)
    if vet is not None:
        vet(manifest, tables)
    seed_countries()
    users, organisations, added = _shared_ids(tables)
    owned = event_tables()
    order = {table.name: n for n, table in enumerate(owned)}
    later: list[tuple[sa.Table, dict, str, Any]] = []  # links to rows not yet written
    restored = Restored(slug, accounts_added=added, accounts_matched=len(users) - added)
    for table in owned:
        rows = []
        for archived in tables.get(table.name, []):
            row = {name: typed(value) for name, value in archived.items()}
            for fk in table.foreign_keys:
                value = row.get(fk.parent.name)
                target = fk.column.table.name
                if value is None:
                    continue
                if target == "user":
                    row[fk.parent.name] = users[value]
                elif target == "organisation":
                    row[fk.parent.name] = organisations[value]
                elif target in order and order[target] >= order[table.name]:
                    # e.g. a delegation's head, a participant written after it
                    later.append((table, row, fk.parent.name, value))
                    row[fk.parent.name] = None
            rows.append(row)
        if table.name == "event":
            for row in rows:
                row["slug"] = slug
        if table.name == "participant":
            for row in rows:
                if "patronymic" not in row:  # archives made before the name model (0039)
                    _name_model(row)
                if not row.get("sort_name"):  # archives made before the sort key existed
                    row["sort_name"] = personnames.sort_key(row)
        if rows:
            db.session.execute(sa.insert(table), rows)
        restored.rows[table.name] = len(rows)
    for table, row, column, value in later:
        key = {c.name: row[c.name] for c in table.primary_key.columns}
        db.session.execute(
            sa.update(table)
            .where(*(table.c[name] == v for name, v in key.items()))
            # as archived: columns that note their change (updated_at) would note this one
            .values({column: value, **{c.name: row[c.name] for c in table.c if c.onupdate}})
        )
    _advance_sequences(owned)

    event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
    audit.record(
        "event.imported",
        event,
        event_id=event.id,
        changes={"archive exported at": [None, manifest["exported_at"]]},
    )
    db.session.flush()
    current_app.logger.info("Event %s restored from an archive", slug)
    return restored


def _advance_sequences(tables: list[sa.Table]) -> None:
    """PostgreSQL hands out numbers from sequences, which rows written with their own numbers
    do not move: set each past the highest number now used, never back below one already
    given (deleted rows' numbers are never given again). SQLite's AUTOINCREMENT counters
    move by themselves."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        columns = list(table.primary_key.columns)
        if (
            len(columns) == 1
            and columns[0].autoincrement is not False
            and not columns[0].foreign_keys
        ):
            name = columns[0].name
            db.session.execute(
                sa.text(
                    f'SELECT setval(seq, GREATEST((SELECT max("{name}") FROM "{table.name}"), '  # noqa: S608
                    "pg_sequence_last_value(seq), 1)) "
                    f"FROM CAST(pg_get_serial_sequence('\"{table.name}\"', '{name}') AS regclass) "
                    "AS seq"
                )
            )


def _name_model(row: dict) -> None:
    """A participant archived before 0039 in the name model's parts, by today's rules
    (personnames.legacy_parts): a Malaysian's family name "BINTI ABDULLAH" becomes the
    patronymic, styles leave the honorific; the order follows the country's custom."""
    parts = personnames.legacy_parts(
        row.get("family_name") or "",
        row.get("given_name") or "",
        row.get("honorific") or "",
        row.get("country_code"),
    )
    row.update(parts, style=parts["style"][:100], honorific=parts["honorific"][:60])
    row.update(name_order="", passport_name="", sort_name="")
