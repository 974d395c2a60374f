"""The meeting fitter: one-to-one meetings for the pairs of organisations that asked to meet,
in the sessions' slots, around each representative's programme (CP-SAT).

A pair is wanted when a request exists either way; mutual pairs (both ways) weigh most,
one-way ones less, shared topics break ties. A profile has at most one meeting at a time,
never while its representative is busy (travel included); a slot holds at most the session's
tables; a pair meets once. A soft cap keeps a representative's day under DAILY_CAP meetings.
Confirmed meetings stay where they are; declined pairs are not proposed again."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from ortools.sat.python import cp_model

from eventhub.extensions import db
from eventhub.matchmaking.busy import BusyTimes, aware, busy_times
from eventhub.matchmaking.models import (
    MatchmakingSession,
    MatchProfile,
    Meeting,
    MeetingRequest,
    MeetingState,
)
from eventhub.matchmaking.topics import joined, keys_of
from eventhub.scheduling.models import Room

MUTUAL_WEIGHT = 100
ONE_WAY_WEIGHT = 10
TOPIC_WEIGHT = 1  # per shared topic, up to MAX_TOPIC_BONUS
MAX_TOPIC_BONUS = 3
DAILY_CAP = 8
OVER_CAP_PENALTY = 20  # more than a one-way meeting is worth, less than a mutual one
TIME_LIMIT = 30.0  # seconds

# Why a mutual pair got no meeting (the proposal page words them).
NO_SESSION = "no_session"
NO_COMMON_SLOT = "no_common_slot"
TABLES_FULL = "tables_full"
SIDES_TAKEN = "sides_taken"
DECLINED = "declined"


@dataclass(frozen=True)
class Slot:
    session_id: int
    starts: datetime
    ends: datetime
    venue_id: int | None
    tables: int
    day: str  # the local day, ISO


@dataclass
class Pair:
    first: int
    second: int
    ways: int = 0  # 1 one-way, 2 mutual
    topics: set[str] = field(default_factory=set)

    @property
    def mutual(self) -> bool:
        return self.ways == 2


@dataclass
class Result:
    mutual_requested: int = 0
    mutual_scheduled: int = 0
    one_way_requested: int = 0
    one_way_scheduled: int = 0
    proposed: int = 0
    kept: int = 0  # confirmed meetings left where they were
    status: str = ""
    seconds: float = 0.0
    objective: float = 0.0
    bound: float = 0.0  # the best the solver could prove possible
    unscheduled: list[tuple[int, int, str]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "mutual_requested": self.mutual_requested,
            "mutual_scheduled": self.mutual_scheduled,
            "one_way_requested": self.one_way_requested,
            "one_way_scheduled": self.one_way_scheduled,
            "proposed": self.proposed,
            "kept": self.kept,
            "status": self.status,
            "seconds": round(self.seconds, 2),
            "objective": self.objective,
            "bound": self.bound,
            "unscheduled": [list(row) for row in self.unscheduled],
        }


def slots_of(event, sessions: list[MatchmakingSession]) -> list[Slot]:
    """Every whole slot of every session, in time order."""
    zone = ZoneInfo(event.timezone)
    found = []
    for session in sessions:
        step = timedelta(minutes=session.slot_minutes)
        starts, ends = aware(session.starts_at), aware(session.ends_at)
        venue = session.room.venue_id if session.room is not None else None
        while starts + step <= ends:
            day = starts.astimezone(zone).date().isoformat()
            found.append(Slot(session.id, starts, starts + step, venue, session.tables, day))
            starts += step
    return sorted(found, key=lambda s: (s.starts, s.session_id))


def pairs_of(event) -> dict[tuple[int, int], Pair]:
    """The wanted pairs (lower profile id first), from the requests either way."""
    pairs: dict[tuple[int, int], Pair] = {}
    for origin, target, topics in db.session.execute(
        sa.select(
            MeetingRequest.from_profile_id, MeetingRequest.to_profile_id, MeetingRequest.topics
        ).where(MeetingRequest.event_id == event.id)
    ):
        key = (min(origin, target), max(origin, target))
        pair = pairs.setdefault(key, Pair(*key))
        pair.ways = min(pair.ways + 1, 2)
        pair.topics.update(keys_of(topics or ""))
    return pairs


def _overlaps(a: Slot | Meeting, starts: datetime, ends: datetime) -> bool:
    a_starts = a.starts if isinstance(a, Slot) else aware(a.starts_at)
    a_ends = a.ends if isinstance(a, Slot) else aware(a.ends_at)
    return a_starts < ends and starts < a_ends


class Problem:
    """What the fitter reads: slots, profiles and who is free when, the pairs, the meetings
    that stay."""

    def __init__(self, event) -> None:
        self.event = event
        sessions = list(
            db.session.scalars(
                sa.select(MatchmakingSession)
                .where(MatchmakingSession.event_id == event.id)
                .options(sa.orm.joinedload(MatchmakingSession.room).joinedload(Room.venue))
            )
        )
        self.slots = slots_of(event, sessions)
        self.profiles = {
            p.id: p
            for p in db.session.scalars(
                sa.select(MatchProfile).where(MatchProfile.event_id == event.id)
            )
        }
        self.pairs = pairs_of(event)
        kept = list(
            db.session.scalars(
                sa.select(Meeting).where(
                    Meeting.event_id == event.id,
                    Meeting.state.in_([MeetingState.CONFIRMED, MeetingState.DECLINED]),
                )
            )
        )
        self.confirmed = [m for m in kept if m.state == MeetingState.CONFIRMED]
        self.met = {_key(m) for m in self.confirmed}
        self.declined = {_key(m) for m in kept if m.state == MeetingState.DECLINED} - self.met
        self.busy: BusyTimes = busy_times(
            event, {p.representative_id for p in self.profiles.values()}
        )
        self._free: dict[tuple[int, int], bool] = {}

    def person(self, profile_id: int) -> tuple[str, int]:
        """Who sits at the table for a profile: its representative (one person may represent
        two organisations, and is at one table at a time), else the profile itself."""
        representative = self.profiles[profile_id].representative_id
        return ("r", representative) if representative else ("p", profile_id)

    def free(self, profile_id: int, index: int) -> bool:
        """Whether the profile can meet in slot `index`: its representative is free there
        (travel included) and it has no confirmed meeting then."""
        key = (profile_id, index)
        if key not in self._free:
            slot = self.slots[index]
            profile = self.profiles[profile_id]
            busy = self.busy.clash(profile.representative_id, slot.starts, slot.ends, slot.venue_id)
            me = self.person(profile_id)
            taken = any(
                me
                in {
                    self.person(side)
                    for side in (m.first_profile_id, m.second_profile_id)
                    if side in self.profiles
                }
                for m in self._confirmed_near(slot)
            )
            self._free[key] = busy is None and not taken
        return self._free[key]

    def _confirmed_near(self, slot: Slot) -> list[Meeting]:
        return [m for m in self.confirmed if _overlaps(m, slot.starts, slot.ends)]

    def tables_left(self, index: int) -> list[int]:
        """The table numbers of slot `index` no confirmed meeting holds."""
        slot = self.slots[index]
        held = {
            m.table
            for m in self.confirmed
            if m.session_id == slot.session_id and _overlaps(m, slot.starts, slot.ends)
        }
        return [t for t in range(1, slot.tables + 1) if t not in held]


def _key(meeting: Meeting) -> tuple[int, int]:
    a, b = meeting.first_profile_id, meeting.second_profile_id
    return (min(a, b), max(a, b))


def weight(pair: Pair) -> int:
    base = MUTUAL_WEIGHT if pair.mutual else ONE_WAY_WEIGHT
    return base + min(len(pair.topics), MAX_TOPIC_BONUS) * TOPIC_WEIGHT


def first_fit(problem: Problem, todo: dict[tuple[int, int], Pair]) -> dict[tuple[int, int], int]:
    """Greedy: mutual pairs first, each at its first slot with a table where both sides are
    free and not yet meeting. The solver starts from it; the bench compares with it."""
    tables = {i: len(problem.tables_left(i)) for i in range(len(problem.slots))}
    taken: dict[tuple[str, int], list[Slot]] = defaultdict(list)
    chosen: dict[tuple[int, int], int] = {}
    for key, _pair in sorted(todo.items(), key=lambda kv: (-kv[1].ways, -weight(kv[1]))):
        for i, slot in enumerate(problem.slots):
            if not tables[i] or not (problem.free(key[0], i) and problem.free(key[1], i)):
                continue
            sides_taken = (other for side in key for other in taken[problem.person(side)])
            if any(_overlaps(other, slot.starts, slot.ends) for other in sides_taken):
                continue
            tables[i] -= 1
            taken[problem.person(key[0])].append(slot)
            taken[problem.person(key[1])].append(slot)
            chosen[key] = i
            break
    return chosen


def wanted(problem: Problem) -> dict[tuple[int, int], Pair]:
    """The pairs to fit: asked for, not met already, not declined, both profiles known."""
    return {
        key: pair
        for key, pair in problem.pairs.items()
        if key not in problem.met
        and key not in problem.declined
        and key[0] in problem.profiles
        and key[1] in problem.profiles
    }


def solve(problem: Problem, time_limit: float = TIME_LIMIT) -> tuple[dict, Result]:
    """{pair key: slot index} of the meetings to propose, and the counts."""
    result = Result()
    todo = wanted(problem)
    model = cp_model.CpModel()
    x: dict[tuple[tuple[int, int], int], cp_model.IntVar] = {}
    tables = {i: len(problem.tables_left(i)) for i in range(len(problem.slots))}
    for key, _pair in todo.items():
        for i in range(len(problem.slots)):
            if tables[i] and problem.free(key[0], i) and problem.free(key[1], i):
                x[(key, i)] = model.new_bool_var(f"m{key[0]}_{key[1]}_{i}")
    by_pair: dict = defaultdict(list)
    by_slot: dict = defaultdict(list)
    by_profile_point: dict = defaultdict(list)
    by_profile_day: dict = defaultdict(list)
    points = sorted({s.starts for s in problem.slots})
    # The slots' start moments inside each slot: two slots overlap when one holds the
    # other's start, so "one meeting at each of these moments" is "one at a time".
    covers = [[p for p in points if s.starts <= p < s.ends] for s in problem.slots]
    for (key, i), var in x.items():
        slot = problem.slots[i]
        by_pair[key].append(var)
        by_slot[i].append(var)
        for profile in key:
            by_profile_day[(profile, slot.day)].append(var)
            for point in covers[i]:
                by_profile_point[(problem.person(profile), point)].append(var)
    for variables in by_pair.values():
        model.add_at_most_one(variables)
    for i, variables in by_slot.items():
        model.add(sum(variables) <= tables[i])
    for variables in by_profile_point.values():
        if len(variables) > 1:
            model.add_at_most_one(variables)
    kept_per_day: dict = defaultdict(int)
    for meeting in problem.confirmed:
        day = aware(meeting.starts_at).astimezone(ZoneInfo(problem.event.timezone)).date()
        for profile in (meeting.first_profile_id, meeting.second_profile_id):
            kept_per_day[(profile, day.isoformat())] += 1
    penalties = []
    for (profile, day), variables in by_profile_day.items():
        room = DAILY_CAP - kept_per_day[(profile, day)]
        if len(variables) > room:
            over = model.new_int_var(0, len(variables), f"over{profile}_{day}")
            model.add(sum(variables) - over <= max(room, 0))
            penalties.append(over)
    model.maximize(
        sum(weight(todo[key]) * var for (key, _i), var in x.items())
        - OVER_CAP_PENALTY * sum(penalties)
    )
    # The first fit as a complete hint (every variable given): the search starts from it.
    greedy = first_fit(problem, todo)
    for (key, i), var in x.items():
        model.add_hint(var, 1 if greedy.get(key) == i else 0)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 8
    # Within half a one-way meeting of the best possible: stop there, not at the time limit.
    solver.parameters.absolute_gap_limit = ONE_WAY_WEIGHT / 2
    # Every pair that can meet met, none over the cap: nothing better exists (the solver's
    # own bound is slow to see it), so the search stops there.
    best_possible = sum(weight(todo[key]) for key in by_pair)
    status = solver.solve(model, _StopAt(best_possible)) if x else cp_model.OPTIMAL
    result.status = solver.status_name(status) if x else "OPTIMAL"
    result.seconds = solver.wall_time if x else 0.0
    chosen: dict[tuple[int, int], int] = {}
    if x and status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        result.objective, result.bound = solver.objective_value, solver.best_objective_bound
        for (key, i), var in x.items():
            if solver.boolean_value(var):
                chosen[key] = i
    # A search cut short (a loaded machine) may end below the first fit: keep the better.
    if score(problem, todo, greedy, kept_per_day) > score(problem, todo, chosen, kept_per_day):
        chosen, result.status = greedy, f"{result.status}, first fit kept"
    _count(problem, todo, chosen, tables, result)
    return chosen, result


def score(problem: Problem, todo: dict, chosen: dict, kept_per_day: dict) -> int:
    """The objective of a set of meetings: their weights less the penalties over the cap."""
    per_day: dict = defaultdict(int)
    for key, i in chosen.items():
        for profile in key:
            per_day[(profile, problem.slots[i].day)] += 1
    over = sum(max(0, n - max(DAILY_CAP - kept_per_day[where], 0)) for where, n in per_day.items())
    return sum(weight(todo[key]) for key in chosen) - OVER_CAP_PENALTY * over


class _StopAt(cp_model.CpSolverSolutionCallback):
    def __init__(self, best_possible: int) -> None:
        super().__init__()
        self.best_possible = best_possible

    def on_solution_callback(self) -> None:
        if self.objective_value >= self.best_possible:
            self.stop_search()


def _count(problem: Problem, todo: dict, chosen: dict, tables: dict, result: Result) -> None:
    """The counts, and for each mutual pair left out the honest reason."""
    used: dict[int, int] = defaultdict(int)
    for i in chosen.values():
        used[i] += 1
    for key, pair in problem.pairs.items():
        if pair.mutual:
            result.mutual_requested += 1
        else:
            result.one_way_requested += 1
        scheduled = key in problem.met or key in chosen
        if scheduled:
            if pair.mutual:
                result.mutual_scheduled += 1
            else:
                result.one_way_scheduled += 1
            continue
        if not pair.mutual:
            continue
        if key in problem.declined:
            reason = DECLINED
        elif not problem.slots:
            reason = NO_SESSION
        else:
            common = [
                i
                for i in range(len(problem.slots))
                if key[0] in problem.profiles
                and key[1] in problem.profiles
                and problem.free(key[0], i)
                and problem.free(key[1], i)
            ]
            if not common:
                reason = NO_COMMON_SLOT
            elif all(used[i] >= tables[i] for i in common):
                reason = TABLES_FULL
            else:
                reason = SIDES_TAKEN
        result.unscheduled.append((key[0], key[1], reason))
    result.proposed = len(chosen)
    result.kept = len(problem.met)


def propose(event) -> Result:
    """Replace the event's proposed meetings with a new fit; flushed, not committed."""
    db.session.execute(
        sa.delete(Meeting).where(
            Meeting.event_id == event.id, Meeting.state == MeetingState.PROPOSED
        )
    )
    problem = Problem(event)
    chosen, result = solve(problem)
    free_tables = {i: problem.tables_left(i) for i in set(chosen.values())}
    for key, i in sorted(chosen.items(), key=lambda item: (item[1], item[0])):
        slot = problem.slots[i]
        db.session.add(
            Meeting(
                event_id=event.id,
                session_id=slot.session_id,
                first_profile_id=key[0],
                second_profile_id=key[1],
                starts_at=slot.starts,
                ends_at=slot.ends,
                table=free_tables[i].pop(0),
                topics=joined(problem.pairs[key].topics),
                state=MeetingState.PROPOSED,
            )
        )
    db.session.flush()
    return result
