"""The rooms board as the organiser uses it."""

from __future__ import annotations

import re
from datetime import date

from eventhub.accommodation.models import HotelRoom, RoomClass
from eventhub.extensions import db

from .test_solver import build_hotel, guest

KINDS = [
    ("Twin", RoomClass.STANDARD, 2, False, 1, 400),
    ("Suite", RoomClass.SUITE, 1, False, 1, 3000),
]


def test_propose_then_board_shows_rooms_guests_and_who_is_left_out(
    app, make, event, client, as_role
):
    build_hotel(app, event, kinds=KINDS)
    minister = guest(make, event, protocol_rank=1, family_name="SAYSANA", native_name="ສາຍສະໜາ")
    other = guest(make, event, protocol_rank=2, family_name="VONGSA")
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/rooms").get_data(as_text=True)
    assert "Not placed yet: propose rooms or place by hand." in page
    response = client.post(f"/events/{event.slug}/rooms/propose", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Rooms are being proposed" in page
    page = client.get(f"/events/{event.slug}/rooms").get_data(as_text=True)
    assert "1 guests placed, 1 not placed" in page
    assert "ສາຍສະໜາ" in page and "proposed" in page
    assert "No suite free on 23 July at any hotel." in page
    assert minister.id != other.id


def test_place_by_hand_refused_over_contract_then_nights_flagged_after_cut_off(
    app, make, event, client, as_role
):
    ids = build_hotel(app, event, kinds=KINDS, cut_off=date(2025, 7, 1))
    one = guest(make, event, family_name="ONE")
    two = guest(make, event, family_name="TWO")
    as_role("organiser")
    url = f"/events/{event.slug}/rooms/place"
    response = client.post(url, data={"participant_id": one.id, "target": f"type-{ids['Twin']}"})
    assert response.status_code == 302
    with app.app_context():
        room = db.session.scalars(db.select(HotelRoom)).one()
        room_id = room.id
        assert room.proposed is False
    page = client.post(
        url,
        data={"participant_id": two.id, "target": f"type-{ids['Twin']}"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "The only room of Twin (Sheraton) contracted for the night of 23 July is booked." in page
    page = client.post(
        f"/events/{event.slug}/rooms/{room_id}",
        data={"nights-first_night": "2025-07-24", "nights-last_night": "2025-07-26"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Nights changed." in page
    assert "changed after its cut-off (1 July)" in page
    # The free bed takes the second guest.
    page = client.post(
        url,
        data={"participant_id": two.id, "target": f"room-{room_id}"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "TWO" in page and "ONE" in page
    page = client.post(
        f"/events/{event.slug}/rooms/{room_id}/remove",
        data={"participant_id": one.id},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "no longer has a room" in page


def test_a_room_of_another_event_is_not_found(app, make, event, client, as_role):
    other = make.event()
    ids = build_hotel(app, other, kinds=KINDS)
    with app.app_context():
        room = HotelRoom(
            event_id=other.id,
            room_type_id=ids["Twin"],
            first_night=date(2025, 7, 23),
            last_night=date(2025, 7, 24),
        )
        db.session.add(room)
        db.session.commit()
        room_id = room.id
    as_role("organiser")
    assert client.get(f"/events/{event.slug}/rooms/{room_id}").status_code == 404


def test_propose_button_carries_its_security_token(app, make, event, client, as_role):
    build_hotel(app, event, kinds=KINDS)
    guest(make, event)
    as_role("organiser")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        _propose_with_token(event, client)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def _propose_with_token(event, client):
    page = client.get(f"/events/{event.slug}/rooms").get_data(as_text=True)
    form = page[page.index('action="/events/' + event.slug + '/rooms/propose"') :]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    response = client.post(f"/events/{event.slug}/rooms/propose", data={"csrf_token": token})
    assert response.status_code == 302
    page = client.get(f"/events/{event.slug}/rooms").get_data(as_text=True)
    assert "1 guests placed, 0 not placed" in page


def test_a_failed_proposal_is_shown_not_left_running(
    app, make, event, client, as_role, monkeypatch
):
    from eventhub.accommodation import solver

    def broken(*args, **kwargs):
        raise RuntimeError("solver crashed")

    monkeypatch.setattr(solver, "propose", broken)
    as_role("organiser")
    client.post(f"/events/{event.slug}/rooms/propose")
    page = client.get(f"/events/{event.slug}/rooms").get_data(as_text=True)
    assert "The last proposal failed: RuntimeError: solver crashed." in page
    assert "The proposal is running" not in page
