"""Personal data kept only as long as the event's rules say: the report of what is past its
date, the days per kind, the nightly job and "Erase now", each run recorded once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from eventhub import clock
from eventhub.audit.models import AuditEntry
from eventhub.checkin.models import Admission, AttentionAlert, Scan, ScanResult
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.outbox.models import MailState, OutboxMessage
from eventhub.privacy import retention, tasks
from eventhub.privacy.kinds import Kind
from eventhub.privacy.models import ErasureRun, ErasureTrigger, RetentionRule
from eventhub.registration.models import ImportBatch, Participant, ParticipantPhoto
from eventhub.visas.models import VisaCase, VisaStep

PASSPORT = {
    "passport_name": "KEOMANY SOMPHONE",
    "nationality_code": "LA",
    "passport_number_encrypted": "ciphertext-of-P1234567",
    "passport_digest": "d" * 64,
    "passport_expiry": date(2030, 1, 1),
    "visa_letter_requested": True,
}


def _person(make, event, **values):
    return make.participant(
        event,
        **PASSPORT,
        dietary_notes="No peanuts",
        arrival_flight="QV 915",
        hotel="Sheraton Guiyang",
        **values,
    )


def _scan(app, event, gate, participant):
    with app.app_context():
        scan = Scan(
            event_id=event.id,
            checkpoint_id=gate.id,
            client_scan_id=f"c-{participant.id}",
            code="BADGE-CODE-1",
            participant_id=participant.id,
            result=ScanResult.ADMITTED,
            detail="09:12, Gate B",
            scanned_at=datetime(2025, 7, 25, 1, 0, tzinfo=UTC),
        )
        db.session.add(scan)
        db.session.flush()
        db.session.add(
            Admission(
                checkpoint_id=gate.id,
                participant_id=participant.id,
                day=event.starts_on,
                scan_id=scan.id,
            )
        )
        db.session.add(
            AttentionAlert(
                event_id=event.id,
                participant_id=participant.id,
                checkpoint_id=gate.id,
                scan_id=scan.id,
                scanned_at=scan.scanned_at,
            )
        )
        db.session.commit()
        return scan


def _photo(app, participant):
    with app.app_context():
        db.session.add(
            ParticipantPhoto(
                participant_id=participant.id, content=b"JPEG-bytes", width=3, height=4
            )
        )
        db.session.commit()


def _report(app, event) -> dict[Kind, int]:
    with app.app_context():
        return {row.kind: row.due for row in retention.report(db.session.merge(event))}


@pytest.fixture
def week(app, make, event):
    """The event (ended on 27 July 2025, long ago), with one of everything."""
    person = _person(make, event)
    _photo(app, person)
    gate = make.checkpoint(event)
    _scan(app, event, gate, person)
    with app.app_context():
        db.session.add(
            VisaCase(
                event_id=event.id,
                participant_id=person.id,
                state=VisaStep.SENT,
                sent_on=date(2025, 6, 1),
                note="Passport P1234567 sent by courier",
            )
        )
        db.session.add(
            ImportBatch(
                event_id=event.id,
                filename="laos.xlsx",
                content=b"names and passports",
                created_at=clock.now() - timedelta(days=3),
            )
        )
        db.session.commit()
    return event, person


def test_the_report_counts_what_is_past_its_date_with_the_default_rules(app, week):
    event, _person = week
    due = _report(app, event)
    assert due[Kind.PASSPORT] == 2  # the person's passport data, the visa desk's note
    assert due[Kind.HEALTH] == due[Kind.TRAVEL] == due[Kind.PHOTOS] == 1
    assert due[Kind.SCANS] == 1 and due[Kind.IMPORTS] == 1
    assert due[Kind.IDENTITY] == 0  # two years after the event: not yet


def test_nothing_is_due_before_its_date_and_the_clock_moves_it(app, make):
    today = datetime.now(UTC).date()
    event = make.event(starts_on=today - timedelta(days=8), ends_on=today - timedelta(days=5))
    _person(make, event)
    assert sum(_report(app, event).values()) == 0
    app.config["CLOCK_SHIFT"] = timedelta(days=40)  # 35 days after the end
    try:
        due = _report(app, event)
    finally:
        app.config["CLOCK_SHIFT"] = None
    assert due[Kind.PASSPORT] == due[Kind.HEALTH] == 1
    assert due[Kind.TRAVEL] == 0  # kept 60 days


def test_the_page_shows_the_report_and_erase_now_empties_it(app, client, week, as_role):
    event, person = week
    organiser = as_role("organiser")
    page = client.get(f"/events/{event.slug}/privacy").get_data(as_text=True)
    assert "Passport and visa data" in page
    assert "Erase what is past its date now" in page
    confirm = client.get(f"/events/{event.slug}/privacy/erase").get_data(as_text=True)
    assert "This cannot be undone." in confirm

    response = client.post(f"/events/{event.slug}/privacy/erase", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The erasure has started" in page
    assert "Nothing is past its date." in page
    assert organiser.email in page  # who asked, in the list of erasures

    with app.app_context():
        stored = db.session.get(Participant, person.id)
        assert stored.passport_number_encrypted is None and stored.passport_name == ""
        assert not stored.visa_letter_requested
        assert stored.dietary_notes == "" and stored.arrival_flight == "" and stored.hotel == ""
        assert stored.given_name == "Somphone"  # the person stays until IDENTITY is due
        assert db.session.get(ParticipantPhoto, person.id) is None
        scan = db.session.scalar(sa.select(Scan).where(Scan.event_id == event.id))
        assert (scan.participant_id, scan.code, scan.detail) == (None, "", "")
        assert scan.result == ScanResult.ADMITTED  # the gate's count stays
        assert not db.session.scalar(sa.select(sa.func.count(Admission.id)))
        assert not db.session.scalar(
            sa.select(sa.func.count(AttentionAlert.id)).where(AttentionAlert.event_id == event.id)
        )
        assert (
            db.session.scalar(sa.select(VisaCase.note).where(VisaCase.event_id == event.id)) == ""
        )
        assert not db.session.scalar(
            sa.select(sa.func.count(ImportBatch.id)).where(ImportBatch.event_id == event.id)
        )
        run = db.session.scalar(sa.select(ErasureRun).where(ErasureRun.event_id == event.id))
        assert run.trigger == ErasureTrigger.MANUAL and run.actor_id == organiser.id
        assert run.counts == {
            "passport": 2,
            "health": 1,
            "travel": 1,
            "photos": 1,
            "scans": 1,
            "imports": 1,
        }
        entries = db.session.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.event_id == event.id, AuditEntry.action == "retention.erase"
            )
        ).all()
        assert len(entries) == 1 and entries[0].changes["passport"] == [None, 2]


def test_the_nightly_job_erases_every_event_once_and_records_one_entry_per_run(app, make, week):
    event, person = week
    today = datetime.now(UTC).date()
    running = make.event(starts_on=today, ends_on=today + timedelta(days=3))
    _person(make, running)
    with app.app_context():
        tasks.erase_nightly.call_local()
    assert sum(_report(app, event).values()) == 0
    assert sum(_report(app, running).values()) == 0  # nothing due there, nothing erased
    with app.app_context():
        runs = db.session.scalars(
            sa.select(ErasureRun).where(ErasureRun.event_id.in_([event.id, running.id]))
        ).all()
        assert [(r.event_id, r.trigger) for r in runs] == [(event.id, ErasureTrigger.NIGHTLY)]
        assert (
            db.session.scalar(
                sa.select(sa.func.count(AuditEntry.id)).where(
                    AuditEntry.action == "retention.erase",
                    AuditEntry.event_id.in_([event.id, running.id]),
                )
            )
            == 1
        )
        # A second night finds nothing more: no run, no entry.
        tasks.erase_nightly.call_local()
        assert (
            db.session.scalar(
                sa.select(sa.func.count(ErasureRun.id)).where(ErasureRun.event_id == event.id)
            )
            == 1
        )


def test_moving_the_clock_past_two_years_erases_the_whole_person(app, week):
    event, person = week
    with app.app_context():
        stored = db.session.get(Participant, person.id)
        stored.email = "keomany@example.la"
        db.session.add(
            OutboxMessage(
                event_id=event.id,
                recipient="keomany@example.la",
                subject="Your registration, KEOMANY Souk",
                text="Dear Ms KEOMANY, your badge is ready.",
                message_id="<retention-identity@eventhub.test>",
                state=MailState.SENT,
            )
        )
        db.session.commit()
    app.config["CLOCK_SHIFT"] = timedelta(days=800)
    try:
        assert _report(app, event)[Kind.IDENTITY] == 1
        with app.app_context():
            tasks.erase_nightly.call_local()
        assert sum(_report(app, event).values()) == 0
    finally:
        app.config["CLOCK_SHIFT"] = None
    with app.app_context():
        stored = db.session.get(Participant, person.id)
        assert stored.given_name == f"#{person.id}" and stored.family_name == ""
        assert stored.email == "" and stored.native_name == "" and stored.erased_at is not None
        assert "KEOMANY" not in stored.sort_name.upper()
        # Every part of the person goes, as when one person is erased: the mails sent to them.
        mail = db.session.scalar(
            sa.select(OutboxMessage).where(
                OutboxMessage.message_id == "<retention-identity@eventhub.test>"
            )
        )
        assert "KEOMANY" not in f"{mail.recipient} {mail.subject} {mail.text}".upper()


def test_days_per_kind_are_saved_audited_and_an_unchanged_save_changes_nothing(
    app, client, event, as_role
):
    as_role("organiser")
    url = f"/events/{event.slug}/privacy"
    form = {f"days-{kind.value}": str(days) for kind, days in retention.kinds.DEFAULT_DAYS.items()}
    page = client.post(url, data=form, follow_redirects=True).get_data(as_text=True)
    assert "Nothing was changed." in page
    with app.app_context():
        assert not db.session.scalar(
            sa.select(sa.func.count()).where(RetentionRule.event_id == event.id)
        )
        assert not db.session.scalar(
            sa.select(sa.func.count()).where(
                AuditEntry.event_id == event.id, AuditEntry.action == "retention.rules"
            )
        )

    page = client.post(url, data=form | {"days-photos": "7"}, follow_redirects=True)
    assert "was saved" in page.get_data(as_text=True)
    with app.app_context():
        assert retention.days_for(db.session.merge(event), Kind.PHOTOS) == 7
        entry = db.session.scalar(
            sa.select(AuditEntry).where(
                AuditEntry.event_id == event.id, AuditEntry.action == "retention.rules"
            )
        )
        assert entry.changes == {"photos": [90, 7]}


@pytest.mark.parametrize("typed", ["abc", "-1", "3651", "1.5"])
def test_a_wrong_number_of_days_is_refused_and_what_was_typed_stays(
    app, client, event, as_role, typed
):
    as_role("organiser")
    form = {f"days-{kind.value}": str(days) for kind, days in retention.kinds.DEFAULT_DAYS.items()}
    response = client.post(f"/events/{event.slug}/privacy", data=form | {"days-scans": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter a whole number of days from 0 to 3,650." in page
    assert f'value="{typed}"' in page
    with app.app_context():
        assert retention.days_for(db.session.merge(event), Kind.SCANS) == 180


def test_an_organiser_of_another_event_is_refused(client, make, as_role, week):
    as_role("organiser")  # of the `event` fixture
    other = make.event()
    assert client.get(f"/events/{other.slug}/privacy").status_code == 403
    assert client.post(f"/events/{other.slug}/privacy/erase").status_code == 403
    assert sum(_report(client.application, week[0]).values())  # nothing erased


def test_empty_state(app, client, event, as_role):
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/privacy").get_data(as_text=True)
    assert "Nothing is past its date." in page
    assert "No erasure has run for this event yet." in page
    confirm = client.get(f"/events/{event.slug}/privacy/erase").get_data(as_text=True)
    assert "Nothing is past its date." in confirm


@pytest.mark.parametrize("role", [None, "delegate", "visa_officer", "staff"])
def test_only_organisers_see_the_page_or_erase(client, as_role, role, week):
    event, _person = week
    if role:
        as_role(role)
    for method in ("get", "post"):
        for path in ("/privacy", "/privacy/erase"):
            response = getattr(client, method)(f"/events/{event.slug}{path}")
            assert response.status_code in (302, 403), (method, path)
            if role is None:
                assert "/auth/login" in response.headers["Location"]


def test_the_demo_week_that_ended_long_ago_shows_what_would_go(app, client):
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        past = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))
        due = {row.kind: row.due for row in retention.report(past)}
    for kind in (Kind.PASSPORT, Kind.HEALTH, Kind.TRAVEL, Kind.SCANS):
        assert due[kind] > 0, kind
    client.post(
        "/auth/login", data={"email": "organiser@caecw.example", "password": "demo-organiser-2025"}
    )
    page = client.get("/events/caecw-2025/privacy").get_data(as_text=True)
    assert "Erase what is past its date now" in page


def test_the_worker_runs_the_erasure_every_night_and_stores_no_result(app):
    from datetime import datetime as moment

    from eventhub import jobs

    nightly = next(
        t for t in jobs.huey._registry.periodic_tasks if t.name == tasks.erase_nightly.name
    )
    runs_at = [h for h in range(24) if nightly.validate_datetime(moment(2026, 1, 1, h, 30))]
    assert len(runs_at) == 1  # once a day
    with app.app_context():
        assert tasks.erase_nightly.call_local() is None  # nothing for the queue to keep
