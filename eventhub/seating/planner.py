"""The automatic plan by precedence, on plain data (fast, testable, benched), and the hard
rules every plan must meet (`check` on plain data, `violations` on a stored plan).

Seats are numbered clockwise seen from above, so a guest's right-hand neighbour is the seat
before theirs (seat - 1) and their left-hand neighbour the seat after. Round and long tables
wrap around; the head table (shape "head") is one row facing the room. The centre of the head
table is its middle seat, of any other table seat 1 (the table's own host).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

Place = tuple[int, int, bool]  # table id, seat, behind


@dataclass
class Person:
    id: int
    key: tuple  # precedence_key: smaller is more senior
    host_side: bool
    group: int | None = None  # delegation id: its members are spread over the tables
    principal: int | None = None  # an interpreter follows this person


@dataclass
class Table:
    id: int
    number: int
    seats: int
    linear: bool = False  # a head table: one row, no wrap-around

    @property
    def centre(self) -> int:
        return (self.seats + 1) // 2 if self.linear else 1

    def right_of(self, seat: int) -> int | None:
        if seat > 1:
            return seat - 1
        return None if self.linear or self.seats < 2 else self.seats

    def left_of(self, seat: int) -> int | None:
        if seat < self.seats:
            return seat + 1
        return None if self.linear or self.seats < 2 else 1

    def adjacent(self, a: int, b: int) -> bool:
        return b in (self.right_of(a), self.left_of(a))

    def distance(self, seat: int) -> int:
        d = abs(seat - self.centre)
        return d if self.linear else min(d, self.seats - d)

    def outward(self) -> list[int]:
        """The seats from the centre outwards, the right-hand side first at each step."""
        order, seen = [self.centre], {self.centre}
        right = left = self.centre
        while len(order) < self.seats:
            for side in ("r", "l"):
                nxt = self.right_of(right) if side == "r" else self.left_of(left)
                if nxt is None or nxt in seen:
                    continue
                if side == "r":
                    right = nxt
                else:
                    left = nxt
                order.append(nxt)
                seen.add(nxt)
        return order


@dataclass
class Problem:
    people: list[Person]
    tables: list[Table]  # the head table is the lowest number
    fixed: dict[int, Place] = field(default_factory=dict)  # placed by hand: never moved
    host_id: int | None = None
    guest_of_honour_id: int | None = None
    interpreters_behind: bool = True


@dataclass
class Violation:
    code: str  # seat_taken, twice, capacity, host, guest_of_honour, hand_moved, interpreter
    people: tuple[int, ...] = ()
    table: int | None = None  # the table's number


def _followers(problem: Problem) -> dict[int, int]:
    """principal id -> the interpreter who follows them (the first by precedence)."""
    ids = {p.id for p in problem.people}
    followers: dict[int, int] = {}
    for person in sorted(problem.people, key=lambda p: p.key):
        if person.principal in ids and person.principal not in followers:
            followers[person.principal] = person.id
    return followers


class _State:
    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.by_id = {t.id: t for t in problem.tables}
        self.front: dict[int, set[int]] = defaultdict(set)
        self.back: dict[int, set[int]] = defaultdict(set)
        self.places: dict[int, Place] = {}
        self.groups: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.hosts: dict[int, int] = defaultdict(int)
        self.people = {p.id: p for p in problem.people}
        for pid, place in problem.fixed.items():
            if pid in self.people:
                self.take(pid, place)

    def take(self, pid: int, place: Place) -> None:
        table_id, seat, behind = place
        (self.back if behind else self.front)[table_id].add(seat)
        self.places[pid] = place
        person = self.people[pid]
        if not behind:
            if person.group is not None:
                self.groups[table_id][person.group] += 1
            self.hosts[table_id] += person.host_side

    def free(self, table: Table) -> int:
        return table.seats - len(self.front[table.id])

    def free_seat_next_to(self, table: Table, seat: int) -> int | None:
        for nxt in (table.left_of(seat), table.right_of(seat)):
            if nxt is not None and nxt not in self.front[table.id]:
                return nxt
        return None


def arrange(problem: Problem) -> tuple[dict[int, Place], list[int]]:
    """Everyone's place, and who found none (the room is full). Deterministic."""
    state = _State(problem)
    followers = _followers(problem)
    following = set(followers.values())
    behind = problem.interpreters_behind
    tables = sorted(problem.tables, key=lambda t: t.number)
    if not tables:
        return {}, sorted(p.id for p in problem.people)
    head, others = tables[0], tables[1:]
    queue = sorted(
        (p for p in problem.people if p.id not in state.places and p.id not in following),
        key=lambda p: p.key,
    )

    def seat_with_interpreter(pid: int, table: Table, seat: int) -> None:
        state.take(pid, (table.id, seat, False))
        follower = followers.get(pid)
        if follower is None or follower in state.places:
            return
        if behind and seat not in state.back[table.id]:
            state.take(follower, (table.id, seat, True))
            return
        nxt = state.free_seat_next_to(table, seat)
        if nxt is not None:
            state.take(follower, (table.id, nxt, False))

    def needs(pid: int) -> int:
        follower = followers.get(pid)
        return 2 if follower is not None and follower not in state.places and not behind else 1

    # The host in the head table's centre, the guest of honour on the host's right.
    def put(pid: int | None, seat: int | None) -> None:
        if pid is None or seat is None or pid in state.places or pid not in state.people:
            return
        if seat in state.front[head.id]:
            return
        seat_with_interpreter(pid, head, seat)

    put(problem.host_id, head.centre)
    put(problem.guest_of_honour_id, head.right_of(head.centre))
    queue = [p for p in queue if p.id not in state.places]

    def fill(table: Table, candidates: list[Person]) -> None:
        """Seat `candidates` (precedence order) outward: host side at even distances from
        the centre, guests at odd ones, so the two alternate along the table."""
        hosts = [p for p in candidates if p.host_side]
        guests = [p for p in candidates if not p.host_side]
        for seat in table.outward():
            if seat in state.front[table.id]:
                continue
            if not hosts and not guests:
                return
            prefer, other = (hosts, guests) if table.distance(seat) % 2 == 0 else (guests, hosts)
            for line in (prefer, other):
                pick = next(
                    (
                        p
                        for p in line
                        if needs(p.id) == 1 or state.free_seat_next_to(table, seat) is not None
                    ),
                    None,
                )
                if pick is not None:
                    line.remove(pick)
                    seat_with_interpreter(pick.id, table, seat)
                    break

    # The head table: the most senior of each side, as many as its free seats allow.
    room = state.free(head)
    chosen: list[Person] = []
    want_hosts = sum(1 for s in head.outward() if head.distance(s) % 2 == 0)
    want_hosts -= state.hosts[head.id]
    host_line = [p for p in queue if p.host_side]
    guest_line = [p for p in queue if not p.host_side]
    while room > 0 and (host_line or guest_line):
        line = host_line if (want_hosts > 0 and host_line) or not guest_line else guest_line
        person = line.pop(0)
        if needs(person.id) > room:
            continue
        chosen.append(person)
        room -= needs(person.id)
        if person.host_side:
            want_hosts -= 1
    fill(head, sorted(chosen, key=lambda p: p.key))
    queue = [p for p in queue if p.id not in state.places]

    # The other tables by precedence, each keeping seats for the host side, no delegation
    # more than its share of any table.
    if others:
        host_count = sum(1 for p in queue if p.host_side)
        quota = {
            t.id: host_count // len(others) + (i < host_count % len(others))
            for i, t in enumerate(others)
        }
        sizes: dict[int, int] = defaultdict(int)
        for p in queue:
            if p.group is not None:
                sizes[p.group] += 1
        members: dict[int, list[Person]] = defaultdict(list)
        free = {t.id: state.free(t) for t in others}
        # An even share of the guests at each table: the most senior at the lower numbers,
        # every table as full as the others.
        total = sum(needs(p.id) for p in queue)
        target = math.ceil(total / len(others))
        load: dict[int, int] = defaultdict(int)
        for person in queue:
            size = needs(person.id)
            limit = max(1, math.ceil(sizes[person.group] / len(others))) if person.group else 0

            def fits(t: Table, strict: int, person=person, size=size, limit=limit) -> bool:
                reserved = 0 if person.host_side else max(0, quota[t.id] - state.hosts[t.id])
                if free[t.id] - (reserved if strict >= 1 else 0) < size:
                    return False
                if strict == 3:
                    if load[t.id] + size > target:
                        return False
                    if person.host_side and state.hosts[t.id] >= max(1, quota[t.id]):
                        return False
                if person.group is None or strict == 0:
                    return True
                count = state.groups[t.id][person.group]
                return count < (limit if strict >= 2 else t.seats - 1)

            table = next((t for strict in (3, 2, 1, 0) for t in others if fits(t, strict)), None)
            if table is None:
                continue
            load[table.id] += size
            free[table.id] -= size
            if person.group is not None:
                state.groups[table.id][person.group] += 1
            state.hosts[table.id] += person.host_side
            members[table.id].append(person)
        for table in others:
            # fill() counts them again when it seats them
            for person in members[table.id]:
                if person.group is not None:
                    state.groups[table.id][person.group] -= 1
                state.hosts[table.id] -= person.host_side
            fill(table, members[table.id])
    unseated = sorted((p for p in problem.people if p.id not in state.places), key=lambda p: p.key)
    return state.places, [p.id for p in unseated]


def check(problem: Problem, places: dict[int, Place]) -> list[Violation]:
    """Every hard rule `places` breaks."""
    found: list[Violation] = []
    by_id = {t.id: t for t in problem.tables}
    taken: dict[tuple[int, int, bool], list[int]] = defaultdict(list)
    for pid, (table_id, seat, behind) in places.items():
        taken[(table_id, seat, behind)].append(pid)
    for (table_id, seat, _behind), pids in taken.items():
        table = by_id.get(table_id)
        if len(pids) > 1:
            found.append(Violation("seat_taken", tuple(pids), table and table.number))
        if table is None or not 1 <= seat <= table.seats:
            found.append(Violation("capacity", tuple(pids), table and table.number))
    for pid, place in problem.fixed.items():
        if pid in places and places[pid] != place:
            found.append(Violation("hand_moved", (pid,)))
    tables = sorted(problem.tables, key=lambda t: t.number)
    if tables:
        head = tables[0]
        if problem.host_id is not None and places.get(problem.host_id) != (
            head.id,
            head.centre,
            False,
        ):
            found.append(Violation("host", (problem.host_id,), head.number))
        goh = problem.guest_of_honour_id
        if goh is not None and places.get(goh) != (head.id, head.right_of(head.centre), False):
            found.append(Violation("guest_of_honour", (goh,), head.number))
    for principal, interpreter in _followers(problem).items():
        mine, theirs = places.get(principal), places.get(interpreter)
        if mine is None:
            continue
        ok = theirs is not None and theirs[0] == mine[0]
        if ok and problem.interpreters_behind and theirs[2]:
            ok = theirs[1] == mine[1]
        elif ok:
            table = by_id.get(mine[0])
            ok = bool(table) and not theirs[2] and table.adjacent(mine[1], theirs[1])
        if not ok:
            found.append(Violation("interpreter", (interpreter, principal)))
    return found
