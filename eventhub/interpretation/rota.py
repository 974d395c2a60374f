"""The interpreters' rota: who is on which channel of which activity, and the rules every
assignment keeps. An interpreter speaks the channel's language and one floor language; is
never in two places at once, counting the travel between venues (scheduling TravelTime) and
their rest minutes between two stints; and never works over their minutes a day (on the
event's clock). Simultaneous channels want two interpreters a booth over 40 minutes: a
warning, not a refusal. Services flush, never commit."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from eventhub.audit import services as audit
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.i18n import localized
from eventhub.interpretation.models import (
    InterpretationMode,
    InterpretationSetup,
    Interpreter,
    InterpreterAssignment,
)
from eventhub.interpretation.setups import codes, language_name, setup_of
from eventhub.scheduling.models import Activity, Room
from eventhub.scheduling.venues import travel_minutes_of

# Over this many minutes a simultaneous channel wants two interpreters taking turns.
RELAY_AFTER_MINUTES = 40
CHANGED_MEANWHILE = _l(
    "The rota changed meanwhile (another organiser, or a double click): look at it and try again."
)


class RotaRefused(DomainError):
    """An assignment that breaks a rule; the message says which and why."""


@dataclass(frozen=True)
class Stint:
    """An interpreter's time at one activity: the assignment's own times, else the
    activity's."""

    activity: Activity
    starts: datetime
    ends: datetime
    channel: str

    @property
    def venue_id(self) -> int | None:
        room = self.activity.room
        return room.venue_id if room is not None else None

    @property
    def minutes(self) -> int:
        return int((self.ends - self.starts).total_seconds() // 60)


def stint_of(assignment: InterpreterAssignment) -> Stint | None:
    activity = assignment.activity
    starts = assignment.starts_at or activity.starts_at
    ends = assignment.ends_at or activity.ends_at
    if starts is None or ends is None:
        return None
    return Stint(activity, starts, ends, assignment.channel)


def _clock(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M")


def language_problems(interpreter: Interpreter, channel: str, setup) -> list[str]:
    """What the interpreter lacks to work `channel` at an activity set up as `setup`."""
    spoken = set(codes(interpreter.languages))
    found = []
    if channel not in spoken:
        found.append(
            _(
                "%(name)s does not interpret into %(language)s.",
                name=interpreter.name,
                language=language_name(channel),
            )
        )
    floor = codes(setup.floor_languages) if setup is not None else []
    if floor and not spoken & (set(floor) - {channel}):
        found.append(
            _(
                "%(name)s speaks none of the floor languages (%(languages)s).",
                name=interpreter.name,
                languages=", ".join(language_name(c) for c in floor),
            )
        )
    return found


def clash(
    interpreter: Interpreter, new: Stint, other: Stint, travel: dict, zone: ZoneInfo
) -> str | None:
    """Why `new` cannot be worked by someone who works `other`, or None: the same time, or
    too little time between them for the trip and the rest."""
    name, rest = interpreter.name, interpreter.rest_minutes
    place = localized(other.activity, "title")
    if new.starts < other.ends and other.starts < new.ends:
        return _(
            "%(name)s is at %(place)s from %(start)s to %(end)s.",
            name=name,
            place=place,
            start=_clock(other.starts, zone),
            end=_clock(other.ends, zone),
        )
    if other.ends <= new.starts:
        trip = _travel(travel, other.venue_id, new.venue_id)
        if (new.starts - other.ends).total_seconds() / 60 < trip + rest:
            return _(
                "%(name)s is at %(place)s until %(end)s and needs %(travel)d min to get "
                "here + %(rest)d min rest.",
                name=name,
                place=place,
                end=_clock(other.ends, zone),
                travel=trip,
                rest=rest,
            )
        return None
    trip = _travel(travel, new.venue_id, other.venue_id)
    if (other.starts - new.ends).total_seconds() / 60 < trip + rest:
        return _(
            "%(name)s is due at %(place)s at %(start)s and needs %(travel)d min to get there "
            "+ %(rest)d min rest.",
            name=name,
            place=place,
            start=_clock(other.starts, zone),
            travel=trip,
            rest=rest,
        )
    return None


def _travel(travel: dict, origin: int | None, destination: int | None) -> int:
    """Minutes between two venues; none within a venue or where a room is not known yet."""
    if origin is None or destination is None or origin == destination:
        return 0
    return travel.get((origin, destination), 0)


def _day(stint: Stint, zone: ZoneInfo) -> date:
    return stint.starts.astimezone(zone).date()


def over_the_day(
    interpreter: Interpreter, new: Stint, others: list[Stint], zone: ZoneInfo
) -> str | None:
    day = _day(new, zone)
    total = new.minutes + sum(s.minutes for s in others if _day(s, zone) == day)
    if total > interpreter.max_minutes_per_day:
        return _(
            "%(name)s would work %(total)d min on %(day)s, over their %(max)d min a day.",
            name=interpreter.name,
            total=total,
            day=format_date(day, "long"),
            max=interpreter.max_minutes_per_day,
        )
    return None


def problems_for(
    event, interpreter: Interpreter, new: Stint, others: list[Stint], setup, travel=None
) -> list[str]:
    """Every rule `new` breaks for `interpreter` beside their `others` stints."""
    zone = ZoneInfo(event.timezone)
    travel = travel_minutes_of(event) if travel is None else travel
    found = language_problems(interpreter, new.channel, setup)
    found += [m for o in others if (m := clash(interpreter, new, o, travel, zone))]
    day = over_the_day(interpreter, new, others, zone)
    if day:
        found.append(day)
    return found


def _stints(interpreter: Interpreter, *, without: int | None = None) -> list[Stint]:
    return [
        s
        for a in interpreter.assignments
        if a.activity_id != without and (s := stint_of(a)) is not None
    ]


def lock(interpreter: Interpreter) -> None:
    """Hold the interpreter's row until the commit (PostgreSQL): a second organiser or a
    double click assigning them waits, then checks the rules against this one's assignment
    (their assignments are read again after the lock)."""
    db.session.execute(
        sa.select(Interpreter.id).where(Interpreter.id == interpreter.id).with_for_update()
    )
    db.session.expire(interpreter, ["assignments"])


def on_activity(interpreter: Interpreter, activity: Activity) -> bool:
    return any(a.activity_id == activity.id for a in interpreter.assignments)


def assign(event, activity: Activity, interpreter: Interpreter, channel: str, *, actor=None):
    """Put `interpreter` on the activity's `channel`, or refuse saying which rule it breaks."""
    setup = setup_of(activity)
    if setup is None or channel not in codes(setup.channels):
        raise RotaRefused(
            _("This activity has no %(language)s channel.", language=language_name(channel))
        )
    if activity.starts_at is None or activity.ends_at is None:
        raise RotaRefused(_("Schedule the activity before assigning interpreters."))
    lock(interpreter)
    if on_activity(interpreter, activity):
        raise RotaRefused(_("%(name)s is on this activity already.", name=interpreter.name))
    new = Stint(activity, activity.starts_at, activity.ends_at, channel)
    found = problems_for(event, interpreter, new, _stints(interpreter), setup)
    if found:
        raise RotaRefused(" ".join(found))
    assignment = InterpreterAssignment(event_id=event.id, activity_id=activity.id, channel=channel)
    try:
        with db.session.begin_nested():
            assignment.interpreter = interpreter
            db.session.add(assignment)
    except IntegrityError as error:  # the same assignment committed since (without locks)
        db.session.expire(interpreter, ["assignments"])
        raise RotaRefused(CHANGED_MEANWHILE) from error
    audit.record(
        "interpretation.assign",
        activity,
        actor=actor,
        event_id=event.id,
        changes={"interpreter": [None, f"{interpreter.name} ({channel})"]},
    )
    return assignment


def unassign(assignment: InterpreterAssignment, *, actor=None) -> None:
    audit.record(
        "interpretation.unassign",
        assignment.activity,
        actor=actor,
        event_id=assignment.event_id,
        changes={"interpreter": [f"{assignment.interpreter.name} ({assignment.channel})", None]},
    )
    db.session.delete(assignment)
    db.session.flush()


def assignments_of(event) -> list[InterpreterAssignment]:
    return list(
        db.session.scalars(
            sa.select(InterpreterAssignment)
            .where(InterpreterAssignment.event_id == event.id)
            .options(
                sa.orm.joinedload(InterpreterAssignment.activity)
                .joinedload(Activity.room)
                .joinedload(Room.venue),
                sa.orm.joinedload(InterpreterAssignment.interpreter).selectinload(
                    Interpreter.assignments
                ),
            )
            .order_by(InterpreterAssignment.channel, InterpreterAssignment.id)
        ).unique()
    )


def rota_problems(event, setups: dict[int, InterpretationSetup]) -> dict[int, list[str]]:
    """Rules broken by assignments as they stand (the activity moved since, the interpreter's
    languages changed): messages by activity id, for the overview."""
    travel, found = travel_minutes_of(event), defaultdict(list)
    for assignment in assignments_of(event):
        stint = stint_of(assignment)
        if stint is None:
            continue
        others = _stints(assignment.interpreter, without=assignment.activity_id)
        found[assignment.activity_id] += problems_for(
            event,
            assignment.interpreter,
            stint,
            others,
            setups.get(assignment.activity_id),
            travel,
        )
    return found


def staffing_warnings(activity: Activity, setup, assignments) -> list[str]:
    """Channels with no one on them, and simultaneous channels over 40 minutes with one."""
    if setup is None:
        return []
    per_channel: dict[str, int] = defaultdict(int)
    for assignment in assignments:
        per_channel[assignment.channel] += 1
    minutes = (
        int((activity.ends_at - activity.starts_at).total_seconds() // 60)
        if activity.starts_at and activity.ends_at
        else activity.duration_minutes
    )
    found = []
    for channel in codes(setup.channels):
        count = per_channel.get(channel, 0)
        if count == 0:
            found.append(
                _("No interpreter on the %(language)s channel.", language=language_name(channel))
            )
        elif (
            count == 1
            and setup.mode == InterpretationMode.SIMULTANEOUS
            and minutes > RELAY_AFTER_MINUTES
        ):
            found.append(
                _(
                    "One interpreter on the %(language)s channel for %(minutes)d min: "
                    "simultaneous interpretation over 40 min wants two per booth.",
                    language=language_name(channel),
                    minutes=minutes,
                )
            )
    return found


def wanted(setup, activity: Activity) -> int:
    """How many interpreters a channel wants: two taking turns in a booth over 40 minutes."""
    minutes = activity.duration_minutes
    if activity.starts_at and activity.ends_at:
        minutes = int((activity.ends_at - activity.starts_at).total_seconds() // 60)
    simultaneous = setup.mode == InterpretationMode.SIMULTANEOUS
    return 2 if simultaneous and minutes > RELAY_AFTER_MINUTES else 1


def assign_automatically(event, activity: Activity, pool: list[Interpreter], *, actor=None):
    """Fill the activity's channels up to what each wants, greedily: for each channel, the
    free interpreters who keep every rule, the least busy that day first. Returns how many
    were assigned."""
    setup = setup_of(activity)
    if setup is None or activity.starts_at is None:
        return 0
    zone, travel = ZoneInfo(event.timezone), travel_minutes_of(event)
    day = activity.starts_at.astimezone(zone).date()
    added = 0
    for channel in codes(setup.channels):
        have = sum(
            1
            for i in pool
            for a in i.assignments
            if a.activity_id == activity.id and a.channel == channel
        )
        new = Stint(activity, activity.starts_at, activity.ends_at, channel)

        def busy(interpreter: Interpreter) -> int:
            return sum(s.minutes for s in _stints(interpreter) if _day(s, zone) == day)

        for interpreter in sorted(pool, key=lambda i: (busy(i), i.name)):
            if have >= wanted(setup, activity):
                break
            if on_activity(interpreter, activity):
                continue
            if problems_for(event, interpreter, new, _stints(interpreter), setup, travel):
                continue
            try:  # checked again under the interpreter's lock: someone may have been faster
                assign(event, activity, interpreter, channel, actor=actor)
            except RotaRefused:
                continue
            have += 1
            added += 1
    return added
