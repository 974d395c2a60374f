"""The scheduler's constraints that relate two activities: people apart (with the trip
between venues), nothing beside an all-hands activity, and the soft costs."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from zoneinfo import ZoneInfo

from ortools.sat.python import cp_model

from eventhub.scheduling import solver_rules as rules
from eventhub.scheduling.models import ActivityRole


def people_apart(
    model,
    enforce,
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
):
    """Nobody in two places: one person's activities do not overlap and leave the trip
    between their two venues (none within one venue, none to or from an off-site visit:
    the coach leaves from where they are); a VIP's duties leave `rest` minutes between."""
    longest = max(travel.values(), default=0)
    items_by_person: dict[int, list] = defaultdict(list)
    for activity in placed:
        for person in needed[activity.id]:
            items_by_person[person].append(activity)
    fixed_by_person: dict[int, list] = defaultdict(list)
    for activity in fixed:
        for person in needed[activity.id]:
            if person in items_by_person:
                fixed_by_person[person].append(activity)
    for person, mine in items_by_person.items():
        gap = rest if person in vips else 0
        # Every item as (start expr, duration, {venue: literal or True}, windows, [wanted]).
        items = [
            (starts[a.id], a.duration_minutes, venue_of[a.id], windows_of[a.id], [wanted[a.id]])
            for a in mine
        ]
        for a in fixed_by_person[person]:
            begin, end = minutes(a.starts_at), minutes(a.ends_at)
            items.append(
                (
                    begin,
                    end - begin,
                    {a.room.venue_id: True} if a.room else {},
                    [(begin, begin)],
                    [],
                )
            )
        for i, first in enumerate(items):
            for second in items[i + 1 :]:
                if isinstance(first[0], int) and isinstance(second[0], int):
                    continue
                if not _may_meet(first, second, longest + gap):
                    continue
                before = model.NewBoolVar("")
                # Only while the rule and both activities are asked for (see solver_explain).
                asked = [enforce, *first[4], *second[4]]
                for one, other, order in ((first, second, before), (second, first, before.Not())):
                    model.Add(other[0] >= one[0] + one[1] + gap).OnlyEnforceIf([order, *asked])
                    for v, at_v in one[2].items():
                        for w, at_w in other[2].items():
                            trip = travel.get((v, w), 0) if v != w else 0
                            if not trip:
                                continue
                            when = [order, *asked] + [x for x in (at_v, at_w) if x is not True]
                            model.Add(other[0] >= one[0] + one[1] + gap + trip).OnlyEnforceIf(when)


def _may_meet(first, second, margin: int) -> bool:
    """Whether the two items' possible times come within `margin` minutes of each other."""
    for a, b in first[3]:
        for c, d in second[3]:
            # first runs [a, b + dur1], second [c, d + dur2]
            if a <= d + second[1] + margin and c <= b + first[1] + margin:
                return True
    return False


def all_hands_pending(model, enforce, wanted, placed, starts, expected, people):
    """A plenary, ceremony or banquet being placed too has nothing beside it for those
    expected there."""
    blockers = [a for a in placed if a.type in rules.ALL_HANDS]
    for blocker in blockers:
        who = expected.get(blocker.id)
        for other in placed:
            if other.id == blocker.id or (who is not None and not who & people[other.id]):
                continue
            before = model.NewBoolVar("")
            asked = [enforce, wanted[blocker.id], wanted[other.id]]
            model.Add(
                starts[other.id] >= starts[blocker.id] + blocker.duration_minutes
            ).OnlyEnforceIf([before, *asked])
            model.Add(
                starts[blocker.id] >= starts[other.id] + other.duration_minutes
            ).OnlyEnforceIf([before.Not(), *asked])


def soft_costs(model, placed, fixed, starts, presence, event, day_starts, minutes, spread):
    """The load spread over the days (an even share a day while `spread` holds), room
    changes within a track, and overlapping needs of one delegation."""
    terms = []
    # Spread: the busiest day is as light as it can be (for activities that may move).
    movable = [a for a in placed if len([d for d in a.allowed_days.split(",") if d]) != 1]
    if movable and event.days > 1:
        zone = ZoneInfo(event.timezone)
        loads = [0] * event.days
        for activity in fixed:
            index = (activity.starts_at.astimezone(zone).date() - event.starts_on).days
            if 0 <= index < event.days:
                loads[index] += 1
        for activity in placed:
            if activity not in movable and activity.allowed_days:
                day = date.fromisoformat(activity.allowed_days.split(",")[0])
                loads[(day - event.starts_on).days] += 1
        day_terms = [[] for _ in range(event.days)]
        for activity in movable:
            flags = []
            for d in range(event.days):
                on = model.NewBoolVar("")
                model.AddLinearExpressionInDomain(
                    starts[activity.id],
                    cp_model.Domain(day_starts(d), day_starts(d + 1) - 1),
                ).OnlyEnforceIf(on)
                flags.append(on)
                day_terms[d].append(on)
            model.AddExactlyOne(flags)
        busiest = model.NewIntVar(0, len(placed) + len(fixed), "busiest")
        for d in range(event.days):
            model.Add(busiest >= loads[d] + sum(day_terms[d]))
        terms.append(20 * busiest)
        # The first search (which has no objective) keeps each day to the even share when
        # `spread` holds; solver.py drops it if no timetable keeps it.
        share = -(-(sum(loads) + len(movable)) // event.days)
        for d in range(event.days):
            model.Add(loads[d] + sum(day_terms[d]) <= max(share, loads[d])).OnlyEnforceIf(spread)

    # Each kind where a hand-made programme puts it (5 for every activity elsewhere).
    def clock(moment):
        return moment.hour * 60 + moment.minute

    for activity in placed:
        windows = rules.setting("PREFERRED_STARTS", rules.PREFERRED_STARTS).get(activity.type)
        if not windows:
            continue
        preferred = cp_model.Domain.FromIntervals(
            [
                [day_starts(d) + clock(a), day_starts(d) + clock(b)]
                for d in range(event.days)
                for a, b in windows
            ]
        )
        usual = model.NewBoolVar("")
        model.AddLinearExpressionInDomain(starts[activity.id], preferred).OnlyEnforceIf(usual)
        terms.append(5 * usual.Not())
    # Off-site visits leave at different times where they can (delegates may do two).
    visits = [a for a in placed if a.type in rules.OFF_SITE]
    for index, first in enumerate(visits):
        for second in visits[index + 1 :]:
            apart = model.NewBoolVar("")
            before = model.NewBoolVar("")
            model.Add(starts[first.id] + first.duration_minutes <= starts[second.id]).OnlyEnforceIf(
                [apart, before]
            )
            model.Add(
                starts[second.id] + second.duration_minutes <= starts[first.id]
            ).OnlyEnforceIf([apart, before.Not()])
            terms.append(2 * apart.Not())
    # A track keeps to one room where it can: its home room is the one its scheduled
    # activities use most (else the first it may use); each activity elsewhere costs 1.
    used = defaultdict(lambda: defaultdict(int))
    for activity in fixed:
        if activity.track and activity.room_id:
            used[activity.track][activity.room_id] += 1
    homes: dict[str, int] = {}
    for activity in placed:
        if not activity.track or not presence[activity.id]:
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
    for activity in placed:
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
