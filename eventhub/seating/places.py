"""Where a guest sits, for the modules below that cannot ask seating: the agenda and the badge
back send scheduling's `places_of` signal and print what this receiver answers."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.extensions import db
from eventhub.scheduling.models import Activity, ActivityState
from eventhub.scheduling.signals import places_of
from eventhub.seating.models import SeatAssignment, SeatingPlan, SeatingTable


def place_text(table: int, seat: int, *, behind: bool = False):
    """'Table 7 · seat 3' (a lazy text, read in the reader's language)."""
    if behind:
        return _l("Table %(table)s · behind seat %(seat)s", table=table, seat=seat)
    return _l("Table %(table)s · seat %(seat)s", table=table, seat=seat)


@places_of.connect
def seated_places(event, participant_ids=(), **kwargs) -> list[tuple[int, Activity, object]]:
    """(participant id, activity, place) for each of these people seated in a plan of the
    event's activities; draft plans, draft and cancelled activities left out."""
    ids = list(participant_ids or ())
    if not ids:
        return []
    found = []
    for start in range(0, len(ids), 900):  # SQLite's bound on a query's parameters
        found += _seated(event, ids[start : start + 900])
    return found


def _seated(event, ids: list[int]) -> list[tuple[int, Activity, object]]:
    rows = db.session.execute(
        sa.select(SeatAssignment.participant_id, Activity, SeatingTable.number, SeatAssignment)
        .join(SeatingPlan, SeatingPlan.id == SeatAssignment.plan_id)
        .join(SeatingTable, SeatingTable.id == SeatAssignment.table_id)
        .join(Activity, Activity.id == SeatingPlan.activity_id)
        .where(
            SeatingPlan.event_id == event.id,
            SeatAssignment.participant_id.in_(ids),
            Activity.state == ActivityState.PUBLISHED,
            SeatingPlan.published_at.is_not(None),  # a draft is the organisers' only
        )
        .order_by(Activity.starts_at, Activity.id)
    )
    return [
        (pid, activity, place_text(number, place.seat, behind=place.behind))
        for pid, activity, number, place in rows
    ]
