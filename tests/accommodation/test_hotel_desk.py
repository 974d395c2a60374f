"""The hotel desk: the guests due at a hotel on a day, checked in with one button (and undone),
the room number the hotel gives typed in; the arrivals dashboard's hotel panel."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.accommodation.models import HotelRoom, RoomGuest
from eventhub.extensions import db
from eventhub.registration.signals import arrival_panels
from eventhub.web import panels

from .rooming_data import NIGHTS, rooming_week


def _desk(client, event, week, day="2025-07-24"):
    return client.get(
        f"/events/{event.slug}/hotel-desk/", query_string={"hotel": week.hotel_id, "day": day}
    )


def test_the_desk_lists_the_guests_due_that_day(app, client, make, event, as_role):
    week = rooming_week(app, make, event)
    as_role("staff")
    page = _desk(client, event, week).get_data(as_text=True)
    assert "HUN MANET" in page and "ហ៊ុន ម៉ាណែត" in page and "KR 945" in page
    assert "PHOMMACHAN BOUNTHAVY" in page
    assert "KYI" not in page  # due the next day
    assert "0 of 3 guests due" in page
    assert "KYI" in _desk(client, event, week, "2025-07-25").get_data(as_text=True)


def test_checking_a_guest_in_and_undoing_it(app, client, make, event, as_role):
    week = rooming_week(app, make, event)
    as_role("staff")
    form = {"guest": week.minister.id, "hotel": week.hotel_id, "day": "2025-07-24"}
    done = client.post(f"/events/{event.slug}/hotel-desk/check-in", data=form)
    assert done.status_code == 302 and done.headers["Location"].endswith(
        f"#guest-{week.minister.id}"
    )
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "HUN MANET checked in at the hotel." in page and "1 of 3 guests due" in page
    assert "Undo hotel check-in" in page
    client.post(f"/events/{event.slug}/hotel-desk/check-in", data={**form, "undo": "1"})
    with app.app_context():
        guest = db.session.get(RoomGuest, week.minister.id)
        assert guest.checked_in_at is None
    assert "0 of 3 guests due" in _desk(client, event, week).get_data(as_text=True)


def test_the_room_number_is_saved_or_refused_keeping_what_was_typed(
    app, client, make, event, as_role
):
    week = rooming_week(app, make, event)
    as_role("organiser")
    url = f"/events/{event.slug}/hotel-desk/room-number"
    form = {"room": week.rooms.lao, "hotel": week.hotel_id, "day": "2025-07-24"}
    client.post(url, data={**form, "number": " 1208 "})
    with app.app_context():
        assert db.session.get(HotelRoom, week.rooms.lao).number == "1208"
    long = "Tower B, floor 12, room 1208"
    refused = client.post(url, data={**form, "number": long})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "A room number has at most 20 characters." in text and f'value="{long}"' in text
    with app.app_context():
        assert db.session.get(HotelRoom, week.rooms.lao).number == "1208"


def test_another_events_guest_is_not_checked_in_here(app, client, make, event, as_role):
    week = rooming_week(app, make, event)
    other = make.event()
    as_role("staff")
    response = client.post(
        f"/events/{other.slug}/hotel-desk/check-in", data={"guest": week.minister.id}
    )
    assert response.status_code == 403  # no role there
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(RoomGuest.checked_in_at).where(
                    RoomGuest.participant_id == week.minister.id
                )
            )
            is None
        )


def test_delegates_have_no_hotel_desk(app, client, make, event, as_role):
    week = rooming_week(app, make, event)
    as_role("delegate")
    assert _desk(client, event, week).status_code == 403


def test_the_arrivals_dashboard_shows_each_hotels_check_ins(app, make, event):
    week = rooming_week(app, make, event)
    with app.app_context():
        db.session.get(RoomGuest, week.lao_a.id).checked_in_at = sa.func.now()
        db.session.commit()
    with app.test_request_context():
        from eventhub.events.models import Event

        html = "".join(panels(arrival_panels, db.session.get(Event, event.id), day=NIGHTS[0]))
    assert "Guiyang Grand Hotel" in html
    assert "1 / 3" in html  # checked in / due
    assert "HUN MANET" in html and "PHOMMACHAN BOUNTHAVY" in html  # not yet in
    assert "KEOMANY SOMPHONE" not in html


def test_an_erased_guest_is_never_named_at_the_desk_or_on_the_dashboard(
    app, client, make, event, as_role
):
    week = rooming_week(app, make, event)
    with app.app_context():
        from eventhub.db import utcnow
        from eventhub.registration.models import Participant

        db.session.get(Participant, week.minister.id).erased_at = utcnow()
        db.session.commit()
    with app.test_request_context():
        from eventhub.events.models import Event

        html = "".join(panels(arrival_panels, db.session.get(Event, event.id), day=NIGHTS[0]))
    as_role("staff")
    page = _desk(client, event, week).get_data(as_text=True)
    for text in (html, page):
        assert "HUN MANET" not in text and "ហ៊ុន" not in text
        assert "erased" in text
