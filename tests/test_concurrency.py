"""Many registrations at the same instant, from separate processes with their own database
connections, on PostgreSQL: nothing lost, nothing twice, no 5xx."""

from __future__ import annotations

import multiprocessing
import os
import uuid
from datetime import UTC, date, datetime, timedelta

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
            "PUBLIC_URL": "http://eventhub.test",
        }
    )


def _race_event(slug: str, name_en: str, name_zh: str, **values):
    """A throw-away event for one race, committed for real (the workers must see it)."""
    from eventhub.events.models import Event

    event = Event(
        slug=slug,
        name_en=name_en,
        name_zh=name_zh,
        city_en="Guiyang",
        starts_on=date(2025, 7, 24),
        ends_on=date(2025, 7, 27),
        **values,
    )
    db.session.add(event)
    return event


def _approved(event, count: int) -> list:
    """`count` approved participants of a race's event, added to the session."""
    from eventhub.registration.models import Participant, Status

    people = [
        Participant(
            event_id=event.id, given_name=f"Person {n}", country_code="LA", status=Status.APPROVED
        )
        for n in range(count)
    ]
    db.session.add_all(people)
    return people


def _drop_race_event(app, event_id: int) -> None:
    """Remove a race's event and what it made (committed for real, so not rolled back)."""
    from eventhub.checkin.models import Scan
    from eventhub.events.models import Event
    from eventhub.outbox.models import OutboxMessage
    from eventhub.registration.models import Participant

    with app.app_context():
        # The confirmations its registrations queued (no job worker sends them here).
        db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.event_id == event_id))
        db.session.execute(sa.delete(Scan).where(Scan.event_id == event_id))
        db.session.execute(sa.delete(Participant).where(Participant.event_id == event_id))
        db.session.execute(sa.delete(Event).where(Event.id == event_id))
        db.session.commit()


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
                    "consent_registration": "y",
                },
            ).status_code
        )
    return codes


@pytest.mark.skipif(not DATABASE_URL.startswith("postgresql"), reason="needs PostgreSQL")
def test_simultaneous_registrations_lose_nothing(app, tmp_path):  # app: the migrated schema
    from eventhub.directory.models import Organisation
    from eventhub.registration.models import Participant

    slug = f"race-{uuid.uuid4().hex[:8]}"
    organisation = f"Concurrent University {slug}"
    app = _app(str(tmp_path))  # a separate app: its commits are real
    with app.app_context():
        event = _race_event(
            slug, "Race week", "并发周", registration_opens_at=datetime(2025, 1, 1, tzinfo=UTC)
        )
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
        _drop_race_event(app, event_id)
        with app.app_context():
            db.session.execute(sa.delete(Organisation).where(Organisation.name_en == organisation))
            db.session.commit()


def _enrol_many(args: tuple[int, list[int], str]) -> int:
    """One worker: its own app and connections, enrolling its share of participants."""
    from eventhub.registration.models import Participant
    from eventhub.scheduling.enrolments import enrol
    from eventhub.scheduling.models import Activity

    activity_id, participant_ids, instance = args
    app = _app(instance)
    done = 0
    with app.app_context():
        for participant_id in participant_ids:
            activity = db.session.get(Activity, activity_id)
            enrol(activity, db.session.get(Participant, participant_id))
            db.session.commit()
            done += 1
    return done


@pytest.mark.skipif(not DATABASE_URL.startswith("postgresql"), reason="needs PostgreSQL")
def test_two_hundred_enrolments_for_fifty_seats(app, tmp_path):  # app: the migrated schema
    from eventhub.scheduling.models import (
        Access,
        Activity,
        ActivityState,
        Enrolment,
        EnrolmentStatus,
        Room,
        Venue,
    )

    slug = f"seats-{uuid.uuid4().hex[:8]}"
    app = _app(str(tmp_path))  # a separate app: its commits are real
    with app.app_context():
        event = _race_event(slug, "Seat race", "座位")
        db.session.flush()
        venue = Venue(event_id=event.id, name_en="Hall")
        db.session.add(venue)
        db.session.flush()
        room = Room(venue_id=venue.id, name_en="Room", capacity=50)
        db.session.add(room)
        db.session.flush()
        activity = Activity(
            event_id=event.id,
            title_en="Popular workshop",
            room_id=room.id,
            access=Access.REGISTRATION,
            state=ActivityState.PUBLISHED,
            starts_at=datetime(2025, 7, 25, 1, tzinfo=UTC),
            ends_at=datetime(2025, 7, 25, 2, tzinfo=UTC),
        )
        people = _approved(event, 200)
        db.session.add(activity)
        db.session.commit()
        event_id, activity_id = event.id, activity.id
        ids = [p.id for p in people]
    try:
        shares = [ids[n::PROCESSES] for n in range(PROCESSES)]
        context = multiprocessing.get_context("spawn")
        with context.Pool(PROCESSES) as pool:
            done = pool.map(_enrol_many, [(activity_id, share, str(tmp_path)) for share in shares])
        assert sum(done) == 200
        with app.app_context():
            counts = dict(
                db.session.execute(
                    sa.select(Enrolment.status, sa.func.count())
                    .where(Enrolment.activity_id == activity_id)
                    .group_by(Enrolment.status)
                ).all()
            )
            assert counts == {EnrolmentStatus.ENROLLED: 50, EnrolmentStatus.WAITLISTED: 150}
    finally:
        _drop_race_event(app, event_id)


def _scan_all(args: tuple[str, list[str], str, str]) -> list[str]:
    """One gate: its own app, connections and device token, scanning every code as soon as
    all gates are ready."""
    token, codes, instance, barrier_name = args
    client = _app(instance).test_client()
    _BARRIERS[barrier_name].wait()
    results = []
    for code in codes:
        response = client.post(
            "/api/v1/scans",
            json={"code": code, "checkpoint": "main-entrance", "client_scan_id": uuid.uuid4().hex},
            headers={"Authorization": f"Bearer {token}"},
        )
        results.append(response.get_json()["result"])
    return results


_BARRIERS: dict = {}


def _init_gate(name, barrier):
    _BARRIERS[name] = barrier


@pytest.mark.skipif(not DATABASE_URL.startswith("postgresql"), reason="needs PostgreSQL")
def test_one_badge_at_four_gates_at_once_is_admitted_once(app, tmp_path):
    from eventhub.auth import services as auth_services
    from eventhub.auth.models import Role
    from eventhub.badges.issuing import badges_for, code_of
    from eventhub.checkin.models import Admission, Checkpoint, Scan

    slug = f"gates-{uuid.uuid4().hex[:8]}"
    app = _app(str(tmp_path))  # a separate app: its commits are real
    with app.app_context():
        event = _race_event(slug, "Gate race", "闸机")
        db.session.flush()
        db.session.add(Checkpoint(event_id=event.id, slug="main-entrance", name_en="Main"))
        people = _approved(event, 25)
        db.session.flush()
        codes = [code_of(b) for b in badges_for(people).values()]
        tokens = [
            auth_services.issue_api_token(event, Role.STAFF, label=f"Gate {chr(65 + n)}")[1]
            for n in range(PROCESSES)
        ]
        db.session.commit()
        event_id = event.id
    try:
        context = multiprocessing.get_context("spawn")
        barrier = context.Manager().Barrier(PROCESSES)
        with context.Pool(PROCESSES, initializer=_init_gate, initargs=("gates", barrier)) as pool:
            results = pool.map(
                _scan_all, [(token, codes, str(tmp_path), "gates") for token in tokens]
            )
        by_badge = list(zip(*results, strict=True))
        assert all(
            sorted(r) == ["admitted"] + ["already_admitted"] * (PROCESSES - 1) for r in by_badge
        ), by_badge
        with app.app_context():
            admissions = db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Admission)
                .join(Checkpoint)
                .where(Checkpoint.event_id == event_id)
            )
            scans = db.session.scalar(
                sa.select(sa.func.count()).select_from(Scan).where(Scan.event_id == event_id)
            )
            stored = db.session.execute(
                sa.select(Scan.result, Scan.detail, Scan.duplicate).where(Scan.event_id == event_id)
            ).all()
        assert (admissions, scans) == (25, 25 * PROCESSES)
        # The gates that lost say when and where the winner admitted (none was offline).
        assert all(
            "|Main (Gate " in detail and not duplicate
            for result, detail, duplicate in stored
            if result.value == "already_admitted"
        ), stored
    finally:
        _drop_race_event(app, event_id)


@pytest.mark.skipif(not DATABASE_URL.startswith("postgresql"), reason="needs PostgreSQL")
def test_a_connection_lost_to_a_database_restart_is_a_503_then_reconnects(app, tmp_path):
    """The pool is not pinged before each use (a round trip on every scan): a connection the
    database dropped fails one request with a 503 to retry, and the next one works."""
    from eventhub.auth import services as auth_services
    from eventhub.auth.models import Role
    from eventhub.checkin.models import Checkpoint

    gate = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": DATABASE_URL,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 1, "max_overflow": 0},
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "concurrency",
            "RATELIMIT_ENABLED": False,
        }
    )
    with gate.app_context():
        event = _race_event(f"restart-{uuid.uuid4().hex[:8]}", "Restart", "重启")
        db.session.flush()
        db.session.add(Checkpoint(event_id=event.id, slug="main-entrance", name_en="Main"))
        token = auth_services.issue_api_token(event, Role.STAFF, label="Gate A")[1]
        db.session.commit()
        event_id = event.id
        backend = db.session.execute(sa.text("SELECT pg_backend_pid()")).scalar()
        db.session.commit()
    client = gate.test_client()
    scan = {"code": "NOT-A-BADGE", "checkpoint": "main-entrance", "client_scan_id": "r1"}
    headers = {"Authorization": f"Bearer {token}"}
    try:
        with app.app_context():  # another connection, as a restart would
            db.session.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
            db.session.commit()
        lost = client.post("/api/v1/scans", json=scan, headers=headers)
        assert lost.status_code == 503 and lost.headers["Retry-After"] == "5"
        assert "Try again in a few seconds" in lost.get_json()["message"]
        again = client.post("/api/v1/scans", json=scan, headers=headers)
        assert again.status_code == 200 and again.get_json()["result"] == "invalid"
    finally:
        _drop_race_event(gate, event_id)


@pytest.mark.skipif(not DATABASE_URL.startswith("postgresql"), reason="needs PostgreSQL")
def test_scans_on_a_real_pool_commit_each_statement_and_keep_their_rules(app, tmp_path):
    from tests.checkin.pooled import scans_commit_each_statement_and_keep_their_rules

    scans_commit_each_statement_and_keep_their_rules(_app(str(tmp_path)))


def _upload_all(args: tuple[str, list[str], int, str, str]) -> None:
    """One device back online: its whole queue of offline admissions in one upload, as soon
    as every device is ready."""
    token, codes, minutes_ago, instance, barrier_name = args
    client = _app(instance).test_client()
    made = (datetime.now(UTC) - timedelta(minutes=minutes_ago)).isoformat()
    scans = [
        {
            "code": code,
            "checkpoint": "main-entrance",
            "client_scan_id": f"{minutes_ago}-{n}",
            "scanned_at": made,
            "offline_result": "admitted",
        }
        for n, code in enumerate(codes)
    ]
    _BARRIERS[barrier_name].wait()
    response = client.post(
        "/api/v1/scans/batch", json={"scans": scans}, headers={"Authorization": f"Bearer {token}"}
    )
    assert all(a["status"] == 200 for a in response.get_json()["answers"])


@pytest.mark.skipif(not DATABASE_URL.startswith("postgresql"), reason="needs PostgreSQL")
def test_devices_uploading_offline_admissions_at_once_keep_the_earliest_arrival(app, tmp_path):
    """Four devices, offline 10 to 13 minutes ago, upload the same people's admissions at the
    same moment: whatever order they land in, the earliest scan is each person's arrival and
    the others are flagged duplicates."""
    from eventhub.auth import services as auth_services
    from eventhub.auth.models import Role
    from eventhub.badges.issuing import badges_for, code_of
    from eventhub.checkin.models import Admission, Checkpoint, Scan

    app = _app(str(tmp_path))
    with app.app_context():
        event = _race_event(f"offline-{uuid.uuid4().hex[:8]}", "Offline race", "离线")
        db.session.flush()
        db.session.add(Checkpoint(event_id=event.id, slug="main-entrance", name_en="Main"))
        people = _approved(event, 30)
        db.session.flush()
        codes = [code_of(b) for b in badges_for(people).values()]
        tokens = [
            auth_services.issue_api_token(event, Role.STAFF, label=f"Gate {n}")[1]
            for n in range(PROCESSES)
        ]
        db.session.commit()
        event_id = event.id
    try:
        context = multiprocessing.get_context("spawn")
        barrier = context.Manager().Barrier(PROCESSES)
        with context.Pool(PROCESSES, initializer=_init_gate, initargs=("uploads", barrier)) as pool:
            pool.map(
                _upload_all,
                [
                    (token, codes, 10 + n, str(tmp_path), "uploads")
                    for n, token in enumerate(tokens)
                ],
            )
        with app.app_context():
            held = db.session.execute(
                sa.select(Admission.participant_id, Scan.client_scan_id, Scan.duplicate)
                .join(Scan, Admission.scan_id == Scan.id)
                .join(Checkpoint, Admission.checkpoint_id == Checkpoint.id)
                .where(Checkpoint.event_id == event_id)
            ).all()
            flagged = db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Scan)
                .where(Scan.event_id == event_id, Scan.duplicate.is_(True))
            )
        assert len(held) == 30
        # The 13-minute-old scans (device 3) are every arrival.
        wrong = [row for row in held if not row.client_scan_id.startswith("13-")]
        assert not wrong, wrong
        assert not any(row.duplicate for row in held)
        assert flagged == 30 * (PROCESSES - 1)
    finally:
        _drop_race_event(app, event_id)


@pytest.mark.skipif(not DATABASE_URL.startswith("postgresql"), reason="needs PostgreSQL")
def test_a_full_door_admits_no_one_over_its_capacity_from_many_devices_at_once(app, tmp_path):
    """Eight devices admit 24 people at a door for 5 at the same instant: the count and the
    insert are one step per door, so exactly 5 are admitted (two admitted for one place
    before)."""
    import threading

    from eventhub.auth import services as auth_services
    from eventhub.auth.models import Role
    from eventhub.badges.issuing import badges_for, code_of
    from eventhub.checkin.models import Checkpoint

    threads, capacity = 8, 5
    app = _app(str(tmp_path))
    with app.app_context():
        event = _race_event(f"door-{uuid.uuid4().hex[:8]}", "Door race", "门")
        db.session.flush()
        db.session.add(
            Checkpoint(
                event_id=event.id,
                slug="forum",
                name_en="Forum 7",
                reentry=True,
                direction="both",
                capacity=capacity,
            )
        )
        people = _approved(event, threads * 3)
        db.session.flush()
        codes = [code_of(b) for b in badges_for(people).values()]
        token = auth_services.issue_api_token(event, Role.STAFF, label="Door")[1]
        db.session.commit()
        event_id = event.id
    barrier, results = threading.Barrier(threads), []

    def device(mine: list[str]) -> None:
        client = app.test_client()
        barrier.wait()
        for code in mine:
            response = client.post(
                "/api/v1/scans",
                json={"code": code, "checkpoint": "forum", "client_scan_id": uuid.uuid4().hex},
                headers={"Authorization": f"Bearer {token}"},
            )
            results.append(response.get_json()["result"])

    try:
        workers = [
            threading.Thread(target=device, args=(codes[n::threads],)) for n in range(threads)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert sorted(results).count("admitted") == capacity, results
        assert len(results) == threads * 3
    finally:
        _drop_race_event(app, event_id)
