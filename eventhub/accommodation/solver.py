"""The automatic rooming proposal: CP-SAT puts every approved guest who needs a bed into a
room type for their nights, never above a block's contracted rooms, never below their
rank's class, sharing where asked, a delegation in as few hotels as it can.

Guests who look alike to the model (same nights, class, needs, delegation, wish) are one
group with an integer count per room type: 4,000 guests make a few hundred variables, not
tens of thousands, and the search stays well inside its time limit."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from ortools.sat.python import cp_model

from eventhub.accommodation.assigning import lock, tell
from eventhub.accommodation.capacity import booked_per_night
from eventhub.accommodation.models import (
    CLASS_ORDER,
    Hotel,
    HotelRoom,
    RoomBlock,
    RoomClass,
    RoomGuest,
    RoomingPreference,
    RoomType,
)
from eventhub.accommodation.nights import nights_between, nights_of, room_class_for, settings_of
from eventhub.accommodation.solver_reasons import _first_fit, _why_full, _why_none
from eventhub.audit import services as audit
from eventhub.extensions import db
from eventhub.registration.models import Participant, Status

SECONDS = 12.0
# Weights of the objective: placing a guest beats every comfort; seniority decides who is
# placed when rooms run short; then hotels per delegation, the hotel wished, upgrades, rate.
PLACE = 1_000_000
SENIOR = 20_000
HOTEL_PER_DELEGATION = 5_000
WISH = 3_000
UPGRADE = 2_000
# An accessible room given to a guest who does not need it: kept for those who do.
ACCESSIBLE_SPARE = 6_000
# A rate unit per night costs this much (rates in the hundreds or thousands).
RATE_DIVISOR = 10


@dataclass
class Unplaced:
    participant: Participant
    reason: str


@dataclass
class Proposal:
    rooms: list[HotelRoom] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    placed: int = 0
    upgrades: int = 0
    replaced: int = 0
    status: str = ""
    seconds: float = 0.0
    solve_seconds: float = 0.0


@dataclass
class _Unit:
    """One room's worth of guests: a guest alone, or two who share."""

    people: list[Participant]
    first: date
    last: date
    room_class: RoomClass
    accessible: bool
    delegation_id: int | None
    wish: int | None  # hotel id
    rank: int

    def __post_init__(self) -> None:
        self.nights = tuple(nights_between(self.first, self.last))

    def key(self) -> tuple:
        return (
            len(self.people),
            self.first,
            self.last,
            self.room_class,
            self.accessible,
            self.delegation_id,
            self.wish,
            self.rank,
        )


def contracted(event) -> dict[tuple[int, date], RoomBlock]:
    """(room type id, night) -> the block of the event's hotels."""
    blocks = db.session.scalars(
        sa.select(RoomBlock)
        .join(RoomType, RoomType.id == RoomBlock.room_type_id)
        .join(Hotel, Hotel.id == RoomType.hotel_id)
        .where(Hotel.event_id == event.id)
    )
    return {(b.room_type_id, b.night): b for b in blocks}


def _hotel_wished(participant, preference, hotels: list[Hotel]) -> int | None:
    if preference is not None and preference.hotel_id is not None:
        return preference.hotel_id
    text = (participant.hotel or "").strip().casefold()
    if not text:
        return None
    for hotel in hotels:
        names = {hotel.name_en.casefold(), (hotel.name_zh or "").casefold()} - {""}
        if text in names or any(name in text or text in name for name in names):
            return hotel.id
    return None


def propose(event, *, actor=None, time_limit: float = SECONDS) -> Proposal:
    """Replace the proposed rooms and place everyone without a room; flushes, never commits."""
    started = time.monotonic()
    proposal = Proposal()
    zone = ZoneInfo(event.timezone)
    settings = settings_of(event)
    lock(event.id)
    rooms = list(db.session.scalars(sa.select(HotelRoom).where(HotelRoom.event_id == event.id)))
    # Whose hotel this proposal changes: transport is told once, at the end.
    hotel_before = {g.participant_id: r.room_type.hotel_id for r in rooms for g in r.guests}
    # Rooms placed or edited by hand stay; so does a proposed room a guest checked into.
    for room in rooms:
        if room.proposed and not any(g.checked_in_at for g in room.guests):
            db.session.delete(room)
            proposal.replaced += 1
    db.session.flush()
    kept = [r for r in rooms if not r.proposed or any(g.checked_in_at for g in r.guests)]
    housed = {g.participant_id for r in kept for g in r.guests}
    hotels = list(db.session.scalars(sa.select(Hotel).where(Hotel.event_id == event.id)))
    types = [t for h in hotels for t in h.room_types]
    blocks = contracted(event)
    booked = booked_per_night(event)  # the kept rooms: the others were just deleted
    free = {key: max(0, b.rooms - booked.get(key, 0)) for key, b in blocks.items()}

    guests = list(
        db.session.scalars(
            sa.select(Participant).where(
                Participant.event_id == event.id,
                Participant.status == Status.APPROVED,
                Participant.erased_at.is_(None),
            )
        )
    )
    preferences = {
        p.participant_id: p
        for p in db.session.scalars(
            sa.select(RoomingPreference).where(
                RoomingPreference.participant_id.in_([g.id for g in guests])
            )
        )
    }
    units = _units(guests, housed, preferences, zone, settings, hotels)
    hotel_of_type = {t.id: t.hotel_id for t in types}
    domains: dict[int, list[RoomType]] = {}
    for index, unit in enumerate(units):
        fits = [t for t in types if _fits(unit, t, free)]
        if not fits:
            for person in unit.people:
                proposal.unplaced.append(Unplaced(person, _why_none(unit, types, free)))
            continue
        domains[index] = fits

    # First pass: a delegation's standard rooms among a few hotels only (the others keep
    # every hotel); second pass: whoever found nothing there, over every hotel left.
    narrow = _narrowed(units, domains, free, hotel_of_type, hotels)
    groups: dict[tuple, list[int]] = defaultdict(list)
    for index in narrow:
        groups[units[index].key()].append(index)
    first = time_limit * 0.7
    placements = _solve(units, groups, narrow, free, hotel_of_type, blocks, first, proposal)
    used: dict[tuple[int, date], int] = defaultdict(int)
    left = _apply(event, units, groups, placements, used, proposal)
    if left:
        rest = {key: max(0, count - used.get(key, 0)) for key, count in free.items()}
        second: dict[tuple, list[int]] = defaultdict(list)
        for index in left:
            second[units[index].key()].append(index)
        remaining = max(1.0, time_limit - (time.monotonic() - started))
        placements = _solve(
            units, second, domains, rest, hotel_of_type, blocks, remaining, proposal
        )
        for index in _apply(event, units, second, placements, used, proposal):
            unit = units[index]
            reason = _why_full(unit, domains[index], free, used)
            proposal.unplaced.extend(Unplaced(p, reason) for p in unit.people)
    db.session.flush()
    hotel_after = {g.participant_id: r.room_type.hotel_id for r in proposal.rooms for g in r.guests}
    hotel_after |= {g.participant_id: r.room_type.hotel_id for r in kept for g in r.guests}
    tell(
        event.id,
        [pid for pid in hotel_before.keys() | hotel_after.keys()
         if hotel_before.get(pid) != hotel_after.get(pid)],
    )  # fmt: skip
    proposal.seconds = time.monotonic() - started
    audit.record(
        "rooms.propose",
        event,
        actor=actor,
        event_id=event.id,
        changes={
            "placed": [None, proposal.placed],
            "unplaced": [None, len(proposal.unplaced)],
            "replaced": [None, proposal.replaced],
            "upgrades": [None, proposal.upgrades],
            "status": [None, proposal.status],
            # Ids and reasons only (no names): the rooms board lists them until placed.
            "reasons": [None, [[u.participant.id, u.reason] for u in proposal.unplaced]],
        },
    )
    return proposal


# Hotels a delegation's standard rooms are first looked for in.
HOTELS_PER_DELEGATION = 3


def _narrowed(units, domains, free, hotel_of_type, hotels) -> dict[int, list]:
    """Each unit's domain, standard-class units of a delegation limited to the hotels it
    wished and those with the most standard rooms left (peak night) once bigger delegations
    took their share: the model stays small enough for 4,000 guests."""
    demand: dict[int, int] = defaultdict(int)
    wishes: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for index, unit in enumerate(units):
        if index in domains and unit.delegation_id and unit.room_class is RoomClass.STANDARD:
            demand[unit.delegation_id] += 1
            if unit.wish:
                wishes[unit.delegation_id][unit.wish] += len(unit.people)
    room_left: dict[int, int] = defaultdict(int)
    per_hotel_night: dict[tuple[int, date], int] = defaultdict(int)
    for (type_id, night), count in free.items():
        per_hotel_night[hotel_of_type[type_id], night] += count
    for (hotel_id, _night), count in per_hotel_night.items():
        room_left[hotel_id] = max(room_left[hotel_id], count)
    chosen: dict[int, set[int]] = {}
    for delegation_id, size in sorted(demand.items(), key=lambda item: -item[1]):
        wished = sorted(wishes[delegation_id], key=lambda h: -wishes[delegation_id][h])
        roomiest = sorted(room_left, key=lambda h: -room_left[h])
        picked = list(dict.fromkeys(wished[:1] + roomiest))[:HOTELS_PER_DELEGATION]
        chosen[delegation_id] = set(picked) | set(wished)
        room_left[picked[0]] -= size
    narrow = {}
    for index, fits in domains.items():
        unit = units[index]
        hotels_ok = (
            chosen.get(unit.delegation_id) if unit.room_class is RoomClass.STANDARD else None
        )
        if hotels_ok is None:
            narrow[index] = fits
        else:
            narrow[index] = [t for t in fits if hotel_of_type[t.id] in hotels_ok] or fits
    return narrow


def _apply(event, units, groups, placements, used, proposal) -> list[int]:
    """Book the rooms chosen; the unit indexes left without one."""
    left = []
    for group_key, members_all in groups.items():
        chosen = placements.get(group_key, [])
        members = iter(members_all)
        for room_type, count in chosen:
            for _ in range(count):
                unit = units[next(members)]
                room = HotelRoom(
                    event_id=event.id,
                    room_type_id=room_type.id,
                    room_type=room_type,
                    first_night=unit.first,
                    last_night=unit.last,
                    proposed=True,
                )
                room.guests = [RoomGuest(participant_id=p.id) for p in unit.people]
                db.session.add(room)
                proposal.rooms.append(room)
                proposal.placed += len(unit.people)
                if CLASS_ORDER[room_type.room_class] > CLASS_ORDER[unit.room_class]:
                    proposal.upgrades += len(unit.people)
                for night in unit.nights:
                    used[room_type.id, night] += 1
        left.extend(members)  # the rest of the group found no room
    return left


def _units(guests, housed, preferences, zone, settings, hotels) -> list[_Unit]:
    """The guests still to place, paired where one asked to share with the other."""
    waiting = {}
    for guest in guests:
        if guest.id in housed:
            continue
        nights = nights_of(guest, zone)
        if nights is not None:
            waiting[guest.id] = (guest, nights)
    paired: set[int] = set()
    units = []

    def single(guest, nights) -> _Unit:
        preference = preferences.get(guest.id)
        return _Unit(
            people=[guest],
            first=nights[0],
            last=nights[1],
            room_class=room_class_for(
                guest, settings, preference.room_class if preference else None
            ),
            accessible=bool(preference and preference.accessible),
            delegation_id=guest.delegation_id,
            wish=_hotel_wished(guest, preference, hotels),
            rank=guest.protocol_rank if guest.protocol_rank is not None else 99,
        )

    for guest_id in sorted(waiting):
        if guest_id in paired:
            continue
        guest, nights = waiting[guest_id]
        unit = single(guest, nights)
        preference = preferences.get(guest_id)
        other_id = preference.share_with_id if preference else None
        if other_id in waiting and other_id not in paired and other_id != guest_id:
            other_guest, other_nights = waiting[other_id]
            if other_nights[0] <= nights[1] and nights[0] <= other_nights[1]:
                other = single(other_guest, other_nights)
                unit = _Unit(
                    people=[guest, other_guest],
                    first=min(unit.first, other.first),
                    last=max(unit.last, other.last),
                    room_class=max(unit.room_class, other.room_class, key=CLASS_ORDER.get),
                    accessible=unit.accessible or other.accessible,
                    delegation_id=unit.delegation_id or other.delegation_id,
                    wish=unit.wish or other.wish,
                    rank=min(unit.rank, other.rank),
                )
                paired.add(other_id)
        paired.add(guest_id)
        units.append(unit)
    return units


def _fits(unit: _Unit, room_type: RoomType, free) -> bool:
    if CLASS_ORDER[room_type.room_class] < CLASS_ORDER[unit.room_class]:
        return False
    if unit.accessible and not room_type.accessible:
        return False
    if room_type.beds < len(unit.people):
        return False
    return all(free.get((room_type.id, night), 0) > 0 for night in unit.nights)


def _solve(units, groups, domains, free, hotel_of_type, blocks, time_limit, proposal):
    """group key -> [(room type, count)] the solver chose (its first fit when CP-SAT found
    nothing better in its time)."""
    model = cp_model.CpModel()
    count: dict[tuple, dict[int, cp_model.IntVar]] = {}
    type_by_id = {t.id: t for index in domains for t in domains[index]}
    rate = {key: int(block.rate) for key, block in blocks.items()}
    per_night: dict[tuple[int, date], list] = defaultdict(list)
    delegation_hotel: dict[tuple[int, int], cp_model.IntVar] = {}
    hotel_vars: dict[tuple[int, int], list] = defaultdict(list)
    variables, weights = [], []
    for n, (group_key, members) in enumerate(groups.items()):
        unit = units[members[0]]
        size, people, nights = len(members), len(unit.people), unit.nights
        seniority = max(0, 20 - unit.rank) * SENIOR
        count[group_key] = {}
        for room_type in domains[members[0]]:
            type_id = room_type.id
            var = (
                model.NewBoolVar(f"n{n}_{type_id}")
                if size == 1
                else model.NewIntVar(0, size, f"n{n}_{type_id}")
            )
            count[group_key][type_id] = var
            for night in nights:
                per_night[type_id, night].append(var)
            hotel_id = hotel_of_type[type_id]
            upgrade = CLASS_ORDER[room_type.room_class] - CLASS_ORDER[unit.room_class]
            cost = sum(rate[type_id, night] for night in nights)
            variables.append(var)
            weights.append(
                (PLACE + seniority) * people
                - UPGRADE * upgrade * people
                - cost // RATE_DIVISOR
                + (WISH * people if unit.wish == hotel_id else 0)
                - (ACCESSIBLE_SPARE if room_type.accessible and not unit.accessible else 0)
            )
            if unit.delegation_id is not None:
                key = (unit.delegation_id, hotel_id)
                if key not in delegation_hotel:
                    delegation_hotel[key] = model.NewBoolVar(f"d{key[0]}_h{key[1]}")
                    variables.append(delegation_hotel[key])
                    weights.append(-HOTEL_PER_DELEGATION)
                hotel_vars[key].append((var, size))
        model.Add(cp_model.LinearExpr.Sum(list(count[group_key].values())) <= size)
    for key, y in delegation_hotel.items():
        # The delegation is in the hotel when any of its guests is.
        total = sum(size for _var, size in hotel_vars[key])
        model.Add(cp_model.LinearExpr.Sum([v for v, _size in hotel_vars[key]]) <= total * y)
    for key, room_vars in per_night.items():
        model.Add(cp_model.LinearExpr.Sum(room_vars) <= free.get(key, 0))
    first_fit = _first_fit(units, groups, domains, free)
    for group_key, takes in first_fit.items():
        for type_id, var in count[group_key].items():
            model.AddHint(var, takes.get(type_id, 0))
    lodged = {
        (units[groups[g][0]].delegation_id, hotel_of_type[t])
        for g, takes in first_fit.items()
        for t, n in takes.items()
        if n
    }
    for key, y in delegation_hotel.items():
        model.AddHint(y, key in lodged)
    model.Maximize(cp_model.LinearExpr.WeightedSum(variables, weights))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 2
    solver.parameters.cp_model_presolve = False
    status = solver.Solve(model)
    proposal.status = " / ".join(filter(None, [proposal.status, solver.StatusName(status)]))
    proposal.solve_seconds += solver.WallTime()
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        chosen = {
            key: {type_id: solver.Value(var) for type_id, var in by_type.items()}
            for key, by_type in count.items()
        }
    else:
        chosen = first_fit
    return {
        key: [(type_by_id[type_id], n) for type_id, n in takes.items() if n > 0]
        for key, takes in chosen.items()
    }
