"""Two people registering for the last place at the same instant, each through its own
database connection, committed for real: exactly one gets it, the other waits. Runs on the
test database, SQLite by default or PostgreSQL (EVENTHUB_TEST_DATABASE_URL)."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from eventhub import create_app
from eventhub.extensions import db

pytestmark = pytest.mark.own_database


def _separate_app(app, instance: str):
    """An app on the same database whose commits are real (no test transaction)."""
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "INSTANCE_PATH": instance,
            "SECRET_KEY": "race",
            "MAIL_BACKEND": "memory",
            "JOBS_URL": "immediate",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "SERVER_NAME": "eventhub.test",
            "PUBLIC_URL": "http://eventhub.test",
        }
    )


def test_two_registrations_for_the_last_place_one_gets_it(app, tmp_path):  # app: the schema
    from eventhub.directory.models import Organisation
    from eventhub.events.models import Event
    from eventhub.outbox.models import OutboxMessage
    from eventhub.registration.models import (
        LimitKind,
        Participant,
        RegistrationLimit,
        Status,
        WaitingPlace,
    )

    racing = _separate_app(app, str(tmp_path))
    slug = f"last-place-{uuid.uuid4().hex[:8]}"
    organisation = f"Racing University {slug}"  # committed for real: removed at the end
    with racing.app_context():
        event = Event(
            slug=slug,
            name_en="Last place",
            name_zh="最后一个名额",
            city_en="Guiyang",
            starts_on=date(2025, 7, 24),
            ends_on=date(2025, 7, 27),
            registration_opens_at=datetime(2025, 1, 1, tzinfo=UTC),
        )
        db.session.add(event)
        db.session.flush()
        db.session.add_all(
            [
                RegistrationLimit(event_id=event.id, kind=LimitKind.EVENT, value="", places=2),
                Participant(
                    event_id=event.id,
                    given_name="Holder",
                    country_code="LA",
                    status=Status.APPROVED,
                ),
            ]
        )
        db.session.commit()
        event_id = event.id

    start = threading.Barrier(2)
    codes: dict[str, int] = {}

    def register(name: str) -> None:
        client = racing.test_client()
        start.wait()
        codes[name] = client.post(
            f"/events/{slug}/register",
            data={
                "given_name": name,
                "organisation": organisation,
                "country": "LA",
                "category": "delegate",
                "email": f"{name.lower()}@example.la",
                "consent_registration": "y",
            },
        ).status_code

    threads = [threading.Thread(target=register, args=(n,)) for n in ("Bounmy", "Khamla")]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert codes == {"Bounmy": 302, "Khamla": 302}
        with racing.app_context():
            statuses = sorted(
                db.session.scalars(
                    sa.select(Participant.status).where(
                        Participant.event_id == event_id, Participant.given_name != "Holder"
                    )
                )
            )
            waiting = db.session.scalar(
                sa.select(sa.func.count()).where(WaitingPlace.event_id == event_id)
            )
        assert statuses == sorted([Status.PENDING, Status.WAITLISTED])
        assert waiting == 1
    finally:
        with racing.app_context():
            db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.event_id == event_id))
            db.session.execute(sa.delete(WaitingPlace).where(WaitingPlace.event_id == event_id))
            db.session.execute(
                sa.delete(RegistrationLimit).where(RegistrationLimit.event_id == event_id)
            )
            db.session.execute(sa.delete(Participant).where(Participant.event_id == event_id))
            db.session.execute(sa.delete(Event).where(Event.id == event_id))
            db.session.execute(sa.delete(Organisation).where(Organisation.name_en == organisation))
            db.session.commit()
