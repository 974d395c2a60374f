"""Open dashboards hear of each scan within a second or two, whichever worker or host took it.

Two ways, chosen by configuration, neither keeping in a process what another worker needs:
- Redis (LIVE_UPDATES_URL, else JOBS_URL when the job queue is Redis): a committed scan is
  published on its event's channel; each dashboard stream subscribes to it.
- The database (the embedded default): each stream asks once a second for a cheap version of
  the event's scans (the latest id, undo and review) and speaks when it changes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from eventhub.accommodation.models import HotelRoom, RoomGuest
from eventhub.checkin.models import Scan
from eventhub.db import autocommits
from eventhub.extensions import db
from eventhub.transport.models import Trip, TripPassenger

HEARTBEAT_SECONDS = 15  # a comment now and then: proxies keep the line open, gone tabs show
_PENDING = "eventhub_live_scans"  # event ids with scans in the session's transaction
_streams_lock = threading.Lock()


def redis_url(app: Flask) -> str:
    url = app.config.get("LIVE_UPDATES_URL") or app.config.get("JOBS_URL") or ""
    return url if url.startswith(("redis://", "rediss://", "unix://")) else ""


def channel(event_id: int) -> str:
    return f"eventhub:scans:{event_id}"


def _client(app: Flask, *, publishing: bool = False):
    """One connection pool per app, URL and use (a pool, not state: any worker makes its
    own). Publishing happens on the scan path: short timeouts and no retries, so a Redis
    down costs a scan a fraction of a second, never the gate's 1.5 s."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    url = redis_url(app)
    clients = app.extensions.setdefault("eventhub_live_redis", {})
    key = (url, publishing)
    if key not in clients:
        quick = {"socket_connect_timeout": 0.25, "retry": Retry(NoBackoff(), 0)}
        options = {"socket_timeout": 0.25, **quick} if publishing else {"socket_timeout": 5}
        clients[key] = redis.Redis.from_url(url, **options)
    return clients[key]


QUIET_AFTER_FAILURE = 30  # seconds without trying to announce once Redis did not answer


@sa_event.listens_for(Session, "after_flush")
def _note_scans(session: Session, _context) -> None:
    touched = {
        obj.event_id
        for obj in (*session.new, *session.dirty)
        if isinstance(obj, Scan | Trip) and obj.event_id is not None
    }
    # A guest ticked at the airport desk: the dashboard's pick-up figures change too.
    touched |= {
        obj.trip.event_id
        for obj in session.dirty
        if isinstance(obj, TripPassenger) and obj.__dict__.get("trip") is not None
    }
    # A guest checked in at the hotel desk: so do the dashboard's hotel figures.
    touched |= {
        obj.room.event_id
        for obj in session.dirty
        if isinstance(obj, RoomGuest) and obj.__dict__.get("room") is not None
    }
    if touched:
        session.info.setdefault(_PENDING, set()).update(touched)


def announce(event_id: int) -> None:
    """A scan was written by a statement (the scan path's, which the session does not see):
    announced at the commit, or now when the statement committed on its own (the API)."""
    if not has_app_context() or not redis_url(current_app):
        return  # the database streams see it without being told
    if autocommits(db.session.connection()):
        _send(current_app._get_current_object(), {event_id})
    else:
        db.session.info.setdefault(_PENDING, set()).add(event_id)


@sa_event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)


@sa_event.listens_for(Session, "after_commit")
def _publish(session: Session) -> None:
    """Announced once committed: a dashboard must not count a scan that was rolled back."""
    events = session.info.pop(_PENDING, None)
    if not events or not has_app_context():
        return
    app = current_app._get_current_object()
    if redis_url(app):
        _send(app, events)


def _send(app: Flask, events: set[int]) -> None:
    # This process's own memory of a failure: only spares its scans the wait (dashboards
    # fall back to polling their figures meanwhile).
    if time.monotonic() < app.extensions.get("eventhub_live_quiet_until", 0):
        return
    try:
        client = _client(app, publishing=True)
        for event_id in events:
            client.publish(channel(event_id), "scan")
    except Exception:  # noqa: BLE001 - the scan is stored; a dashboard catching up later is fine
        app.extensions["eventhub_live_quiet_until"] = time.monotonic() + QUIET_AFTER_FAILURE
        app.logger.warning("Could not announce a scan to the dashboards", exc_info=True)


def version(event_id: int) -> tuple:
    """What changes when a scan is made, undone or reviewed, or a flight lands or a guest is
    picked up at the airport or checked in at a hotel (counted, so that an undo shows too):
    indexed aggregates."""
    scans = db.session.execute(
        sa.select(
            sa.func.max(Scan.id), sa.func.max(Scan.undone_at), sa.func.max(Scan.reviewed_at)
        ).where(Scan.event_id == event_id)
    ).one()
    rides = db.session.execute(
        sa.select(
            sa.func.count(Trip.landed_at),
            sa.func.max(Trip.landed_at),
            sa.func.count(TripPassenger.picked_up_at),
            sa.func.max(TripPassenger.picked_up_at),
        )
        .select_from(Trip)
        .outerjoin(TripPassenger, TripPassenger.trip_id == Trip.id)
        .where(Trip.event_id == event_id)
    ).one()
    hotels = db.session.execute(
        sa.select(sa.func.count(RoomGuest.checked_in_at), sa.func.max(RoomGuest.checked_in_at))
        .join(HotelRoom, HotelRoom.id == RoomGuest.room_id)
        .where(HotelRoom.event_id == event_id)
    ).one()
    return (*scans, *rides, *hotels)


def changes(app: Flask, event_id: int, *, seconds: float) -> Iterator[str]:
    """ "ready" once listening, then "scan" when the event's scans change and "heartbeat"
    when quiet, for `seconds` at most (then the browser reconnects)."""
    if redis_url(app):
        yield from _from_redis(app, event_id, seconds)
    else:
        yield from _from_database(app, event_id, seconds)


def _from_redis(app: Flask, event_id: int, seconds: float) -> Iterator[str]:
    pubsub = _client(app).pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(channel(event_id))
    try:
        yield "ready"
        end = time.monotonic() + seconds
        quiet_since = time.monotonic()
        while time.monotonic() < end:
            message = pubsub.get_message(timeout=1.0)
            if message is not None:
                # Several scans in a burst are one refresh.
                while pubsub.get_message(timeout=0.05) is not None:
                    pass
                quiet_since = time.monotonic()
                yield "scan"
            elif time.monotonic() - quiet_since >= HEARTBEAT_SECONDS:
                quiet_since = time.monotonic()
                yield "heartbeat"
    finally:
        pubsub.close()


def _from_database(app: Flask, event_id: int, seconds: float) -> Iterator[str]:
    def current() -> tuple:
        with app.app_context():  # a connection for the query only, not for the stream
            return version(event_id)

    seen = current()
    yield "ready"
    end = time.monotonic() + seconds
    quiet_since = time.monotonic()
    while time.monotonic() < end:
        time.sleep(1.0)
        now = current()
        if now != seen:
            seen = now
            quiet_since = time.monotonic()
            yield "scan"
        elif time.monotonic() - quiet_since >= HEARTBEAT_SECONDS:
            quiet_since = time.monotonic()
            yield "heartbeat"


def take_stream(app: Flask) -> bool:
    """A place for one more open stream in this process (counted per app: each worker
    process has its own threads to spare), or False when DASHBOARD_MAX_STREAMS are open."""
    with _streams_lock:
        count = app.extensions.get("eventhub_open_streams", 0)
        if count >= app.config["DASHBOARD_MAX_STREAMS"]:
            return False
        app.extensions["eventhub_open_streams"] = count + 1
        return True


def release_stream(app: Flask) -> None:
    with _streams_lock:
        count = app.extensions.get("eventhub_open_streams", 0)
        app.extensions["eventhub_open_streams"] = max(0, count - 1)
