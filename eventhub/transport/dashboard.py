"""Transport's figures on the arrivals dashboard: the day's guests to pick up, landed,
picked up, and who has landed and still waits, for how long."""

from __future__ import annotations

from eventhub.registration.signals import arrival_panels
from eventhub.transport import desk, trips
from eventhub.web import Panel


@arrival_panels.connect
def pickup_figures(event, *, day, **kwargs) -> Panel | None:
    figures = desk.arrival_figures(event, day)
    if not figures.expected:
        return None
    return Panel.rendered(
        "transport/_panel_arrivals.html",
        order=10,
        event=event,
        day=day,
        figures=figures,
        max_wait=trips.settings_of(event).max_wait_minutes,
    )
