"""Who came, when and where: the arrivals dashboard and the attendance list."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from eventhub.checkin.models import Checkpoint, Scan, ScanResult
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.i18n import localized_text
from eventhub.registration import precedence
from eventhub.registration.models import Delegation, Participant, Status
from eventhub.scheduling.models import Activity, Enrolment, EnrolmentStatus


@dataclass
class Arrivals:
    day: object
    days: list
    buckets: list[tuple[str, int]]  # ("08:00", arrivals in the quarter hour)
    arrived: int
    expected: int
    by_checkpoint: list[tuple[Checkpoint, int, int]]  # checkpoint, admissions today, scans
    by_country: list[tuple[str, int, int]]  # code, arrived, expected
    by_delegation: list[tuple[str, int, int]]
    vips: list[tuple[Participant, datetime | None]]
    # Activities with a door: enrolled, attended, and the enrolled who did not come.
    by_activity: list[tuple[str, int, int, int]] = field(default_factory=list)
    # Duplicates and disagreements no organiser has reviewed yet (all days).
    conflicts: int = 0
    # The latest scans of the day, newest first: (scan, local scan time).
    recent: list[tuple[Scan, datetime]] = field(default_factory=list)


def _first_arrivals(event: Event) -> dict[int, datetime]:
    """Each participant's first admission anywhere, re-entry doors included (undone scans
    do not count)."""
    rows = db.session.execute(
        sa.select(Scan.participant_id, sa.func.min(Scan.scanned_at))
        .where(
            Scan.event_id == event.id,
            Scan.result == ScanResult.ADMITTED,
            Scan.undone_at.is_(None),
        )
        .group_by(Scan.participant_id)
    ).all()
    return dict(rows)


def _day_bounds(event: Event, day) -> tuple[datetime, datetime]:
    start = datetime.combine(day, datetime.min.time(), ZoneInfo(event.timezone))
    return start, start + timedelta(days=1)


def _day_arrivals(event: Event, day) -> dict[int, datetime]:
    """Each participant's first admission on that (local) day: who came that day, and when."""
    start, end = _day_bounds(event, day)
    rows = db.session.execute(
        sa.select(Scan.participant_id, sa.func.min(Scan.scanned_at))
        .where(
            Scan.event_id == event.id,
            Scan.result == ScanResult.ADMITTED,
            Scan.undone_at.is_(None),
            Scan.scanned_at >= start,
            Scan.scanned_at < end,
        )
        .group_by(Scan.participant_id)
    ).all()
    return dict(rows)


def _latest_day(event: Event):
    latest = db.session.scalar(
        sa.select(sa.func.max(Scan.scanned_at)).where(
            Scan.event_id == event.id,
            Scan.result == ScanResult.ADMITTED,
            Scan.undone_at.is_(None),
        )
    )
    return latest.astimezone(ZoneInfo(event.timezone)).date() if latest else event.starts_on


def conflict_filter():
    """Scans for the organisers to review: two devices admitted one badge offline, or the gate
    decided otherwise than the server would have."""
    return sa.or_(Scan.duplicate.is_(True), Scan.disagrees.is_(True))


def unreviewed_conflicts(event: Event) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            Scan.event_id == event.id, conflict_filter(), Scan.reviewed_at.is_(None)
        )
    )


# How many days before the first day a guest's arrival still makes a tab (a wrong year
# typed in a form does not).
ARRIVAL_DAYS_BEFORE = 14


def scan_days(event: Event) -> list:
    """The dashboard's day tabs: the event's days, the days before or after with scans
    (a main entrance open for badge collection before the first day), and the days the
    approved guests arrive (the pick-ups and hotel check-ins of the eve of the opening)."""
    days = [event.starts_on + timedelta(days=n) for n in range(event.days)]
    extra = set(arrival_days(event))
    first, last = db.session.execute(
        sa.select(sa.func.min(Scan.scanned_at), sa.func.max(Scan.scanned_at)).where(
            Scan.event_id == event.id
        )
    ).one()
    if first is not None:
        zone = ZoneInfo(event.timezone)
        start, end = first.astimezone(zone).date(), last.astimezone(zone).date()
        if days:
            extra.update(start + timedelta(days=n) for n in range((days[0] - start).days))
            extra.update(days[-1] + timedelta(days=n) for n in range(1, (end - days[-1]).days + 1))
    return sorted(extra.union(days))


def arrival_days(event: Event) -> list:
    """The local dates the approved guests arrive on (by time, else by date), from two
    weeks before the first day to the last."""
    zone = ZoneInfo(event.timezone)
    rows = db.session.execute(
        sa.select(Participant.arrival_at, Participant.arrival_date)
        .where(
            Participant.event_id == event.id,
            Participant.status == Status.APPROVED,
            Participant.erased_at.is_(None),
            sa.or_(Participant.arrival_at.is_not(None), Participant.arrival_date.is_not(None)),
        )
        .distinct()
    )
    earliest = event.starts_on - timedelta(days=ARRIVAL_DAYS_BEFORE)
    latest = event.starts_on + timedelta(days=max(event.days - 1, 0))
    found = {at.astimezone(zone).date() if at else on for at, on in rows}
    return sorted(d for d in found if earliest <= d <= latest)


def arrivals(event: Event, day=None) -> Arrivals:
    zone = ZoneInfo(event.timezone)
    days = scan_days(event)
    if day is None:
        day = _latest_day(event)
    # "Arrived" on a day tab counts who came that day, each once, at their first admission.
    first = _day_arrivals(event, day)
    local = {pid: when.astimezone(zone) for pid, when in first.items()}
    counts: dict[str, int] = {}
    for when in local.values():
        if when.date() == day:
            slot = when.replace(minute=when.minute - when.minute % 15)
            key = slot.strftime("%H:%M")
            counts[key] = counts.get(key, 0) + 1
    buckets = sorted(counts.items())
    approved = list(
        db.session.execute(
            sa.select(
                Participant.id,
                Participant.country_code,
                Participant.delegation_id,
                Participant.protocol_rank,
            ).where(Participant.event_id == event.id, Participant.status == Status.APPROVED)
        )
    )
    by_country: dict[str, list[int]] = {}
    by_delegation: dict[int | None, list[int]] = {}
    for pid, country, delegation_id, _rank in approved:
        arrived = int(pid in first)
        by_country.setdefault(country, [0, 0])
        by_country[country][0] += arrived
        by_country[country][1] += 1
        if delegation_id:
            by_delegation.setdefault(delegation_id, [0, 0])
            by_delegation[delegation_id][0] += arrived
            by_delegation[delegation_id][1] += 1
    # In the delegations' protocol order (the organisers' Delegations page).
    names = {
        row.id: (row.protocol_order, row.name_en)
        for row in db.session.execute(
            sa.select(Delegation.id, Delegation.protocol_order, Delegation.name_en).where(
                Delegation.event_id == event.id
            )
        )
    }
    start, end = _day_bounds(event, day)
    # A duplicate (a gate let someone in twice) is one admission, not two.
    admitted_scan = sa.and_(
        Scan.result == ScanResult.ADMITTED, Scan.undone_at.is_(None), Scan.duplicate.is_(False)
    )
    counts = {
        checkpoint_id: (admitted, scans)
        for checkpoint_id, admitted, scans in db.session.execute(
            sa.select(
                Scan.checkpoint_id,
                sa.func.count().filter(admitted_scan),
                sa.func.count(),
            )
            .where(Scan.event_id == event.id, Scan.scanned_at >= start, Scan.scanned_at < end)
            .group_by(Scan.checkpoint_id)
        )
    }
    checkpoints = [
        (checkpoint, *counts.get(checkpoint.id, (0, 0)))
        for checkpoint in db.session.scalars(
            sa.select(Checkpoint)
            .where(Checkpoint.event_id == event.id)
            .order_by(Checkpoint.name_en)
        )
    ]
    vip_levels = precedence.vip_levels(event)
    vips = list(
        db.session.scalars(
            sa.select(Participant)
            .where(
                Participant.event_id == event.id,
                Participant.status == Status.APPROVED,
                Participant.protocol_rank.in_(vip_levels),
            )
            .order_by(Participant.protocol_rank, Participant.sort_name)
        )
    )
    by_activity = _activity_attendance(event)
    return Arrivals(
        by_activity=by_activity,
        day=day,
        days=days,
        buckets=buckets,
        arrived=len(first),
        expected=len(approved),
        by_checkpoint=checkpoints,
        by_country=sorted(
            ((c, a, e) for c, (a, e) in by_country.items()), key=lambda r: (-r[2], r[0])
        ),
        by_delegation=[
            (name, a, e)
            for (_order, name), a, e in sorted(
                (names.get(d, (0, "?")), a, e) for d, (a, e) in by_delegation.items()
            )
        ],
        vips=[(p, local.get(p.id)) for p in vips],
        conflicts=unreviewed_conflicts(event),
        recent=_recent(event, start, end, zone),
    )


def _recent(event: Event, start: datetime, end: datetime, zone: ZoneInfo) -> list:
    """The day's latest scans by when they were made at the gate (an offline scan uploaded
    later takes its place in the day, not at the top)."""
    scans = db.session.scalars(
        sa.select(Scan)
        .where(Scan.event_id == event.id, Scan.scanned_at >= start, Scan.scanned_at < end)
        .options(sa.orm.joinedload(Scan.participant), sa.orm.joinedload(Scan.checkpoint))
        .order_by(Scan.scanned_at.desc(), Scan.id.desc())
        .limit(10)
    )
    return [(scan, scan.scanned_at.astimezone(zone)) for scan in scans]


def _activity_attendance(event: Event) -> list[tuple[str, int, int, int]]:
    """(activity, enrolled, attended, enrolled no-shows) for activities behind a checkpoint."""
    activities = db.session.execute(
        sa.select(Activity.id, Activity.title_en)
        .join(Checkpoint, Checkpoint.activity_id == Activity.id)
        .where(Checkpoint.event_id == event.id)
        .distinct()
        .order_by(Activity.title_en)
    ).all()
    ids = [activity_id for activity_id, _title in activities]
    # Two queries for all the activities, however many there are.
    enrolled: dict[int, set[int]] = {activity_id: set() for activity_id in ids}
    for activity_id, person_id in db.session.execute(
        sa.select(Enrolment.activity_id, Enrolment.participant_id).where(
            Enrolment.activity_id.in_(ids), Enrolment.status == EnrolmentStatus.ENROLLED
        )
    ):
        enrolled[activity_id].add(person_id)
    attended: dict[int, set[int]] = {activity_id: set() for activity_id in ids}
    for activity_id, person_id in db.session.execute(
        sa.select(Checkpoint.activity_id, Scan.participant_id)
        .join(Checkpoint, Checkpoint.id == Scan.checkpoint_id)
        .where(
            Checkpoint.activity_id.in_(ids),
            Scan.result == ScanResult.ADMITTED,
            Scan.undone_at.is_(None),
        )
        .distinct()
    ):
        attended[activity_id].add(person_id)
    return [
        (
            title,
            len(enrolled[activity_id]),
            len(attended[activity_id]),
            len(enrolled[activity_id] - attended[activity_id]),
        )
        for activity_id, title in activities
    ]


def attendance_rows(event: Event) -> list[list]:
    """Everyone approved, with their first arrival, where they were admitted, and whether
    any of their scans is a duplicate or a disagreement ("duplicate disagreement")."""
    zone = ZoneInfo(event.timezone)
    first = _first_arrivals(event)
    places: dict[int, set[str]] = {}
    # Checkpoint names in the reader's language, not slugs: the sheet is read by people.
    for pid, gate_id, name_en, name_zh in db.session.execute(
        sa.select(Scan.participant_id, Checkpoint.id, Checkpoint.name_en, Checkpoint.name_zh)
        .join(Checkpoint, Checkpoint.id == Scan.checkpoint_id)
        .where(
            Scan.event_id == event.id,
            Scan.result == ScanResult.ADMITTED,
            Scan.undone_at.is_(None),
        )
    ):
        places.setdefault(pid, set()).add(
            localized_text("checkpoint", gate_id, "name", name_en, name_zh)
        )
    conflicts: dict[int, set[str]] = {}
    for pid, duplicate, disagrees in db.session.execute(
        sa.select(Scan.participant_id, Scan.duplicate, Scan.disagrees).where(
            Scan.event_id == event.id, conflict_filter(), Scan.participant_id.is_not(None)
        )
    ):
        kinds = conflicts.setdefault(pid, set())
        if duplicate:
            kinds.add("duplicate")
        if disagrees:
            kinds.add("disagreement")
    rows = []
    for person in db.session.scalars(
        sa.select(Participant)
        .where(Participant.event_id == event.id, Participant.status == Status.APPROVED)
        .options(sa.orm.joinedload(Participant.delegation))
        .order_by(Participant.sort_name, Participant.id)
    ):
        when = first.get(person.id)
        rows.append(
            [
                person.id,
                person.latin_name,
                person.native_name,
                person.country_code,
                person.delegation.name_en if person.delegation else "",
                person.category.value,
                when.astimezone(zone).strftime("%Y-%m-%d %H:%M") if when else "",
                "; ".join(sorted(places.get(person.id, ()))),  # names hold spaces
                " ".join(sorted(conflicts.get(person.id, ()))),
            ]
        )
    return rows
