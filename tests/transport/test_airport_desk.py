"""The airport desk: a day's pick-ups by flight, "Landed", "Picked up", each undone."""

from __future__ import annotations

from eventhub.transport.models import Trip

from .rides import local, reload, trip, vehicle


def _desk(client, event, day="2025-07-24") -> str:
    response = client.get(f"/events/{event.slug}/transport/desk", query_string={"day": day})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_gate_staff_see_the_flights_mark_one_landed_and_tick_a_guest(
    app, client, as_role, event, make
):
    as_role("staff")
    guest = make.participant(event, arrival_flight="QV911", arrival_at=local(24, 9, 30))
    other = make.participant(event, family_name="PHAN", arrival_at=local(24, 13))
    made = trip(app, event, passengers=[guest], vehicle_id=vehicle(app, event).id)
    trip(app, event, passengers=[other], flight="FD432", departs_at=local(24, 13, 30))

    html = _desk(client, event)
    assert html.index("QV911") < html.index("FD432")  # in landing order
    assert "Somphone KEOMANY" in html and "ສົມພອນ ແກ້ວມະນີ" in html and "王师傅" in html

    html = client.post(
        f"/events/{event.slug}/transport/desk/landed",
        data={"day": "2025-07-24", "flight": "QV911"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "QV911 landed." in html and "Undo landed" in html
    assert reload(app, Trip, made.id).landed_at is not None

    url = f"/events/{event.slug}/transport/desk/trips/{made.id}/passengers/{guest.id}"
    html = client.post(url, follow_redirects=True).get_data(as_text=True)
    assert "Somphone KEOMANY picked up." in html
    assert reload(app, Trip, made.id).passengers[0].picked_up_at is not None

    html = client.post(url, data={"undo": "1"}, follow_redirects=True).get_data(as_text=True)
    assert "Pick-up of Somphone KEOMANY undone." in html
    assert reload(app, Trip, made.id).passengers[0].picked_up_at is None
    client.post(
        f"/events/{event.slug}/transport/desk/landed",
        data={"day": "2025-07-24", "flight": "QV911", "undo": "1"},
    )
    assert reload(app, Trip, made.id).landed_at is None


def test_a_delegate_may_not_use_the_desk(app, client, as_role, event):
    as_role("delegate")
    assert client.get(f"/events/{event.slug}/transport/desk").status_code == 403


def test_a_guest_not_on_the_trip_cannot_be_ticked(app, client, as_role, event, make):
    as_role("organiser")
    made = trip(app, event)
    stranger = make.participant(event)
    url = f"/events/{event.slug}/transport/desk/trips/{made.id}/passengers/{stranger.id}"
    html = client.post(url, follow_redirects=True).get_data(as_text=True)
    assert "This person is not on this trip." in html
