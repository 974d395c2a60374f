"""What an organiser types into a trip's forms: a number too large or garbage is said to be
wrong (never an error page), a guest is found by name too."""

from __future__ import annotations

from eventhub.transport.models import Trip

from .rides import reload, trip, vehicle

HUGE = "99999999999999999999999"


def test_a_huge_passenger_number_is_refused_with_a_message(app, client, as_role, event):
    as_role("organiser")
    made = trip(app, event)
    url = f"/events/{event.slug}/transport/trips/{made.id}/passengers"
    for typed in (HUGE, f"#{HUGE} X", "١٢"):
        response = client.post(url, data={"participant": typed}, follow_redirects=True)
        assert response.status_code == 200
        assert "There is no such participant in this event." in response.get_data(as_text=True)


def test_a_passenger_is_found_by_name_and_an_ambiguous_name_is_said(
    app, client, as_role, event, make
):
    as_role("organiser")
    made = trip(app, event, vehicle_id=vehicle(app, event, seats=4).id)
    vong = make.participant(event, family_name="VONG", given_name="Somphone")
    make.participant(event, family_name="TRAN", given_name="Minh")
    make.participant(event, family_name="TRAN", given_name="Lan")
    url = f"/events/{event.slug}/transport/trips/{made.id}/passengers"

    html = client.post(url, data={"participant": "somphone vong"}, follow_redirects=True)
    assert "added to the trip" in html.get_data(as_text=True)
    html = client.post(url, data={"participant": "Tran"}, follow_redirects=True)
    assert "2 guests match “Tran”: type their number." in html.get_data(as_text=True)
    html = client.post(url, data={"participant": "Nobody Here"}, follow_redirects=True)
    assert "No approved guest matches “Nobody Here”." in html.get_data(as_text=True)
    assert [p.participant_id for p in reload(app, Trip, made.id).passengers] == [vong.id]


def test_a_huge_vehicle_or_escort_id_is_refused_with_a_message(app, client, as_role, event):
    as_role("organiser")
    made = trip(app, event)
    for field in ("vehicle", "escort"):
        data = {"vehicle": "", "escort": "", "day": "2025-07-24", "departs": "10:00", "note": ""}
        data[field] = HUGE
        response = client.post(f"/events/{event.slug}/transport/trips/{made.id}", data=data)
        assert response.status_code == 200
        assert "Invalid Choice: could not coerce." in response.get_data(as_text=True)
        data[field] = "garbage"
        response = client.post(f"/events/{event.slug}/transport/trips/new", data=data)
        assert response.status_code == 200
