"""The arrivals dashboard day by day: each day tab counts that day's arrivals, its chart
counts everyone who came that day, the latest scans say when they were made at the gate,
and a refusal after closing time names the day it closed."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime

from babel import Locale
from babel.dates import format_date

from eventhub.checkin import attendance, recording, rules
from eventhub.checkin.models import Checkpoint
from eventhub.extensions import db

from .conftest import _code

DAY1 = datetime(2025, 7, 24, 0, 5, tzinfo=UTC)  # 08:05 in Guiyang, the first day
DAY2 = datetime(2025, 7, 25, 1, 10, tzinfo=UTC)  # 09:10 in Guiyang, the second day


def _scan(app, event, checkpoint_id, code, when, *, now=None):
    with app.app_context():
        stored = db.session.merge(event)
        answer = recording.record_scan(
            rules.Gate.of(stored, db.session.get(Checkpoint, checkpoint_id)),
            code,
            uuid.uuid4().hex,
            scanned_at=when,
            device="Gate A",
            now=now or when,
        )
        db.session.commit()
        return answer


def _arrived(client, event, day: str) -> str:
    page = client.get(f"/events/{event.slug}/checkin/arrivals?day={day}").get_data(as_text=True)
    return re.search(r'id="arrived-count">([^<]*)<', page).group(1)


def test_each_day_tab_counts_that_days_arrivals(client, as_role, app, event, make, gate):
    first = make.participant(event, family_name="FIRST", given_name="A", name_order="family")
    second = make.participant(event, family_name="SECOND", given_name="B", name_order="family")
    third = make.participant(event, family_name="THIRD", given_name="C", name_order="family")
    _scan(app, event, gate, _code(app, first.id), DAY1)
    for person in (first, second, third):  # all three on the second day, one of them again
        _scan(app, event, gate, _code(app, person.id), DAY2)
    as_role("organiser")
    assert _arrived(client, event, "2025-07-24") == "1"
    assert _arrived(client, event, "2025-07-25") == "3"
    assert _arrived(client, event, "2025-07-26") == "0"


def test_the_chart_counts_a_second_days_arrivals(client, as_role, app, event, make, gate):
    person = make.participant(event, family_name="RETURNING", given_name="A", name_order="family")
    _scan(app, event, gate, _code(app, person.id), DAY1)
    _scan(app, event, gate, _code(app, person.id), DAY2)  # back the next morning
    with app.app_context():
        stored = db.session.merge(event)
        second = attendance.arrivals(stored, DAY2.date())
        assert second.buckets == [("09:00", 1)]
        assert attendance.arrivals(stored, DAY1.date()).buckets == [("08:00", 1)]
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/checkin/arrivals?day=2025-07-25")
    assert 'title="09:00: 1"' in page.get_data(as_text=True)


def test_latest_scans_show_when_scanned_not_when_uploaded(client, as_role, app, event, make, gate):
    person = make.participant(event, family_name="OFFLINE", given_name="A", name_order="family")
    # Scanned offline at 08:05, uploaded at 10:40 when the network came back.
    uploaded = datetime(2025, 7, 24, 2, 40, tzinfo=UTC)
    _scan(app, event, gate, _code(app, person.id), DAY1, now=uploaded)
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/checkin/arrivals?day=2025-07-24")
    recent = re.search(
        r'<table class="table table-sm" id="recent-scans">.*?</table>', page.text, re.S
    )
    # The time of day the one way (tests/test_time_formats.py), without seconds.
    assert "08:05</td>" in recent.group(0) and "10:40" not in recent.group(0)
    assert "Jul 24, 2025" in recent.group(0)  # not today: the date is said
    # The scanner's own list of recent scans too.
    answer = client.post(
        f"/events/{event.slug}/checkin/main-entrance/scan", json={"code": "nonsense"}
    ).get_json()
    times = {row["name"]: row["time"] for row in answer["recent"]}
    assert times["OFFLINE A"].startswith("2025-07-24T00:05")


def test_closed_at_names_the_day_when_not_today(app, event, make):
    door = make.checkpoint(
        event,
        slug="banquet",
        name_en="Banquet",
        opens_at=datetime(2025, 7, 24, 10, 0, tzinfo=UTC),
        closes_at=datetime(2025, 7, 24, 14, 0, tzinfo=UTC),  # 22:00 in Guiyang
    ).id
    person = make.participant(event, family_name="LATE", given_name="A", name_order="family")
    code = _code(app, person.id)
    next_morning = _scan(app, event, door, code, DAY2)
    closed = _day_and_time(date(2025, 7, 24), "22:00")
    assert next_morning.text == f"Outside the time window: closed at {closed}."
    that_night = _scan(app, event, door, code, datetime(2025, 7, 24, 15, 0, tzinfo=UTC))
    assert that_night.text == "Outside the time window: closed at 22:00."


def test_the_approved_guests_arrival_days_have_tabs(client, as_role, app, event, make):
    """The days guests arrive (by time or by date only) can be chosen before any scan;
    a withdrawn guest's day does not make one."""
    from datetime import date

    from eventhub.registration.models import Status

    make.participant(event, arrival_at=datetime(2025, 7, 23, 8, 10, tzinfo=UTC))  # 16:10 local
    make.participant(event, arrival_date=date(2025, 7, 21))
    make.participant(event, arrival_date=date(2025, 7, 20), status=Status.WITHDRAWN)
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/checkin/arrivals").get_data(as_text=True)
    assert "day=2025-07-23" in page and "day=2025-07-21" in page
    assert "day=2025-07-20" not in page
    chosen = client.get(f"/events/{event.slug}/checkin/arrivals?day=2025-07-21").get_data(
        as_text=True
    )
    assert re.search(r'active" aria-current="page" href="[^"]*day=2025-07-21"', chosen)


def _day_and_time(day: date, clock: str) -> str:
    """A day and a time as English joins them (CLDR's medium date-time pattern)."""
    joined = str(Locale.parse("en").datetime_formats["medium"])
    return joined.replace("{1}", format_date(day, "medium", locale="en")).replace("{0}", clock)
