"""The blocks grid: rooms contracted per night of a room type, with rate and cut-off."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from eventhub.accommodation.models import RoomBlock
from eventhub.extensions import db

from .test_hotels import audit_actions, block, book, hotel_with_type


def blocks_of(app, rt):
    with app.app_context():
        return {
            b.night: (b.rooms, b.rate, b.currency, b.cut_off)
            for b in db.session.scalars(sa.select(RoomBlock).where(RoomBlock.room_type_id == rt))
        }


def test_grid_offers_the_night_before_the_event_to_its_last_day(app, client, event, as_role):
    _, rt = hotel_with_type(app, event)
    block(app, rt, date(2025, 7, 30), 3)  # a night outside the event, already contracted
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/room-types/{rt}/blocks").get_data(as_text=True)
    for night in ("2025-07-23", "2025-07-24", "2025-07-27", "2025-07-30"):
        assert f'id="rooms-{night}"' in page
    assert 'id="rooms-2025-07-22"' not in page
    assert 'id="rooms-2025-07-28"' not in page
    assert '<label class="visually-hidden" for="rooms-2025-07-23">' in page


def test_saving_the_grid_contracts_the_rooms_typed(app, client, event, as_role):
    _, rt = hotel_with_type(app, event)
    as_role("organiser")
    response = client.post(
        f"/events/{event.slug}/room-types/{rt}/blocks",
        data={
            "rooms-2025-07-23": "20",
            "rate-2025-07-23": "680",
            "currency-2025-07-23": "cny",
            "cutoff-2025-07-23": "2025-06-30",
            "rooms-2025-07-24": "25",
            "rate-2025-07-24": "680.50",
            "currency-2025-07-24": "CNY",
            "cutoff-2025-07-24": "",
            "rooms-2025-07-25": "",
        },
        follow_redirects=True,
    )
    assert "Blocks saved: 2 nights changed." in response.get_data(as_text=True)
    assert blocks_of(app, rt) == {
        date(2025, 7, 23): (20, Decimal("680.00"), "CNY", date(2025, 6, 30)),
        date(2025, 7, 24): (25, Decimal("680.50"), "CNY", None),
    }
    assert audit_actions(app, event) == ["room_block.update"]


def test_saving_the_grid_unchanged_changes_nothing(app, client, event, as_role):
    _, rt = hotel_with_type(app, event)
    block(app, rt, date(2025, 7, 24), 10)
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/room-types/{rt}/blocks").get_data(as_text=True)
    assert 'value="680.00"' in page
    data = {
        "rooms-2025-07-24": "10",
        "rate-2025-07-24": "680.00",
        "currency-2025-07-24": "CNY",
        "cutoff-2025-07-24": "",
        "rooms-2025-07-23": "",
        "rate-2025-07-23": "",
        "currency-2025-07-23": "CNY",
    }
    response = client.post(
        f"/events/{event.slug}/room-types/{rt}/blocks", data=data, follow_redirects=True
    )
    assert "Nothing was changed." in response.get_data(as_text=True)
    assert audit_actions(app, event) == []
    assert blocks_of(app, rt) == {date(2025, 7, 24): (10, Decimal("680.00"), "CNY", None)}


def test_lowering_a_night_below_its_bookings_is_refused_naming_night_and_numbers(
    app, client, event, as_role
):
    _, rt = hotel_with_type(app, event)
    block(app, rt, date(2025, 7, 24), 10)
    block(app, rt, date(2025, 7, 25), 10)
    for _n in range(3):
        book(app, event, rt, date(2025, 7, 24), date(2025, 7, 24))
    as_role("organiser")
    response = client.post(
        f"/events/{event.slug}/room-types/{rt}/blocks",
        data={
            "rooms-2025-07-24": "2",
            "rate-2025-07-24": "680",
            "rooms-2025-07-25": "12",
            "rate-2025-07-25": "six hundred",
        },
    )
    page = response.get_data(as_text=True)
    # Both problems at once: the bookings' and the typing's.
    assert "2025-07-24: 3 rooms are booked; the block cannot be 2." in page
    assert "Write the rate as a number" in page
    assert 'value="2"' in page  # what was typed stays
    assert blocks_of(app, rt)[date(2025, 7, 25)][0] == 10  # nothing saved
    assert audit_actions(app, event) == []


def test_a_wrong_cell_is_said_next_to_it_and_nothing_is_saved(app, client, event, as_role):
    _, rt = hotel_with_type(app, event)
    as_role("organiser")
    response = client.post(
        f"/events/{event.slug}/room-types/{rt}/blocks",
        data={
            "rooms-2025-07-24": "ten",
            "rate-2025-07-24": "680",
            "rooms-2025-07-25": "5",
            "rate-2025-07-25": "abc",
            "rooms-2025-07-26": "5",
            "currency-2025-07-26": "RMB1",
        },
    )
    page = response.get_data(as_text=True)
    assert 'id="rooms-2025-07-24-error"' in page
    assert "Write a whole number of rooms" in page
    assert "Write the rate as a number" in page
    assert "three letters" in page
    assert 'value="ten"' in page
    assert blocks_of(app, rt) == {}


def test_a_cut_off_after_its_night_is_refused_naming_the_night(app, client, event, as_role):
    _, rt = hotel_with_type(app, event)
    as_role("organiser")
    response = client.post(
        f"/events/{event.slug}/room-types/{rt}/blocks",
        data={"rooms-2025-07-24": "5", "rate-2025-07-24": "680", "cutoff-2025-07-24": "2025-07-25"},
    )
    page = response.get_data(as_text=True)
    assert 'id="cutoff-2025-07-24-error"' in page
    assert "The cut-off must be on or before the night (2025-07-24)." in page
    assert blocks_of(app, rt) == {}


def test_emptying_a_night_removes_its_block(app, client, event, as_role):
    _, rt = hotel_with_type(app, event)
    block(app, rt, date(2025, 7, 24), 10)
    as_role("organiser")
    client.post(
        f"/events/{event.slug}/room-types/{rt}/blocks",
        data={"rooms-2025-07-24": "", "rate-2025-07-24": "680"},
    )
    assert blocks_of(app, rt) == {}


def test_one_booked_room_is_said_in_the_singular(app, client, event, as_role):
    _, rt = hotel_with_type(app, event)
    block(app, rt, date(2025, 7, 24), 3)
    book(app, event, rt, date(2025, 7, 24), date(2025, 7, 24))
    as_role("organiser")
    page = client.post(
        f"/events/{event.slug}/room-types/{rt}/blocks",
        data={"rooms-2025-07-24": "0", "rate-2025-07-24": "680"},
    ).get_data(as_text=True)
    assert "2025-07-24: 1 room is booked; the block cannot be 0." in page
    assert "1 rooms" not in page


def test_a_full_night_is_said_without_all_0_or_1_rooms(app):
    from eventhub.accommodation.assigning import reason_text

    with app.test_request_context():
        values = {"type": "Deluxe twin", "night": "2025-07-24"}
        assert "All 0" not in reason_text("full", values | {"n": 0})
        assert "No rooms of Deluxe twin are contracted" in reason_text("full", values | {"n": 0})
        one = reason_text("full", values | {"n": 1})
        assert one.startswith("The only room of Deluxe twin contracted for the night of")
        assert reason_text("full", values | {"n": 3}).startswith("All 3 rooms of Deluxe twin")
