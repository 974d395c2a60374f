"""The benches' app: a scratch SQLite database, migrated, with the countries."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eventhub import create_app  # noqa: E402


@contextmanager
def scratch_app(*, request: bool = False) -> Iterator:
    """Inside the app's context (and a request's, with `request`): services that format
    in the reader's language need one."""
    folder = tempfile.mkdtemp()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
            "INSTANCE_PATH": folder,
            "SECRET_KEY": "bench",
        }
    )
    with app.app_context():
        from flask_migrate import upgrade  # noqa: PLC0415 -- needs the app

        from eventhub.directory.services import seed_countries  # noqa: PLC0415

        upgrade()
        seed_countries()
        if request:
            with app.test_request_context():
                yield app
        else:
            yield app
