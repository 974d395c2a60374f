"""Check-in rules: what a scanned code at a checkpoint is, and whether its holder may pass."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from eventhub.badges.checking import CodeCheck, Holder
from eventhub.badges.styles import styles_of
from eventhub.checkin.models import Checkpoint, Direction, ScanResult
from eventhub.db import HotStatement
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.i18n import fixed_text, localized_text, zoned_clock, zoned_datetime
from eventhub.registration.labels import CATEGORY_LABELS
from eventhub.registration.models import Category, Status
from eventhub.scheduling.models import Enrolment, EnrolmentStatus
from eventhub.web import MAX_ID

REASONS = {
    "unknown": _l("Unknown code: not a badge of this event."),
    "revoked": _l("Badge revoked: it was reprinted. Ask for the new badge."),
    "not_approved": _l("Registration not approved."),
    "inactive": _l("This checkpoint is closed."),
    "too_early": _l("Outside the time window: opens at %(time)s."),
    "too_late": _l("Outside the time window: closed at %(time)s."),
    "daily_early": _l("Outside the daily hours: opens at %(time)s each day."),
    "daily_late": _l("Outside the daily hours: closed at %(time)s each day."),
    "full": _l("%(where)s is full: all %(capacity)s places are taken. Wait for someone to leave."),
    "not_inside": _l(
        "Not recorded: this person is not inside %(where)s (no entry since they last left)."
    ),
    "category": _l("Not allowed here: %(category)s."),
    "zone": _l("Wrong zone: zone %(zone)s needed."),
    "not_enrolled": _l("Not enrolled in this activity."),
    "already": _l("Already checked in at %(time)s at %(where)s."),
    # What a gate decided offline, when the server cannot tell the details.
    "already_here": _l("Already admitted here today."),
    "refused_at_gate": _l("Refused at the gate while offline."),
    "admitted": _l("Welcome."),
    "attention": _l("Welcome. Needs attention: protocol staff have been alerted."),
    "exit": _l("Exit recorded. Goodbye."),
    "undone": _l("This scan was undone at the gate: it admits no one."),
}


def by_ref(ref: str | int) -> tuple[str, int | str] | None:
    """("id", 12) or ("slug", "main-entrance") for a checkpoint named either way; None when
    no checkpoint can have that name."""
    text = str(ref).strip()
    if not text.isprintable():  # a NUL or control character names nothing (PostgreSQL refuses it)
        return None
    if text.isascii() and text.isdigit():  # slugs hold a letter, so digits are an id
        if len(text) > 10 or int(text) > MAX_ID:
            return None
        return "id", int(text)
    return "slug", text[:64]


@dataclass(frozen=True, slots=True)
class Gate:
    """A checkpoint as a scan reads it, with its event's id and time zone: made from the
    loaded objects on the pages, read in one query of plain columns on the scan API."""

    id: int
    event_id: int
    slug: str
    name_en: str
    name_zh: str
    categories: str
    zone: str
    activity_id: int | None
    enrolment_required: bool
    opens_at: datetime | None
    closes_at: datetime | None
    reentry: bool
    active: bool
    daily_opens: time | None  # each day, in the event's zone
    daily_closes: time | None
    direction: str  # "entry", "exit" or "both" (the scanner chooses)
    capacity: int | None  # places behind the door; entries refused once inside reaches it
    timezone: str  # the event's

    @classmethod
    def of(cls, event: Event, checkpoint: Checkpoint) -> Gate:
        return cls(
            timezone=event.timezone,
            **{name: getattr(checkpoint, name) for name in GATE_FIELDS},
        )


GATE_FIELDS = [name for name in Gate.__slots__ if name != "timezone"]
# Built once: at a thousand scans a second, building a statement cost more than running it.
_GATE = {
    column: HotStatement(
        sa.select(
            *(Checkpoint.__table__.c[name] for name in GATE_FIELDS), Event.__table__.c.timezone
        )
        .join_from(Checkpoint.__table__, Event.__table__)
        .where(
            Checkpoint.__table__.c.event_id == sa.bindparam("event_id"),
            Checkpoint.__table__.c[column] == sa.bindparam("ref"),
        )
    )
    for column in ("id", "slug")
}


def gate_by_ref(event_id: int, ref: str | int) -> Gate | None:
    """The checkpoint named by id or slug in this event, as a scan reads it."""
    named = by_ref(ref)
    if named is None:
        return None
    column, value = named
    row = _GATE[column].first({"event_id": event_id, "ref": value})
    return None if row is None else Gate(*row)


@dataclass
class Answer:
    result: ScanResult
    reason: str  # key of REASONS
    detail: dict = field(default_factory=dict)
    participant: Holder | None = None
    scan_id: int | None = None
    duplicate: bool = False
    places_left: int | None = None  # at a door with a capacity, after this entry

    @property
    def text(self) -> str:
        """The reason in the reader's language, its details filled in."""
        if self.reason == "full" and self.detail:
            return ngettext(
                "%(where)s is full: its %(num)d place is taken. Wait for someone to leave.",
                "%(where)s is full: all %(num)d places are taken. Wait for someone to leave.",
                int(self.detail["capacity"]),
                where=self.detail.get("where", ""),
            )
        text = fixed_text(REASONS, self.reason)
        return text % self.detail if self.detail else text


def local_time(gate: Gate, moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(gate.timezone))


def moment_text(gate: Gate, moment: datetime, now: datetime) -> str:
    """ "22:00" on the day of the scan, "Jul 24, 2025, 22:00" on another (the reader's
    language's date and time): "closed at 22:00" yesterday must not read as tonight."""
    local = local_time(gate, moment)
    if local.date() == local_time(gate, now).date():
        return zoned_clock(moment, gate.timezone)
    return zoned_datetime(moment, gate.timezone)


@dataclass
class RuleFacts:
    """What the rules look up beyond the holder, read once for a whole roster or only when
    a checkpoint needs them for one scan."""

    styles: dict
    enrolled: set[int] | None


def rule_facts(gate: Gate, person_ids: list[int] | None = None) -> RuleFacts:
    """The badge styles (for zones) and who is enrolled in the checkpoint's activity: for
    everyone, or only for `person_ids`."""
    enrolled = None
    if gate.enrolment_required and gate.activity_id:
        query = sa.select(Enrolment.participant_id).where(
            Enrolment.activity_id == gate.activity_id,
            Enrolment.status == EnrolmentStatus.ENROLLED,
        )
        if person_ids is not None:
            query = query.where(Enrolment.participant_id.in_(person_ids))
        enrolled = set(db.session.scalars(query))
    styles = styles_of(gate.event_id) if gate.zone else {}
    return RuleFacts(styles, enrolled)


@dataclass
class Known:
    """What a scan's judging needs, when already read: the code's check and the holder's
    admissions at this checkpoint by day (when, by which device)."""

    check: CodeCheck
    admissions: dict[date, tuple[datetime, str]]


def judge(gate: Gate, known: Known, when: datetime, day: date, exit: bool = False) -> Answer:
    """A scan is judged in this order: a code that is not ours ("invalid"), a revoked badge, a
    registration not approved, the checkpoint closed or outside its hours, the wrong category,
    zone or no enrolment ("denied"), then admission: once a day at a checkpoint without
    re-entry ("already_admitted" the second time, saying when and where). An `exit` scan
    records any badge of ours leaving ("exited"), whatever the rules for entering. The
    capacity of a door is counted when recording (it needs the scans of the day)."""
    check = known.check
    if check.result == "invalid":
        return Answer(ScanResult.INVALID, "unknown")
    if exit:
        return Answer(ScanResult.EXITED, "exit", participant=check.holder)
    if check.result == "revoked":
        return Answer(ScanResult.DENIED, "revoked", participant=check.holder)
    answer = check_rules(gate, check.holder, when)
    if answer.result == ScanResult.ADMITTED and not gate.reentry and day in known.admissions:
        where = admitted_where(gate, *known.admissions[day])
        return Answer(ScanResult.ALREADY_ADMITTED, "already", where, check.holder)
    return answer


def within_capacity(gate: Gate, answer: Answer, inside: int) -> Answer:
    """An admission at a door with a capacity, `inside` people in the room already: "full"
    once it is reached, else the places left after this entry (the device judges the same
    from its estimate of inside, gate-roster.js)."""
    if answer.result != ScanResult.ADMITTED or gate.capacity is None:
        return answer
    if inside >= gate.capacity:
        where = localized_text("checkpoint", gate.id, "name", gate.name_en, gate.name_zh)
        detail = {"capacity": gate.capacity, "where": where}
        return Answer(ScanResult.DENIED, "full", detail, answer.participant)
    answer.places_left = gate.capacity - inside - 1
    return answer


def check_rules(
    gate: Gate, person: Holder, when: datetime, facts: RuleFacts | None = None
) -> Answer:
    """The checkpoint's rules for a genuine, current badge's holder."""
    if person.status != Status.APPROVED:
        return Answer(ScanResult.DENIED, "not_approved", participant=person)
    if not gate.active:
        return Answer(ScanResult.DENIED, "inactive", participant=person)
    if gate.opens_at and when < gate.opens_at:
        time = moment_text(gate, gate.opens_at, when)
        return Answer(ScanResult.DENIED, "too_early", {"time": time}, person)
    if gate.closes_at and when > gate.closes_at:
        time = moment_text(gate, gate.closes_at, when)
        return Answer(ScanResult.DENIED, "too_late", {"time": time}, person)
    if gate.daily_opens or gate.daily_closes:
        local = local_time(gate, when).time()
        if gate.daily_opens and local < gate.daily_opens:
            hours = {"time": zoned_clock(gate.daily_opens)}
            return Answer(ScanResult.DENIED, "daily_early", hours, person)
        if gate.daily_closes and local >= gate.daily_closes:
            hours = {"time": zoned_clock(gate.daily_closes)}
            return Answer(ScanResult.DENIED, "daily_late", hours, person)
    allowed = [c for c in gate.categories.split(",") if c]
    if allowed and person.category.value not in allowed:
        label = fixed_text(CATEGORY_LABELS, person.category)
        return Answer(ScanResult.DENIED, "category", {"category": label}, person)
    if gate.zone or (gate.enrolment_required and gate.activity_id):
        facts = facts or rule_facts(gate, [person.id])
    if gate.zone:
        # Heads of delegation pass where officials do: their badge shows that band.
        category = Category.OFFICIAL if person.head else person.category
        zones = facts.styles[category].zones.split()
        if gate.zone not in zones and "ALL" not in zones:
            return Answer(ScanResult.DENIED, "zone", {"zone": gate.zone}, person)
    if gate.enrolment_required and gate.activity_id and person.id not in facts.enrolled:
        return Answer(ScanResult.DENIED, "not_enrolled", participant=person)
    if person.attention:  # a VIP: the gate says so, and recording alerts protocol staff
        return Answer(ScanResult.ADMITTED, "attention", participant=person)
    return Answer(ScanResult.ADMITTED, "admitted", participant=person)


def exits_here(gate: Gate, asked: str | None) -> bool:
    """Whether a scan at `gate` records an exit: always at an exit, as the scanner chose at a
    door for both (`asked`: "entry" or "exit"), never at an entrance."""
    if gate.direction == Direction.EXIT:
        return True
    return gate.direction == Direction.BOTH and asked == "exit"


def admitted_where(gate: Gate, scanned_at: datetime, device: str) -> dict:
    """The details of "already checked in at 09:12 at Main entrance (Gate B)", the
    checkpoint named in the reader's language."""
    place = localized_text("checkpoint", gate.id, "name", gate.name_en, gate.name_zh) + (
        f" ({device})" if device else ""
    )
    return {"time": zoned_clock(scanned_at, gate.timezone), "where": place}
