"""When no timetable fits: the smallest set of activities and rules that cannot all hold,
said as what each rule demands and what an organiser can do about each activity.

CP-SAT's sufficient assumptions are a clash, not the smallest one (activities that fit may
ride along); a deletion filter shrinks it: drop one assumption, solve with the rest under a
short limit, keep it dropped while still infeasible. The total time is bounded: the best
clash found so far is the answer.
"""

from __future__ import annotations

import time as clock
from dataclasses import dataclass

from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from ortools.sat.python import cp_model

from eventhub.extensions import db
from eventhub.i18n import localized, localized_pair
from eventhub.registration.models import Participant
from eventhub.scheduling import solver_rules as rules
from eventhub.scheduling.models import Activity

BUDGET = 5.0  # seconds for shrinking the clash, at most
PER_TRY = 1.0  # seconds for one smaller set: "not proved infeasible" keeps the assumption


def _infeasible(model, assumptions, seconds: float) -> list[int] | None:
    """The indices of a sufficient subset of `assumptions` when the model cannot hold with
    all of them true; None when it can, or when that was not settled in `seconds`."""
    model.ClearAssumptions()
    model.AddAssumptions(assumptions)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(seconds, 0.05)
    solver.parameters.num_workers = 1  # the assumptions core needs the single worker
    if solver.Solve(model) != cp_model.INFEASIBLE:
        return None
    return list(solver.SufficientAssumptionsForInfeasibility())


def smallest_core(model, assumptions, *, budget: float = BUDGET, per_try: float = PER_TRY):
    """A subset of `assumptions` (BoolVars) that cannot all hold, shrunk until dropping any
    one of them makes a timetable possible (or the budget is spent). Tried in the order
    given: put first what is best left out of the answer. None when nothing clashes."""
    deadline = clock.monotonic() + budget
    found = _infeasible(model, assumptions, max(budget, per_try))
    if found is None:
        return None
    index = {var.Index(): var for var in assumptions}
    order = [var.Index() for var in assumptions]
    core = [i for i in order if i in set(found)]
    for candidate in list(core):
        left = deadline - clock.monotonic()
        if left <= 0:
            break
        if candidate not in core:  # already left out by a smaller clash found on the way
            continue
        trial = [i for i in core if i != candidate]
        smaller = _infeasible(model, [index[i] for i in trial], min(per_try, left))
        if smaller is not None:
            kept = set(smaller)
            core = [i for i in trial if i in kept] or trial
    model.ClearAssumptions()
    return [index[i] for i in core]


@dataclass
class Clash:
    """What cannot all hold: the activities, the rules, and who each needs."""

    activities: list[Activity]
    rules: list[str]
    needed: dict[int, set[int]]
    day_hours: tuple
    lunch: tuple


def _hm(moment) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def _and(items: list[str]) -> str:
    return format_list(items, locale=str(get_locale() or "en")) if items else ""


def _or(items: list[str]) -> str:
    return format_list(items, style="or", locale=str(get_locale() or "en")) if items else ""


def _name(person: Participant) -> str:
    return localized_pair(person.latin_name, person.name_zh)


def describe(clash: Clash) -> str:
    """The clash in words an organiser can act on: which activities, what each rule
    involved demands, and for each activity what would let it fit."""
    titles = [localized(a, "title") for a in clash.activities]
    shared: dict[int, list[Activity]] = {}
    for activity in clash.activities:
        for person in clash.needed.get(activity.id, ()):
            shared.setdefault(person, []).append(activity)
    shared = {p: acts for p, acts in shared.items() if len(acts) > 1}
    people = {p: db.session.get(Participant, p) for p in shared}
    demands: list[str] = []
    for rule in clash.rules:
        if rule == "people" and shared:
            for person, acts in shared.items():
                demands.append(
                    str(
                        _l(
                            "%(who)s is needed at %(what)s: nobody can be in two places at "
                            "once, and the trip between two venues takes time.",
                            who=_name(people[person]),
                            what=_and([localized(a, "title") for a in acts]),
                        )
                    )
                )
        elif rule == "people":
            demands.append(
                str(
                    _l(
                        "Someone they need is needed elsewhere at the time: nobody can be in "
                        "two places at once."
                    )
                )
            )
        elif rule == "hours":
            demands.append(
                str(
                    _l(
                        "The programme runs from %(start)s to %(end)s each day, and within "
                        "the venues' hours.",
                        start=_hm(clash.day_hours[0]),
                        end=_hm(clash.day_hours[1]),
                    )
                )
            )
        elif rule == "lunch":
            demands.append(
                str(
                    _l(
                        "No session runs over lunch (%(start)s to %(end)s).",
                        start=_hm(clash.lunch[0]),
                        end=_hm(clash.lunch[1]),
                    )
                )
            )
        elif rule == "own_day":
            demands.append(str(_l("Each stays on the days it is allowed to take place.")))
        elif rule == "all_hands":
            demands.append(
                str(
                    _l(
                        "Nothing runs beside a plenary, ceremony or banquet for those "
                        "expected there."
                    )
                )
            )
    if not clash.rules:
        demands.append(str(_l("They need the same rooms, one activity at a time.")))
    actions: list[str] = []
    for activity, title in zip(clash.activities, titles, strict=True):
        ways = []
        if "own_day" in clash.rules and activity.allowed_days:
            ways.append(str(_l("allow it on another day")))
        ways.append(str(_l("shorten it (%(n)d minutes now)", n=activity.duration_minutes)))
        theirs = [p for p, acts in shared.items() if activity in acts]
        for person in theirs:
            ways.append(str(_l("free %(who)s from it", who=_name(people[person]))))
        # A booked room may be what makes the trip; any room is allowed already where a
        # person is the clash, so more rooms would not help there.
        if activity.room is not None:
            ways.append(
                str(
                    _l(
                        "book it in a room other than %(room)s",
                        room=localized(activity.room, "name"),
                    )
                )
            )
        elif rules.needs_room(activity) and not theirs:
            ways.append(str(_l("choose a larger room or allow more rooms for it")))
        actions.append(str(_l("%(a)s: %(ways)s.", a=title, ways=_or(ways))))
    # Chinese sentences follow each other without a space.
    joiner = "" if str(get_locale() or "en").startswith("zh") else " "
    return joiner.join(
        [
            str(
                _l(
                    "No timetable fits every rule. The smallest clash: %(names)s cannot all "
                    "be placed.",
                    names=_and(titles),
                )
            ),
            *demands,
            str(_l("What would help:")),
            *actions,
        ]
    )
