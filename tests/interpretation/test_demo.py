"""The demo's interpretation: set up on the live edition, a rota keeping every rule, one gap
flagged, and nothing added by a second run."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.demo.builder import build_demo
from eventhub.demo.interpretation import build_interpretation
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.interpretation import coverage, rota
from eventhub.interpretation.models import InterpretationSetup, InterpreterAssignment
from eventhub.interpretation.setups import setups_of


def test_demo_interpretation_is_valid_flags_one_gap_and_is_idempotent(app):
    with app.test_request_context():
        build_demo()
        event = db.session.scalar(sa.select(Event).where(Event.slug != "caecw-2025"))
        report: list[str] = []
        build_interpretation(event, report)
        db.session.commit()
        setups = setups_of(event)
        assert len(setups) == 3  # the opening ceremony and two plenaries
        assignments = rota.assignments_of(event)
        assert len(assignments) == 12 * 2 + 10
        assert not any(rota.rota_problems(event, setups).values())
        gaps = coverage.gaps_of([s.activity for s in setups.values()])
        assert {(g.activity.title_en, g.delegation.country_code, g.language) for g in gaps} == {
            ("Closing Plenary and Guiyang Initiative", "MM", "my")
        }
        build_interpretation(event, [])
        db.session.commit()
        assert db.session.scalar(
            sa.select(sa.func.count())
            .select_from(InterpreterAssignment)
            .where(InterpreterAssignment.event_id == event.id)
        ) == len(assignments)
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(InterpretationSetup)
                .where(InterpretationSetup.event_id == event.id)
            )
            == 3
        )
