"""The automatic rooming proposal, as the organiser reads its result: who sleeps where, who
could not be placed and why."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from eventhub.accommodation import solver
from eventhub.accommodation.models import (
    Hotel,
    HotelRoom,
    RoomBlock,
    RoomClass,
    RoomGuest,
    RoomingPreference,
    RoomType,
)
from eventhub.accommodation.nights import nights_between
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Status

NIGHTS = nights_between(date(2025, 7, 23), date(2025, 7, 27))


def build_hotel(app, event, name="Sheraton", kinds=None, nights=NIGHTS, cut_off=None) -> dict:
    """A hotel with room types (name, class, beds, accessible, rooms a night, rate); their
    ids by name."""
    kinds = kinds or [("Standard", RoomClass.STANDARD, 2, False, 10, 400)]
    with app.app_context():
        hotel = Hotel(event_id=event.id, name_en=name, name_zh="酒店")
        db.session.add(hotel)
        ids = {}
        for type_name, room_class, beds, accessible, rooms, rate in kinds:
            room_type = RoomType(
                hotel=hotel, name_en=type_name, room_class=room_class, beds=beds,
                accessible=accessible,
            )  # fmt: skip
            db.session.add(room_type)
            for night in nights:
                room_type.blocks.append(
                    RoomBlock(night=night, rooms=rooms, rate=Decimal(rate), cut_off=cut_off)
                )
            db.session.flush()
            ids[type_name] = room_type.id
        ids["hotel"] = hotel.id
        db.session.commit()
        return ids


def guest(make, event, arrive=date(2025, 7, 23), leave=date(2025, 7, 27), **more):
    return make.participant(event, arrival_date=arrive, departure_date=leave, **more)


def prefer(app, participant, **values) -> None:
    with app.app_context():
        db.session.add(RoomingPreference(participant_id=participant.id, **values))
        db.session.commit()


def run(app, event):
    with app.app_context(), app.test_request_context():
        proposal = solver.propose(db.session.get(Event, event.id), time_limit=5)
        result = {
            "rooms": {
                g.participant_id: (
                    r.room_type.name_en,
                    r.room_type.hotel.name_en,
                    r.first_night,
                    r.last_night,
                    len(r.guests),
                )
                for r in proposal.rooms
                for g in r.guests
            },  # fmt: skip
            "unplaced": {u.participant.id: u.reason for u in proposal.unplaced},
        }
        db.session.commit()
        return result


def test_every_guest_gets_a_room_of_their_rank_for_their_nights(app, make, event):
    build_hotel(
        app,
        event,
        kinds=[
            ("Standard", RoomClass.STANDARD, 2, False, 10, 400),
            ("Suite", RoomClass.SUITE, 1, False, 2, 3000),
        ],
    )
    minister = guest(make, event, protocol_rank=1)
    driver = guest(make, event, protocol_rank=8, arrive=date(2025, 7, 24))
    result = run(app, event)
    assert result["rooms"][minister.id][0] == "Suite"
    assert result["rooms"][driver.id][0] == "Standard"
    # Nights are arrival..the night before departure.
    assert result["rooms"][driver.id][2:4] == (date(2025, 7, 24), date(2025, 7, 26))
    assert result["unplaced"] == {}


def test_no_guest_below_their_class_and_reason_names_night_and_kind(app, make, event):
    build_hotel(
        app,
        event,
        kinds=[
            ("Standard", RoomClass.STANDARD, 2, False, 10, 400),
            ("Suite", RoomClass.SUITE, 1, False, 1, 3000),
        ],
    )
    first = guest(make, event, protocol_rank=1)
    second = guest(make, event, protocol_rank=2)
    result = run(app, event)
    placed = [p for p in (first.id, second.id) if p in result["rooms"]]
    # One suite a night: the more senior minister has it, the other is not put in a twin.
    assert placed == [first.id]
    assert result["unplaced"][second.id] == "No suite free on 23 July at any hotel."


def test_blocks_are_never_exceeded_and_withdrawn_guests_get_nothing(app, make, event):
    ids = build_hotel(app, event, kinds=[("Single", RoomClass.STANDARD, 1, False, 2, 400)])
    people = [guest(make, event) for _ in range(3)]
    gone = guest(make, event, status=Status.WITHDRAWN)
    result = run(app, event)
    assert len(result["rooms"]) == 2
    assert gone.id not in result["rooms"] and gone.id not in result["unplaced"]
    assert len(result["unplaced"]) == 1
    [reason] = result["unplaced"].values()
    assert reason == "No standard room free on 23 July at any hotel."
    with app.app_context():
        for night in NIGHTS:
            booked = db.session.scalar(
                sa.select(sa.func.count(HotelRoom.id)).where(
                    HotelRoom.room_type_id == ids["Single"],
                    HotelRoom.first_night <= night,
                    HotelRoom.last_night >= night,
                )
            )
            assert booked <= 2
    assert {p.id for p in people} == set(result["rooms"]) | set(result["unplaced"])


def test_sharers_share_a_twin_covering_both_stays(app, make, event):
    build_hotel(
        app,
        event,
        kinds=[
            ("Single", RoomClass.STANDARD, 1, False, 10, 300),
            ("Twin", RoomClass.STANDARD, 2, False, 10, 400),
        ],
    )
    one = guest(make, event, arrive=date(2025, 7, 23), leave=date(2025, 7, 26))
    two = guest(make, event, arrive=date(2025, 7, 24), leave=date(2025, 7, 27))
    prefer(app, one, share_with_id=two.id)  # asked by one only: taken as asked
    result = run(app, event)
    assert result["rooms"][one.id] == result["rooms"][two.id]
    assert result["rooms"][one.id][0] == "Twin"
    assert result["rooms"][one.id][2:] == (date(2025, 7, 23), date(2025, 7, 26), 2)


def test_accessible_need_gets_an_accessible_room_or_a_reason(app, make, event):
    build_hotel(
        app,
        event,
        kinds=[
            ("Standard", RoomClass.STANDARD, 2, False, 10, 400),
            ("Accessible", RoomClass.STANDARD, 2, True, 1, 420),
        ],
    )
    wheel = guest(make, event)
    prefer(app, wheel, accessible=True)
    executive = guest(make, event, protocol_rank=3)
    prefer(app, executive, accessible=True)
    result = run(app, event)
    assert result["rooms"][wheel.id][0] == "Accessible"
    assert result["unplaced"][executive.id] == "No hotel has any accessible executive room."


def test_delegation_kept_in_one_hotel_and_wish_followed(app, make, event):
    kinds = [("Standard", RoomClass.STANDARD, 2, False, 10, 400)]
    build_hotel(app, event, name="Sheraton", kinds=kinds)
    build_hotel(app, event, name="Kempinski", kinds=kinds)
    delegation = make.delegation(event)
    members = [guest(make, event, delegation_id=delegation.id) for _ in range(4)]
    members.append(guest(make, event, delegation_id=delegation.id, hotel="Kempinski Guiyang"))
    result = run(app, event)
    assert {result["rooms"][m.id][1] for m in members} == {"Kempinski"}


def test_hand_made_rooms_stay_and_a_new_proposal_replaces_the_old(app, make, event):
    ids = build_hotel(app, event, kinds=[("Single", RoomClass.STANDARD, 1, False, 2, 400)])
    kept = guest(make, event)
    other = guest(make, event)
    with app.app_context():
        room = HotelRoom(
            event_id=event.id,
            room_type_id=ids["Single"],
            first_night=NIGHTS[0],
            last_night=NIGHTS[-2],
            proposed=False,
        )
        room.guests = [RoomGuest(participant_id=kept.id)]
        db.session.add(room)
        db.session.commit()
        kept_room = room.id
    first = run(app, event)
    assert kept.id not in first["rooms"] and other.id in first["rooms"]
    second = run(app, event)
    assert other.id in second["rooms"]
    with app.app_context():
        assert db.session.get(HotelRoom, kept_room).guests[0].participant_id == kept.id
        assert db.session.scalar(sa.select(sa.func.count(HotelRoom.id))) == 2


def test_no_block_on_a_night_means_that_type_cannot_take_the_guest(app, make, event):
    build_hotel(app, event, nights=NIGHTS[1:])
    early = guest(make, event, arrive=date(2025, 7, 23))
    result = run(app, event)
    assert result["unplaced"][early.id] == "No standard room free on 23 July at any hotel."


@pytest.mark.parametrize("rank", [None, 9])
def test_guests_without_travel_dates_wait(app, make, event, rank):
    build_hotel(app, event)
    waiting = make.participant(event, protocol_rank=rank)
    result = run(app, event)
    assert waiting.id not in result["rooms"] and waiting.id not in result["unplaced"]
