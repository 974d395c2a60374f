"""Who slept where and who rode which car is travel data: when travel data passes its date
(60 days after the week by default), guests leave their rooms and trips; the hotels, their
contract and the fleet's trips stay for the organisers' figures."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa

from eventhub.accommodation.models import (
    Hotel,
    HotelRoom,
    RoomBlock,
    RoomGuest,
    RoomingPreference,
    RoomType,
)
from eventhub.extensions import db
from eventhub.privacy import retention
from eventhub.privacy.kinds import Kind
from eventhub.privacy.models import ErasureTrigger
from eventhub.transport.models import Trip, TripKind, TripPassenger, Vehicle


def _due(app, event) -> int:
    with app.app_context():
        return {row.kind: row.due for row in retention.report(db.session.merge(event))}[Kind.TRAVEL]


def _stay_and_ride(app, event, guest, mate):
    with app.app_context():
        hotel = Hotel(event_id=event.id, name_en="Lakeside")
        room_type = RoomType(name_en="Twin", beds=2)
        room_type.blocks.append(RoomBlock(night=date(2025, 7, 23), rooms=5))
        hotel.room_types.append(room_type)
        db.session.add(hotel)
        db.session.flush()
        room = HotelRoom(
            event_id=event.id,
            room_type_id=room_type.id,
            first_night=date(2025, 7, 23),
            last_night=date(2025, 7, 23),
        )
        room.guests += [RoomGuest(participant_id=guest.id), RoomGuest(participant_id=mate.id)]
        db.session.add(room)
        db.session.add(RoomingPreference(participant_id=guest.id, share_with_id=mate.id))
        vehicle = Vehicle(event_id=event.id, label="A-1", seats=6)
        trip = Trip(
            event_id=event.id,
            kind=TripKind.PICKUP,
            vehicle=vehicle,
            departs_at=datetime(2025, 7, 23, 7, 0, tzinfo=UTC),
            hotel=hotel,
        )
        trip.passengers.append(TripPassenger(participant_id=guest.id))
        db.session.add(trip)
        db.session.commit()


def test_rooms_and_rides_go_with_the_travel_data(app, make, event):
    # The event ended in July 2025: its travel data (60 days) is past its date.
    guest, mate = make.participant(event), make.participant(event)
    _stay_and_ride(app, event, guest, mate)
    before = _due(app, event)
    assert before >= 4  # two guests in a room, one wish, one passenger (besides flights)
    with app.app_context():
        run = retention.erase_due(db.session.merge(event), trigger=ErasureTrigger.MANUAL)
        db.session.commit()
        assert run.counts[Kind.TRAVEL.value] >= 4
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RoomGuest)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RoomingPreference)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(TripPassenger)) == 0
        # The contract, the rooms booked (the hotel's bill) and the fleet's runs stay.
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RoomBlock)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(HotelRoom)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Trip)) == 1
    assert _due(app, event) == 0


def test_nothing_goes_before_the_date(app, make):
    today = date.today()
    running = make.event(starts_on=today, ends_on=today)
    guest, mate = make.participant(running), make.participant(running)
    _stay_and_ride(app, running, guest, mate)
    assert _due(app, running) == 0
    with app.app_context():
        retention.erase_due(db.session.merge(running), trigger=ErasureTrigger.MANUAL)
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RoomGuest)) == 2
        assert db.session.scalar(sa.select(sa.func.count()).select_from(TripPassenger)) == 1
