"""The dashboard's event stream speaks when a scan is made on any worker or host: through
Redis when the job queue uses it, else by asking the database each second."""

from __future__ import annotations

import socket
import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from eventhub import create_app
from eventhub.checkin import live, recording, rules
from eventhub.checkin.models import Checkpoint, Scan
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


THREADED = {"wsgi.multithread": True}  # a threaded server (gthread, the dev server)


def test_the_stream_endpoint_is_for_organisers_and_ends(client, as_role, event):
    as_role("organiser")
    response = client.get(
        f"/events/{event.slug}/checkin/arrivals/stream", environ_overrides=THREADED
    )
    assert response.mimetype == "text/event-stream"
    assert response.headers["Cache-Control"] == "no-store"
    # Bounded (DASHBOARD_STREAM_SECONDS, 0 in tests): the body ends; the browser reconnects.
    assert response.get_data(as_text=True).startswith("retry: 2000\n\n: still here\n\n")
    response.close()


def test_a_sync_worker_is_never_taken_by_a_dashboard(client, as_role, event):
    """On gunicorn's sync workers (one request a process) a stream would keep the gates'
    scans waiting for minutes: the dashboard is told at once to poll instead."""
    as_role("organiser")
    response = client.get(f"/events/{event.slug}/checkin/arrivals/stream")
    assert response.status_code == 204  # EventSource: do not reconnect
    assert response.get_data() == b""


def test_past_the_cap_a_further_stream_is_refused_at_once(app, client, as_role, event):
    """Two dashboards hold this process's two stream places; a third is answered at once
    (it polls), and when one closes its place is free again."""
    as_role("organiser")
    app.config["DASHBOARD_MAX_STREAMS"] = 2
    url = f"/events/{event.slug}/checkin/arrivals/stream"
    first = client.get(url, environ_overrides=THREADED, buffered=False)
    second = client.get(url, environ_overrides=THREADED, buffered=False)
    assert first.status_code == second.status_code == 200
    third = client.get(url, environ_overrides=THREADED, buffered=False)
    assert third.status_code == 204
    first.close()  # that tab went away
    fourth = client.get(url, environ_overrides=THREADED, buffered=False)
    assert fourth.status_code == 200
    assert fourth.mimetype == "text/event-stream"
    second.close()
    fourth.close()
    # Everything given back: the next one streams.
    again = client.get(url, environ_overrides=THREADED)
    assert again.status_code == 200


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


def test_a_redis_that_does_not_answer_costs_the_gate_nothing(app, event, make, gate, monkeypatch):
    """Redis down (nothing listens on its port): scans are still recorded and answered, and
    after the first failure this worker stops trying for a while instead of making each
    scan wait for a connection that will not come."""
    people = [make.participant(event) for _ in range(2)]
    codes = [_code(app, person.id) for person in people]
    monkeypatch.setitem(app.config, "LIVE_UPDATES_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setitem(app.extensions, "eventhub_live_quiet_until", 0)  # undone after
    _scan(app, event, gate, codes[0])
    quiet_until = app.extensions.get("eventhub_live_quiet_until", 0)
    assert quiet_until > 0  # the failure was noticed
    _scan(app, event, gate, codes[1])
    assert app.extensions["eventhub_live_quiet_until"] == quiet_until  # not tried again
    with app.app_context():
        recorded = db.session.scalar(
            sa.select(sa.func.count()).select_from(Scan).where(Scan.checkpoint_id == gate)
        )
    assert recorded == 2
