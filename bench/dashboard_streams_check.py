"""Are the gate's scans answered while dashboards are open? (issue 18, by hand)

    EVENTHUB_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/eh_scan_bench \\
        .venv/bin/python bench/dashboard_streams_check.py [CODE_ROOT]

Uses the demo week built by bench/scan_bench.py. For each server set-up in turn (gunicorn
2 sync workers; gunicorn -k gthread 2 workers x 4 threads), serving the code in CODE_ROOT
(default: this checkout; give another checkout to compare): signs the demo organiser in,
opens 4 dashboard streams (held open), then sends 20 scans through the API, one at a time,
each with a 5 s limit, and reports the streams' answers and the scans' times.
"""

from __future__ import annotations

import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
CODE = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT
sys.path.insert(0, str(ROOT))
PORT = 5183
BASE = f"http://127.0.0.1:{PORT}"
SETUPS = {
    "sync, 2 workers": ["-w", "2"],
    "gthread, 2 workers x 4 threads": ["-w", "2", "-k", "gthread", "--threads", "4"],
}


def token_and_codes(env: dict) -> tuple[str, list[str]]:
    import sqlalchemy as sa

    from eventhub import create_app
    from eventhub.auth import services as auth_services
    from eventhub.auth.models import Role
    from eventhub.badges.issuing import badges_for, code_of
    from eventhub.badges.printing import BatchFilters, batch_query
    from eventhub.events.models import Event
    from eventhub.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": env["EVENTHUB_DATABASE_URL"]})
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))
        _token, plaintext = auth_services.issue_api_token(event, Role.STAFF, label="streams")
        people = list(db.session.scalars(batch_query(event, BatchFilters())))[:200]
        codes = [code_of(b) for b in badges_for(people).values()]
        db.session.commit()
    return plaintext, codes


def main() -> None:
    env = dict(os.environ)
    env["EVENTHUB_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="eventhub-streams-")
    env.setdefault("EVENTHUB_SECRET_KEY", "streams-check")
    env["PYTHONPATH"] = str(CODE)
    os.environ.update(env)
    token, codes = token_and_codes(env)
    for name, args in SETUPS.items():
        server = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                *args,
                "-b",
                f"127.0.0.1:{PORT}",
                "--chdir",
                str(CODE),
                "--timeout",
                "600",
                "wsgi:app",
            ],  # fmt: skip
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        streams: list[str] = []
        try:
            for _ in range(100):
                try:
                    requests.get(f"{BASE}/auth/login", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            if server.poll() is not None:
                sys.exit(f"gunicorn did not start (port {PORT} taken?)")
            web = requests.Session()
            form = web.get(f"{BASE}/auth/login", timeout=10).text
            csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)[1]
            web.post(
                f"{BASE}/auth/login",
                data={
                    "csrf_token": csrf,
                    "email": "organiser@caecw.example",
                    "password": "demo-organiser-2025",
                },  # fmt: skip
                timeout=30,
            )

            def hold(web=web, streams=streams) -> None:
                try:
                    r = web.get(f"{BASE}/events/caecw-2025/checkin/arrivals/stream",
                                stream=True, timeout=(2, 30))  # fmt: skip
                    streams.append(str(r.status_code))
                    for _line in r.iter_lines():
                        pass
                except requests.RequestException as error:
                    streams.append(type(error).__name__)

            for _ in range(4):
                threading.Thread(target=hold, daemon=True).start()
                time.sleep(0.3)
            time.sleep(2)
            times, answers = [], {}
            for code in codes[:20]:
                start = time.monotonic()
                try:
                    r = requests.post(
                        f"{BASE}/api/v1/scans",
                        headers={"Authorization": f"Bearer {token}"},
                        json={
                            "code": code,
                            "checkpoint": "main-entrance",
                            "client_scan_id": uuid.uuid4().hex,
                        },  # fmt: skip
                        timeout=5,
                    )
                    answers[r.status_code] = answers.get(r.status_code, 0) + 1
                except requests.RequestException:
                    answers["no answer in 5 s"] = answers.get("no answer in 5 s", 0) + 1
                times.append((time.monotonic() - start) * 1000)
            print(
                f"{name} ({CODE.name}): 4 dashboard streams answered {sorted(streams)};"
                f" 20 scans {answers}, median {statistics.median(times):.0f} ms,"
                f" max {max(times):.0f} ms",
                flush=True,
            )
        finally:
            server.terminate()
            try:
                server.wait(timeout=5)
            except subprocess.TimeoutExpired:  # streams still open: quick shutdown (SIGQUIT
                server.send_signal(signal.SIGQUIT)  # stops the workers too; SIGKILL would not)
                server.wait(timeout=30)


if __name__ == "__main__":
    main()
