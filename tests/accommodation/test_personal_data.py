"""What rooming holds about a person: in their export; gone (their room left, wishes
dropped) on erasure, while a shared room stays for the other guest."""

from __future__ import annotations

from datetime import date

from eventhub.accommodation import assigning
from eventhub.accommodation.models import RoomClass, RoomingPreference, RoomType
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.privacy.persons import erase_person, export_person
from eventhub.registration.models import Participant

from .test_solver import build_hotel, guest, prefer

TWIN = [("Twin", RoomClass.STANDARD, 2, False, 3, 400)]


def test_export_shows_room_nights_and_wishes_and_erasure_leaves_the_room(app, make, event):
    ids = build_hotel(app, event, kinds=TWIN)
    one, two = guest(make, event), guest(make, event)
    prefer(app, one, accessible=True, share_with_id=two.id, note="ground floor")
    prefer(app, two, share_with_id=one.id)
    with app.app_context(), app.test_request_context():
        change = assigning.place(
            db.session.get(Participant, one.id), db.session.get(RoomType, ids["Twin"])
        )
        assigning.place(db.session.get(Participant, two.id), room=change.room)
        db.session.commit()
        the_event = db.session.get(Event, event.id)
        export = export_person(the_event, one.id)["sections"]["rooming"]
        assert export == {
            "hotel": "Sheraton",
            "room_type": "Twin",
            "first_night": "2025-07-23",
            "last_night": "2025-07-26",
            "number": "",
            "shared": True,
            "accessible": True,
            "hotel_wished": None,
            "shares_with": True,
            "note": "ground floor",
        }
        erase_person(the_event, one.id)
        db.session.commit()
        assert assigning.room_of(one.id) is None
        assert [g.participant_id for g in assigning.room_of(two.id).guests] == [two.id]
        assert db.session.get(RoomingPreference, one.id) is None
        assert db.session.get(RoomingPreference, two.id).share_with_id is None
        assert "rooming" not in export_person(the_event, one.id)["sections"]
        assert date(2025, 7, 23) == assigning.room_of(two.id).first_night
