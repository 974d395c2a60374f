"""What changed since the list last sent to the hotel: rooms added, cancelled, changed,
flagged after the cut-off; a list sent keeps ids only, and an erased guest's name never shows."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from eventhub.accommodation.changes import changes_since, last_sent, record_sent
from eventhub.accommodation.models import Hotel, HotelRoom, RoomGuest, RoomingListSent
from eventhub.accommodation.rooming_lists import lines_of
from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.registration.models import Participant

from .rooming_data import NIGHTS, book, rooming_week

TODAY = date(2025, 7, 20)


def _send(hotel, night=None):
    return record_sent(hotel, lines_of(hotel, night), None, night=night)


def test_nothing_sent_yet_every_room_is_new(app, make, event):
    week = rooming_week(app, make, event)
    with app.app_context():
        hotel = db.session.get(Hotel, week.hotel_id)
        found = changes_since(None, lines_of(hotel), TODAY)
        assert {c.kind for c in found} == {"added"} and len(found) == 3


def test_added_cancelled_and_changed_rooms_since_the_list_sent(app, make, event):
    week = rooming_week(app, make, event)
    with app.app_context():
        hotel = db.session.get(Hotel, week.hotel_id)
        _send(hotel)
        minister_room = db.session.get(HotelRoom, week.rooms.minister)
        minister_room.first_night = NIGHTS[1]  # his flight moved a day later
        db.session.delete(db.session.get(HotelRoom, week.rooms.burmese))
        lao_room = db.session.get(HotelRoom, week.rooms.lao)
        lao_room.guests = [g for g in lao_room.guests if g.participant_id == week.lao_a.id]
        db.session.flush()
        added = book(week.twin_id, NIGHTS[2], NIGHTS[2], week.lao_b, event_id=event.id)
        found = {c.room_id: c for c in changes_since(last_sent(hotel), lines_of(hotel), TODAY)}
        assert found[week.rooms.minister].kind == "changed"
        assert found[week.rooms.minister].fields == ["nights"]
        assert found[week.rooms.lao].fields == ["guests"]
        assert found[week.rooms.burmese].kind == "cancelled"
        assert found[added].kind == "added"
        assert not any(c.after_cut_off for c in found.values())


def test_a_change_on_a_night_past_its_cut_off_is_flagged(app, make, event):
    week = rooming_week(app, make, event, cut_off=date(2025, 7, 10))
    with app.app_context():
        hotel = db.session.get(Hotel, week.hotel_id)
        _send(hotel)
        db.session.get(HotelRoom, week.rooms.minister).last_night = NIGHTS[1]
        db.session.flush()
        (change,) = changes_since(last_sent(hotel), lines_of(hotel), TODAY)
        assert change.after_cut_off
        assert change.late_nights == [NIGHTS[2]]  # the night given back, not the others


def test_a_list_sent_keeps_ids_only_and_an_erased_guest_stays_unnamed(app, make, event):
    week = rooming_week(app, make, event)
    with app.app_context():
        hotel = db.session.get(Hotel, week.hotel_id)
        _send(hotel)
        sent = db.session.scalar(sa.select(RoomingListSent))
        text = repr(sent.lines)
        assert "HUN" not in text and "MANET" not in text and "Manet" not in text
        db.session.get(Participant, week.burmese.id).erased_at = utcnow()
        db.session.execute(sa.delete(RoomGuest).where(RoomGuest.participant_id == week.burmese.id))
        db.session.flush()
        (change,) = changes_since(last_sent(hotel), lines_of(hotel), TODAY)
        assert change.kind == "changed" and change.fields == ["guests"]
        assert change.before["guests"] == [week.burmese.id]


def test_a_night_compares_with_the_last_list_covering_that_night(app, make, event):
    week = rooming_week(app, make, event)
    with app.app_context():
        hotel = db.session.get(Hotel, week.hotel_id)
        first = _send(hotel, NIGHTS[0])
        _send(hotel, date(2025, 7, 30))  # a list of a night nobody sleeps: covers nothing
        assert last_sent(hotel, NIGHTS[0]).id == first.id
        assert changes_since(last_sent(hotel, NIGHTS[0]), lines_of(hotel), TODAY, NIGHTS[0]) == []


def test_all_nights_compare_with_the_last_all_nights_list_not_a_one_night_one(app, make, event):
    week = rooming_week(app, make, event)
    with app.app_context():
        hotel = db.session.get(Hotel, week.hotel_id)
        everything = _send(hotel)
        one_night = _send(hotel, NIGHTS[2])  # later, and holding fewer rooms
        assert last_sent(hotel).id == everything.id
        assert changes_since(last_sent(hotel), lines_of(hotel), TODAY) == []
        # A night's view is compared with the latest list covering it: that night's own.
        assert last_sent(hotel, NIGHTS[2]).id == one_night.id
        assert last_sent(hotel, NIGHTS[0]).id == everything.id


def test_the_list_page_says_which_list_it_compares_with(app, make, event, client, as_role):
    week = rooming_week(app, make, event)
    with app.app_context():
        hotel = db.session.get(Hotel, week.hotel_id)
        _send(hotel)
        _send(hotel, NIGHTS[2])
        db.session.commit()
    as_role("organiser")
    base = f"/events/{event.slug}/rooming-lists/"
    page = client.get(f"{base}?hotel={week.hotel_id}").get_data(as_text=True)
    assert "(all nights) sent by" in page
    page = client.get(f"{base}?hotel={week.hotel_id}&night={NIGHTS[2]}").get_data(as_text=True)
    page = re.sub(r"\s+", " ", page)
    assert re.search(r"\(night of [^)]*26[^)]*\) sent by", page)
