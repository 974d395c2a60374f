"""Rate-limit counters in a SQLite file, shared by every worker process of one installation.

The `limits` package keeps counters in memory by default: with four gunicorn workers a
limit of 10 failed logins becomes 40, and a restart forgets them all. Redis shares them in
production (EVENTHUB_REDIS_URL); without it the counters live in a small SQLite file in the
instance folder, apart from the application's database so that counting never waits on, or
rolls back with, a request's transaction. Registered as the `eventhub+sqlite://` scheme.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from pathlib import Path

from limits.storage import Storage

from eventhub.files import private

SCHEME = "eventhub+sqlite"


def uri_for(path: str | Path) -> str:
    return f"{SCHEME}:///{Path(path)}"


class SQLiteStorage(Storage):
    """Fixed-window counters: one row per key with its count and when it expires."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = (uri or "").split("://", 1)[1] if uri and "://" in uri else ""
        if not self.path:
            raise ValueError(f"{SCHEME}:///path/to/file.sqlite3 expected, not {uri!r}")
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._pid = 0

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _db(self) -> sqlite3.Connection:
        # One connection per process: a connection inherited through fork is not usable.
        if self._connection is None or self._pid != os.getpid():
            with contextlib.suppress(OSError):  # e.g. the file belongs to the service user
                # Created 0600 before SQLite opens it: its -wal and -shm files copy its mode.
                private(Path(self.path))
                for journal in ("-wal", "-shm"):  # left 0644 by an older version
                    if Path(self.path + journal).exists():
                        os.chmod(self.path + journal, 0o600)
            connection = sqlite3.connect(
                self.path, timeout=10, isolation_level=None, check_same_thread=False
            )
            connection.execute("PRAGMA journal_mode=WAL")
            # A count lost to a power cut costs nothing; a disk flush on every login does.
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute(
                "CREATE TABLE IF NOT EXISTS counter ("
                "key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires_at REAL NOT NULL)"
            )
            self._connection, self._pid = connection, os.getpid()
        return self._connection

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        with self._lock:
            db = self._db()
            db.execute("BEGIN IMMEDIATE")  # the read and the write as one step across workers
            try:
                db.execute("DELETE FROM counter WHERE key = ? AND expires_at <= ?", (key, now))
                db.execute(
                    "INSERT INTO counter (key, count, expires_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET count = count + excluded.count",
                    (key, amount, now + expiry),
                )
                (count,) = db.execute("SELECT count FROM counter WHERE key = ?", (key,)).fetchone()
                # Expired rows of other keys go now and then, so the file does not grow.
                if count == amount:
                    db.execute("DELETE FROM counter WHERE expires_at <= ?", (now,))
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        return int(count)

    def _row(self, key: str) -> tuple[int, float] | None:
        with self._lock:
            row = (
                self._db()
                .execute(
                    "SELECT count, expires_at FROM counter WHERE key = ? AND expires_at > ?",
                    (key, time.time()),
                )
                .fetchone()
            )
        return None if row is None else (int(row[0]), float(row[1]))

    def get(self, key: str) -> int:
        row = self._row(key)
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return row[1] if row else time.time()

    def check(self) -> bool:
        try:
            with self._lock:
                self._db().execute("SELECT 1")
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        with self._lock:
            return self._db().execute("DELETE FROM counter").rowcount

    def clear(self, key: str) -> None:
        with self._lock:
            self._db().execute("DELETE FROM counter WHERE key = ?", (key,))
