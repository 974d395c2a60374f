"""Login limits count failed attempts only, and every worker process of an installation
counts in the same place (a SQLite file in the instance folder when there is no Redis)."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from eventhub import create_app
from eventhub.extensions import db, limiter

from ..factories import PASSWORD

ROOT = Path(__file__).resolve().parent.parent.parent


def test_successful_logins_never_run_into_the_limit(app, make):
    user = make.user()
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [
            app.test_client()
            .post("/auth/login", data={"email": user.email, "password": PASSWORD})
            .status_code
            for _ in range(8)
        ]
        assert codes == [302] * 8
        failures = [
            app.test_client()
            .post("/auth/login", data={"email": user.email, "password": "not it"})
            .status_code
            for _ in range(4)
        ]
        assert failures == [200, 200, 200, 429]
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "10 per minute;50 per hour"


SWITCHED_OFF = """
import sys
from eventhub import create_app
from eventhub.auth import services
from eventhub.extensions import db
app = create_app({"INSTANCE_PATH": sys.argv[1], "SECRET_KEY": "x", "TESTING": True,
                  "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                  "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
with app.app_context():
    db.create_all()
    services.create_user("bench@example.org", "a right password")
    db.session.commit()
answer = app.test_client().post(
    "/auth/login", data={"email": "bench@example.org", "password": "a right password"})
print(answer.status_code)
"""


@pytest.mark.own_database
def test_logging_in_works_with_the_limits_switched_off(tmp_path):
    """RATELIMIT_ENABLED = False (benchmarks, load tests), in a process of its own as a
    server would be: a right password logs in, not a 500 giving back hits never counted."""
    run = subprocess.run(
        [sys.executable, "-c", SWITCHED_OFF, str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert run.stdout.strip().splitlines()[-1:] == ["302"], run.stderr[-2000:]


# What a second worker process does: the same installation, its own interpreter and limiter.
WORKER = """
import json, sys
from eventhub import create_app
from eventhub.extensions import db
app = create_app({"INSTANCE_PATH": sys.argv[1], "SECRET_KEY": "x", "TESTING": True,
                  "WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "3 per minute",
                  "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
client = app.test_client()
codes = [client.post("/auth/login", data={"email": "someone@example.org", "password": "guess"})
         .status_code for _ in range(2)]
print(json.dumps(codes))
"""


@pytest.mark.own_database
def test_two_worker_processes_share_the_failed_login_count(tmp_path):
    saved = limiter._storage, limiter._limiter  # one limiter object for every app
    try:
        app = create_app(
            {
                "INSTANCE_PATH": str(tmp_path),
                "SECRET_KEY": "x",
                "TESTING": True,
                "WTF_CSRF_ENABLED": False,
                "LOGIN_RATE_LIMIT": "3 per minute",
                "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            }
        )
        assert app.config["RATELIMIT_STORAGE_URI"].startswith("eventhub+sqlite:///")
        with app.app_context():
            db.create_all()
        first = app.test_client()
        form = {"email": "someone@example.org", "password": "guess"}
        assert [first.post("/auth/login", data=form).status_code for _ in range(2)] == [200, 200]
        other = subprocess.run(
            [sys.executable, "-c", WORKER, str(tmp_path)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
            timeout=120,
            check=True,
        )
        # The other worker saw the two failures here: its first is the third, then refused.
        assert json.loads(other.stdout.strip().splitlines()[-1]) == [200, 429]
        assert (tmp_path / "ratelimits.sqlite3").stat().st_mode & 0o777 == 0o600
    finally:
        limiter._storage, limiter._limiter = saved


def test_per_process_counters_are_warned_about_whatever_the_database(tmp_path, caplog):
    saved = limiter._storage, limiter._limiter
    try:
        with caplog.at_level(logging.WARNING):
            create_app(
                {
                    "INSTANCE_PATH": str(tmp_path),
                    "SECRET_KEY": "x",
                    "RATELIMIT_STORAGE_URI": "memory://",
                }
            )
        assert any("Rate limits" in record.getMessage() for record in caplog.records)
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
        assert not any("Rate limits" in record.getMessage() for record in caplog.records)
    finally:
        limiter._storage, limiter._limiter = saved


def test_the_shared_counters_expire_and_clear(tmp_path):
    from eventhub.ratelimits import SQLiteStorage, uri_for

    one, two = (
        SQLiteStorage(uri_for(tmp_path / "c.sqlite3")),
        SQLiteStorage(uri_for(tmp_path / "c.sqlite3")),
    )
    assert one.incr("k", 60) == 1 and two.incr("k", 60) == 2 and one.get("k") == 2
    assert one.incr("gone", 0) == 1 and two.get("gone") == 0  # expired at once
    two.clear("k")
    assert one.get("k") == 0 and one.check()


@pytest.mark.own_database
def test_wrong_passwords_sent_at_once_are_checked_no_more_than_the_limit(tmp_path, monkeypatch):
    """A burst of guesses for one account, all in flight together: each is counted as it
    arrives, so at most the limit reach the password check and the rest are refused."""
    import threading
    import time

    from eventhub.auth import services as auth_services

    saved = limiter._storage, limiter._limiter
    try:
        app = create_app(
            {
                "INSTANCE_PATH": str(tmp_path),
                "SECRET_KEY": "x",
                "TESTING": True,
                "WTF_CSRF_ENABLED": False,
                "LOGIN_RATE_LIMIT": "3 per minute",
                "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            }
        )
        with app.app_context():
            db.create_all()
        checked = []
        authenticate = auth_services.authenticate

        def slow_check(email, password):
            checked.append(email)
            time.sleep(0.3)  # a real password hash takes time: the guesses overlap
            return authenticate(email, password)

        monkeypatch.setattr(auth_services, "authenticate", slow_check)
        start = threading.Barrier(8)
        codes = []

        def guess():
            client = app.test_client()
            start.wait()
            form = {"email": "someone@example.org", "password": "guess"}
            codes.append(client.post("/auth/login", data=form).status_code)

        threads = [threading.Thread(target=guess) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert sorted(codes) == [200] * 3 + [429] * 5
        assert len(checked) == 3
    finally:
        limiter._storage, limiter._limiter = saved
