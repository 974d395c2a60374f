"""The automatic scheduler: places the unscheduled activities with OR-Tools CP-SAT.

Hard rules (solver_rules.py says what each kind of activity needs): each in a room of its
kind (off-site visits in none), one activity a room at a time, at its real length within the
programme's hours and the venue's, no session over lunch, nothing beside a plenary,
ceremony or banquet for those expected there, on a day it may take place, nobody needed in
two places (apart by the trip between the two venues, none within one; VIPs rest between
duties), the opening before every forum and workshop; already scheduled activities stay
where they are. Soft rules, minimised: the load spread over the days, a track in one room,
overlapping activities that need one delegation. Each hard rule's constraints hang on an
enforcement literal (`Built.rules`), so they can be switched one by one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from ortools.sat.python import cp_model

from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.scheduling import solver_rules as rules
from eventhub.scheduling.activities import activity_query
from eventhub.scheduling.conflicts import people_needed
from eventhub.scheduling.models import (
    Access,
    Activity,
    ActivityRole,
    ActivityState,
    ActivityType,
    Enrolment,
    EnrolmentStatus,
    Room,
)
from eventhub.scheduling.solver_constraints import all_hands_pending, people_apart, soft_costs
from eventhub.scheduling.solver_explain import Clash, describe, smallest_core
from eventhub.scheduling.solver_progress import solution_callback
from eventhub.scheduling.venues import rooms_of, travel_minutes_of

STEP = 5  # minutes: every start is on a five-minute mark
DAY_START, DAY_END = time(8, 0), time(21, 0)  # when venues state no hours
SECONDS = 8.0  # the demo finds a valid timetable in about a second; the rest improves it


@dataclass
class Placement:
    activity: Activity
    starts_at: datetime
    ends_at: datetime
    room: Room | None  # None: off-site, no room booked


@dataclass
class Proposal:
    placements: list[Placement] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    soft_cost: int = 0
    seconds: float = 0.0
    scores: list[rules.Score] = field(default_factory=list)
    day_loads: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def enrolled_people(activity_ids: list[int]) -> dict[int, set[int]]:
    """Who is enrolled or invited, by activity id."""
    found: dict[int, set[int]] = defaultdict(set)
    if activity_ids:
        for activity_id, participant_id in db.session.execute(
            sa.select(Enrolment.activity_id, Enrolment.participant_id).where(
                Enrolment.activity_id.in_(activity_ids),
                Enrolment.status == EnrolmentStatus.ENROLLED,
            )
        ):
            found[activity_id].add(participant_id)
    return found


def expected_at(activities: list[Activity], needed, enrolled) -> dict[int, set[int] | None]:
    """The people expected at each plenary, ceremony and banquet: everyone (None) when it is
    open or nobody is invited yet, else those invited and needed there."""
    found: dict[int, set[int] | None] = {}
    for activity in activities:
        if activity.type not in rules.ALL_HANDS:
            continue
        invited = enrolled.get(activity.id, set())
        found[activity.id] = (
            None if activity.access == Access.OPEN or not invited else invited | needed[activity.id]
        )
    return found


def _subtract(windows: list[tuple[int, int]], cuts: list[tuple[int, int]]):
    """Start windows [a, b] without the starts in each cut [c, d]."""
    for c, d in cuts:
        kept = []
        for a, b in windows:
            if d < a or c > b:
                kept.append((a, b))
                continue
            if a < c:
                kept.append((a, c - 1))
            if d < b:
                kept.append((d + 1, b))
        windows = kept
    return windows


def _on_step(windows: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Windows of starts rounded inwards to the step."""
    found = []
    for a, b in windows:
        a, b = -(-a // STEP) * STEP, b // STEP * STEP
        if a <= b:
            found.append((a, b))
    return found


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
    travel = travel_minutes_of(event)
    features = rules.features_of(rooms)
    zone = ZoneInfo(event.timezone)
    origin = datetime.combine(event.starts_on, time(0), zone)

    def minutes(moment: datetime) -> int:
        return int((moment - origin).total_seconds() // 60)

    def clock(moment: time) -> int:
        return moment.hour * 60 + moment.minute

    def day_starts(day: int) -> int:
        # A day's midnight in minutes from the first's (a clock change moves it).
        moment = datetime.combine(event.starts_on + timedelta(days=day), time(0), zone)
        return minutes(moment)

    needed = people_needed(activities)
    enrolled = enrolled_people([a.id for a in activities])
    expected = expected_at(activities, needed, enrolled)
    people = {a.id: needed[a.id] | enrolled.get(a.id, set()) for a in activities}
    vips = {
        p.participant_id
        for a in activities
        for p in a.people
        if p.role == ActivityRole.REQUIRED_VIP
    }
    # The event's own programme day, lunch and VIPs' rest (its settings page).
    rest, lunch, day_hours = event.vip_rest_minutes, event.lunch, event.day_hours

    model = cp_model.CpModel()
    # One literal per hard rule: true here; a later explanation may assume them instead.
    literal = {name: model.NewBoolVar(f"rule_{name}") for name in rules.RULES}
    horizon = day_starts(event.days)
    starts, presence, intervals_by_room = {}, defaultdict(dict), defaultdict(list)
    venue_of: dict[int, dict[int, object]] = {}  # activity -> venue id -> literal (or True)
    windows_of: dict[int, list[tuple[int, int]]] = {}
    slots: list = []
    wanted: dict[int, cp_model.IntVar] = {}
    unions: list = []
    fixed_blockers = [
        (minutes(a.starts_at), minutes(a.ends_at), a) for a in fixed if a.type in rules.ALL_HANDS
    ]
    for activity in pending:
        duration = activity.duration_minutes
        seats = rules.seats_needed(activity, len(enrolled.get(activity.id, ())))
        candidates = []
        if rules.needs_room(activity):
            candidates = [
                r
                for r in rooms
                if (activity.room_id is None or r.id == activity.room_id)
                and (activity.room_id is not None or rules.room_suits(activity, r, seats, features))
            ]
            if not candidates:
                proposal.problems.append(_no_room(activity, seats, rooms))
                continue
        allowed_days = {
            (date.fromisoformat(d) - event.starts_on).days
            for d in activity.allowed_days.split(",")
            if d
        } or set(range(event.days))
        opens, closes = rules.hours_of(activity, event)
        by_rule: dict[str, list[tuple[int, int]]] = {
            "hours": [
                (day_starts(d) + clock(opens), day_starts(d) + clock(closes) - duration)
                for d in range(event.days)
            ],
            "own_day": [
                (day_starts(d), day_starts(d) + 1440 - duration) for d in sorted(allowed_days)
            ],
        }
        if activity.type in rules.NOT_AT_LUNCH:
            by_rule["lunch"] = _subtract(
                [(0, horizon)],
                [
                    (
                        day_starts(d) + clock(lunch[0]) - duration + 1,
                        day_starts(d) + clock(lunch[1]) - 1,
                    )
                    for d in range(event.days)
                ],
            )
        cuts = [
            (begin - duration + 1, end - 1)
            for begin, end, blocker in fixed_blockers
            if expected[blocker.id] is None or expected[blocker.id] & people[activity.id]
        ]
        if cuts:
            by_rule["all_hands"] = _subtract([(0, horizon)], cuts)
        union = [(0, horizon - duration)]
        for name, windows in by_rule.items():
            windows = _on_step(_subtract(windows, []))
            by_rule[name] = windows
            union = _intersect(union, windows)
        union = _on_step(union)
        if not union:
            proposal.problems.append(
                str(
                    _l(
                        "%(a)s lasts %(n)d minutes and fits none of its allowed days within "
                        "the programme's hours.",
                        a=activity.title_en,
                        n=duration,
                    )
                )
            )
            continue
        windows_of[activity.id] = union
        slot = model.NewIntVar(0, horizon // STEP, f"slot_{activity.id}")
        slots.append(slot)
        start = STEP * slot
        starts[activity.id] = start
        # Each rule's own domain carries its literal and the activity's `wanted` (placed:
        # an assumption when explaining a failure); the intersection, added once the
        # explainer's copy is taken, keeps the search small.
        wanted[activity.id] = model.NewBoolVar(f"place_{activity.id}")
        unions.append((start, union))
        for name, windows in by_rule.items():
            model.AddLinearExpressionInDomain(
                start, cp_model.Domain.FromIntervals(windows)
            ).OnlyEnforceIf([literal[name], wanted[activity.id]])
        if not candidates:  # off-site
            venue_of[activity.id] = {}
            continue
        choices = []
        at_venue: dict[int, list] = defaultdict(list)
        for room in candidates:
            here = model.NewBoolVar(f"in_{activity.id}_{room.id}")
            venue = room.venue
            hours = [
                (
                    day_starts(d) + clock(venue.opens_at or DAY_START),
                    day_starts(d) + clock(venue.closes_at or DAY_END) - duration,
                )
                for d in range(event.days)
            ]
            own = _intersect(union, _on_step(hours))
            if not own:
                model.Add(here == 0)
                continue
            if own != union:
                model.AddLinearExpressionInDomain(
                    start, cp_model.Domain.FromIntervals(own)
                ).OnlyEnforceIf([here, literal["hours"], wanted[activity.id]])
            # The VIPs of back-to-back bilaterals in one room rest between two.
            turnover = rest if activity.type == ActivityType.BILATERAL_MEETING else 0
            intervals_by_room[room.id].append(
                model.NewOptionalFixedSizeIntervalVar(
                    start, duration + turnover, here, f"iv_{activity.id}_{room.id}"
                )
            )
            presence[activity.id][room.id] = here
            at_venue[venue.id].append(here)
            choices.append(here)
        if not choices:
            proposal.problems.append(_no_room(activity, seats, rooms))
            continue
        model.AddExactlyOne(choices).OnlyEnforceIf(wanted[activity.id])
        venue_of[activity.id] = {}
        for venue_id, heres in at_venue.items():
            if len(at_venue) == 1:
                venue_of[activity.id][venue_id] = True
            else:
                there = model.NewBoolVar(f"at_{activity.id}_{venue_id}")
                model.Add(there == sum(heres))
                venue_of[activity.id][venue_id] = there

    if proposal.problems:  # rules that no solver can meet: say so at once
        return proposal
    for activity in fixed:
        if activity.room_id:
            begin, end = minutes(activity.starts_at), minutes(activity.ends_at)
            intervals_by_room[activity.room_id].append(
                model.NewFixedSizeIntervalVar(begin, end - begin, f"fixed_{activity.id}")
            )
    for intervals in intervals_by_room.values():
        model.AddNoOverlap(intervals)

    placed = [a for a in pending if a.id in starts]
    people_apart(
        model,
        literal["people"],
        wanted,
        placed,
        fixed,
        starts,
        venue_of,
        windows_of,
        needed,
        vips,
        rest,
        travel,
        minutes,
    )
    all_hands_pending(model, literal["all_hands"], wanted, placed, starts, expected, people)
    # The opening comes first.
    opening_end = [minutes(a.ends_at) for a in fixed if a.type == ActivityType.OPENING_CEREMONY]
    if opening_end:
        for activity in placed:
            if activity.type in (ActivityType.FORUM, ActivityType.WORKSHOP):
                model.Add(starts[activity.id] >= min(opening_end)).OnlyEnforceIf(
                    [literal["hours"], wanted[activity.id]]
                )
    explainer_model = model.Clone()  # rules and activities still switchable there
    for var in [*literal.values(), *wanted.values()]:
        model.Add(var == 1)
    for start, union in unions:
        model.AddLinearExpressionInDomain(start, cp_model.Domain.FromIntervals(union))

    spread = model.NewBoolVar("spread")
    cost = soft_costs(model, placed, fixed, starts, presence, event, day_starts, minutes, spread)
    model.Minimize(cost)

    if release is not None:
        release()
    # First any valid timetable, without the soft rules (fast), then the soft rules from
    # there: searching for both at once is much slower.
    # The days' even share is asked for there (spreading is slow to reach as a cost alone),
    # and dropped when no timetable keeps it.
    spent = 0.0
    for share in (1, 0):
        feasibility = model.Clone()
        feasibility.ClearObjective()
        feasibility.Add(spread == share)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = (time_limit - spent) * (0.6 if share else 1)
        solver.parameters.num_workers = 8  # a portfolio of strategies, even on two cores
        status = solver.Solve(feasibility, solution_callback(progress, scored=False))
        spent += solver.WallTime()
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) or status == cp_model.MODEL_INVALID:
            break
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and time_limit - spent > 0.5:
        for var in [*slots, *all_presence(presence)]:
            model.AddHint(var, solver.Value(var))
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
            proposal.problems.append(
                _explain(explainer_model, literal, wanted, placed, needed, day_hours, lunch)
            )
        else:
            proposal.problems.append(str(_l("No timetable was found in the time allowed.")))
        return proposal
    proposal.soft_cost = int(solver.ObjectiveValue()) if solver is not None else 0
    by_id = {r.id: r for r in rooms}
    for activity in placed:
        start = origin + timedelta(minutes=solver.Value(starts[activity.id]))
        room_id = next((r for r, here in presence[activity.id].items() if solver.Value(here)), None)
        proposal.placements.append(
            Placement(
                activity,
                start.astimezone(ZoneInfo("UTC")),
                (start + timedelta(minutes=activity.duration_minutes)).astimezone(ZoneInfo("UTC")),
                by_id.get(room_id) if room_id else None,
            )
        )
    proposal.placements.sort(key=lambda p: (p.starts_at, p.room.name_en if p.room else ""))
    timetable = [rules.Slot(a, a.starts_at, a.ends_at, a.room) for a in fixed] + [
        rules.Slot(p.activity, p.starts_at, p.ends_at, p.room) for p in proposal.placements
    ]
    proposal.scores = rules.score(
        event, timetable, {a.id for a in placed}, people, expected, features
    )
    proposal.day_loads = rules.day_loads(event, timetable)
    return proposal


def _explain(model, literal, wanted, placed, needed, day_hours, lunch) -> str:
    """The smallest set of activities and rules that cannot all hold, in words."""
    # Activities first: those that fit are tried out of the clash before any rule.
    assumptions = [*(wanted[a.id] for a in placed), *literal.values()]
    core = smallest_core(model, assumptions)
    if core is None:  # proved impossible, but no clash was isolated in the time given
        return str(
            _l(
                "No timetable fits every rule; no smaller clash was found in the time "
                "allowed. Check the activities' days, lengths and people."
            )
        )
    chosen = {var.Index() for var in core}
    return describe(
        Clash(
            activities=[a for a in placed if wanted[a.id].Index() in chosen],
            rules=[n for n, var in literal.items() if var.Index() in chosen],
            needed=needed,
            day_hours=day_hours,
            lunch=lunch,
        )
    )


def _intersect(first: list[tuple[int, int]], second: list[tuple[int, int]]):
    found = []
    for a, b in first:
        for c, d in second:
            lo, hi = max(a, c), min(b, d)
            if lo <= hi:
                found.append((lo, hi))
    return sorted(found)


def _no_room(activity: Activity, seats: int, rooms: list[Room]) -> str:
    if activity.required_equipment:
        return str(
            _l(
                "%(a)s needs a room large enough and with %(what)s; there is none.",
                a=activity.title_en,
                what=activity.required_equipment,
            )
        )
    if all(r.capacity < seats for r in rooms):
        return str(
            _l(
                "%(a)s needs %(n)d seats and no room has that many.",
                a=activity.title_en,
                n=seats,
            )
        )
    return str(
        _l(
            "%(a)s needs a room of its kind (%(kind)s) for %(n)d seats; there is none.",
            a=activity.title_en,
            kind=activity.type.value.replace("_", " "),
            n=seats,
        )
    )


def all_presence(presence) -> list:
    return [here for rooms in presence.values() for here in rooms.values()]
