"""The automatic scheduler: places the unscheduled activities with OR-Tools CP-SAT.

Hard rules: one room at a time, a room large enough, inside the venue's hours and the event's
days, nobody needed in two places at once (apart by the longest trip between the venues),
the opening ceremony before every forum and workshop, already scheduled activities stay
where they are. Soft rules, minimised: activities of one track in different rooms, and
overlapping activities that need the same delegation. When no timetable exists, the
activities whose rules clash are named.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from ortools.sat.python import cp_model

from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.scheduling.activities import activity_query
from eventhub.scheduling.conflicts import people_needed
from eventhub.scheduling.models import Activity, ActivityRole, ActivityState, ActivityType, Room
from eventhub.scheduling.solver_progress import solution_callback
from eventhub.scheduling.venues import rooms_of, travel_minutes_of

STEP = 15  # minutes: every start is on a quarter hour
DAY_START, DAY_END = time(8, 0), time(21, 0)  # when venues state no hours
SECONDS = 8.0  # the demo week finds a valid timetable in about 4 s; the rest improves it


@dataclass
class Placement:
    activity: Activity
    starts_at: datetime
    ends_at: datetime
    room: Room


@dataclass
class Proposal:
    placements: list[Placement] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    soft_cost: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


def propose(
    event: Event,
    *,
    time_limit: float = SECONDS,
    release: Callable[[], None] | None = None,
    progress: Callable[[dict], None] | None = None,
) -> Proposal:
    """A timetable for the event's unscheduled activities; nothing is saved. `release` is
    called once everything is read, before the solving: a job passes its commit, so that no
    transaction (on SQLite, the one write lock) is held while the solver thinks. `progress`
    is told of each timetable found (solver_progress.SolutionProgress)."""
    activities = [
        a
        for a in db.session.scalars(activity_query(event)).unique()
        if a.state != ActivityState.CANCELLED
    ]
    fixed = [a for a in activities if a.starts_at]
    pending = [a for a in activities if not a.starts_at]
    proposal = Proposal()
    if not pending:
        return proposal
    rooms = rooms_of(event)
    if not rooms:
        proposal.problems.append(str(_l("Add venues and rooms first.")))
        return proposal
    # Between two activities of one person: the longest trip between the event's venues
    # (a little cautious when both are at one venue, never too short).
    margin = max(travel_minutes_of(event).values(), default=0)
    zone = ZoneInfo(event.timezone)
    origin = datetime.combine(event.starts_on, time(0), zone)

    def minutes(moment: datetime) -> int:
        return int((moment - origin).total_seconds() // 60)

    def windows(room: Room) -> list[tuple[int, int]]:
        opens = room.venue.opens_at or DAY_START
        closes = room.venue.closes_at or DAY_END
        return [
            (
                day * 1440 + opens.hour * 60 + opens.minute,
                day * 1440 + closes.hour * 60 + closes.minute,
            )
            for day in range(event.days)
        ]

    model = cp_model.CpModel()
    horizon = event.days * 1440
    starts, presence, intervals_by_room = {}, defaultdict(dict), defaultdict(list)
    person_intervals: dict[int, list] = defaultdict(list)
    needed = people_needed(activities)
    enforce = {}
    slots: list = []
    for activity in pending:
        seats_needed = activity.capacity or 1
        candidates = [
            r
            for r in rooms
            if r.capacity >= seats_needed
            and _fits(activity, r)
            and (activity.room_id is None or r.id == activity.room_id)
        ]
        if not candidates and activity.required_equipment:
            proposal.problems.append(
                str(
                    _l(
                        "%(a)s needs a room large enough and with %(what)s; there is none.",
                        a=activity.title_en,
                        what=activity.required_equipment,
                    )
                )
            )
            continue
        if not candidates:
            proposal.problems.append(
                str(
                    _l(
                        "%(a)s needs %(n)d seats and no room has that many.",
                        a=activity.title_en,
                        n=seats_needed,
                    )
                )
            )
            continue
        duration = activity.duration_minutes
        slot = model.NewIntVar(0, horizon // STEP, f"slot_{activity.id}")
        slots.append(slot)
        start = STEP * slot
        starts[activity.id] = start
        enforce[activity.id] = model.NewBoolVar(f"place_{activity.id}")
        choices = []
        # The whole activity inside one of the room's daily windows. Rooms share their
        # venue's hours: the start's own domain is the union, and only a room whose hours
        # are narrower than that adds a constraint (fewer constraints, a faster search).
        days = {
            (date.fromisoformat(d) - event.starts_on).days
            for d in activity.allowed_days.split(",")
            if d
        }
        allowed_by_room = {
            room.id: [
                (a, b - duration)
                for a, b in windows(room)
                if b - a >= duration and (not days or a // 1440 in days)
            ]
            for room in candidates
        }
        if not any(allowed_by_room.values()):
            proposal.problems.append(
                str(
                    _l(
                        "%(a)s lasts %(n)d minutes, longer than the opening hours of every room.",
                        a=activity.title_en,
                        n=duration,
                    )
                )
            )
            continue
        union = cp_model.Domain.FromIntervals(
            [interval for allowed in allowed_by_room.values() for interval in allowed]
        )
        model.AddLinearExpressionInDomain(start, union)
        for room in candidates:
            here = model.NewBoolVar(f"in_{activity.id}_{room.id}")
            allowed = allowed_by_room[room.id]
            if not allowed:
                model.Add(here == 0)
                continue
            own = cp_model.Domain.FromIntervals(allowed)
            if own.FlattenedIntervals() != union.FlattenedIntervals():
                model.AddLinearExpressionInDomain(start, own).OnlyEnforceIf(here)
            interval = model.NewOptionalFixedSizeIntervalVar(
                start, duration, here, f"iv_{activity.id}_{room.id}"
            )
            intervals_by_room[room.id].append(interval)
            presence[activity.id][room.id] = here
            choices.append(here)
        model.AddExactlyOne(choices).OnlyEnforceIf(enforce[activity.id])
        for person_id in needed[activity.id]:
            person_intervals[person_id].append(
                model.NewFixedSizeIntervalVar(
                    start, duration + margin, f"p_{activity.id}_{person_id}"
                )
            )

    if proposal.problems:  # rules that no solver can meet: say so at once
        return proposal
    for activity in fixed:
        begin, length = (
            minutes(activity.starts_at),
            minutes(activity.ends_at) - minutes(activity.starts_at),
        )
        if activity.room_id:
            intervals_by_room[activity.room_id].append(
                model.NewFixedSizeIntervalVar(begin, length, f"fixed_{activity.id}")
            )
        for person_id in needed[activity.id]:
            person_intervals[person_id].append(
                model.NewFixedSizeIntervalVar(
                    begin, length + margin, f"pf_{activity.id}_{person_id}"
                )
            )
    for intervals in intervals_by_room.values():
        model.AddNoOverlap(intervals)
    for intervals in person_intervals.values():
        if len(intervals) > 1:
            model.AddNoOverlap(intervals)

    # The opening comes first.
    opening_end = [minutes(a.ends_at) for a in fixed if a.type == ActivityType.OPENING_CEREMONY]
    if opening_end:
        for activity in pending:
            if activity.id in starts and activity.type in (
                ActivityType.FORUM,
                ActivityType.WORKSHOP,
            ):
                model.Add(starts[activity.id] >= min(opening_end))

    cost = _soft_costs(model, pending, fixed, starts, presence, minutes)
    model.Minimize(cost)
    # Assumptions slow the search down: only when no timetable exists are they used, to
    # find which activities' rules clash.
    placed = [enforce[a.id] for a in pending if a.id in enforce]
    for literal in placed:
        model.Add(literal == 1).OnlyEnforceIf(literal)  # keeps the literal in the model
    assumptions_model = model.Clone()
    for literal in placed:
        model.Add(literal == 1)

    if release is not None:
        release()
    # First any valid timetable, without the soft rules (fast), then the soft rules from
    # there: searching for both at once is much slower.
    feasibility = model.Clone()
    feasibility.ClearObjective()
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 8  # a portfolio of strategies, even on two cores
    status = solver.Solve(feasibility, solution_callback(progress, scored=False))
    spent = solver.WallTime()
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and time_limit - spent > 0.5:
        first = {var: solver.Value(var) for var in [*slots, *all_presence(presence)]}
        for var, value in first.items():
            model.AddHint(var, value)
        improver = cp_model.CpSolver()
        improver.parameters.max_time_in_seconds = time_limit - spent
        improver.parameters.num_workers = 8
        better = improver.Solve(model, solution_callback(progress, scored=True, offset=spent))
        spent += improver.WallTime()
        if better in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            solver, status = improver, better
    proposal.seconds = spent
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if status == cp_model.INFEASIBLE:
            assumptions_model.ClearObjective()
            assumptions_model.AddAssumptions(placed)
            explainer = cp_model.CpSolver()
            explainer.parameters.max_time_in_seconds = time_limit
            explainer.parameters.num_workers = 1
            explainer.Solve(assumptions_model)
            clash = set(explainer.SufficientAssumptionsForInfeasibility())
            names = [
                a.title_en for a in pending if a.id in enforce and enforce[a.id].Index() in clash
            ]
            proposal.problems.append(
                str(
                    _l(
                        "No timetable fits every rule. These activities cannot all be placed "
                        "together (rooms, opening hours and the people they need): %(names)s.",
                        names="; ".join(names) or "—",
                    )
                )
            )
        else:
            proposal.problems.append(str(_l("No timetable was found in the time allowed.")))
        return proposal
    proposal.soft_cost = int(solver.Value(cost)) if not isinstance(cost, int) else 0
    by_id = {r.id: r for r in rooms}
    for activity in pending:
        if activity.id not in starts:
            continue
        start = origin + timedelta(minutes=solver.Value(starts[activity.id]))
        room_id = next(r for r, here in presence[activity.id].items() if solver.Value(here))
        proposal.placements.append(
            Placement(
                activity,
                start.astimezone(ZoneInfo("UTC")),
                (start + timedelta(minutes=activity.duration_minutes)).astimezone(ZoneInfo("UTC")),
                by_id[room_id],
            )
        )
    proposal.placements.sort(key=lambda p: (p.starts_at, p.room.name_en))
    return proposal


# Rooms laid out for one kind of activity keep to it.
LAYOUT_FOR = {"banquet": {ActivityType.BANQUET}, "boardroom": {ActivityType.BILATERAL_MEETING}}


def _fits(activity: Activity, room: Room) -> bool:
    """The room's layout suits the activity and it has the equipment asked for."""
    kinds = LAYOUT_FOR.get(room.layout)
    if kinds is not None and activity.type not in kinds:
        return False
    have = {word.strip().lower() for word in room.equipment.split(",") if word.strip()}
    need = {w.strip().lower() for w in activity.required_equipment.split(",") if w.strip()}
    return need <= have


def _soft_costs(model, pending, fixed, starts, presence, minutes):
    """Room changes within a track, and overlapping needs of one delegation."""
    terms = []
    # A track keeps to one room where it can: its home room is the one its scheduled
    # activities use most (else the first it may use); each activity elsewhere costs 1.
    used = defaultdict(lambda: defaultdict(int))
    for activity in fixed:
        if activity.track and activity.room_id:
            used[activity.track][activity.room_id] += 1
    homes: dict[str, int] = {}
    for activity in pending:
        if not activity.track or activity.id not in presence or not presence[activity.id]:
            continue
        if activity.track not in homes:
            counts = used[activity.track]
            homes[activity.track] = (
                max(counts, key=counts.get)
                if counts
                else sorted(presence[activity.id])[len(homes) % len(presence[activity.id])]
            )
        here = presence[activity.id].get(homes[activity.track])
        terms.append(1 - here if here is not None else 1)
    # Two activities needing one delegation should not overlap.
    needs = defaultdict(list)
    for activity in pending:
        if activity.id in starts:
            for person in activity.people:
                if person.role == ActivityRole.REQUIRED_VIP and person.participant.delegation_id:
                    needs[person.participant.delegation_id].append(activity)
    for items in needs.values():
        for index, first in enumerate(items):
            for second in items[index + 1 :]:
                apart = model.NewBoolVar(f"apart_{first.id}_{second.id}")
                before = model.NewBoolVar(f"before_{first.id}_{second.id}")
                model.Add(
                    starts[first.id] + first.duration_minutes <= starts[second.id]
                ).OnlyEnforceIf([apart, before])
                model.Add(
                    starts[second.id] + second.duration_minutes <= starts[first.id]
                ).OnlyEnforceIf([apart, before.Not()])
                terms.append(10 * apart.Not())
    return sum(terms) if terms else 0


def all_presence(presence) -> list:
    return [here for rooms in presence.values() for here in rooms.values()]
