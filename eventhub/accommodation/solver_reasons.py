"""Why a guest found no room in a proposal, in the organiser's words, and the first fit the
search starts from (and falls back on)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from eventhub.accommodation.models import CLASS_ORDER, RoomClass

if TYPE_CHECKING:
    from eventhub.accommodation.solver import _Unit

CLASS_NAMES = {
    RoomClass.SUITE: _l("suite"),
    RoomClass.EXECUTIVE: _l("executive room"),
    RoomClass.STANDARD: _l("standard room"),
}


def _day(night: date) -> str:
    return format_date(night, "d MMMM")


def _kind(unit: _Unit) -> str:
    kind = str(CLASS_NAMES[unit.room_class])
    if unit.accessible:
        kind = str(_l("accessible %(kind)s", kind=kind))
    if len(unit.people) > 1:
        kind = str(_l("%(kind)s for two", kind=kind))
    return kind


def _why_none(unit: _Unit, types, free) -> str:
    """Why no room type at all can take the unit, in the organiser's words."""
    suitable = [
        t
        for t in types
        if CLASS_ORDER[t.room_class] >= CLASS_ORDER[unit.room_class]
        and (t.accessible or not unit.accessible)
        and t.beds >= len(unit.people)
    ]
    if not suitable:
        return str(_l("No hotel has any %(kind)s.", kind=_kind(unit)))
    return _why_full(unit, suitable, free, {})


def _why_full(unit: _Unit, suitable, free, used) -> str:
    for night in unit.nights:
        if all(free.get((t.id, night), 0) - used.get((t.id, night), 0) <= 0 for t in suitable):
            return str(
                _l(
                    "No %(kind)s free on %(night)s at any hotel.",
                    kind=_kind(unit),
                    night=_day(night),
                )
            )
    return str(_l("Rooms ran short: more senior guests took the last ones."))


def _first_fit(units, groups, domains, free) -> dict[tuple, dict[int, int]]:
    """Senior first, the lowest class that fits, while rooms last: the search's starting
    point, and the answer when the search finds nothing better in its time."""
    left = dict(free)
    chosen: dict[tuple, dict[int, int]] = {}
    for group_key in sorted(groups, key=lambda key: units[groups[key][0]].rank):
        members = groups[group_key]
        unit = units[members[0]]
        wanted, takes = len(members), {}
        for room_type in sorted(
            domains[members[0]],
            key=lambda t: (CLASS_ORDER[t.room_class], t.accessible and not unit.accessible, t.id),
        ):
            if wanted <= 0:
                break
            take = min([wanted] + [left.get((room_type.id, d), 0) for d in unit.nights])
            if take > 0:
                for night in unit.nights:
                    left[room_type.id, night] -= take
                takes[room_type.id] = take
                wanted -= take
        chosen[group_key] = takes
    return chosen
