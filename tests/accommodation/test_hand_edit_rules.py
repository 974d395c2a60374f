"""What the rooms board refuses and what it leaves alone: a target that is no room, a guest
who is not coming, an edit that changes nothing, a second click on Propose rooms; whom
transport is told about; a lost room's reason in the reader's language."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from eventhub import jobs
from eventhub.accommodation import assigning, rooms_views
from eventhub.accommodation.models import (
    AccommodationSettings,
    HotelRoom,
    RoomClass,
    RoomGuest,
    RoomType,
)
from eventhub.accommodation.signals import stay_changed
from eventhub.audit.models import AuditEntry
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.registration.models import Participant, Status

from .test_solver import build_hotel, guest, run

TWIN = [("Twin", RoomClass.STANDARD, 2, False, 2, 400)]
ONE_TWIN = [("Twin", RoomClass.STANDARD, 2, False, 1, 400)]


def _p(pid):
    return db.session.get(Participant, pid)


@pytest.fixture
def told(app):
    """The participant ids of every stay_changed sent during the test."""
    sent: list[list[int]] = []

    def hear(sender, *, participant_ids, **kwargs):
        sent.append(participant_ids)

    stay_changed.connect(hear)
    yield sent
    stay_changed.disconnect(hear)


@pytest.mark.parametrize("target", ["garbage", "type-", "room-x", "type-abc", ""])
def test_a_target_that_is_no_room_says_so_instead_of_failing(
    app, make, event, client, as_role, target
):
    build_hotel(app, event, kinds=TWIN)
    one = guest(make, event, family_name="ONE")
    as_role("organiser")
    response = client.post(
        f"/events/{event.slug}/rooms/place",
        data={"participant_id": one.id, "target": target},
        follow_redirects=True,
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    if target:  # an empty choice is the form's own "required" message
        assert "Choose a room type or a room with a free bed." in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(HotelRoom.id))) == 0


@pytest.mark.parametrize(
    ("status", "erased", "said"),
    [
        (Status.WITHDRAWN, False, "Somphone GONE has withdrawn or was not accepted."),
        (Status.REJECTED, False, "Somphone GONE has withdrawn or was not accepted."),
        (Status.PENDING, False, "Somphone GONE is not approved yet"),
        (Status.WAITLISTED, False, "Somphone GONE is not approved yet"),
        (Status.APPROVED, True, "GONE's data has been erased."),
    ],
)
def test_a_guest_not_coming_gets_no_room_nor_a_free_bed(app, make, event, status, erased, said):
    ids = build_hotel(app, event, kinds=TWIN)
    host = guest(make, event)
    other = guest(make, event, family_name="GONE", status=status)
    if erased:
        with app.app_context():
            _p(other.id).erased_at = datetime(2025, 7, 1, tzinfo=UTC)
            db.session.commit()
    with app.app_context(), app.test_request_context():
        room = assigning.place(_p(host.id), db.session.get(RoomType, ids["Twin"])).room
        db.session.commit()  # as the view does: transport hears of the new room then
        with pytest.raises(DomainError, match=said):
            assigning.place(_p(other.id), db.session.get(RoomType, ids["Twin"]))
        with pytest.raises(DomainError, match=said):
            assigning.place(_p(other.id), room=room)
        assert [g.participant_id for g in room.guests] == [host.id]


def test_a_guest_of_another_event_is_refused(app, make, event):
    ids = build_hotel(app, event, kinds=TWIN)
    elsewhere = make.event()
    stranger = guest(make, elsewhere)
    with (
        app.app_context(),
        app.test_request_context(),
        pytest.raises(DomainError, match="no such participant in this event"),
    ):
        assigning.place(_p(stranger.id), db.session.get(RoomType, ids["Twin"]))


def test_the_same_nights_saved_again_change_nothing(app, make, event, client, as_role):
    ids = build_hotel(app, event, kinds=TWIN)
    one = guest(make, event)
    with app.app_context():
        room = HotelRoom(
            event_id=event.id,
            room_type_id=ids["Twin"],
            first_night=date(2025, 7, 23),
            last_night=date(2025, 7, 26),
            proposed=True,
        )
        room.guests = [RoomGuest(participant_id=one.id)]
        db.session.add(room)
        db.session.commit()
        room_id = room.id
    as_role("organiser")
    page = client.post(
        f"/events/{event.slug}/rooms/{room_id}",
        data={"nights-first_night": "2025-07-23", "nights-last_night": "2025-07-26"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Nights changed." not in page
    assert "Nothing changed: the room already has these nights." in page
    with app.app_context():
        assert db.session.get(HotelRoom, room_id).proposed is True
        assert db.session.scalar(
            db.select(db.func.count(AuditEntry.id)).where(AuditEntry.action.like("room.%"))
        ) == 0  # fmt: skip


def test_placing_a_guest_where_they_are_changes_nothing(app, make, event, client, as_role):
    ids = build_hotel(app, event, kinds=TWIN)
    one = guest(make, event, family_name="ONE")
    as_role("organiser")
    url = f"/events/{event.slug}/rooms/place"
    client.post(
        url,
        data={"participant_id": one.id, "target": f"type-{ids['Twin']}"},
        follow_redirects=True,
    )
    with app.app_context():
        room_id = assigning.room_of(one.id).id
    for target in (f"type-{ids['Twin']}", f"room-{room_id}"):
        page = client.post(
            url, data={"participant_id": one.id, "target": target}, follow_redirects=True
        ).get_data(as_text=True)
        assert "ONE is already there." in page and "placed." not in page
    with app.app_context():
        assert assigning.room_of(one.id).id == room_id
        assert db.session.scalar(
            db.select(db.func.count(AuditEntry.id)).where(AuditEntry.action.like("room.%"))
        ) == 1  # fmt: skip


def test_back_after_a_refusal_stays_on_this_site(app, make, event, client, as_role):
    build_hotel(app, event, kinds=TWIN)
    one = guest(make, event)
    as_role("organiser")
    response = client.post(
        f"/events/{event.slug}/rooms/place",
        data={"participant_id": one.id, "target": "garbage"},
        headers={"Referer": "https://evil.example/phish"},
    )
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]
    assert response.headers["Location"].endswith(f"/events/{event.slug}/rooms")
    response = client.post(
        f"/events/{event.slug}/rooms/place",
        data={"participant_id": one.id, "target": "garbage"},
        headers={"Referer": f"http://eventhub.test/events/{event.slug}/rooms?hotel=1"},
    )
    assert response.headers["Location"].endswith(f"/events/{event.slug}/rooms?hotel=1")


def test_transport_is_told_whose_hotel_changed_not_of_nights(app, make, event, told):
    ids = build_hotel(app, event, kinds=TWIN)
    other = build_hotel(app, event, name="Hilton", kinds=TWIN)
    one, two = guest(make, event), guest(make, event)
    with app.app_context(), app.test_request_context():
        room = assigning.place(_p(one.id), db.session.get(RoomType, ids["Twin"])).room
        assert told == [[one.id]]
        assigning.change_nights(room, date(2025, 7, 24), date(2025, 7, 26))
        assigning.place(_p(one.id), db.session.get(RoomType, ids["Twin"]))  # same hotel
        assert told == [[one.id]]
        moved = assigning.place(_p(one.id), db.session.get(RoomType, other["Twin"])).room
        assert told == [[one.id], [one.id]]
        assigning.place(_p(two.id), room=moved)  # a free bed: two gains a room
        assert told[-1] == [two.id]
        assigning.remove(_p(one.id))
        assert told[-1] == [one.id]
        db.session.commit()


def test_a_proposal_tells_transport_once_with_everyone_newly_housed(app, make, event, told):
    build_hotel(app, event, kinds=TWIN)
    one, two = guest(make, event), guest(make, event)
    run(app, event)
    assert told == [sorted([one.id, two.id])]
    run(app, event)  # the same rooms again: nobody's hotel changed
    assert told == [sorted([one.id, two.id])]


def test_travel_changing_nights_only_does_not_tell_transport(app, make, event, told):
    ids = build_hotel(app, event, kinds=TWIN)
    one = guest(make, event)
    with app.app_context(), app.test_request_context():
        assigning.place(_p(one.id), db.session.get(RoomType, ids["Twin"]))
        db.session.commit()
    told.clear()
    with app.app_context():
        _p(one.id).departure_date = date(2025, 7, 26)
        jobs.commit()
        assert assigning.room_of(one.id).last_night == date(2025, 7, 25)
    assert told == []
    with app.app_context():
        _p(one.id).status = Status.WITHDRAWN
        jobs.commit()
    assert told == [[one.id]]


def test_a_second_click_on_propose_while_one_runs_does_nothing(
    app, make, event, client, as_role, held_jobs
):
    build_hotel(app, event, kinds=TWIN)
    guest(make, event)
    as_role("organiser")
    client.post(f"/events/{event.slug}/rooms/propose")
    assert len(held_jobs) == 1
    page = client.post(f"/events/{event.slug}/rooms/propose", follow_redirects=True)
    assert "A proposal is already running" in page.get_data(as_text=True)
    assert len(held_jobs) == 1
    with app.app_context():
        asked = db.select(db.func.count(AuditEntry.id)).where(
            AuditEntry.action == "rooms.propose_asked"
        )
        assert db.session.scalar(asked) == 1


def test_hand_edits_take_the_events_rooming_lock(app, make, event):
    ids = build_hotel(app, event, kinds=TWIN)
    one = guest(make, event)
    with app.app_context(), app.test_request_context():
        assert db.session.get(AccommodationSettings, event.id) is None
        assigning.place(_p(one.id), db.session.get(RoomType, ids["Twin"]))
        db.session.commit()
        # The row locked was made; its rule is the default one.
        settings = db.session.get(AccommodationSettings, event.id)
        assert (settings.suite_up_to, settings.executive_up_to) == (2, 4)


def test_a_full_room_page_does_not_look_up_who_is_unplaced(
    app, make, event, client, as_role, monkeypatch
):
    ids = build_hotel(app, event, kinds=[("Single", RoomClass.STANDARD, 1, False, 2, 400)])
    one = guest(make, event)
    guest(make, event, family_name="WAITING")
    with app.app_context(), app.test_request_context():
        room_id = assigning.place(_p(one.id), db.session.get(RoomType, ids["Single"])).room.id
        db.session.commit()

    def slow(event):
        raise AssertionError("the room page looked up every unplaced guest")

    monkeypatch.setattr(rooms_views, "unplaced", slow)
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/rooms/{room_id}")
    assert page.status_code == 200


def test_a_lost_rooms_reason_shows_in_the_readers_language(app, make, event, client, as_role):
    ids = build_hotel(app, event, kinds=ONE_TWIN)
    one = guest(make, event, leave=date(2025, 7, 24))
    two = guest(make, event, arrive=date(2025, 7, 24))
    with app.app_context(), app.test_request_context():
        assigning.place(_p(one.id), db.session.get(RoomType, ids["Twin"]))
        assigning.place(_p(two.id), db.session.get(RoomType, ids["Twin"]))
        db.session.commit()
    with app.app_context():
        _p(two.id).arrival_date = date(2025, 7, 23)  # the 23rd is full
        jobs.commit()
        assert assigning.room_of(two.id) is None
    as_role("organiser", locale="zh")
    page = client.get(f"/events/{event.slug}/rooms").get_data(as_text=True)
    assert "当晚的协议房已全部订满" in page
    assert "contracted for the night of" not in page


def test_the_hotel_desk_reads_who_shares_without_a_query_a_row(app, make, event):
    import sqlalchemy as sa

    from eventhub.accommodation import desk
    from eventhub.accommodation.models import Hotel

    ids = build_hotel(app, event, kinds=TWIN)
    people = [guest(make, event) for _ in range(2)]
    with app.app_context(), app.test_request_context():
        for person in people:
            assigning.place(
                _p(person.id),
                db.session.get(RoomType, ids["Twin"]),
                first=date(2025, 7, 24),
                last=date(2025, 7, 24),
            )
        db.session.commit()
    with app.app_context():
        db.session.expire_all()
        rows = desk.due(db.session.get(Hotel, ids["hotel"]), date(2025, 7, 24))
        assert len(rows) == 2  # the block holds two rooms a night
        statements = []

        def seen(conn, cursor, statement, *args):
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", seen)
        try:
            shared = [len(row.room.guests) > 1 for row in rows]
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", seen)
        assert shared == [False, False]
        assert statements == []
