"""The current moment for dates that decide what is kept: retention of personal data.

A test (or a rehearsal of the clean-up) moves it with the app's CLOCK_SHIFT (a timedelta),
so a journey can pass a retention date without waiting months. Nothing reads it from the
environment: a deployment always runs on the real time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import current_app, has_app_context


def now() -> datetime:
    """The current moment, aware UTC, moved by CLOCK_SHIFT when one is set."""
    moment = datetime.now(UTC)
    if has_app_context():
        shift = current_app.config.get("CLOCK_SHIFT")
        if isinstance(shift, timedelta):
            moment += shift
    return moment


def today_in(zone) -> date:
    """Today's date in `zone` (a ZoneInfo): an event's day, not the server's."""
    return now().astimezone(zone).date()
