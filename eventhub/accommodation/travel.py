"""A guest's room follows their travel: registration tells when arrival, departure, status,
rank or erasure changed; the room is adjusted by a job after the commit."""

from __future__ import annotations

from eventhub import jobs
from eventhub.registration.signals import travel_changed

# What the room depends on: its nights, whether the guest still comes.
FOLLOWED = {"status", "erased_at", "protocol_rank"}


@travel_changed.connect
def room_follows(participant, *, fields: set[str], **kwargs) -> None:
    if fields & FOLLOWED or any(f.startswith(("arrival_", "departure_")) for f in fields):
        from eventhub.accommodation import tasks  # noqa: PLC0415 -- tasks import the solver

        jobs.later(tasks.follow_travel, participant.id)
