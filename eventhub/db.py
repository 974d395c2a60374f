"""Database primitives shared by every domain: the declarative base, UTC datetimes, enums.

Imports no domain module, so any domain may import it.
"""

from __future__ import annotations

import enum
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry
from sqlalchemy.pool import Pool

# Stable constraint names, so Alembic can alter and drop them on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current moment as an aware UTC datetime (use as a column default callable)."""
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """Aware datetimes stored in UTC.

    SQLite has no time zones and returns naive values; PostgreSQL returns aware ones in the
    session's zone. Both come back as aware UTC, and naive input is refused rather than
    guessed, because a guessed zone is how a banquet moves by eight hours.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store aware datetimes (UTC)")
        value = value.astimezone(UTC)
        # SQLite compares stored strings: keep one canonical naive-UTC form there.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base for every model."""

    # One registry carrying both, so Flask-SQLAlchemy's Model subclass inherits them intact.
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


class TimestampMixin:
    """Creation and last-change moments, both UTC."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def enum_column(enum_cls: type[enum.Enum], length: int = 32) -> sa.Enum:
    """A portable enum column storing the member values as text.

    Not a native PostgreSQL enum: adding a value later is then a code change, not a
    migration that rewrites a type.
    """
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


# Off only for tests that build a database as versions before 0024_ids left it.
AUTOINCREMENT_ON_SQLITE = True


@compiles(sa.schema.CreateTable, "sqlite")
def _create_table_on_sqlite(create: sa.schema.CreateTable, compiler, **kw) -> str:
    """Every table SQLite creates keys its rows AUTOINCREMENT: ids that leave the database
    (badge codes, numbers in links, letters and audit entries) are never handed out again
    after their row is deleted, as SQLite does by default with the largest freed rowid.
    Here rather than on each model, so it holds for the models' tables, for every
    `op.create_table` of a migration and for the copies Alembic's batch mode makes.
    (SQLAlchemy adds the keyword only to a table's own single integer key, not to a key
    that is also a reference, such as a photo's participant id.)"""
    if AUTOINCREMENT_ON_SQLITE:
        create.element.dialect_kwargs["sqlite_autoincrement"] = True
    return compiler.visit_create_table(create, **kw)


@contextmanager
def sqlite_migrations(connection: sa.Connection) -> Iterator[None]:
    """Around migrations on SQLite (each runs in a transaction of its own there): foreign
    keys off while they run, since rebuilding a table drops it and with foreign keys on
    the drop deletes, or cascades to, every row referring to it (SQLite's documented
    procedure); afterwards no new row may refer to a missing one, and no table's id
    counter may have gone down (a rebuilt table would count on from its largest remaining
    id, giving a deleted row's id again). Elsewhere a no-op."""
    if connection.dialect.name != "sqlite":
        yield
        return
    driver = connection.connection.driver_connection
    driver.execute("PRAGMA foreign_keys=OFF")  # before any BEGIN: ignored inside one
    try:
        with connection.begin():
            counters = sqlite_counters(connection)
            broken = set(connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall())
        yield
        if connection.in_transaction():
            # Nothing to migrate: Alembic read its version table and left that (autobegun)
            # transaction open; it holds no change.
            connection.commit()
        with connection.begin():
            _restore_counters(connection, counters)
            now = set(connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall())
            if now - broken:
                raise RuntimeError(
                    f"Migrations left rows referring to missing rows: {now - broken}"
                )
    finally:
        if connection.in_transaction():
            connection.rollback()
        driver.execute("PRAGMA foreign_keys=ON")


def _restore_counters(connection: sa.Connection, counters: dict[str, int]) -> None:
    after = sqlite_counters(connection)
    for table, seq in counters.items():
        if table in after and after[table] < seq:
            connection.exec_driver_sql(
                "UPDATE sqlite_sequence SET seq = ? WHERE name = ?", (seq, table)
            )
        elif table not in after and _has_table(connection, table):
            connection.exec_driver_sql(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, seq)
            )


def sqlite_counters(connection: sa.Connection) -> dict[str, int]:
    """Each AUTOINCREMENT table's highest id ever given, from SQLite's own record."""
    if not _has_table(connection, "sqlite_sequence"):
        return {}
    rows = connection.exec_driver_sql("SELECT name, seq FROM sqlite_sequence").fetchall()
    return dict(rows)


def _has_table(connection: sa.Connection, name: str) -> bool:
    found = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    return connection.exec_driver_sql(found, (name,)).first() is not None


@sa.event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record) -> None:  # noqa: ARG001
    """WAL and foreign keys on every SQLite connection; hand transactions to SQLAlchemy.

    pysqlite's own transaction handling breaks SAVEPOINT, which services and tests rely on:
    turn it off here and emit BEGIN in `_sqlite_on_begin` instead (SQLAlchemy's documented
    recipe).
    """
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    # Deleted and overwritten content is zeroed in the file, not left in free space:
    # personal data erased (privacy.retention) cannot be read back from the file's bytes.
    cursor.execute("PRAGMA secure_delete=ON")
    mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
    if mode != "memory":
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def reclaim_erased(bind: Engine | sa.Connection, tables: list[str]) -> None:
    """After personal data was erased and committed, leave no old copy readable in the files.

    SQLite (secure_delete on, see above): the write-ahead log still holds earlier images of
    the pages; a TRUNCATE checkpoint copies the latest ones into the file and empties the log.
    PostgreSQL: a plain VACUUM of the tables written frees the dead row versions' space, to be
    overwritten by later writes (VACUUM FULL rewrites the files at once but locks the tables:
    the operator's choice, see the README). VACUUM cannot run in a transaction: its own
    connection, in autocommit. (A connection still in a transaction, a test's, is left alone:
    nothing is committed yet.)"""
    if isinstance(bind, sa.Connection):
        if bind.in_transaction():
            return
        bind = bind.engine
    with bind.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")  # no BEGIN
        if connection.dialect.name == "sqlite":
            busy = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()[0]
            if busy:  # a long reader: its next checkpoint (SQLite's own) finishes the work
                logging.getLogger(__name__).warning("The WAL could not be emptied after an erasure")
            return
        if connection.dialect.name != "postgresql" or not tables:
            return
        preparer = connection.dialect.identifier_preparer
        for table in tables:
            connection.exec_driver_sql(f"VACUUM {preparer.quote(table)}")


@sa.event.listens_for(Pool, "checkout")
def _sqlite_on_checkout(dbapi_connection, connection_record, connection_proxy) -> None:  # noqa: ARG001
    """Transactions stay SQLAlchemy's (see above), also after a scan request's autocommit:
    on its return to the pool SQLAlchemy resets pysqlite's own handling."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None


@sa.event.listens_for(Engine, "connect")
def _postgres_on_connect(dbapi_connection, connection_record) -> None:  # noqa: ARG001
    """Times come back in UTC from every statement, whichever zone the server is set to
    (statements run straight through the driver get no conversion from SQLAlchemy)."""
    if type(dbapi_connection).__module__.startswith("psycopg"):
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        dbapi_connection.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.autocommit = autocommit


@sa.event.listens_for(Engine, "begin")
def _sqlite_on_begin(connection: sa.Connection) -> None:
    # IMMEDIATE takes the write lock at the start: with several threads or workers a
    # transaction then waits its turn (busy_timeout) instead of failing with "database is
    # locked" when it reads first and writes later.
    if connection.dialect.name == "sqlite" and not autocommits(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def autocommits(connection: sa.Connection) -> bool:
    """Whether each statement commits on its own (scan requests: see api.auth)."""
    return connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT"


class HotStatement:
    """A statement run thousands of times a second (the few behind a scan), compiled once
    and, on PostgreSQL, sent straight through the driver: there SQLAlchemy's work for each
    execution cost more than the database's. Parameters go in as plain values (enum members
    as their text); rows come back as tuples in the statement's column order, with enum
    columns as text or members (convert with the enum) and aware times."""

    def __init__(self, statement: sa.Executable) -> None:
        self.statement = statement
        self._sql: str | None = None

    def rows(self, params: dict) -> list[tuple]:
        from eventhub.extensions import db  # noqa: PLC0415 -- late: extensions imports this module

        connection = db.session.connection()
        if connection.dialect.name != "postgresql":
            return [tuple(row) for row in connection.execute(self.statement, params)]
        if self._sql is None:
            self._sql = str(self.statement.compile(dialect=connection.dialect))
        # The same DBAPI connection, so the same transaction as the session's statements.
        driver = connection.connection.driver_connection
        cursor = driver.cursor()
        try:
            cursor.execute(self._sql, params)
            return cursor.fetchall()
        except connection.dialect.loaded_dbapi.Error as error:
            if driver.closed or driver.broken:
                # Lost (a database restart): through SQLAlchemy once more, which then drops
                # the pool's connections, so this request fails (a 503) and the next one
                # reconnects. A statement on a lost connection changed nothing.
                return [tuple(row) for row in connection.execute(self.statement, params)]
            raise sa.exc.DBAPIError.instance(
                self._sql, params, error, connection.dialect.loaded_dbapi.Error
            ) from error

    def first(self, params: dict) -> tuple | None:
        rows = self.rows(params)
        return rows[0] if rows else None
