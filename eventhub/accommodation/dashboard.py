"""The hotels' part of the arrivals dashboard: per hotel, the guests due that day (their first
night), how many are checked in, and who is not in yet."""

from __future__ import annotations

from eventhub.accommodation import desk
from eventhub.registration.signals import arrival_panels
from eventhub.web import Panel


@arrival_panels.connect
def hotel_check_ins(event, *, day, **kwargs) -> Panel | None:
    """None when no guest is due at any hotel that day."""
    hotels = desk.counts(event, day)
    if not hotels:
        return None
    return Panel.rendered(
        "accommodation/_dashboard_panel.html",
        order=30,
        event=event,
        day=day,
        hotels=[
            (hotel, rows, [row for row in rows if not row.checked_in]) for hotel, rows in hotels
        ],
    )
