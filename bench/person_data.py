"""One person's data on the demo week (issue 21, item 3): export as JSON, as the readable
PDF, and erasure, each timed for a few demo people with data in many domains (signatories
of agreements, speakers, people with gate scans), through the same calls as the pages
(privacy.persons.export_person, person_pdf.render, erase_person + commit).

    .venv/bin/python bench/person_data.py
    BENCH_PEOPLE=9 .venv/bin/python bench/person_data.py

Goal: each under 5 s on the demo week.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from eventhub import create_app  # noqa: E402
from eventhub.ceremonies.models import AgreementParty  # noqa: E402
from eventhub.checkin.models import Scan  # noqa: E402
from eventhub.demo.builder import build_demo_if_empty  # noqa: E402
from eventhub.events.models import Event  # noqa: E402
from eventhub.extensions import db  # noqa: E402
from eventhub.privacy import person_pdf, persons  # noqa: E402
from eventhub.registration.models import Participant  # noqa: E402
from eventhub.scheduling.models import ActivityPerson  # noqa: E402

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "5"))


def people(event) -> list[int]:
    """Demo people holding the most: signatories, speakers, the most scanned, then others."""
    chosen: list[int] = []
    for query in (
        sa.select(AgreementParty.signatory_id).where(AgreementParty.signatory_id.is_not(None)),
        sa.select(ActivityPerson.participant_id),
        sa.select(Scan.participant_id)
        .where(Scan.event_id == event.id, Scan.participant_id.is_not(None))
        .group_by(Scan.participant_id)
        .order_by(sa.func.count().desc()),
        sa.select(Participant.id).where(Participant.event_id == event.id),
    ):
        for pid in db.session.scalars(query.limit(PEOPLE * 4)):
            person = db.session.get(Participant, pid)
            if person and person.event_id == event.id and pid not in chosen:
                chosen.append(pid)
            if len(chosen) >= PEOPLE:
                return chosen
    return chosen


def timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def main() -> None:
    folder = tempfile.mkdtemp(prefix="eventhub-bench-")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": os.environ.get("EVENTHUB_DATABASE_URL")
            or f"sqlite:///{folder}/bench.sqlite3",
            "SECRET_KEY": "bench",
            "PUBLIC_URL": "http://127.0.0.1:5000",
        }
    )
    with app.app_context(), app.test_request_context():
        upgrade()
        build_demo_if_empty()
        event = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))
        total = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Participant)
            .where(Participant.event_id == event.id)
        )
        ids = people(event)
        times: dict[str, list[float]] = {"export JSON": [], "export PDF": [], "erase": []}
        sizes = []
        for pid in ids:
            seconds, export = timed(
                lambda pid=pid: json.dumps(persons.export_person(event, pid), ensure_ascii=False)
            )
            times["export JSON"].append(seconds)
            data = json.loads(export)
            seconds, pdf = timed(lambda data=data: person_pdf.render(event, data, locale="en"))
            times["export PDF"].append(seconds)
            sizes.append((len(data["sections"]), len(export), len(pdf)))
            db.session.rollback()

            def erase(pid=pid):
                persons.erase_person(event, pid)
                db.session.commit()

            seconds, _none = timed(erase)
            times["erase"].append(seconds)
        print(f"demo week: {total} participants in {event.slug}; {len(ids)} people: {ids}")
        print("sections / JSON bytes / PDF bytes per person:", sizes)
        print(f"{'':12} {'median':>8} {'max':>8}")
        for what, values in times.items():
            print(f"{what:12} {statistics.median(values):8.3f} {max(values):8.3f}  s")


if __name__ == "__main__":
    main()
