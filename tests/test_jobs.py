"""Background work through a real queue: the embedded SQLite one and Redis, each with a job
worker taking print runs, scheduler runs and mail from a web request; and what happens to a
run whose worker dies."""

from __future__ import annotations

import io
import time
import uuid
from datetime import timedelta

import pytest
import redis
import sqlalchemy as sa
from flask_migrate import upgrade
from pypdf import PdfReader

from eventhub import create_app, jobs
from eventhub.badges.models import BadgeBatch, BatchState
from eventhub.db import utcnow
from eventhub.directory.services import seed_countries
from eventhub.extensions import db
from eventhub.outbox.models import MailState, OutboxMessage
from eventhub.scheduling.models import RunState, SolverRun

from . import conftest
from .factories import PASSWORD, Factory

REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _wait_for(check, seconds: float = 60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("the job worker did not finish in time")


@pytest.fixture(params=["sqlite", "redis"])
def queued_app(request, tmp_path):
    """An app on a real queue with a job worker in threads of this process, and its own
    database (the worker's connections must see what the requests commit)."""
    if request.param == "redis":
        if not _redis_up():
            pytest.skip("needs Redis on 127.0.0.1:6379")
        jobs_url = REDIS_URL
    else:
        jobs_url = f"sqlite:///{tmp_path}/jobs.sqlite3"
    config = conftest.test_config(tmp_path, f"sqlite:///{tmp_path}/app.sqlite3")
    config["JOBS_URL"] = jobs_url
    app = create_app(config)
    with app.app_context():
        upgrade()
        seed_countries()
        db.session.commit()
    jobs.huey.flush()  # nothing left from an earlier run on the shared Redis
    app.extensions["eventhub_outbox"] = []
    # The factories' records stay readable after their commits, as in the other tests.
    with app.app_context():
        db.session.configure(expire_on_commit=False)
    worker = jobs.start_worker(app, workers=2)
    yield app
    worker.stop(graceful=True)
    with app.app_context():
        db.session.configure(expire_on_commit=True)
    jobs.huey.flush()


@pytest.mark.own_database
def test_a_job_worker_draws_print_runs_solves_and_mails_from_the_queue(queued_app):
    app = queued_app
    make = Factory(app)
    event = make.event(slug=f"queued-{uuid.uuid4().hex[:6]}")
    for n in range(5):
        make.participant(event, given_name=f"Delegate{n}", email=f"d{n}@example.la")
    organiser = make.user(roles={event: "organiser"})
    client = app.test_client()
    client.post("/auth/login", data={"email": organiser.email, "password": PASSWORD})

    # A print run: the request only queues it; the worker draws it.
    response = client.post(f"/events/{event.slug}/badges/", data={"layout": "cr80"})
    assert response.status_code == 302
    run_url = response.headers["Location"]
    progress = _wait_for(
        lambda: (p := client.get(f"{run_url}.json").get_json())["state"] == "done" and p
    )
    assert progress["done"] == 5
    assert len(PdfReader(io.BytesIO(client.get(progress["download"]).data)).pages) == 5

    # A scheduler run: queued, solved by the worker, the proposal shown on the run's page.
    response = client.post(f"/events/{event.slug}/schedule/auto", data={"action": "propose"})
    run_page = response.headers["Location"]
    with app.app_context():
        run_id = db.session.scalar(sa.select(sa.func.max(SolverRun.id)))
    _wait_for(lambda: _solver_state(app, run_id) == RunState.DONE)
    assert "Every activity has a time and a room." in client.get(run_page).get_data(as_text=True)

    # Mail: a message to every participant, sent by the worker after the request committed.
    with app.app_context():
        ids = [str(i) for i in db.session.scalars(sa.text("SELECT id FROM participant"))]
    client.post(
        f"/events/{event.slug}/participants/bulk",
        data={"action": "email", "subject": "Bus times", "message": "08:00", "ids": ids},
    )
    _wait_for(lambda: len(app.extensions["eventhub_outbox"]) == 5)
    assert sorted(m["To"] for m in app.extensions["eventhub_outbox"]) == [
        f"d{n}@example.la" for n in range(5)
    ]
    log = client.get(f"/events/{event.slug}/mail?state=sent").get_data(as_text=True)
    assert log.count("Bus times") == 5


def _solver_state(app, run_id: int):
    with app.app_context():
        return db.session.get(SolverRun, run_id).state


def _batch(app, event, **values) -> int:
    with app.app_context():
        batch = BadgeBatch(event_id=event.id, layout="a4", total=1, **values)
        db.session.add(batch)
        db.session.commit()
        return batch.id


def test_a_run_whose_worker_died_is_drawn_again(client, as_role, app, event, make):
    make.participant(event)
    as_role("organiser")
    stale = utcnow() - timedelta(seconds=app.config["JOB_HEARTBEAT_SECONDS"] + 5)
    batch_id = _batch(app, event, state=BatchState.RUNNING, attempts=1, heartbeat_at=stale)
    url = f"/events/{event.slug}/badges/runs/{batch_id}.json"
    assert client.get(url).get_json()["state"] == "queued"  # taken back from the dead worker
    progress = client.get(url).get_json()  # drawn by the next one (the tests' queue: at once)
    assert progress["state"] == "done" and progress["done"] == 1
    with app.app_context():
        assert db.session.get(BadgeBatch, batch_id).attempts == 2


def test_a_run_that_keeps_killing_its_worker_fails_with_the_reason(
    client, as_role, app, event, make
):
    make.participant(event)
    as_role("organiser")
    stale = utcnow() - timedelta(seconds=app.config["JOB_HEARTBEAT_SECONDS"] + 5)
    tries = app.config["JOB_MAX_ATTEMPTS"]
    batch_id = _batch(app, event, state=BatchState.RUNNING, attempts=tries, heartbeat_at=stale)
    progress = client.get(f"/events/{event.slug}/badges/runs/{batch_id}.json").get_json()
    assert progress["state"] == "failed"
    assert f"({tries} tries)" in progress["error"]
    page = client.get(f"/events/{event.slug}/badges/runs/{batch_id}").get_data(as_text=True)
    assert "The job worker stopped while working on this run" in page


def test_a_run_no_worker_takes_fails_instead_of_waiting_forever(
    client, as_role, app, event, make, held_jobs
):
    make.participant(event)
    as_role("organiser")
    run_url = client.post(f"/events/{event.slug}/badges/", data={"layout": "a4"}).headers[
        "Location"
    ]
    assert client.get(f"{run_url}.json").get_json()["state"] == "queued"
    held_jobs.clear()  # no worker ever takes it
    waited = app.config["JOB_HEARTBEAT_SECONDS"] * app.config["JOB_MAX_ATTEMPTS"] + 5
    with app.app_context():
        batch = db.session.scalar(sa.select(BadgeBatch).where(BadgeBatch.event_id == event.id))
        batch.created_at = utcnow() - timedelta(seconds=waited)
        db.session.commit()
    progress = client.get(f"{run_url}.json").get_json()
    assert progress["state"] == "failed" and "flask jobs" in progress["error"]


def test_a_job_asked_for_in_a_request_that_rolls_back_never_runs(
    client, as_role, app, event, held_jobs
):
    as_role("organiser")  # no approved participant: the service refuses, the request rolls back
    response = client.post(f"/events/{event.slug}/badges/", data={"layout": "a4"})
    assert "No approved participant matches" in response.get_data(as_text=True)
    assert held_jobs == []


def test_mail_is_retried_with_backoff_then_failed_with_the_reason(app, make, event):
    from eventhub.outbox import services as outbox

    with app.app_context():
        app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=9)
        try:
            outbox.queue("someone@example.la", "Hello", "Text", event_id=event.id)
            jobs.commit()  # delivered (tried) at once by the tests' queue: refused
            message = db.session.scalar(
                sa.select(OutboxMessage).where(OutboxMessage.recipient == "someone@example.la")
            )
            assert message.state == MailState.QUEUED and message.attempts == 1
            first_wait = message.next_attempt_at - utcnow()
            assert timedelta(0) < first_wait <= outbox.retry_delay(1)
            for attempt in range(2, app.config["MAIL_MAX_ATTEMPTS"] + 1):
                message.next_attempt_at = utcnow()  # the retry comes due
                db.session.commit()
                outbox.deliver()
                db.session.refresh(message)
                assert message.attempts == attempt
            assert message.state == MailState.FAILED
            assert "ConnectionRefusedError" in message.last_error
            assert outbox.retry_delay(2) == 2 * outbox.retry_delay(1)
        finally:
            app.config.update(MAIL_BACKEND="memory", MAIL_SERVER=None, MAIL_PORT=587)


def test_a_message_another_worker_holds_is_not_sent_twice(app, event, outbox):
    from eventhub.outbox import services as mail_outbox

    with app.app_context():
        mail_outbox.queue("once@example.la", "Once", "Text", event_id=event.id)
        jobs.commit()
        assert _sent_to(outbox) == ["once@example.la"]
        message = db.session.scalar(
            sa.select(OutboxMessage).where(OutboxMessage.recipient == "once@example.la")
        )
        assert message.state == MailState.SENT and message.text == ""  # no link kept
        # A second message, taken by a worker that is still sending it: left alone.
        mail_outbox.queue("held@example.la", "Held", "Text", event_id=event.id)
        held = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.subject == "Held"))
        held.state, held.claimed_at = MailState.SENDING, utcnow()
        db.session.commit()
        mail_outbox.deliver()
        assert _sent_to(outbox) == ["once@example.la"]
        # That worker was killed: after the lease the message goes out once.
        lease = app.config["MAIL_LEASE_SECONDS"]
        held.claimed_at = utcnow() - timedelta(seconds=lease + 1)
        db.session.commit()
        mail_outbox.deliver()
        mail_outbox.deliver()
        assert _sent_to(outbox) == ["once@example.la", "held@example.la"]


def _sent_to(outbox) -> list[str]:
    """This test's messages (other tests' real commits may have left mail in the queue)."""
    return [m["To"] for m in outbox if m["To"] in ("once@example.la", "held@example.la")]


def test_the_scheduler_page_says_a_run_waits_or_why_it_failed(client, as_role, app, event):
    as_role("organiser")
    url = f"/events/{event.slug}/schedule/auto"
    with app.app_context():
        waiting = SolverRun(event_id=event.id, state=RunState.QUEUED, heartbeat_at=utcnow())
        failed = SolverRun(event_id=event.id, state=RunState.FAILED, error="MemoryError: ")
        db.session.add_all([waiting, failed])
        db.session.commit()
        ids = waiting.id, failed.id
    page = client.get(f"{url}?run={ids[0]}").get_data(as_text=True)
    assert 'id="solver-run"' in page and "Waiting for the job worker" in page
    page = client.get(f"{url}?run={ids[1]}").get_data(as_text=True)
    assert "The scheduler run failed: MemoryError" in page and "Try again" in page
    other = Factory(app).event()  # a run of this event is no run of another's
    assert client.get(f"/events/{other.slug}/schedule/auto?run={ids[0]}").status_code in (
        403,
        404,
    )


class _Server:
    """A mail connection that answers each message as told (or fails to log in)."""

    def __init__(self, answers: dict[str, Exception | None], login: Exception | None = None):
        self.answers, self.login, self.sent = answers, login, []

    def open(self):
        if self.login:
            raise self.login

    def close(self):
        pass

    def send_messages(self, messages):
        for message in messages:
            error = self.answers.get(message.to[0])
            if error:
                raise error
            self.sent.append(message.to[0])
        return len(messages)


def _queued(app, event, *recipients) -> None:
    from eventhub.outbox import services as mail_outbox

    held = app.extensions.get("eventhub_jobs_held")
    app.extensions["eventhub_jobs_held"] = []  # queue only; this test delivers by hand
    try:
        for recipient in recipients:
            mail_outbox.queue(recipient, "Hello", "Text", event_id=event.id)
        jobs.commit()
    finally:
        app.extensions["eventhub_jobs_held"] = held


def _message(recipient: str) -> OutboxMessage:
    return db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.recipient == recipient))


def test_greylisting_is_retried_a_missing_mailbox_is_not(app, event, monkeypatch):
    import smtplib

    from eventhub import mail
    from eventhub.outbox import services as mail_outbox

    server = _Server(
        {
            "grey@example.la": smtplib.SMTPRecipientsRefused(
                {"grey@example.la": (451, b"greylisted, try later")}
            ),
            "gone@example.la": smtplib.SMTPRecipientsRefused(
                {"gone@example.la": (550, b"no such mailbox")}
            ),
        }
    )
    monkeypatch.setattr(mail, "connection", lambda: server)
    with app.app_context():
        _queued(app, event, "grey@example.la", "gone@example.la", "ok@example.la")
        mail_outbox.deliver()
        assert server.sent == ["ok@example.la"]
        assert _message("grey@example.la").state == MailState.QUEUED
        gone = _message("gone@example.la")
        assert gone.state == MailState.FAILED and "no such mailbox" in gone.last_error
        assert _message("ok@example.la").state == MailState.SENT


def test_a_refused_login_fails_no_message_and_stops_the_batch(app, event, monkeypatch):
    import smtplib

    from eventhub import mail
    from eventhub.outbox import services as mail_outbox

    server = _Server({}, login=smtplib.SMTPAuthenticationError(535, b"bad credentials"))
    monkeypatch.setattr(mail, "connection", lambda: server)
    recipients = [f"p{n}@example.la" for n in range(5)]
    with app.app_context():
        _queued(app, event, *recipients)
        mail_outbox.deliver()
        states = [(_message(r).state, _message(r).attempts) for r in recipients]
    # The first waits for its retry; the others were not even tried: none given up.
    assert states[0] == (MailState.QUEUED, 1)
    assert states[1:] == [(MailState.QUEUED, 0)] * 4


def test_a_savepoint_released_in_a_rolled_back_transaction_starts_no_job(app, event):
    from eventhub.outbox import services as mail_outbox

    with app.app_context():
        held = []
        app.extensions["eventhub_jobs_held"] = held
        try:
            with db.session.begin_nested():
                mail_outbox.queue("never@example.la", "Never", "Text", event_id=event.id)
            db.session.rollback()
            jobs.dispatch()
            assert held == []
            assert _message("never@example.la") is None
        finally:
            app.extensions["eventhub_jobs_held"] = None


def test_a_worker_whose_run_was_taken_over_stops_without_a_word(app, event, make):
    """The sweep gave the run to another worker while this one was silent: at its next sign
    of life it stops, and the run stays the other worker's (not failed, not drawn twice)."""
    from eventhub.badges.runs import execute_batch

    make.participant(event)
    batch_id = _batch(app, event, state=BatchState.QUEUED)
    drawn = []

    def work(_event, _out, progress):
        db.session.execute(  # meanwhile: taken back and claimed by a second worker
            sa.update(BadgeBatch).where(BadgeBatch.id == batch_id).values(attempts=2)
        )
        db.session.commit()
        progress(1)
        drawn.append("after")  # never reached
        return True

    with app.app_context():
        assert jobs.claim_run(BadgeBatch, batch_id)
        db.session.commit()
        execute_batch(db.session.get(BadgeBatch, batch_id), work)
        batch = db.session.get(BadgeBatch, batch_id)
        assert drawn == [] and batch.state == BatchState.RUNNING and batch.attempts == 2
        assert batch.error == ""
