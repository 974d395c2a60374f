"""A guest's travel or status changed (any path), or rooming moved them to another hotel:
their rides are re-planned in a job."""

from __future__ import annotations

from eventhub import jobs
from eventhub.accommodation.signals import stay_changed
from eventhub.registration.signals import travel_changed
from eventhub.transport import tasks

# What pick-ups and drop-offs depend on (delegation_id only groups: no re-plan for it).
RIDES = {
    "arrival_date",
    "arrival_at",
    "arrival_flight",
    "arrival_point",
    "departure_date",
    "departure_at",
    "departure_flight",
    "departure_point",
    "hotel",
    "status",
    "protocol_rank",
    "erased_at",
}


@travel_changed.connect
def replan_on_change(participant, *, fields, **kwargs) -> None:
    if set(fields) & RIDES:
        jobs.later(tasks.replan_travel, participant.id)


@stay_changed.connect
def replan_on_stay(event, *, participant_ids, **kwargs) -> None:
    for participant_id in participant_ids:
        jobs.later(tasks.replan_travel, participant_id)
