"""Scans through an app on a real connection pool (not the tests' shared transaction), where
the scan API commits statement by statement: run on PostgreSQL (test_concurrency) and on
SQLite (test_scans)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from eventhub.extensions import db


def scans_commit_each_statement_and_keep_their_rules(real) -> None:
    """A first scan admits, a resend answers the same, a repeat says when and by which
    device, an offline double admission is flagged; one admission in the end, and the
    pooled connection goes back transactional for the next request."""
    from eventhub.auth import services as auth_services
    from eventhub.auth.models import Role
    from eventhub.badges.issuing import badges_for, code_of
    from eventhub.checkin.models import Admission, Checkpoint, Scan
    from eventhub.events.models import Event
    from eventhub.registration.models import Participant, Status

    with real.app_context():
        event = Event(
            slug=f"pool-{uuid.uuid4().hex[:8]}",
            name_en="Pool",
            name_zh="连接池",
            city_en="Guiyang",
            starts_on=date(2025, 7, 24),
            ends_on=date(2025, 7, 27),
        )
        db.session.add(event)
        db.session.flush()
        db.session.add(Checkpoint(event_id=event.id, slug="main-entrance", name_en="Main"))
        person = Participant(
            event_id=event.id, given_name="Somphone", country_code="LA", status=Status.APPROVED
        )
        db.session.add(person)
        db.session.flush()
        code = code_of(badges_for([person])[person.id])
        token = auth_services.issue_api_token(event, Role.STAFF, label="Gate A")[1]
        db.session.commit()
        event_id, person_id = event.id, person.id
    client = real.test_client()
    headers = {"Authorization": f"Bearer {token}"}

    def scan(client_scan_id, **extra):
        body = {"code": code, "checkpoint": "main-entrance", "client_scan_id": client_scan_id}
        return client.post("/api/v1/scans", json=body | extra, headers=headers).get_json()

    try:
        assert scan("first")["result"] == "admitted"
        assert scan("first")["result"] == "admitted"  # a resend: the first answer
        again = scan("second")
        assert again["result"] == "already_admitted" and "(Gate A)" in again["reason"]
        offline = client.post(
            "/api/v1/scans/batch",
            json={
                "scans": [
                    {
                        "code": code,
                        "checkpoint": "main-entrance",
                        "client_scan_id": "offline-1",
                        "offline_result": "admitted",
                    }
                ]
            },
            headers=headers,
        ).get_json()["answers"]
        assert [(a["result"], a["duplicate"]) for a in offline] == [("admitted", True)]
        with real.app_context():
            rows = db.session.execute(
                sa.select(Scan.client_scan_id, Scan.result, Scan.duplicate)
                .where(Scan.event_id == event_id)
                .order_by(Scan.id)
            ).all()
            admissions = db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Admission)
                .where(Admission.participant_id == person_id)
            )
            # The connection went back to the pool transactional: this change can be undone.
            db.session.execute(sa.update(Event).where(Event.id == event_id).values(name_en="X"))
            db.session.rollback()
            assert db.session.get(Event, event_id).name_en == "Pool"
        assert [(r.client_scan_id, r.result.value, r.duplicate) for r in rows] == [
            ("first", "admitted", False),
            ("second", "already_admitted", False),
            ("offline-1", "admitted", True),
        ]
        assert admissions == 1
        # A device offline earlier that morning syncs late: its scan becomes the arrival,
        # in a transaction of its own even here.
        earlier = {
            "code": code,
            "checkpoint": "main-entrance",
            "client_scan_id": "offline-early",
            "offline_result": "admitted",
            "scanned_at": (datetime.now(UTC) - timedelta(minutes=10)).isoformat(),
        }
        (early,) = client.post(
            "/api/v1/scans/batch", json={"scans": [earlier]}, headers=headers
        ).get_json()["answers"]
        assert (early["result"], early["duplicate"]) == ("admitted", False)
        with real.app_context():
            held = db.session.scalar(
                sa.select(Scan.client_scan_id)
                .join(Admission, Admission.scan_id == Scan.id)
                .where(Admission.participant_id == person_id)
            )
            first = db.session.execute(
                sa.select(Scan.result, Scan.duplicate).where(Scan.client_scan_id == "first")
            ).one()
        assert held == "offline-early"
        assert (first.result.value, first.duplicate) == ("admitted", True)
    finally:
        with real.app_context():
            db.session.execute(sa.delete(Scan).where(Scan.event_id == event_id))
            db.session.execute(sa.delete(Participant).where(Participant.event_id == event_id))
            db.session.execute(sa.delete(Event).where(Event.id == event_id))
            db.session.commit()
