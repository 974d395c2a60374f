"""Rooms by hand: what the organiser can do, what is refused (with night and type named),
what is flagged after the cut-off."""

from __future__ import annotations

from datetime import date

import pytest

from eventhub.accommodation import assigning
from eventhub.accommodation.models import HotelRoom, RoomClass, RoomGuest, RoomType
from eventhub.audit.models import AuditEntry
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.registration.models import Participant

from .test_solver import build_hotel, guest

TWIN = [("Twin", RoomClass.STANDARD, 2, False, 1, 400)]


def _do(app, action, *args, **kwargs):
    with app.app_context(), app.test_request_context():
        result = action(*args, **kwargs)
        db.session.commit()
        return result


def _p(pid):
    return db.session.get(Participant, pid)


def test_place_in_a_type_then_share_the_free_bed(app, make, event):
    ids = build_hotel(app, event, kinds=TWIN)
    one = guest(make, event, leave=date(2025, 7, 25))
    two = guest(make, event, arrive=date(2025, 7, 24), leave=date(2025, 7, 27))
    third = guest(make, event)
    with app.app_context(), app.test_request_context():
        change = assigning.place(_p(one.id), db.session.get(RoomType, ids["Twin"]))
        room_id = change.room.id
        assert change.room.proposed is False and change.warnings == []
        shared = assigning.place(_p(two.id), room=db.session.get(HotelRoom, room_id))
        db.session.commit()
        assert [g.participant_id for g in shared.room.guests] == [one.id, two.id]
        # The room covers both stays.
        assert (shared.room.first_night, shared.room.last_night) == (
            date(2025, 7, 23),
            date(2025, 7, 26),
        )
        with pytest.raises(DomainError, match="This room has no free bed."):
            assigning.place(_p(third.id), room=db.session.get(HotelRoom, room_id))


def test_over_contract_is_refused_naming_night_and_type(app, make, event):
    ids = build_hotel(app, event, kinds=TWIN)
    one, two = guest(make, event), guest(make, event, arrive=date(2025, 7, 25))
    with app.app_context(), app.test_request_context():
        assigning.place(_p(one.id), db.session.get(RoomType, ids["Twin"]))
        db.session.commit()  # as the view does: transport hears of the new room then
        with pytest.raises(DomainError) as refused:
            assigning.place(_p(two.id), db.session.get(RoomType, ids["Twin"]))
    assert str(refused.value) == (
        "The only room of Twin (Sheraton) contracted for the night of 25 July is booked."
    )


def test_a_night_without_block_is_refused(app, make, event):
    ids = build_hotel(app, event, kinds=TWIN)
    early = guest(make, event, arrive=date(2025, 7, 21))
    with app.app_context(), app.test_request_context(), pytest.raises(DomainError) as refused:
        assigning.place(_p(early.id), db.session.get(RoomType, ids["Twin"]))
    assert "has no rooms contracted for the night of 21 July" in str(refused.value)


def test_change_after_cut_off_is_made_but_flagged_and_audited(app, make, event):
    ids = build_hotel(app, event, kinds=TWIN, cut_off=date(2025, 7, 1))
    one = guest(make, event)
    with app.app_context(), app.test_request_context():
        change = assigning.place(_p(one.id), db.session.get(RoomType, ids["Twin"]))
        later = assigning.change_nights(change.room, date(2025, 7, 24), date(2025, 7, 26))
        db.session.commit()
        assert later.room.first_night == date(2025, 7, 24)
        assert later.warnings == [
            "The night of 23 July at Twin (Sheraton) changed after its cut-off (1 July): "
            "the hotel may refuse or charge it."
        ]
        entry = db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.action == "room.nights")
        ).one()
        assert entry.changes["after_cut_off"][1] == later.warnings


def test_hand_edit_makes_a_proposed_room_the_organisers(app, make, event):
    ids = build_hotel(app, event, kinds=TWIN)
    one = guest(make, event)
    with app.app_context(), app.test_request_context():
        room = HotelRoom(
            event_id=event.id,
            room_type_id=ids["Twin"],
            first_night=date(2025, 7, 23),
            last_night=date(2025, 7, 26),
            proposed=True,
        )
        room.guests = [RoomGuest(participant_id=one.id)]
        db.session.add(room)
        db.session.flush()
        assigning.change_nights(room, date(2025, 7, 23), date(2025, 7, 25))
        assert room.proposed is False


def test_remove_keeps_a_shared_room_for_the_other_guest(app, make, event):
    ids = build_hotel(app, event, kinds=TWIN)
    one, two = guest(make, event), guest(make, event, leave=date(2025, 7, 25))
    with app.app_context(), app.test_request_context():
        change = assigning.place(_p(one.id), db.session.get(RoomType, ids["Twin"]))
        assigning.place(_p(two.id), room=change.room)
        assigning.remove(_p(one.id))
        db.session.commit()
        room = assigning.room_of(two.id)
        assert [g.participant_id for g in room.guests] == [two.id]
        assert assigning.room_of(one.id) is None
        assigning.remove(_p(two.id))
        assert db.session.scalar(db.select(db.func.count(HotelRoom.id))) == 0
