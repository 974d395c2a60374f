"""The app factory, configuration and the database connection settings."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub import create_app
from eventhub.config import from_environment, instance_secret_key, normalise_database_url
from eventhub.extensions import db


def test_sqlite_connections_use_wal_and_enforce_foreign_keys(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/eventhub.sqlite3"
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_secret_key_is_generated_once_into_the_keys_folder(tmp_path):
    first = create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    second = create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "keys" / "secret_key").stat().st_mode & 0o777 == 0o600
    assert instance_secret_key(tmp_path / "keys") == first


def test_environment_selects_postgresql_with_psycopg3(monkeypatch, tmp_path):
    monkeypatch.setenv("EVENTHUB_DATABASE_URL", "postgresql://eventhub@db.internal/eventhub")
    monkeypatch.setenv("EVENTHUB_SECRET_KEY", "from-env")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://eventhub@db.internal/eventhub"
    )
    assert app.config["SECRET_KEY"] == "from-env"
    assert not (tmp_path / "keys" / "secret_key").exists()


def test_environment_parsing_of_typed_settings():
    found = from_environment(
        {
            "EVENTHUB_MAIL_PORT": "2525",
            "EVENTHUB_SECURE_COOKIES": "true",
            "EVENTHUB_MAX_UPLOAD_MB": "5",
            "UNRELATED": "x",
        }
    )
    assert found == {
        "MAIL_PORT": 2525,
        "SESSION_COOKIE_SECURE": True,
        "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
    }
    assert normalise_database_url("postgres://a@b/c") == "postgresql+psycopg://a@b/c"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_datetimes_round_trip_as_aware_utc(app, make):
    from datetime import UTC, datetime, timedelta, timezone

    from eventhub.auth.models import User

    user = make.user()
    shanghai = timezone(timedelta(hours=8))
    with app.app_context():
        stored = db.session.get(User, user.id)
        stored.last_login_at = datetime(2025, 7, 24, 9, 30, tzinfo=shanghai)
        db.session.commit()
        db.session.expire_all()
        again = db.session.get(User, user.id)
        assert again.last_login_at == datetime(2025, 7, 24, 1, 30, tzinfo=UTC)
        assert again.last_login_at.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(app, make):
    from datetime import datetime

    import pytest

    from eventhub.auth.models import User

    user = make.user()
    with app.app_context():
        stored = db.session.get(User, user.id)
        stored.last_login_at = datetime(2025, 7, 24, 9, 30)  # noqa: DTZ001
        with pytest.raises(sa.exc.StatementError, match="naive datetime"):
            db.session.flush()
        db.session.rollback()


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/auth/login")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
