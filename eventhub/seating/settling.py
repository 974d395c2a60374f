"""The re-flow after a cancellation, kept small: a protocol office that has printed 600 place
cards wants a handful re-issued, not the room reshuffled. Everyone still invited stays where
they sit; the cancelled leave; a gap at the head table is filled by the most senior guest
seated elsewhere (their seat is left free); an interpreter whose principal left follows the
delegation's new principal; a new host or guest of honour re-seats the head table only;
newcomers take free seats. Every remaining hard rule is met as by a full proposal."""

from __future__ import annotations

from eventhub.seating import planner, plans
from eventhub.seating.models import SeatingPlan


def _together(problem: planner.Problem, tables, mine, theirs) -> bool:
    if mine is None or theirs is None or mine[0] != theirs[0]:
        return False
    if problem.interpreters_behind and theirs[2]:
        return theirs[1] == mine[1]
    table = tables.get(mine[0])
    return bool(table) and not theirs[2] and table.adjacent(mine[1], theirs[1])


def settle(plan: SeatingPlan) -> tuple[dict[int, planner.Place], list[int]]:
    """Everyone's place after the smallest change that meets the rules, and the unseated."""
    people = plans.audience(plan)
    problem = plans.problem_of(plan, people)
    invited = {p.id: p for p in problem.people}
    tables = {t.id: t for t in problem.tables}
    ordered = sorted(problem.tables, key=lambda t: t.number)
    if not ordered:
        return planner.arrange(problem)
    head = ordered[0]
    by_hand = dict(problem.fixed)
    keep = {pid: place for pid, place in plans.current(plan).items() if pid in invited}
    followers = planner._followers(problem)  # principal -> interpreter
    following = {interpreter: principal for principal, interpreter in followers.items()}

    # An interpreter sits with their (possibly new) principal or is seated again with them;
    # an interpreter who follows nobody now takes no chair behind anyone.
    for pid in list(keep):
        principal = following.get(pid)
        if principal is None:
            if keep[pid][2]:
                del keep[pid]
            continue
        if not _together(problem, tables, keep.get(principal), keep[pid]):
            del keep[pid]

    # A new host or guest of honour: the head table is seated again (hand-placed stay).
    host_ok = problem.host_id is None or keep.get(problem.host_id) == (head.id, head.centre, False)
    goh_ok = problem.guest_of_honour_id is None or keep.get(problem.guest_of_honour_id) == (
        head.id,
        head.right_of(head.centre),
        False,
    )
    if not (host_ok and goh_ok):
        for pid, place in list(keep.items()):
            if place[0] == head.id and pid not in by_hand:
                del keep[pid]
        for pid in (problem.host_id, problem.guest_of_honour_id):
            keep.pop(pid, None)
    else:
        # A gap at the head table: the most senior guest seated elsewhere comes up.
        taken = {place[1] for place in keep.values() if place[0] == head.id and not place[2]}
        gaps = head.seats - len(taken)
        elsewhere = sorted(
            (
                invited[pid]
                for pid, place in keep.items()
                if place[0] != head.id
                and pid not in by_hand
                and pid not in following
                and not place[2]
            ),
            key=lambda p: p.key,
        )
        for person in elsewhere[: max(0, gaps)]:
            del keep[person.id]

    # Who leaves their seat takes their interpreter along.
    for principal, interpreter in followers.items():
        if principal not in keep and interpreter not in by_hand:
            keep.pop(interpreter, None)
    # A principal who stays gets their interpreter back beside or behind them, if free.
    front = {(place[0], place[1]) for place in keep.values() if not place[2]}
    back = {(place[0], place[1]) for place in keep.values() if place[2]}
    for principal, interpreter in followers.items():
        mine = keep.get(principal)
        if mine is None or interpreter in keep:
            continue
        table = tables.get(mine[0])
        if problem.interpreters_behind and (mine[0], mine[1]) not in back:
            keep[interpreter] = (mine[0], mine[1], True)
            back.add((mine[0], mine[1]))
            continue
        for seat in (table.left_of(mine[1]), table.right_of(mine[1])) if table else ():
            if seat is not None and (mine[0], seat) not in front:
                keep[interpreter] = (mine[0], seat, False)
                front.add((mine[0], seat))
                break

    problem.fixed = keep
    places, unseated = planner.arrange(problem)
    problem.fixed = by_hand  # the rules check hand-placed places only
    return places, unseated
