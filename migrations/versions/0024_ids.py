"""ids: no deleted row's id is given again on SQLite (every table AUTOINCREMENT)

A merged person's number and badge code went to the next registrant: SQLite reuses the
largest freed rowid of a table without AUTOINCREMENT.

Revision ID: 0024_ids
Revises: 0023_zh_content
Create Date: 2026-12-03 19:30:00

Generic on purpose: it rebuilds whichever tables the database holds at this point, those
that migrations before it added included. Tables created since eventhub.db's CREATE TABLE
hook already have the keyword and are left alone. Each table is rebuilt as SQLite documents
(new table, copy, drop, rename; foreign keys off: migrations/env.py), from its own stored
CREATE statement with only the key's definition changed, so every column, default, check
and reference stays as it was; its indexes and triggers are created again from theirs.
The id counter starts above the largest id still present and the largest one the audit
log names (a person merged away before this upgrade), so neither is handed out again.
On PostgreSQL nothing to do: sequences never go back.
"""

import re

from alembic import op

# revision identifiers, used by Alembic.
revision = "0024_ids"
down_revision = "0023_zh_content"
branch_labels = None
depends_on = None

SCRATCH = "_0024_ids_new"


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    tables = bind.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
        " AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version' ORDER BY name"
    ).fetchall()
    keyed = [(name, sql, _own_integer_key(bind, name)) for name, sql in tables]
    todo = [
        (name, sql, key)
        for name, sql, key in keyed
        if key is not None and not re.search(r"\bAUTOINCREMENT\b", sql, re.IGNORECASE)
    ]
    if todo and bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        # Dropping a table with foreign keys on deletes the rows that refer to it.
        raise RuntimeError("0024_ids must run with foreign keys off (see migrations/env.py)")
    audited = _largest_audited_ids(bind)
    for name, sql, key in todo:
        _rebuild(bind, name, _with_autoincrement(name, sql, key))
        _raise_counter(bind, name, audited.get(name, 0))


def downgrade():
    # Keeping AUTOINCREMENT is harmless, and going back would let ids be reused again.
    pass


def _own_integer_key(bind, table):
    """The name of the table's single INTEGER primary key column (its rowid), unless it is
    also a reference to another table's (a photo keyed by its participant's id)."""
    columns = bind.exec_driver_sql(f'PRAGMA table_info("{table}")').fetchall()
    keys = [column for column in columns if column[5]]  # (cid, name, type, notnull, default, pk)
    if len(keys) != 1 or keys[0][2].upper() != "INTEGER":
        return None
    references = bind.exec_driver_sql(f'PRAGMA foreign_key_list("{table}")').fetchall()
    if any(reference[3] == keys[0][1] for reference in references):  # (.., from, to, ..)
        return None
    return keys[0][1]


def _with_autoincrement(table, sql, key):
    """The CREATE statement with `key INTEGER ... PRIMARY KEY AUTOINCREMENT` (SQLite allows
    the keyword on the column's own definition only), named SCRATCH."""
    name = rf'(?:"{re.escape(key)}"|`{re.escape(key)}`|\[{re.escape(key)}\]|{re.escape(key)})'
    header = re.match(r'\s*CREATE\s+TABLE\s+(?:"[^"]+"|`[^`]+`|\[[^\]]+\]|[^\s(]+)\s*\(', sql, re.I)
    column = re.compile(rf"([(,]\s*)({name}\s+INTEGER\b[^,()]*?)(\s*(?:,|\)\s*$))", re.I)
    table_key = re.compile(
        rf'\s*,\s*(?:CONSTRAINT\s+(?:"[^"]+"|\S+)\s+)?PRIMARY\s+KEY\s*\(\s*{name}\s*\)', re.I
    )
    if header is None:
        raise RuntimeError(f"0024_ids: cannot read the definition of table {table}")
    body = "(" + sql[header.end() :]
    found = column.search(body)
    if found is None:
        raise RuntimeError(f"0024_ids: cannot find the key {key} of table {table}")
    definition = found.group(2)
    if re.search(r"\bPRIMARY\s+KEY\b", definition, re.I):
        definition = re.sub(
            r"(\bPRIMARY\s+KEY\b(?:\s+(?:ASC|DESC))?)",
            r"\1 AUTOINCREMENT",
            definition,
            count=1,
            flags=re.I,
        )
    else:
        body, removed = table_key.subn("", body, count=1)
        if not removed:
            raise RuntimeError(f"0024_ids: cannot find the primary key of table {table}")
        found = column.search(body)
        definition = found.group(2) + " PRIMARY KEY AUTOINCREMENT"
    body = body[: found.start(2)] + definition + body[found.end(2) :]
    return f'CREATE TABLE "{SCRATCH}" ' + body


def _rebuild(bind, table, create):
    """SQLite's procedure for a change ALTER TABLE cannot make: build the new table, copy
    the rows, drop the old one, rename the new one, then its indexes and triggers."""
    extras = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger')"
        " AND sql IS NOT NULL ORDER BY type",  # indexes first: triggers may rely on them
        (table,),
    ).fetchall()
    bind.exec_driver_sql(create)
    # The same statement, so the same columns in the same order.
    bind.exec_driver_sql(f'INSERT INTO "{SCRATCH}" SELECT * FROM "{table}"')
    bind.exec_driver_sql(f'DROP TABLE "{table}"')
    bind.exec_driver_sql(f'ALTER TABLE "{SCRATCH}" RENAME TO "{table}"')
    for (sql,) in extras:
        bind.exec_driver_sql(sql)


def _raise_counter(bind, table, audited):
    """The next id above any id the table holds (set by the copy) or the audit log names."""
    current = bind.exec_driver_sql(
        "SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)
    ).scalar()
    if current is None and audited:
        bind.exec_driver_sql(
            "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, audited)
        )
    elif current is not None and audited > current:
        bind.exec_driver_sql("UPDATE sqlite_sequence SET seq = ? WHERE name = ?", (audited, table))


def _largest_audited_ids(bind):
    """{table: largest id an audit entry names}: entries name a row by its class (e.g.
    "BadgeBatch", table badge_batch) and id, and outlive it."""
    found = bind.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_entry'"
    ).first()
    if found is None:
        return {}
    rows = bind.exec_driver_sql(
        "SELECT object_type, max(CAST(object_id AS INTEGER)) FROM audit_entry"
        " WHERE object_id != '' AND object_id NOT GLOB '*[^0-9]*' GROUP BY object_type"
    ).fetchall()
    return {re.sub(r"(?<!^)(?=[A-Z])", "_", kind).lower(): largest or 0 for kind, largest in rows}
