"""The arrivals dashboard shows the day's pick-ups: expected, landed, picked up, and who
has landed and still waits."""

from __future__ import annotations

from datetime import timedelta

from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.transport.models import Trip

from .rides import local, trip, vehicle


def test_the_dashboard_counts_pickups_and_names_who_still_waits(app, client, as_role, event, make):
    as_role("organiser")
    met = make.participant(event, family_name="MET")
    waiting = make.participant(event, family_name="WAITING", native_name="รอ")
    later = make.participant(event, family_name="LATER")
    landed = trip(app, event, passengers=[met, waiting], vehicle_id=vehicle(app, event).id)
    trip(app, event, passengers=[later], flight="FD432", departs_at=local(24, 16))
    with app.app_context():
        row = db.session.get(Trip, landed.id)
        row.landed_at = utcnow() - timedelta(minutes=50)
        next(p for p in row.passengers if p.participant_id == met.id).picked_up_at = utcnow()
        db.session.commit()

    for path in ("arrivals", "arrivals/figures"):  # the page and its live refresh
        html = client.get(
            f"/events/{event.slug}/checkin/{path}", query_string={"day": "2025-07-24"}
        ).get_data(as_text=True)
        assert "Airport pick-ups" in html
        assert 'id="pickups-expected">3<' in html
        assert 'id="pickups-landed">2<' in html
        assert 'id="pickups-done">1<' in html
        assert "Somphone WAITING" in html and "50 minutes" in html
        assert "Somphone MET" not in html.split("pickups-waiting")[1]


def test_a_day_without_pickups_shows_no_panel(client, as_role, event):
    as_role("organiser")
    html = client.get(f"/events/{event.slug}/checkin/arrivals").get_data(as_text=True)
    assert "Airport pick-ups" not in html


def test_the_live_stream_hears_of_a_landing(app, event):
    from eventhub.checkin import live

    made = trip(app, event)
    with app.app_context():
        before = live.version(event.id)
        db.session.get(Trip, made.id).landed_at = utcnow()
        db.session.commit()
        assert live.version(event.id) != before


def test_the_main_arrival_day_before_the_opening_has_a_tab_with_its_pickups(
    app, client, as_role, event, make
):
    """Most guests land the day before the first day (Jul 23): that day can be chosen on
    the dashboard and shows its pick-ups, though nobody has been scanned yet."""
    as_role("organiser")
    early = make.participant(event, family_name="EARLY", arrival_at=local(23, 16, 10))
    trip(app, event, passengers=[early], departs_at=local(23, 16, 40), flight="QV920")
    html = client.get(f"/events/{event.slug}/checkin/arrivals").get_data(as_text=True)
    assert "day=2025-07-23" in html
    for path in ("arrivals", "arrivals/figures"):
        html = client.get(
            f"/events/{event.slug}/checkin/{path}", query_string={"day": "2025-07-23"}
        ).get_data(as_text=True)
        assert 'aria-current="page" href="/events/' + event.slug in html
        assert "Airport pick-ups" in html and 'id="pickups-expected">1<' in html
