"""The demo week's welcome banquet seated: a head table of 16 and round tables of 10 for
everyone invited, proposed by precedence and published. Idempotent: a banquet with a plan is
left alone."""

from __future__ import annotations

import math

import sqlalchemy as sa

from eventhub.db import utcnow
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.scheduling.models import Activity, ActivityType
from eventhub.seating import plans, reflow, tables
from eventhub.seating.models import SeatingPlan, TableShape

HEAD_SEATS = 16
ROUND_SEATS = 10
# Names of the front round tables: rivers and mountains of the region.
NAMES = [
    ("Mekong", "湄公河"),
    ("Wujiang", "乌江"),
    ("Chao Phraya", "湄南河"),
    ("Irrawaddy", "伊洛瓦底江"),
    ("Fanjingshan", "梵净山"),
    ("Red River", "红河"),
]


def build_seating(event: Event, report: list[str]) -> SeatingPlan | None:
    """Seat the event's first banquet (the welcome banquet), unless it has a plan."""
    banquet = db.session.scalar(
        sa.select(Activity)
        .where(Activity.event_id == event.id, Activity.type == ActivityType.BANQUET)
        .order_by(Activity.starts_at.is_(None), Activity.starts_at, Activity.id)
        .limit(1)
    )
    if banquet is None:
        return None
    if db.session.scalar(sa.select(SeatingPlan.id).filter_by(activity_id=banquet.id)):
        return None
    plan = plans.create_plan(event, banquet, actor=None)
    guests = len(plans.audience(plan))
    interpreters = sum(1 for p in plans.audience(plan) if p.category == "interpreter")
    tables.add_tables(plan, 1, TableShape.HEAD, HEAD_SEATS, actor=None)
    rounds = max(1, math.ceil((guests - interpreters - HEAD_SEATS) / ROUND_SEATS) + 1)
    added = tables.add_tables(plan, rounds, TableShape.ROUND, ROUND_SEATS, actor=None)
    for table, (english, chinese) in zip(added, NAMES, strict=False):  # the front tables
        table.name_en, table.name_zh = english, chinese
    counts = reflow.propose(plan)
    plan.published_at = utcnow()  # the demo's delegates see their table on their agenda
    report.append(
        f"Seating: {banquet.title_en} with {rounds + 1} tables, {counts['seated']} seated,"
        f" {counts['unseated']} without a seat."
    )
    return plan
