"""The demo's next edition: the 2025 week copied with "Copy as the next edition", opening a
few days after the demo is built, so the gate, the dashboard and registration can be tried
as on the day. The 2025 week stays beside it as the past edition, certificates issued."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from eventhub.auth import services as auth_services
from eventhub.auth.models import Role
from eventhub.badges.issuing import badges_for
from eventhub.certificates.models import CertificateKind
from eventhub.certificates.services import issue_certificates
from eventhub.checkin.models import Checkpoint, CheckpointStaff
from eventhub.demo.delegations import build_delegations
from eventhub.demo.event import EVENT, LOGINS
from eventhub.demo.participants import _participant_rows
from eventhub.events import copying
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Participant, Status
from eventhub.scheduling.models import Activity, ActivityState

# The next edition opens this many days after the demo is built.
LEAD_DAYS = 2
# One in this many of the 2025 week's foreign participants registers again (a few hundred).
RETURNING = 3
# Every checkpoint is open from 07:00 to 21:00 on the event's days; the main entrance opens
# from the day the demo is built, for badge collection and rehearsals at the gate.
OPENS, CLOSES = time(7, 0), time(21, 0)
ACCOUNTS = {
    "gate@caecw.example": Role.STAFF,
    "visa@caecw.example": Role.VISA_OFFICER,
    "head.la@caecw.example": Role.HEAD_OF_DELEGATION,
    "delegate.la@caecw.example": Role.DELEGATE,
}


def next_edition_dates(today: date | None = None) -> tuple[date, date]:
    starts = (today or date.today()) + timedelta(days=LEAD_DAYS)
    return starts, starts + timedelta(days=3)


def build_next_edition(source: Event, organisations: dict, report: list[str]) -> Event:
    """Copy the 2025 week as the edition opening in LEAD_DAYS days, and fill it."""
    today = date.today()
    starts, ends = next_edition_dates(today)
    slug = f"caecw-{starts.year}" if starts.year != source.starts_on.year else "caecw-live"
    event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
    if event is not None:
        report.append(f"Next edition {slug} exists.")
        return event
    year = str(starts.year)
    event = copying.copy_event(
        source,
        {
            "slug": slug,
            "name_en": EVENT["name_en"].replace("2025", year),
            "name_zh": EVENT["name_zh"].replace("2025", year),
            "starts_on": starts,
            "ends_on": ends,
        },
        actor=None,
    )
    zone = ZoneInfo(event.timezone)
    # Registration open since a month ago, so the registration form can be tried.
    event.registration_opens_at = datetime.combine(today - timedelta(days=30), OPENS, zone)
    event.registration_closes_at = None
    for checkpoint in db.session.scalars(sa.select(Checkpoint).filter_by(event_id=event.id)):
        first = today if checkpoint.slug == "main-entrance" else starts
        # The days it is open, and the daily hours within them (not one range open all night).
        checkpoint.opens_at = datetime.combine(first, time.min, zone).astimezone(UTC)
        checkpoint.closes_at = datetime.combine(
            ends + timedelta(days=1), time.min, zone
        ).astimezone(UTC)
        checkpoint.daily_opens, checkpoint.daily_closes = OPENS, CLOSES
    # The committee has published the programme copied in draft.
    db.session.execute(
        sa.update(Activity)
        .where(Activity.event_id == event.id)
        .values(state=ActivityState.PUBLISHED)
        .execution_options(synchronize_session=False)
    )
    people = _registrations(event, organisations)
    _accounts(event)
    report.append(
        f"Next edition {slug} copied from {source.slug}: {starts} to {ends}, "
        f"{people} registrations, badges printed for the approved."
    )
    return event


def build_past_certificates(event: Event, report: list[str]) -> None:
    """The 2025 week is over: its participants hold their certificates."""
    issued = issue_certificates(event, CertificateKind.PARTICIPATION, actor=None)
    report.append(f"Certificates of {event.slug}: {issued} issued.")


def _registrations(event: Event, organisations: dict) -> int:
    """The 2025 week's officials, the demo accounts' people and one in RETURNING of the
    other foreign participants register again; the approved have printed badges."""
    delegations = build_delegations(event, organisations, [])
    rows = _participant_rows(event, organisations, delegations)
    special = {email for email in ACCOUNTS if email.endswith(".la@caecw.example")}
    chosen = [
        row
        for number, row in enumerate(rows)
        if row["email"] in special
        or row["protocol_rank"] is not None
        or (row["country_code"] != "CN" and number % RETURNING == 0)
    ]
    # They travel to this edition: the 2025 flights move by as many days as the week did
    # (the participant form refuses dates a month away from the event).
    shift = event.starts_on - EVENT["starts_on"]
    for row in chosen:
        for key in ("arrival_date", "arrival_at", "departure_date", "departure_at"):
            if row.get(key) is not None:
                row[key] += shift
    db.session.execute(sa.insert(Participant), chosen)
    for delegation in delegations.values():
        delegation.head_id = db.session.scalar(
            sa.select(Participant.id)
            .where(Participant.delegation_id == delegation.id)
            .order_by(
                Participant.protocol_rank.is_(None), Participant.protocol_rank, Participant.id
            )
            .limit(1)
        )
    approved = list(
        db.session.scalars(
            sa.select(Participant).where(
                Participant.event_id == event.id, Participant.status == Status.APPROVED
            )
        )
    )
    printed_at = datetime.now(UTC)
    for badge in badges_for(approved).values():
        badge.printed_version, badge.printed_at = badge.version, printed_at
    db.session.flush()
    return len(chosen)


def _accounts(event: Event) -> None:
    """The demo logins work on the next edition too; the gate account scans at its gates."""
    emails = {email for _role, email, _password, _name in LOGINS}
    for email, role in ACCOUNTS.items():
        user = auth_services.get_user_by_email(email)
        if user is None or email not in emails:
            continue
        auth_services.grant_role(user, event, role)
        if role == Role.STAFF:
            db.session.add_all(
                CheckpointStaff(checkpoint_id=checkpoint_id, user_id=user.id)
                for checkpoint_id in db.session.scalars(
                    sa.select(Checkpoint.id).filter_by(event_id=event.id)
                )
            )
        participant = db.session.scalar(
            sa.select(Participant).filter_by(event_id=event.id, email=email)
        )
        if participant is not None:
            participant.user_id = user.id
    db.session.flush()
