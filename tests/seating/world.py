"""A small banquet to seat: a Chinese host side, Lao and Thai delegations with their heads
and interpreters, a head table of 8 and round tables of 6."""

from __future__ import annotations

from dataclasses import dataclass

from eventhub.extensions import db
from eventhub.registration.models import Category, Delegation, Participant
from eventhub.scheduling.models import ActivityType
from eventhub.seating import tables
from eventhub.seating.models import SeatingPlan, TableShape


@dataclass
class World:
    event: object
    plan_id: int
    ids: dict[str, int]


def person(make, event, name, country, rank, delegation=None, **kw) -> Participant:
    return make.participant(
        event,
        family_name=name.upper(),
        given_name=name,
        native_name="",
        country_code=country,
        protocol_rank=rank,
        delegation_id=delegation.id if delegation else None,
        **kw,
    )


def banquet(app, make, event, *, round_tables=4, seats=6, behind=True) -> World:
    ids: dict[str, int] = {}
    cn = make.delegation(event, country_code="CN", name_en="Host committee")
    la = make.delegation(event, country_code="LA", name_en="Laos")
    th = make.delegation(event, country_code="TH", name_en="Thailand")
    ids["host"] = person(make, event, "Wang", "CN", 2, cn).id
    ids["cn2"] = person(make, event, "Li", "CN", 3, cn).id
    for i in range(6):
        ids[f"cn{i + 3}"] = person(make, event, f"Zhang{i}", "CN", 5, cn).id
    ids["la_head"] = person(make, event, "Bounmy", "LA", 2, la).id
    ids["th_head"] = person(make, event, "Somchai", "TH", 3, th).id
    for i in range(5):
        ids[f"la{i}"] = person(make, event, f"Khamla{i}", "LA", 5 + i % 2, la).id
        ids[f"th{i}"] = person(make, event, f"Niran{i}", "TH", 5 + i % 2, th).id
    ids["la_interpreter"] = person(
        make, event, "Vilay", "LA", None, la, category=Category.INTERPRETER
    ).id
    ids["th_interpreter"] = person(
        make, event, "Ploy", "TH", None, th, category=Category.INTERPRETER
    ).id
    activity = make.activity(event, type=ActivityType.BANQUET, title_en="Welcome banquet")
    with app.app_context():
        db.session.get(Delegation, la.id).head_id = ids["la_head"]
        db.session.get(Delegation, th.id).head_id = ids["th_head"]
        plan = SeatingPlan(
            event_id=event.id,
            activity_id=activity.id,
            host_country_code="CN",
            interpreters_behind=behind,
        )
        db.session.add(plan)
        db.session.flush()
        tables.add_tables(plan, 1, TableShape.HEAD, 8, actor=None)
        tables.add_tables(plan, round_tables, TableShape.ROUND, seats, actor=None)
        db.session.commit()
        return World(event, plan.id, ids)
