"""The dashboard's event stream speaks when a scan is made on any worker or host: through
Redis when the job queue uses it, else by asking the database each second."""

from __future__ import annotations

import socket
import uuid
from datetime import UTC, datetime

import pytest

from eventhub import create_app
from eventhub.checkin import live, recording, rules
from eventhub.checkin.models import Checkpoint
from eventhub.extensions import db

from ..conftest import test_config as _config
from .conftest import _code

REDIS = "redis://127.0.0.1:6379/0"
WHEN = datetime(2025, 7, 24, 1, 0, tzinfo=UTC)


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


def _scan(app, event, checkpoint_id, code):
    with app.app_context():
        stored = db.session.merge(event)
        recording.record_scan(
            rules.Gate.of(stored, db.session.get(Checkpoint, checkpoint_id)),
            code,
            uuid.uuid4().hex,
            scanned_at=WHEN,
            now=WHEN,
        )
        db.session.commit()


def _next_news(stream) -> str:
    """The next thing the stream says other than "still here"."""
    for what in stream:
        if what != "heartbeat":
            return what
    return "closed"


def test_the_stream_sees_a_scan_through_the_database(app, event, make, gate):
    person = make.participant(event)
    code = _code(app, person.id)
    stream = live.changes(app, event.id, seconds=10)
    assert next(stream) == "ready"
    _scan(app, event, gate, code)
    assert _next_news(stream) == "scan"
    stream.close()


def test_the_stream_endpoint_is_for_organisers_and_ends(client, as_role, event):
    as_role("organiser")
    response = client.get(f"/events/{event.slug}/checkin/arrivals/stream")
    assert response.mimetype == "text/event-stream"
    assert response.headers["Cache-Control"] == "no-store"
    # Bounded (DASHBOARD_STREAM_SECONDS, 0 in tests): the body ends; the browser reconnects.
    assert response.get_data(as_text=True).startswith("retry: 2000\n\n: still here\n\n")


@pytest.mark.skipif(not _redis_up(), reason="no Redis at 127.0.0.1:6379")
def test_a_scan_on_one_instance_reaches_anothers_stream_through_redis(
    app, event, make, gate, monkeypatch, tmp_path
):
    person = make.participant(event)
    code = _code(app, person.id)
    monkeypatch.setitem(app.config, "LIVE_UPDATES_URL", REDIS)
    # Another worker (another host): its own process memory, the same Redis, no database
    # polling (a scan it hears of comes through Redis alone).
    other = create_app(
        {**_config(tmp_path, f"sqlite:///{tmp_path}/other.sqlite3"), "LIVE_UPDATES_URL": REDIS}
    )
    stream = live.changes(other, event.id, seconds=10)
    assert next(stream) == "ready"  # subscribed
    _scan(app, event, gate, code)
    assert _next_news(stream) == "scan"
    stream.close()
    # A rolled-back scan is not announced.
    quiet = live.changes(other, event.id, seconds=2)
    assert next(quiet) == "ready"
    with app.app_context():
        stored = db.session.merge(event)
        recording.record_scan(
            rules.Gate.of(stored, db.session.get(Checkpoint, gate)), code, uuid.uuid4().hex
        )
        db.session.rollback()
    assert _next_news(quiet) == "closed"
