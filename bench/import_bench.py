"""Import speed: 5,000 delegation-list rows, preview (every row checked) then all-or-nothing
import, against a bare bulk INSERT of the same rows as the baseline measured in the same run.

    .venv/bin/python bench/import_bench.py                # SQLite file in a temp folder
    EVENTHUB_DATABASE_URL=postgresql://postgres@127.0.0.1/bench \
        .venv/bin/python bench/import_bench.py

Goal (issue 3): 5,000 rows imported in under 10 s on this 2-core machine.
"""

from __future__ import annotations

import csv
import io
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eventhub import create_app  # noqa: E402
from eventhub.auth import services as auth_services  # noqa: E402
from eventhub.demo.names import GENERATORS  # noqa: E402
from eventhub.directory.services import seed_countries  # noqa: E402
from eventhub.events.models import Event  # noqa: E402
from eventhub.extensions import db  # noqa: E402
from eventhub.privacy.kinds import Purpose  # noqa: E402
from eventhub.registration import importer, importing  # noqa: E402
from eventhub.registration.models import ImportBatch, Participant  # noqa: E402

ROWS, RUNS = 5000, int(os.environ.get("BENCH_RUNS", "3"))
COUNTRIES = ["TH", "LA", "KH", "MM", "VN", "MY", "SG", "ID", "PH", "BN"]


def delegation_list(rows: int) -> bytes:
    rng = random.Random(7)  # noqa: S311
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Embassy list for CAECW 2025"])
    writer.writerow(
        [
            "Surname",
            "Given name",
            "Name in own script",
            "Title",
            "Position",
            "Institution",
            "Country",
            "E-mail",
            "Mobile",
            "Date of arrival",
            "Flight No.",
            "Time of arrival",
            "Dietary requirements",
        ]
    )
    for n in range(rows):
        country = COUNTRIES[n % len(COUNTRIES)]
        family, given, native, honorific = GENERATORS[country](rng)
        writer.writerow(
            [
                family,
                given,
                native,
                honorific,
                "Lecturer",
                f"University {n % 40} of {country}",
                country,
                f"p{n}@example.org",
                "+66 2 555 0112",
                rng.choice(["23/07/2025", "2025-07-23", "July 23, 2025"]),
                "FD 578",
                "11:50",
                rng.choice(["halal", "", "vegetarian"]),
            ]
        )
    return out.getvalue().encode()


def main() -> None:
    url = os.environ.get("EVENTHUB_DATABASE_URL")
    folder = tempfile.mkdtemp()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{folder}/bench.sqlite3",
            "INSTANCE_PATH": folder,
            "SECRET_KEY": "bench",
        }
    )
    content = delegation_list(ROWS)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        seed_countries()
        actor = auth_services.get_user_by_email("bench@example.org") or auth_services.create_user(
            "bench@example.org", "bench password 1"
        )
        db.session.commit()
        imports, baselines = [], []
        for run in range(RUNS):
            event = Event(
                slug=f"bench-{run}-{int(time.time())}",
                name_en="Bench",
                name_zh="基准",
                city_en="Guiyang",
                starts_on=date(2025, 7, 24),
                ends_on=date(2025, 7, 27),
            )
            db.session.add(event)
            db.session.commit()
            batch = ImportBatch(event_id=event.id, filename="bench.csv", content=content)
            db.session.add(batch)
            db.session.commit()
            started = time.perf_counter()
            preview = importer.preview(event, batch.content)
            assert preview.ok, preview.errors[:5]
            count = importing.import_participants(
                event, batch, preview, actor=actor, attested={Purpose.REGISTRATION: True}
            )
            db.session.commit()
            imports.append(time.perf_counter() - started)
            assert count == ROWS

            rows = [
                {
                    "event_id": event.id,
                    "given_name": v["given_name"],
                    "family_name": v.get("family_name", ""),
                    "country_code": v["country_code"],
                    "email": v["email"] + ".baseline",
                }
                for _n, v, _existing in preview.rows
            ]
            started = time.perf_counter()
            db.session.execute(sa.insert(Participant), rows)
            db.session.commit()
            baselines.append(time.perf_counter() - started)
    median_import, median_base = statistics.median(imports), statistics.median(baselines)
    print(f"database: {'PostgreSQL' if url else 'SQLite'}; rows: {ROWS}; runs: {RUNS}")
    print(
        f"import (read + check every row + insert), median: {median_import:.2f} s "
        f"({ROWS / median_import:,.0f} rows/s)"
    )
    print(f"baseline bare bulk INSERT of the same rows, median: {median_base:.2f} s")
    print(
        f"ratio import / baseline: {median_import / median_base:.1f}x; "
        f"goal < 10 s: {'met' if median_import < 10 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
