"""A hotel's rooming list: who sleeps in which room which nights, passport name and own
script side by side, in protocol order; rooms booked against contracted per night."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import sqlalchemy as sa

from eventhub.accommodation.models import Hotel, HotelRoom
from eventhub.accommodation.rooming_lists import lines_of, local, night_counts
from eventhub.extensions import db

from .rooming_data import NIGHTS, rooming_week


def test_the_list_names_guests_as_in_their_passport_and_own_script(app, make, event):
    week = rooming_week(app, make, event)
    with app.app_context():
        lines = lines_of(db.session.get(Hotel, week.hotel_id))
        first = lines[0].guests[0]
        assert (first.latin, first.native) == ("HUN MANET", "ហ៊ុន ម៉ាណែត")
        assert first.delegation == "Cambodia"
        assert local(first.arrival, ZoneInfo(event.timezone)) == "2025-07-24 10:30"
        assert first.arrival_flight == "KR 945"
        assert lines[0].type_name == "Executive suite"
        assert lines[0].nights == 3


def test_rows_follow_the_delegations_protocol_order_then_rank(app, make, event):
    week = rooming_week(app, make, event)
    with app.app_context():
        lines = lines_of(db.session.get(Hotel, week.hotel_id))
        assert [line.room_id for line in lines] == [
            week.rooms.minister,  # Cambodia is first in the protocol order
            week.rooms.lao,
            week.rooms.burmese,  # no delegation: last
        ]
        lao = lines[1]
        assert [g.participant_id for g in lao.guests] == [week.lao_a.id, week.lao_b.id]
        assert lao.shared and lao.accessible


def test_a_night_lists_only_the_rooms_slept_in_that_night(app, make, event):
    week = rooming_week(app, make, event)
    with app.app_context():
        hotel = db.session.get(Hotel, week.hotel_id)
        assert {line.room_id for line in lines_of(hotel, NIGHTS[0])} == {
            week.rooms.minister,
            week.rooms.lao,
        }
        assert len(lines_of(hotel, NIGHTS[1])) == 3


def test_booked_against_contracted_per_night_and_type(app, make, event):
    week = rooming_week(app, make, event)
    with app.app_context():
        hotel = db.session.get(Hotel, week.hotel_id)
        counts = {(c.night, c.type_name): (c.booked, c.contracted) for c in night_counts(hotel)}
        assert counts[(NIGHTS[0], "Deluxe twin")] == (1, 2)
        assert counts[(NIGHTS[1], "Deluxe twin")] == (2, 2)
        assert counts[(NIGHTS[1], "Executive suite")] == (1, 1)
        assert [c.night for c in night_counts(hotel, NIGHTS[2])] == [NIGHTS[2]] * 2


def test_an_erased_guest_keeps_no_name_on_the_list(app, make, event):
    week = rooming_week(app, make, event)
    with app.app_context():
        from eventhub.db import utcnow
        from eventhub.registration.models import Participant

        db.session.get(Participant, week.burmese.id).erased_at = utcnow()
        db.session.flush()
        line = lines_of(db.session.get(Hotel, week.hotel_id))[-1]
        assert line.guests[0].erased
        assert line.guests[0].latin == "" and line.guests[0].native == ""


def test_an_organiser_previews_downloads_and_records_the_list_as_sent(
    app, client, make, event, as_role
):
    week = rooming_week(app, make, event)
    as_role("organiser", display_name="Li Na")
    base = f"/events/{event.slug}/rooming-lists/"
    page = client.get(base, query_string={"hotel": week.hotel_id}).get_data(as_text=True)
    assert "HUN MANET" in page and "ហ៊ុន ម៉ាណែត" in page
    assert "No list has been sent to this hotel yet" in page
    assert "1 / 2" in page  # twins booked / contracted the first night
    night = client.get(base, query_string={"hotel": week.hotel_id, "night": "2025-07-24"})
    assert "KYI" not in night.get_data(as_text=True)  # arrives the day after

    query = {"hotel": week.hotel_id, "as": "xlsx"}
    xlsx = client.get(base + "download", query_string=query)
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    pdf = client.get(base + "download", query_string={**query, "as": "pdf"})
    assert pdf.data[:5] == b"%PDF-"
    with app.app_context():
        from eventhub.audit.models import AuditEntry

        assert (
            db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == "data.export"))
            == 2
        )

    sent = client.post(base + "sent", data={"hotel": week.hotel_id}, follow_redirects=True)
    text = sent.get_data(as_text=True)
    assert "Recorded as sent to Guiyang Grand Hotel" in text
    assert "Changes since the list of" in text and "sent by Li Na" in text
    with app.app_context():
        room = db.session.get(HotelRoom, week.rooms.burmese)
        room.last_night = NIGHTS[1]
        db.session.commit()
    text = client.get(base, query_string={"hotel": week.hotel_id}).get_data(as_text=True)
    assert "changed 变更: nights" in text


def test_gate_staff_open_no_rooming_list(app, client, make, event, as_role):
    week = rooming_week(app, make, event)
    as_role("staff")
    base = f"/events/{event.slug}/rooming-lists/"
    assert client.get(base, query_string={"hotel": week.hotel_id}).status_code == 403
