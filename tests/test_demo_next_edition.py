"""`flask demo` makes a live week beside the 2025 one: its next edition, copied with "Copy
as the next edition", opening a few days after today, where printed badges open the gate."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from eventhub.auth import services as auth_services
from eventhub.auth.models import Role
from eventhub.badges.issuing import code_of
from eventhub.badges.models import Badge
from eventhub.certificates.models import Certificate
from eventhub.checkin import recording, rules
from eventhub.checkin.models import Checkpoint, CheckpointStaff, ScanResult
from eventhub.demo.next_edition import LEAD_DAYS, next_edition_dates
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Delegation, Participant, Status


def test_the_demo_has_a_live_next_edition_whose_badges_open_the_gate(app, client):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    starts, ends = next_edition_dates(date.today())
    assert starts == date.today() + timedelta(days=LEAD_DAYS)
    with app.app_context():
        past = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))
        live = db.session.scalar(
            sa.select(Event).where(Event.starts_on == starts, Event.id != past.id)
        )
        assert live is not None and live.ends_on == ends
        assert str(starts.year) in live.name_en
        # The past edition keeps its certificates; the next one has its own people.
        assert db.session.scalar(
            sa.select(sa.func.count(Certificate.id)).filter_by(event_id=past.id)
        )
        approved = list(
            db.session.scalars(
                sa.select(Participant).filter_by(event_id=live.id, status=Status.APPROVED)
            )
        )
        countries = {p.country_code for p in approved}
        assert len(approved) >= 200 and len(countries - {"CN"}) >= 8
        assert db.session.scalar(
            sa.select(sa.func.count(Participant.id)).where(
                Participant.event_id == live.id, Participant.status == Status.PENDING
            )
        ), "organisers have registrations to approve"
        # Every checkpoint is open on the first day at 09:00 on the event's clock.
        zone = ZoneInfo(live.timezone)
        nine = datetime.combine(starts, time(9, 0), zone).astimezone(UTC)
        checkpoints = list(db.session.scalars(sa.select(Checkpoint).filter_by(event_id=live.id)))
        assert {c.slug for c in checkpoints} >= {"main-entrance", "vip-lounge"}
        for checkpoint in checkpoints:
            assert checkpoint.active and checkpoint.opens_at <= nine < checkpoint.closes_at
            # 07:00-21:00 each day, as the README says: not open all night.
            assert (checkpoint.daily_opens, checkpoint.daily_closes) == (time(7), time(21))
        night = datetime.combine(starts, time(22, 0), zone).astimezone(UTC)
        vip = rules.gate_by_ref(live.id, "vip-lounge")
        late = rules.check_rules(vip, recording.holder_of(approved[0].id), night)
        assert (late.result, late.reason) == (ScanResult.DENIED, "daily_late")
        # A printed demo badge of the Lao delegation is admitted at the main entrance then.
        lao = db.session.scalar(
            sa.select(Delegation).filter_by(event_id=live.id, name_en="Lao PDR national delegation")
        )
        head = db.session.get(Participant, lao.head_id)
        assert head.email == "head.la@caecw.example"
        badge = db.session.scalar(sa.select(Badge).filter_by(participant_id=head.id))
        assert badge.printed_at is not None
        gate = rules.gate_by_ref(live.id, "main-entrance")
        answer = recording.record_scan(
            gate, code_of(badge), "demo-next-edition-1", user_id=None, device="test", now=nine
        )
        assert answer.result == "admitted", answer.text
        # The 2025 badge of the same person is not a badge of the live week.
        old = db.session.scalar(
            sa.select(Participant).filter_by(event_id=past.id, email="head.la@caecw.example")
        )
        old_badge = db.session.scalar(sa.select(Badge).filter_by(participant_id=old.id))
        if old_badge is not None:
            refused = recording.record_scan(
                gate, code_of(old_badge), "demo-next-edition-2", user_id=None, device="t", now=nine
            )
            assert refused.result == "invalid"
        # The demo logins work on both weeks; the gate account scans at the live gates.
        wanted = {
            "organiser@caecw.example": Role.ORGANISER,
            "gate@caecw.example": Role.STAFF,
            "visa@caecw.example": Role.VISA_OFFICER,
            "head.la@caecw.example": Role.HEAD_OF_DELEGATION,
            "delegate.la@caecw.example": Role.DELEGATE,
        }
        for email, role in wanted.items():
            user = auth_services.get_user_by_email(email)
            for event in (past, live):
                assert role in auth_services.roles_for(user, event), (email, event.slug)
        gate_user = auth_services.get_user_by_email("gate@caecw.example")
        assert db.session.scalar(
            sa.select(CheckpointStaff.user_id).where(
                CheckpointStaff.user_id == gate_user.id,
                CheckpointStaff.checkpoint_id == gate.id,
            )
        )
        # Its people travel to this edition: the participant form refuses an arrival or a
        # departure more than 30 days from the event, so the 2025 flights could not be saved
        # unchanged on a 2026 registration.
        travelling = list(
            db.session.scalars(
                sa.select(Participant).where(
                    Participant.event_id == live.id, Participant.arrival_date.is_not(None)
                )
            )
        )
        assert travelling, "the demo's guests arrive by flights"
        window = (live.starts_on - timedelta(days=30), live.ends_on + timedelta(days=30))
        for person in travelling:
            assert window[0] <= person.arrival_date <= window[1], person.email
            assert window[0] <= person.departure_date <= window[1], person.email
            assert person.arrival_at.astimezone(zone).date() == person.arrival_date
        live_slug = live.slug
    # Run again: nothing more is made.
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 2
    # The delegate logs in and sees the live week's page.
    client.post(
        "/auth/login",
        data={"email": "delegate.la@caecw.example", "password": "demo-delegate-2025"},
    )
    assert client.get(f"/events/{live_slug}/").status_code == 200
