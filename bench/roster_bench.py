"""The gate roster on the wire: a generated 4,000-person event, the whole roster gzipped as
a device gets it, then the delta after 100 scans at another gate, and a 304; and what the
common sync costs the server (each device every 30 s): the median time of a 304 and of a
delta request beside a whole roster's, in the same run.

    .venv/bin/python bench/roster_bench.py          # SQLite file in a temp folder

Goal (issue 18): the whole roster under 150 KB, a delta after 100 scans under 5 KB.
"""

from __future__ import annotations

import gzip
import json
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PEOPLE, SCANS = 4000, 100
SYLLABLES = ["som", "phon", "kham", "vong", "sa", "li", "nguyen", "thi", "an", "ba", "wei", "ming"]


def main() -> None:
    from flask_migrate import upgrade

    from eventhub import create_app
    from eventhub.auth import services as auth_services
    from eventhub.auth.models import Role
    from eventhub.badges.issuing import badges_for, code_of
    from eventhub.checkin.models import Checkpoint
    from eventhub.directory.services import seed_countries
    from eventhub.events.models import Event
    from eventhub.extensions import db
    from eventhub.registration.models import Category, Participant, Status

    folder = tempfile.mkdtemp(prefix="roster-bench-")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
            "INSTANCE_PATH": folder,
            "RATELIMIT_ENABLED": False,
        }
    )
    categories = list(Category)
    with app.app_context():
        upgrade()
        seed_countries()
        event = Event(
            slug="bench",
            name_en="Bench week",
            name_zh="基准",
            city_en="Guiyang",
            starts_on=date.today(),
            ends_on=date.today(),
        )
        db.session.add(event)
        db.session.flush()
        db.session.add(Checkpoint(event_id=event.id, slug="main-entrance", name_en="Main"))
        people = []
        for n in range(PEOPLE):
            given = "".join(SYLLABLES[(n * k + k) % len(SYLLABLES)] for k in (1, 3)).title()
            people.append(
                Participant(
                    event_id=event.id,
                    family_name=SYLLABLES[n % len(SYLLABLES)].upper() + str(n),
                    given_name=given,
                    country_code=["LA", "VN", "TH", "KH", "CN"][n % 5],
                    category=categories[n % len(categories)],
                    status=Status.APPROVED if n % 10 else Status.PENDING,
                )
            )
        db.session.add_all(people)
        db.session.flush()
        codes = [code_of(badge) for badge in badges_for(people).values()]
        token = auth_services.issue_api_token(event, Role.STAFF, label="bench gate")[1]
        db.session.commit()
    client = app.test_client()
    auth = {"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip"}
    url = "/api/v1/checkpoints/main-entrance/roster"
    started = time.perf_counter()
    full = client.get(url, headers=auth)
    took = time.perf_counter() - started
    data = json.loads(gzip.decompress(full.get_data()))
    version = data["version"]
    for code in codes[:SCANS]:
        body = {"code": code, "checkpoint": "main-entrance", "client_scan_id": uuid.uuid4().hex}
        client.post("/api/v1/scans", json=body, headers=auth)
    delta = client.get(f"{url}?since={version}", headers={**auth, "If-None-Match": f'"{version}"'})
    delta_body = delta.get_data()
    if delta.headers.get("Content-Encoding") == "gzip":
        delta_data = json.loads(gzip.decompress(delta_body))
    else:
        delta_data = json.loads(delta_body)
    new_version = delta_data["version"]
    same = client.get(
        f"{url}?since={new_version}", headers={**auth, "If-None-Match": f'"{new_version}"'}
    )

    def median_ms(request, runs: int = 15) -> float:
        times = []
        for _run in range(runs):
            began = time.perf_counter()
            request()
            times.append((time.perf_counter() - began) * 1000)
        return statistics.median(times)

    tagged = {**auth, "If-None-Match": f'"{new_version}"'}
    not_modified = median_ms(lambda: client.get(f"{url}?since={new_version}", headers=tagged))
    small_delta = median_ms(lambda: client.get(f"{url}?since={version}", headers=auth))
    whole = median_ms(lambda: client.get(url, headers=auth), runs=5)
    print(f"people: {len(data['people'])}, admissions in delta: {len(delta_data['admissions'])}")
    print(
        f"full roster: {len(full.get_data()) / 1000:.1f} KB gzipped (goal < 150 KB), {took:.2f} s"
    )
    print(f"delta after {SCANS} scans: {len(delta_body) / 1000:.2f} KB (goal < 5 KB)")
    print(f"unchanged: HTTP {same.status_code}, {len(same.get_data())} bytes")
    print(
        f"304 / delta request time (medians): {not_modified:.1f} ms / {small_delta:.1f} ms,"
        f" whole roster {whole:.0f} ms"
    )


if __name__ == "__main__":
    main()
