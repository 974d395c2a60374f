"""A shuttle series between hotels and venues, made all or nothing."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.transport.models import Trip, TripKind

from .rides import local, trip, vehicle


def _shuttles(app) -> list[Trip]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(Trip).where(Trip.kind == TripKind.SHUTTLE).order_by(Trip.departs_at)
            )
        )


def _post(client, event, **data):
    values = {
        "origin": "Guiyang Lakeside Hotel",
        "destination": "Eco-Conference Center",
        "days": ["2025-07-24", "2025-07-25"],
        "first": "07:30",
        "last": "09:00",
        "every": "30",
        "minutes": "20",
        "vehicle": "",
    } | data
    return client.post(
        f"/events/{event.slug}/transport/shuttles/new", data=values, follow_redirects=True
    )


def test_a_series_leaves_every_n_minutes_on_each_day_chosen(app, client, as_role, event):
    as_role("organiser")
    bus = vehicle(app, event, label="Coach 1", seats=45)
    html = _post(client, event, vehicle=bus.id).get_data(as_text=True)
    assert "8 shuttle departures created." in html
    made = _shuttles(app)
    assert [t.departs_at.replace(tzinfo=None) for t in made[:4]] == [
        local(24, h, m).replace(tzinfo=None) for h, m in ((7, 30), (8, 0), (8, 30), (9, 0))
    ]
    assert {t.vehicle_id for t in made} == {bus.id} and not any(t.planned for t in made)
    assert "Eco-Conference Center" in html and "07:30" in html  # the board of the first day


def test_one_departure_the_vehicle_cannot_make_refuses_the_whole_series(
    app, client, as_role, event
):
    as_role("organiser")
    bus = vehicle(app, event, label="Coach 1", seats=45)
    trip(app, event, vehicle_id=bus.id, departs_at=local(25, 8, 40), flight="MU5555")
    html = _post(client, event, vehicle=bus.id).get_data(as_text=True)
    assert "Coach 1 is already on a trip from 08:40" in html
    assert _shuttles(app) == []
    assert 'value="Guiyang Lakeside Hotel"' in html  # what was typed stays


def test_a_series_with_no_day_or_the_same_ends_is_refused(app, client, as_role, event):
    as_role("organiser")
    assert "This field is required." in _post(client, event, days=[]).get_data(as_text=True)
    html = _post(client, event, destination="Guiyang Lakeside Hotel").get_data(as_text=True)
    assert "The shuttle must go somewhere else." in html
    html = _post(client, event, first="10:00", last="09:00").get_data(as_text=True)
    assert "The last departure is before the first." in html
    assert _shuttles(app) == []


def test_the_day_boxes_post_their_day_as_a_browser_sends_them(app, client, as_role, event):
    """Each day's box has its own value and id (its label points at it): ticking two of them
    and posting what the page holds makes the series."""
    import re

    as_role("organiser")
    page = client.get(f"/events/{event.slug}/transport/shuttles/new").get_data(as_text=True)
    boxes = re.findall(r'<input[^>]*name="days"[^>]*>', page)
    values = [re.search(r'value="([^"]*)"', b).group(1) for b in boxes]
    ids = [re.search(r'id="([^"]*)"', b).group(1) for b in boxes]
    assert len(values) >= 2 and "" not in values
    assert len(set(ids)) == len(ids) and all(f'for="{i}"' in page for i in ids)
    html = _post(client, event, days=values[:2]).get_data(as_text=True)
    assert "is not a valid choice" not in html
    assert "8 shuttle departures created." in html
