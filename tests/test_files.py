"""The files an installation keeps: the database and the keys are readable by their owner
alone, and the keys live apart from the database, so that its backups never carry them."""

from __future__ import annotations

import logging
import stat

import pytest
from flask_migrate import upgrade

from eventhub import create_app


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def bare_environment(monkeypatch):
    """No database, keys or instance folder given by the environment."""
    for name in (
        "EVENTHUB_DATABASE_URL",
        "EVENTHUB_SECRET_KEY",
        "EVENTHUB_DATA_KEYS",
        "EVENTHUB_KEYS_DIR",
        "EVENTHUB_JOBS_URL",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.own_database
def test_a_new_installation_keeps_its_database_and_keys_private(tmp_path, bare_environment):
    instance = tmp_path / "instance"
    app = create_app({"INSTANCE_PATH": str(instance), "JOBS_URL": ""})
    with app.app_context():
        upgrade()
    keys = instance / "keys"
    database = instance / "eventhub.sqlite3"
    assert mode(instance) == 0o700 and mode(keys) == 0o700
    assert mode(database) == 0o600 and mode(instance / "jobs.sqlite3") == 0o600
    for journal in instance.glob("eventhub.sqlite3-*"):  # WAL files, while open
        assert mode(journal) == 0o600
    assert sorted(p.name for p in keys.iterdir()) == ["data_key", "secret_key"]
    assert all(mode(key) == 0o600 for key in keys.iterdir())
    # Nothing secret beside the database: copying its folder's database copies no key.
    assert not (instance / "secret_key").exists() and not (instance / "data_key").exists()
    assert app.config["SECRET_KEY"] == (keys / "secret_key").read_text().strip()


@pytest.mark.own_database
def test_an_older_installation_is_made_private_and_its_keys_moved(
    tmp_path, bare_environment, caplog
):
    """Files an earlier version left world-readable beside the database: tightened, the
    keys moved into the keys folder, the same keys used (sessions, badges and passport
    data still open), and the log says what changed."""
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    instance.chmod(0o755)
    database = instance / "eventhub.sqlite3"
    database.write_bytes(b"")
    (instance / "secret_key").write_text("an old secret\n")
    (instance / "data_key").write_text("T2xkIGRhdGEga2V5IG9mIDMyIGJ5dGVzIGxvbmcuLi4=\n")
    for path in (database, instance / "secret_key", instance / "data_key"):
        path.chmod(0o644)

    with caplog.at_level(logging.WARNING):
        app = create_app({"INSTANCE_PATH": str(instance), "JOBS_URL": "immediate"})
    keys = instance / "keys"
    assert app.config["SECRET_KEY"] == "an old secret"
    assert app.config["DATA_KEYS"] == ["T2xkIGRhdGEga2V5IG9mIDMyIGJ5dGVzIGxvbmcuLi4="]
    assert not (instance / "secret_key").exists() and (keys / "secret_key").exists()
    assert mode(instance) == 0o700 and mode(database) == 0o600
    assert mode(keys / "secret_key") == 0o600 and mode(keys / "data_key") == 0o600
    logged = caplog.text
    assert str(database) in logged and "secret_key" in logged and str(instance) in logged


@pytest.mark.own_database
def test_keys_can_live_in_a_folder_of_their_own(tmp_path, bare_environment, monkeypatch):
    monkeypatch.setenv("EVENTHUB_KEYS_DIR", str(tmp_path / "offline" / "keys"))
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "JOBS_URL": "immediate"})
    assert (tmp_path / "offline" / "keys" / "secret_key").read_text().strip() == (
        app.config["SECRET_KEY"]
    )
    assert not (tmp_path / "instance" / "keys").exists()


def test_mail_files_are_readable_by_their_owner_alone(app, tmp_path):
    """The file mail back end writes whole messages, reset links included."""
    from eventhub import mail

    folder = tmp_path / "mail"
    app.config.update(MAIL_BACKEND="file", MAIL_FILE_DIR=str(folder))
    try:
        with app.app_context(), mail.connection() as connection:
            message = mail.build(
                "a@example.org",
                "Reset",
                "https://x/auth/reset/t",
                None,
                message_id="<1@example.org>",
            )
            connection.send_messages([message])
    finally:
        app.config.update(MAIL_BACKEND="memory", MAIL_FILE_DIR=None)
    files = list(folder.iterdir())
    assert files and all(mode(f) == 0o600 for f in files)
    assert mode(folder) == 0o700


def test_rate_limit_files_are_readable_by_their_owner_alone(tmp_path):
    """Their counters are keyed by address and account name; the WAL files hold them too."""
    from eventhub.ratelimits import SQLiteStorage, uri_for

    path = tmp_path / "ratelimits.sqlite3"
    storage = SQLiteStorage(uri_for(path))
    storage.incr("login/someone@example.org", 60)
    files = list(tmp_path.glob("ratelimits.sqlite3*"))
    assert len(files) >= 2  # the database and its WAL file, while open
    assert all(mode(f) == 0o600 for f in files), [(f.name, oct(mode(f))) for f in files]
