"""Render time of the timetable pages on the demo week (116 activities, 22 rooms), against
a bare Flask endpoint in the same app as the baseline. In-process test client, median of
30 requests each.

    .venv/bin/python bench/pages_bench.py

Goal (issue 4): the grid and programme pages well under 200 ms on this machine.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eventhub import create_app  # noqa: E402
from eventhub.demo.builder import build_demo  # noqa: E402
from eventhub.extensions import db  # noqa: E402

REQUESTS = 30


def main() -> None:
    folder = tempfile.mkdtemp()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
            "INSTANCE_PATH": folder,
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        }
    )

    @app.get("/__bare")
    def bare():
        return {"ok": True}

    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        build_demo()
        db.session.commit()
    client = app.test_client()
    client.post(
        "/auth/login", data={"email": "organiser@caecw.example", "password": "demo-organiser-2025"}
    )
    pages = {
        "bare endpoint (baseline)": "/__bare",
        "programme (public, 4 days)": "/events/caecw-2025/programme",
        "grid (one day x 22 rooms)": "/events/caecw-2025/schedule/grid?day=2025-07-25",
        "timetable list (organisers)": "/events/caecw-2025/schedule/",
    }
    results = {}
    for label, url in pages.items():
        assert client.get(url).status_code == 200, url
        times = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - started)
        results[label] = statistics.median(times) * 1000
    base = results["bare endpoint (baseline)"]
    for label, value in results.items():
        print(f"{label:<32} median {value:7.1f} ms   ratio {value / base:6.1f}x")


if __name__ == "__main__":
    main()
