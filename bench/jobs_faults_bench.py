"""Kill the job worker mid-run and mid-mail: the print run finishes (or fails visibly), no
email goes twice, none is lost.

The embedded set-up (SQLite database and SQLite queue in a throw-away instance folder) or, with
--redis, a Redis queue. An SMTP sink on 127.0.0.1 takes the mail slowly, as a venue's or a
ministry's server does (--smtp-delay seconds before its "250 OK"); it counts a message as
delivered once it has said "250" to a client that is still there (a client killed while
waiting never heard it, and its message is sent again; a server that kept it anyway is the
at-least-once case the README describes). The bench plays the organiser's page: every second
it asks for stalled runs to be taken back, as the page's progress poll does.

    .venv/bin/python bench/jobs_faults_bench.py [--badges 2000] [--mails 400] [--kills 3]
"""

from __future__ import annotations

import argparse
import io
import os
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from pypdf import PdfReader  # noqa: E402

DELIVERED: Counter = Counter()
LOCK = threading.Lock()


class Sink(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    delay = 0.05

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        self.reply("220 sink ready")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.reply("250 sink")
            elif verb == b"DATA":
                self.reply("354 go on")
                message_id = None
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    if data.lower().startswith(b"message-id:"):
                        message_id = data.split(b":", 1)[1].strip().decode()
                if not data:
                    return  # the client died mid-message: nothing delivered
                time.sleep(self.delay)  # a slow server, the kill's likely moment
                if _gone(self.connection):
                    return  # its client was killed before it could hear "250"
                self.reply("250 queued")
                with LOCK:
                    DELIVERED[message_id] += 1
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


def _gone(connection: socket.socket) -> bool:
    connection.setblocking(False)
    try:
        return connection.recv(1, socket.MSG_PEEK) == b""
    except BlockingIOError:
        return False
    finally:
        connection.setblocking(True)


class SinkServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--badges", type=int, default=2000)
    parser.add_argument("--mails", type=int, default=400)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--smtp-delay", type=float, default=0.1)
    parser.add_argument("--redis", default="", help="redis://127.0.0.1:6379/14 for a Redis queue")
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()

    Sink.delay = args.smtp_delay
    sink = SinkServer(("127.0.0.1", 0), Sink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    port = sink.server_address[1]

    instance = Path(tempfile.mkdtemp(prefix="eventhub-jobs-bench-"))
    (instance / "config.py").write_text(
        "MAIL_BACKEND = 'smtp'\n"
        "MAIL_SERVER = '127.0.0.1'\n"
        f"MAIL_PORT = {port}\n"
        "MAIL_USE_TLS = False\n"
        "MAIL_RETRY_SECONDS = 1\n"
        "MAIL_LEASE_SECONDS = 3\n"
        "JOB_HEARTBEAT_SECONDS = 15\n"
        "JOB_MAX_ATTEMPTS = 10\n"
        f"JOBS_URL = {args.redis or ''!r}\n"
    )
    env = dict(os.environ, EVENTHUB_INSTANCE_PATH=str(instance), PYTHONPATH=str(ROOT))
    os.environ.update(EVENTHUB_INSTANCE_PATH=str(instance))

    from eventhub import create_app, jobs
    from eventhub.badges import tasks as badge_tasks
    from eventhub.badges.models import BadgeBatch, BatchState
    from eventhub.badges.printing import BatchFilters
    from eventhub.badges.runs import queue_batch
    from eventhub.events.models import Event
    from eventhub.extensions import db
    from eventhub.outbox import services as outbox
    from eventhub.outbox.models import MailState, OutboxMessage
    from eventhub.outbox.tasks import deliver_outbox
    from eventhub.registration.models import Participant, Status

    app = create_app()
    with app.app_context():
        from flask_migrate import upgrade

        from eventhub.directory.services import seed_countries

        upgrade()
        seed_countries()
        jobs.huey.flush()
        event = Event(
            slug="faults",
            name_en="Faults Week",
            name_zh="故障周",
            city_en="Guiyang",
            starts_on=date(2025, 7, 24),
            ends_on=date(2025, 7, 27),
            registration_opens_at=datetime(2025, 1, 1, tzinfo=UTC),
        )
        db.session.add(event)
        db.session.flush()
        db.session.add_all(
            Participant(
                event_id=event.id,
                given_name=f"Delegate {n}",
                family_name="BENCH",
                country_code="LA",
                status=Status.APPROVED,
            )
            for n in range(args.badges)
        )
        db.session.flush()
        batch = queue_batch(event, BatchFilters(), "a4", actor=None)
        badge_tasks.start(batch)
        for n in range(args.mails):
            outbox.queue(
                f"guest{n}@example.la", f"Message {n}", "Shuttle at 08:00", event_id=event.id
            )
        jobs.commit()
        batch_id = batch.id

    def worker() -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "eventhub", "jobs", "--workers", "2"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def state():
        # The bench's own reads wait their turn for SQLite's one writer (a busy machine).
        for _ in range(20):
            try:
                return _state()
            except sa.exc.OperationalError:
                time.sleep(0.5)
        return _state()

    def _state():
        with app.app_context():
            batch = db.session.get(BadgeBatch, batch_id)
            sent = db.session.scalar(
                sa.select(sa.func.count()).where(OutboxMessage.state == MailState.SENT)
            )
            failed = db.session.scalar(
                sa.select(sa.func.count()).where(OutboxMessage.state == MailState.FAILED)
            )
            # What the organiser's open page does on each poll, and what new mail would do.
            jobs.recover_stalled_runs(BadgeBatch, badge_tasks.draw_print_run)
            jobs.later(deliver_outbox)
            found = batch.state, batch.done, batch.attempts, sent, failed
            jobs.commit()
            return found

    started = time.monotonic()
    process = worker()
    kills = []
    # Kill while mail is flowing (3 s after each start at least, once more mail has gone out
    # since the last kill), the first time while a worker is drawing the run too.
    last_start, last_delivered = started, 0
    while len(kills) < args.kills and time.monotonic() - started < args.timeout:
        run_state, done, _attempts, sent, _failed = state()
        delivered = sum(DELIVERED.values())
        if sent == args.mails:
            break  # nothing left to interrupt
        if (
            (run_state == BatchState.RUNNING or kills)
            and delivered >= last_delivered + 15
            and time.monotonic() - last_start > 3
        ):
            process.send_signal(signal.SIGKILL)
            process.wait()
            kills.append((round(time.monotonic() - started, 1), done, delivered))
            last_delivered = delivered
            time.sleep(1)
            process, last_start = worker(), time.monotonic()
        time.sleep(0.2)
    while time.monotonic() - started < args.timeout:
        run_state, done, attempts, sent, failed = state()
        if run_state in (BatchState.DONE, BatchState.FAILED) and sent + failed == args.mails:
            break
        time.sleep(1)
    elapsed = time.monotonic() - started
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()  # never leave a worker behind
        process.wait()

    run_state, done, attempts, sent, failed = state()
    with app.app_context():
        content = db.session.get(BadgeBatch, batch_id).content
        error = db.session.get(BadgeBatch, batch_id).error
    pages = len(PdfReader(io.BytesIO(content)).pages) if content else 0
    twice = sum(1 for count in DELIVERED.values() if count > 1)
    print(f"queue: {args.redis or 'SQLite (embedded)'}; SMTP sink delay {args.smtp_delay} s")
    print(f"kills (s, badges drawn, mails delivered): {kills}")
    print(
        f"print run: {run_state.value}, {done}/{args.badges} drawn, {attempts} tries, "
        f"{pages} A4 pages {error}"
    )
    print(
        f"mail: {sent} sent, {failed} failed, {len(DELIVERED)} distinct delivered, "
        f"{twice} delivered twice, {args.mails - len(DELIVERED)} lost; {elapsed:.1f} s in all"
    )
    ok = (
        run_state == BatchState.DONE
        and pages == -(-args.badges // 9)
        and len(DELIVERED) == args.mails
        and twice == 0
    )
    print("RESULT:", "every check held" if ok else "FAILED")
    sink.shutdown()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
