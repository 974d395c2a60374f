"""Many registrations at the same instant, from separate processes with their own database
connections, on PostgreSQL: nothing lost, nothing twice, no 5xx."""

from __future__ import annotations

import multiprocessing
import os
import uuid
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from eventhub import create_app
from eventhub.extensions import db

pytestmark = pytest.mark.postgres
DATABASE_URL = os.environ.get("EVENTHUB_TEST_DATABASE_URL", "")
PROCESSES, PER_PROCESS = 4, 30


def _app(instance: str):
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": DATABASE_URL,
            "INSTANCE_PATH": instance,
            "SECRET_KEY": "concurrency",
            "MAIL_BACKEND": "memory",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "SERVER_NAME": "eventhub.test",
        }
    )


def _register_many(args: tuple[str, str, int, str]) -> list[int]:
    """One worker process: its own app and connection pool, registering PER_PROCESS people."""
    slug, organisation, worker, instance = args
    client = _app(instance).test_client()
    codes = []
    for n in range(PER_PROCESS):
        codes.append(
            client.post(
                f"/events/{slug}/register",
                data={
                    # Passport names have no digits: letters tell the people apart.
                    "given_name": f"Worker {chr(65 + worker)} Person {chr(65 + n // 26)}"
                    f"{chr(65 + n % 26)}",
                    "organisation": organisation,
                    "country": "LA",
                    "category": "delegate",
                    "email": f"w{worker}.p{n}@example.la",
                },
            ).status_code
        )
    return codes


@pytest.mark.skipif(not DATABASE_URL.startswith("postgresql"), reason="needs PostgreSQL")
def test_simultaneous_registrations_lose_nothing(app, tmp_path):  # app: the migrated schema
    from eventhub.directory.models import Organisation
    from eventhub.events.models import Event
    from eventhub.registration.models import Participant

    slug = f"race-{uuid.uuid4().hex[:8]}"
    organisation = f"Concurrent University {slug}"
    app = _app(str(tmp_path))  # a separate app: its commits are real
    with app.app_context():
        event = Event(
            slug=slug,
            name_en="Race week",
            name_zh="并发周",
            city_en="Guiyang",
            starts_on=date(2025, 7, 24),
            ends_on=date(2025, 7, 27),
            registration_opens_at=datetime(2025, 1, 1, tzinfo=UTC),
        )
        db.session.add(event)
        db.session.commit()
        event_id = event.id
    try:
        context = multiprocessing.get_context("spawn")
        with context.Pool(PROCESSES) as pool:
            results = pool.map(
                _register_many, [(slug, organisation, w, str(tmp_path)) for w in range(PROCESSES)]
            )
        codes = [code for result in results for code in result]
        assert codes == [302] * (PROCESSES * PER_PROCESS)
        with app.app_context():
            emails = db.session.scalars(
                sa.select(Participant.email).where(Participant.event_id == event_id)
            ).all()
            assert sorted(emails) == sorted(
                f"w{w}.p{n}@example.la" for w in range(PROCESSES) for n in range(PER_PROCESS)
            )
            assert (
                db.session.scalar(
                    sa.select(sa.func.count())
                    .select_from(Organisation)
                    .where(Organisation.name_en == organisation)
                )
                == 1
            )
    finally:
        with app.app_context():
            db.session.execute(sa.delete(Participant).where(Participant.event_id == event_id))
            db.session.execute(sa.delete(Event).where(Event.id == event_id))
            db.session.execute(sa.delete(Organisation).where(Organisation.name_en == organisation))
            db.session.commit()
