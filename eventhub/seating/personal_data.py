"""Seating's answers about one person (privacy.signals): their places in the export; on
erasure they leave every plan at once (their seat rows go, a printed card becomes a withdrawn
card without a name, a plan naming them host or guest of honour forgets it) and the plans
re-flow after the commit to fill the freed seats. A withdrawn card keeps its table and seat,
so it is still taken off the table, but no longer the name printed on it."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub import jobs
from eventhub.extensions import db
from eventhub.privacy.readable import Reading
from eventhub.privacy.signals import person_data, person_erase, person_reading
from eventhub.scheduling.models import Activity
from eventhub.seating import cards
from eventhub.seating.models import SeatAssignment, SeatingPlan, SeatingTable, WithdrawnCard


def _places(event, participant_id: int) -> list[SeatAssignment]:
    return list(
        db.session.scalars(
            sa.select(SeatAssignment)
            .join(SeatingPlan, SeatingPlan.id == SeatAssignment.plan_id)
            .join(Activity, Activity.id == SeatingPlan.activity_id)
            .where(
                SeatAssignment.participant_id == participant_id,
                SeatingPlan.event_id == event.id,
            )
            .order_by(Activity.starts_at, Activity.id)
        )
    )


@person_data.connect
def seating_export(event, *, participant_id: int, **kwargs):
    places = _places(event, participant_id)
    if not places:
        return None
    plans = {
        p.id: p
        for p in db.session.scalars(
            sa.select(SeatingPlan).where(SeatingPlan.id.in_({place.plan_id for place in places}))
        )
    }
    numbers = dict(
        db.session.execute(
            sa.select(SeatingTable.id, SeatingTable.number).where(
                SeatingTable.id.in_({place.table_id for place in places})
            )
        ).all()
    )
    return (
        "seating",
        {
            "places": [
                {
                    "activity": plans[place.plan_id].activity.title_en,
                    "table": numbers.get(place.table_id),
                    "seat": place.seat,
                    "behind": place.behind,
                    "by_hand": place.by_hand,
                    "changed_at": place.changed_at.isoformat() if place.changed_at else None,
                }
                for place in places
            ]
        },
    )


@person_erase.connect
def seating_erase(event, *, participant_id: int, **kwargs) -> dict[str, int]:
    """Their seats go now (not only when the re-flow job runs): a card or a plan printed in
    between never names them; plans naming them host or guest of honour forget it."""
    from eventhub.seating import tasks  # noqa: PLC0415 -- tasks imports the planner's modules

    places = _places(event, participant_id)
    touched = {place.plan_id for place in places}
    for place in places:
        cards.withdraw(place)  # a printed card still stands on the table: to collect
        db.session.delete(place)
    db.session.flush()
    withdrawn = list(
        db.session.scalars(
            sa.select(WithdrawnCard).where(
                WithdrawnCard.participant_id == participant_id,
                WithdrawnCard.plan_id.in_(
                    sa.select(SeatingPlan.id).where(SeatingPlan.event_id == event.id)
                ),
            )
        )
    )
    for card in withdrawn:
        card.name = ""
    for plan in db.session.scalars(
        sa.select(SeatingPlan).where(
            SeatingPlan.event_id == event.id,
            sa.or_(
                SeatingPlan.host_id == participant_id,
                SeatingPlan.guest_of_honour_id == participant_id,
            ),
        )
    ):
        if plan.host_id == participant_id:
            plan.host_id = None
        if plan.guest_of_honour_id == participant_id:
            plan.guest_of_honour_id = None
        touched.add(plan.id)
    for plan in db.session.scalars(sa.select(SeatingPlan).where(SeatingPlan.id.in_(touched))):
        plan.version += 1
        jobs.later(tasks.reflow_plan, plan.id)
    db.session.flush()
    counts = {"seats": len(places), "withdrawn_cards": len(withdrawn)}
    return {what: n for what, n in counts.items() if n}


SEATING = Reading(
    title=_l("Seats at banquets and ceremonies"),
    order=65,
    labels={
        "places": _l("Places in seating plans"),
        "activity": _l("Activity"),
        "table": _l("Table"),
        "seat": _l("Seat"),
        "behind": _l("On a chair behind their principal"),
        "by_hand": _l("Placed by hand"),
        "changed_at": _l("Place last changed"),
    },
)


@person_reading.connect
def seating_reading(event, **kwargs):
    return ("seating", SEATING)
