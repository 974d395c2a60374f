"""What the modules above the scheduler say about activities (interpretation: a delegation
with no channel in its language), asked through `activity_warnings`, by activity id.

The activity form shows them in a "Before publishing" box; a save that publishes an activity
with warnings is held back until the organiser ticks "Publish despite the warnings above"
(the form kept as typed). The timetable and the grid mark the activities that have any."""

from __future__ import annotations

from collections import defaultdict

from eventhub.scheduling.models import Activity, ActivityState
from eventhub.scheduling.signals import activity_warnings


def warnings_of(activities: list[Activity]) -> dict[int, list]:
    """Every receiver's messages for `activities`, by activity id."""
    found: dict[int, list] = defaultdict(list)
    if not activities:
        return found
    for _receiver, pairs in activity_warnings.send(activities):
        for activity, message in pairs or ():
            found[activity.id].append(message)
    return found


def publishing(activity: Activity | None, new_state: str | None) -> bool:
    """Whether a save publishes an activity that was not published."""
    return (
        activity is not None
        and new_state == ActivityState.PUBLISHED.value
        and activity.state != ActivityState.PUBLISHED
    )
