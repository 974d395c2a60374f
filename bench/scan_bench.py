"""Scan API throughput and latency under gunicorn, against a bare JSON endpoint served by
the same gunicorn in the same run (the ceiling of the stack).

    EVENTHUB_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/eh_scan_bench \\
        .venv/bin/python bench/scan_bench.py        # the database must exist (empty is fine)
    .venv/bin/python bench/scan_bench.py            # SQLite file in a temp folder

Builds the demo week when the database is empty, makes a staff token, writes the demo's badge
codes for wrk (bench/scan.lua: fresh client_scan_id each request, codes picked at random so a
third or more are repeats), then runs wrk from a separate process on 127.0.0.1, RUNS times
for SECONDS each, 2 threads: the bare endpoint and the scan API with 32 connections (saturation: the
latency is then mostly waiting in line, 32 requests for 4 workers), and the scan API with 8
connections (the throughput with little queueing, and its latency). Goal (issue 7): at
least 1,000 scans/s, p99 under 20 ms, at least a quarter of the bare endpoint's throughput.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
PORT = int(os.environ.get("BENCH_PORT", "5077"))


def prepare(env: dict) -> tuple[str, Path]:
    """The demo week, a staff token and the codes file; returns (token, codes path)."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from eventhub import create_app
    from eventhub.auth import services as auth_services
    from eventhub.auth.models import Role
    from eventhub.badges.issuing import badges_for, code_of
    from eventhub.badges.printing import BatchFilters, batch_query
    from eventhub.demo.builder import build_demo_if_empty
    from eventhub.events.models import Event
    from eventhub.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": env["EVENTHUB_DATABASE_URL"]})
    with app.app_context():
        upgrade()
        build_demo_if_empty()
        event = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))
        _token, plaintext = auth_services.issue_api_token(event, Role.STAFF, label="bench gate")
        people = list(db.session.scalars(batch_query(event, BatchFilters())))
        codes = [code_of(b) for b in badges_for(people).values()]
        db.session.commit()
    path = Path(tempfile.mkdtemp(prefix="eventhub-scan-")) / "codes.txt"
    path.write_text("\n".join(codes) + "\n")
    return plaintext, path


def wrk(path: str, env: dict, connections: int = 32) -> dict:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{SECONDS}s",
            "--latency",
            "-s",
            str(ROOT / "bench" / "scan.lua"),
            f"http://127.0.0.1:{PORT}",
        ],
        env={**env, "BENCH_PATH": path, "BENCH_RUN": uuid.uuid4().hex[:12]},
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def latency(label: str) -> float:
        value, unit = re.search(rf"\s{label}\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
        "p50": latency("50%"),
        "p99": latency("99%"),
        "errors": int(errors[1]) if errors else 0,
    }


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: `make bench` installs it (apt-get install wrk).")
    folder = tempfile.mkdtemp(prefix="eventhub-bench-")
    env = dict(os.environ)
    env.setdefault("EVENTHUB_DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
    env["EVENTHUB_INSTANCE_PATH"] = folder
    env.setdefault("EVENTHUB_SECRET_KEY", "scan-bench")
    os.environ.update(env)
    token, codes = prepare(env)
    env.update({"BENCH_TOKEN": token, "BENCH_CODES": str(codes)})
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "-w",
            str(WORKERS),
            "-b",
            f"127.0.0.1:{PORT}",
            "--chdir",
            str(ROOT / "bench"),
            "scan_wsgi:app",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _attempt in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/v1/openapi.json", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        wrk("/api/v1/scans", env)  # warm-up: connections, caches, the first admissions
        results = {"bare": [], "scan": [], "scan8": []}
        for _run in range(RUNS):
            results["bare"].append(wrk("/bench/bare", env))
            results["scan"].append(wrk("/api/v1/scans", env))
            results["scan8"].append(wrk("/api/v1/scans", env, connections=8))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    database = env["EVENTHUB_DATABASE_URL"].split(":", 1)[0]
    print(
        f"{database}, gunicorn {WORKERS} sync workers, wrk -t2 {SECONDS}s, median of {RUNS}"
        " (scan8: 8 connections, the others 32):"
    )
    medians = {}
    for name, runs in results.items():
        medians[name] = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        m = medians[name]
        print(
            f"  {name:<6} {m['rps']:8.0f} req/s  p50 {m['p50']:6.2f} ms  p99 {m['p99']:6.2f} ms"
            f"  non-2xx {m['errors']:.0f}"
        )
    print(f"  scan / bare throughput: {medians['scan']['rps'] / medians['bare']['rps']:.2f}")


if __name__ == "__main__":
    main()
