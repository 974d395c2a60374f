"""Hotels and room types: organisers list, create, edit, delete; booked vs contracted."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from eventhub.accommodation.capacity import booked_per_night
from eventhub.accommodation.models import Hotel, HotelRoom, RoomBlock, RoomClass, RoomType
from eventhub.extensions import db


def hotel_with_type(app, event, *, hotel="Guiyang Grand", room="Deluxe twin", **room_kw):
    """A hotel with one room type; returns (hotel id, room type id)."""
    with app.app_context():
        h = Hotel(event_id=event.id, name_en=hotel, name_zh="贵阳大酒店")
        rt = RoomType(hotel=h, name_en=room, name_zh="豪华双床房", **room_kw)
        db.session.add_all([h, rt])
        db.session.commit()
        return h.id, rt.id


def block(app, room_type_id, night, rooms, rate="680.00"):
    with app.app_context():
        db.session.add(
            RoomBlock(room_type_id=room_type_id, night=night, rooms=rooms, rate=Decimal(rate))
        )
        db.session.commit()


def book(app, event, room_type_id, first, last):
    with app.app_context():
        room = HotelRoom(
            event_id=event.id, room_type_id=room_type_id, first_night=first, last_night=last
        )
        db.session.add(room)
        db.session.commit()
        return room.id


def test_booked_per_night_counts_rooms_covering_each_night(app, event):
    _, rt = hotel_with_type(app, event)
    book(app, event, rt, date(2025, 7, 23), date(2025, 7, 25))
    book(app, event, rt, date(2025, 7, 25), date(2025, 7, 25))
    with app.app_context():
        counts = booked_per_night(event)
    assert counts == {
        (rt, date(2025, 7, 23)): 1,
        (rt, date(2025, 7, 24)): 1,
        (rt, date(2025, 7, 25)): 2,
    }


def test_booked_per_night_ignores_other_events(app, make, event):
    other = make.event()
    _, rt = hotel_with_type(app, other, room_class=RoomClass.SUITE)
    book(app, other, rt, date(2025, 7, 23), date(2025, 7, 24))
    with app.app_context():
        assert booked_per_night(event) == {}


def audit_actions(app, event):
    import sqlalchemy as sa

    from eventhub.audit.models import AuditEntry

    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(AuditEntry.action)
                .where(AuditEntry.event_id == event.id, ~AuditEntry.action.like("role.%"))
                .order_by(AuditEntry.id)
            )
        )


def test_organiser_creates_a_hotel_and_a_room_type_and_sees_them_listed(
    app, client, event, as_role
):
    as_role("organiser")
    response = client.post(
        f"/events/{event.slug}/hotels/new",
        data={"name_en": "Guiyang Grand Hotel", "name_zh": "贵阳大酒店", "drive_minutes": "35"},
    )
    assert response.status_code == 302
    with app.app_context():
        hotel_id = db.session.scalar(db.select(Hotel.id).where(Hotel.event_id == event.id))
    response = client.post(
        f"/events/{event.slug}/hotels/{hotel_id}/room-types/new",
        data={"name_en": "Presidential suite", "room_class": "suite", "beds": "1"},
    )
    assert response.status_code == 302
    page = client.get(f"/events/{event.slug}/hotels/").get_data(as_text=True)
    assert "Guiyang Grand Hotel" in page
    assert "Presidential suite" in page
    assert "Suite" in page
    assert audit_actions(app, event) == ["hotel.create", "room_type.create"]


def test_a_hotel_name_twice_is_refused_next_to_the_name(app, client, event, as_role):
    hotel_with_type(app, event, hotel="Guiyang Grand")
    as_role("organiser")
    response = client.post(
        f"/events/{event.slug}/hotels/new", data={"name_en": "guiyang grand", "drive_minutes": "40"}
    )
    assert response.status_code == 200
    assert "already has a hotel of this name" in response.get_data(as_text=True)


def test_editing_a_hotel_keeps_its_room_types_and_records_what_changed(app, client, event, as_role):
    hotel_id, _rt = hotel_with_type(app, event)
    as_role("organiser")
    response = client.post(
        f"/events/{event.slug}/hotels/{hotel_id}/edit",
        data={"name_en": "Guiyang Grand", "phone": "+86 851 1234", "drive_minutes": "40"},
    )
    assert response.status_code == 302
    page = client.get(f"/events/{event.slug}/hotels/{hotel_id}").get_data(as_text=True)
    assert "+86 851 1234" in page
    assert "Deluxe twin" in page
    assert audit_actions(app, event) == ["hotel.update"]


def test_hotels_page_shows_booked_against_contracted_per_night(app, client, event, as_role):
    _, rt = hotel_with_type(app, event)
    block(app, rt, date(2025, 7, 24), 10)
    book(app, event, rt, date(2025, 7, 24), date(2025, 7, 24))
    book(app, event, rt, date(2025, 7, 24), date(2025, 7, 24))
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/hotels/").get_data(as_text=True)
    assert "2&thinsp;/&thinsp;10" in page
    assert "07-24" in page


def test_deleting_a_hotel_with_booked_rooms_is_refused_naming_the_room_type(
    app, client, event, as_role
):
    hotel_id, rt = hotel_with_type(app, event)
    book(app, event, rt, date(2025, 7, 24), date(2025, 7, 25))
    as_role("organiser")
    response = client.post(f"/events/{event.slug}/hotels/{hotel_id}/delete", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "has booked rooms (Deluxe twin (1))" in page
    with app.app_context():
        assert db.session.get(Hotel, hotel_id) is not None


def test_deleting_a_room_type_with_booked_rooms_is_refused(app, client, event, as_role):
    _hotel_id, rt = hotel_with_type(app, event)
    book(app, event, rt, date(2025, 7, 24), date(2025, 7, 25))
    as_role("organiser")
    response = client.post(f"/events/{event.slug}/room-types/{rt}/delete", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Deluxe twin has 1 booked room: move its guests first." in page
    with app.app_context():
        assert db.session.get(RoomType, rt) is not None


def test_deleting_an_empty_hotel_removes_it_and_is_audited(app, client, event, as_role):
    hotel_id, _rt = hotel_with_type(app, event)
    as_role("organiser")
    response = client.post(f"/events/{event.slug}/hotels/{hotel_id}/delete", follow_redirects=True)
    assert "Hotel Guiyang Grand deleted." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Hotel, hotel_id) is None
    assert audit_actions(app, event) == ["hotel.delete"]


def test_another_events_hotel_is_not_found(app, client, make, event, as_role):
    other = make.event()
    hotel_id, rt = hotel_with_type(app, other)
    as_role("organiser")
    assert client.get(f"/events/{event.slug}/hotels/{hotel_id}").status_code == 404
    assert client.get(f"/events/{event.slug}/room-types/{rt}/blocks").status_code == 404


def test_rank_rule_shows_the_class_each_rank_gets(app, client, event, as_role):
    as_role("organiser")
    response = client.post(
        f"/events/{event.slug}/accommodation/settings",
        data={"suite_up_to": "1", "executive_up_to": "3"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Rule saved." in page
    rows = page.split("<tbody>")[1]
    assert rows.count("Suite") == 1
    assert rows.count("Executive room") == 2
    assert "accommodation.settings" in audit_actions(app, event)


def test_rank_rule_refuses_executive_above_suite(app, client, event, as_role):
    as_role("organiser")
    response = client.post(
        f"/events/{event.slug}/accommodation/settings",
        data={"suite_up_to": "4", "executive_up_to": "2"},
    )
    assert "at least as far down the ranks as suites" in response.get_data(as_text=True)


def test_event_home_leads_organisers_to_the_hotels(app, client, event, as_role):
    _, rt = hotel_with_type(app, event)
    block(app, rt, date(2025, 7, 24), 10)
    book(app, event, rt, date(2025, 7, 24), date(2025, 7, 24))
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/").get_data(as_text=True)
    assert f'href="/events/{event.slug}/hotels/"' in page
    assert "1 of 10 room-nights booked" in page
