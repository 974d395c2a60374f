"""Test harness: one app per session, a database schema built by the migrations, and every
test inside an outer transaction that is rolled back, with the app's sessions joining it
through savepoints.

EVENTHUB_TEST_DATABASE_URL runs the same suite on PostgreSQL; by default a SQLite file.
Tests never hold an app context around `client` requests (Flask would reuse it, and `g`
with the logged-in user would leak between requests): factories open their own.
"""

from __future__ import annotations

import os

import pytest
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session, _app_ctx_id
from sqlalchemy.orm import scoped_session, sessionmaker

from eventhub import create_app
from eventhub.extensions import db, limiter

from .factories import Factory

TEST_DATABASE_URL = os.environ.get("EVENTHUB_TEST_DATABASE_URL")


def test_config(instance_path, url: str) -> dict:
    return {
        "TESTING": True,
        "INSTANCE_PATH": str(instance_path),
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret-key",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast; production uses scrypt
        "MAIL_BACKEND": "memory",
        # Jobs run at once, in the process that hands them over, after its commit.
        "JOBS_URL": "immediate",
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": "eventhub.test",
        # Where links in emails point (without it, mail with links is refused: test_mail_links).
        "PUBLIC_URL": "http://eventhub.test",
        # Off for the bulk of the tests; the `csrf` fixture turns it on where it is the point.
        "WTF_CSRF_ENABLED": False,
        # The dashboard's event stream ends at once (a test client reads it to its end);
        # tests/checkin/test_live_updates.py listens for longer.
        "DASHBOARD_STREAM_SECONDS": 0,
    }


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    url = TEST_DATABASE_URL or f"sqlite:///{instance}/test.sqlite3"
    app = create_app(test_config(instance, url))
    with app.app_context():
        upgrade()
        from eventhub.directory.services import seed_countries

        seed_countries()
        db.session.commit()
    return app


class _ConnectionSession(Session):
    """Flask-SQLAlchemy's session, bound to the test's connection whatever the model."""

    def get_bind(self, *args, **kwargs):
        return self.bind


@pytest.fixture(autouse=True)
def _transaction(request, app):
    """Everything a test writes, the app's commits included, is rolled back after it.

    Browser tests talk to a live server with its own database, and concurrency tests need
    real commits seen by other processes: both are left alone (and clean up after
    themselves).
    """
    if any(request.node.get_closest_marker(m) for m in ("browser", "postgres", "own_database")):
        yield None
        return
    with app.app_context():
        connection = db.engine.connect()
    outer = connection.begin()
    original = db.session
    db.session = scoped_session(
        sessionmaker(
            class_=_ConnectionSession,
            db=db,
            bind=connection,
            join_transaction_mode="create_savepoint",
            expire_on_commit=False,
        ),
        scopefunc=_app_ctx_id,
    )
    limiter.reset()
    # The limiter is one object for every app: an app made with limits off (the concurrency
    # tests' workers) must not leave them off for the tests after it.
    limiter.enabled = True
    app.extensions["eventhub_outbox"] = []
    try:
        yield connection
    finally:
        # Each app context removed its own session when it closed.
        db.session = original
        outer.rollback()
        connection.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make(app) -> Factory:
    return Factory(app)


@pytest.fixture
def csrf(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def held_jobs(app):
    """Jobs handed over are held here, as (task, args), instead of run at once: the test
    looks at what waits for a worker, then runs them with `run_held`."""
    held: list = []
    app.extensions["eventhub_jobs_held"] = held
    yield held
    app.extensions["eventhub_jobs_held"] = None


def run_held(app, held: list) -> None:
    """Run the held jobs as a worker would: each in an app context of its own."""
    while held:
        task, args = held.pop(0)
        with app.app_context():
            task.call_local(*args)


@pytest.fixture
def outbox(app):
    return app.extensions["eventhub_outbox"]


@pytest.fixture
def event(make):
    return make.event()


@pytest.fixture
def login(client):
    """Log `client` in as the given email (password from the factory)."""
    from .factories import PASSWORD

    def do_login(email: str, password: str = PASSWORD, *, follow_redirects: bool = False):
        return client.post(
            "/auth/login",
            data={"email": email, "password": password},
            follow_redirects=follow_redirects,
        )

    return do_login


@pytest.fixture
def as_role(make, event, login):
    """Log in as a fresh user holding `role` in the `event` fixture; returns the user."""

    def become(role: str | None, **user_kwargs):
        user = make.user(roles={event: role} if role else None, **user_kwargs)
        response = login(user.email)
        assert response.status_code == 302, response.data[:500]
        return user

    return become


def pytest_sessionstart(session):
    """Compile the translation catalogues when a .po is newer than its .mo (as `make` does)."""
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in Path(__file__).parent.parent.glob("eventhub/translations/*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source, mo.open("wb") as target:
                write_mo(target, read_po(source))


@pytest.fixture
def connection(_transaction):
    """The test's own database connection, to look at what is stored, byte for byte."""
    return _transaction
