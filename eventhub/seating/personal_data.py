"""Seating's answer on erasure (privacy.signals): a withdrawn card keeps its table and seat,
so it is still taken off the table, but no longer the name printed on it."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.privacy.signals import person_erase
from eventhub.seating.models import SeatingPlan, WithdrawnCard


@person_erase.connect
def seating_erase(event, *, participant_id: int, **kwargs) -> dict[str, int]:
    plans = sa.select(SeatingPlan.id).where(SeatingPlan.event_id == event.id)
    cards = list(
        db.session.scalars(
            sa.select(WithdrawnCard).where(
                WithdrawnCard.participant_id == participant_id, WithdrawnCard.plan_id.in_(plans)
            )
        )
    )
    for card in cards:
        card.name = ""
    return {"withdrawn_cards": len(cards)} if cards else {}
