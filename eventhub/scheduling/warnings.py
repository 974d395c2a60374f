"""What the modules above the scheduler say about activities (interpretation: a delegation
with no channel in its language), asked through `activity_warnings`, by activity id.

The activity form shows them in a "Before publishing" box; a save that publishes an activity
with warnings is held back until the organiser ticks "Publish despite the warnings above"
(the form kept as typed). The timetable and the grid mark the activities that have any."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from eventhub.scheduling.models import Activity, ActivityState
from eventhub.scheduling.signals import activity_warnings


@dataclass(frozen=True)
class Warning:  # noqa: A001 -- the word the pages use; the builtin is not needed here
    """A receiver's message about an activity, and where it is put right (None: nowhere)."""

    message: object
    url: str | None = None

    def __str__(self) -> str:
        return str(self.message)


def warnings_of(activities: list[Activity]) -> dict[int, list[Warning]]:
    """Every receiver's warnings for `activities`, by activity id."""
    found: dict[int, list[Warning]] = defaultdict(list)
    if not activities:
        return found
    for _receiver, triples in activity_warnings.send(activities):
        for activity, message, url in triples or ():
            found[activity.id].append(Warning(message, url))
    return found


def publishing(activity: Activity | None, new_state: str | None) -> bool:
    """Whether a save publishes an activity that was not published."""
    return (
        activity is not None
        and new_state == ActivityState.PUBLISHED.value
        and activity.state != ActivityState.PUBLISHED
    )
