"""The demo's welcome banquet is seated once: a head table, round tables for everyone, no
rule broken; building again leaves the plan alone."""

from __future__ import annotations

from eventhub.demo.seating import build_seating
from eventhub.extensions import db
from eventhub.seating import plans
from eventhub.seating.models import SeatingPlan

from .world import banquet


def test_the_welcome_banquet_is_seated_once(app, make, event):
    world = banquet(app, make, event)
    with app.app_context():
        db.session.delete(db.session.get(SeatingPlan, world.plan_id))
        db.session.commit()
        report: list[str] = []
        plan = build_seating(db.session.merge(event), report)
        db.session.commit()
        assert plan is not None and "Welcome banquet" in report[0]
        assert plan.tables[0].seats == 16 and len(plan.tables) >= 2
        assert len(plans.places_of(plan)) == len(plans.audience(plan))
        assert plans.violations(plan) == []
        assert build_seating(db.session.merge(event), report) is None
        assert len(report) == 1
