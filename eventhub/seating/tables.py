"""A plan's tables: added several at once, edited, removed, moved on the room's layout."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from eventhub.audit import services as audit
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.seating import cards, plans
from eventhub.seating.models import SeatingPlan, SeatingTable, TableShape

MAX_TABLES = 200


def _layout(number: int) -> tuple[float, float]:
    """Where a new table stands: the head table at the top centre, the others in rows of
    ten below it (the organisers drag them where the room has them)."""
    if number == 1:
        return 50.0, 8.0
    index = number - 2
    return 5.0 + (index % 10) * 10.0, 22.0 + (index // 10) * 12.0


def add_tables(
    plan: SeatingPlan, count: int, shape: TableShape, seats: int, *, actor
) -> list[SeatingTable]:
    """`count` tables of `shape` with `seats` each, numbered after the last (the first table
    of a plan is its head table)."""
    if not 1 <= count <= MAX_TABLES or len(plan.tables) + count > MAX_TABLES:
        raise DomainError(_l("A plan has at most %(n)d tables.", n=MAX_TABLES))
    if not 1 <= seats <= 60:
        raise DomainError(_l("A table has from 1 to 60 seats."))
    plan = plans.lock(plan)  # a second click waits, then numbers after this one's tables
    db.session.expire(plan, ["tables"])
    last = max((t.number for t in plan.tables), default=0)
    added = []
    for number in range(last + 1, last + count + 1):
        x, y = _layout(number)
        table = SeatingTable(number=number, shape=shape, seats=seats, x=x, y=y)
        plan.tables.append(table)
        added.append(table)
    db.session.flush()
    plan.version += 1
    audit.record(
        "seating.tables_add",
        plan,
        actor=actor,
        event_id=plan.event_id,
        changes={"count": count, "shape": shape.value, "seats": seats},
    )
    return added


def save_table(table: SeatingTable, values: dict, *, actor) -> SeatingTable:
    """Change a table's name, shape, seats and place; fewer seats than its guests use is
    refused, naming them."""
    seats = values["seats"]
    used = [a for a in table.places if a.seat > seats]
    if used:
        raise DomainError(
            _l(
                "Table %(table)s has guests in seats up to %(seat)d; move them before removing"
                " seats.",
                table=table.number,
                seat=max(a.seat for a in used),
            )
        )
    changes = {}
    for name in ("name_en", "name_zh", "shape", "seats", "x", "y"):
        if name in values and getattr(table, name) != values[name]:
            changes[name] = [getattr(table, name), values[name]]
            setattr(table, name, values[name])
    if changes:
        table.plan.version += 1
        audit.record(
            "seating.table_edit", table, actor=actor, event_id=table.plan.event_id, changes=changes
        )
    return table


def move_table(table: SeatingTable, x: float, y: float, *, actor) -> None:
    save_table(table, {"seats": table.seats, "x": _clamp(x), "y": _clamp(y)}, actor=actor)


def _clamp(value: float) -> float:
    return max(0.0, min(100.0, round(float(value), 1)))


def remove_table(table: SeatingTable, *, confirmed: bool, actor) -> int:
    """Remove a table; one with guests only when `confirmed` (its guests become unseated).
    Returns how many guests lost their place."""
    guests = len(table.places)
    if guests and not confirmed:
        raise DomainError(
            _l(
                "Table %(table)s has %(n)d guests. Tick the box to remove it and unseat them.",
                table=table.number,
                n=guests,
            )
        )
    plan = table.plan
    plan.version += 1
    audit.record(
        "seating.table_remove",
        plan,
        actor=actor,
        event_id=plan.event_id,
        changes={"table": table.number, "unseated": guests},
    )
    for place in table.places:  # its printed cards still stand on it until cleared
        cards.withdraw(place)
    plan.tables.remove(table)
    db.session.flush()
    return guests
