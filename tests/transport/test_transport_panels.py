"""A guest's pick-up on the organisers' page of the person, on the guest's own page (in the
page's language) and on the delegation's page for the head."""

from __future__ import annotations

from eventhub.auth.models import Role
from eventhub.extensions import db
from eventhub.registration.models import Participant
from eventhub.registration.own_link import new_access_key

from .rides import escort, local, trip, vehicle


def _guest(make, event, **values):
    return make.participant(event, arrival_flight="QV911", arrival_at=local(24, 9, 30), **values)


def _rides(app, event, guest):
    van = vehicle(app, event)
    return trip(app, event, passengers=[guest], vehicle_id=van.id, escort_id=escort(app, event).id)


def test_the_organisers_see_the_persons_pickup_with_a_link_to_the_trip(
    app, client, as_role, event, make
):
    as_role("organiser")
    guest = _guest(make, event)
    made = _rides(app, event, guest)
    html = client.get(f"/events/{event.slug}/participants/{guest.id}").get_data(as_text=True)
    assert "Pick-up and drop-off" in html
    assert f"/transport/trips/{made.id}" in html and "贵A·12345" in html and "Li Na" in html


def test_the_guest_sees_your_pickup_on_their_own_page_in_their_language(app, client, event, make):
    guest = _guest(make, event)
    _rides(app, event, guest)
    with app.app_context():
        key = new_access_key(db.session.get(Participant, guest.id))
        db.session.commit()
    html = client.get(f"/events/{event.slug}/me/{key}").get_data(as_text=True)
    assert "Your pick-up" in html
    assert "QV911" in html and "09:30" in html and "10:00" in html
    assert "lands 09:30" in html and "Jul 24, 2025, 10:00" in html  # the event's clock
    assert "01:30" not in html and "02:00" not in html  # not UTC
    assert "Guiyang Longdongbao Airport, arrivals exit" in html
    assert "王师傅" in html and "+86 138 0000 0001" in html and "Li Na" in html
    assert "Guiyang Lakeside Hotel" in html
    zh = client.get(
        f"/events/{event.slug}/me/{key}", headers={"Accept-Language": "zh-CN"}
    ).get_data(as_text=True)
    assert "QV911" in zh and 'lang="zh' in zh


def test_a_guest_with_no_ride_sees_no_pickup(app, client, event, make):
    guest = _guest(make, event)
    with app.app_context():
        key = new_access_key(db.session.get(Participant, guest.id))
        db.session.commit()
    assert "Your pick-up" not in client.get(f"/events/{event.slug}/me/{key}").get_data(as_text=True)


def test_the_head_sees_the_members_pickups(app, client, make, event, login):
    thai = make.delegation(event, name_en="Thailand", country_code="TH")
    member = _guest(
        make,
        event,
        family_name="SUKSAWAT",
        country_code="TH",
        delegation_id=thai.id,
        native_name="นิรันดร์",
    )
    _rides(app, event, member)
    head = make.user(roles={event: Role.HEAD_OF_DELEGATION})
    with app.app_context():
        from eventhub.registration.models import Delegation

        row = db.session.get(Delegation, thai.id)
        row.head_id = make.participant(
            event, delegation_id=thai.id, email=head.email, country_code="TH", user_id=head.id
        ).id
        db.session.commit()
    login(head.email)
    response = client.get(f"/events/{event.slug}/delegations/{thai.id}/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:300]
    assert "Pick-ups and drop-offs" in html and "QV911" in html and "王师傅" in html


def test_the_guest_reads_the_pickup_on_the_events_clock_on_the_account_page(
    app, client, event, make, login
):
    """The account page looks at no one event: the pick-up is still on the event's clock
    (Asia/Shanghai), not UTC (09:30 local is 01:30 UTC, the vehicle leaves at 10:00)."""
    user = make.user()
    guest = _guest(make, event, user_id=user.id)
    _rides(app, event, guest)
    login(user.email)
    html = client.get("/my-registration").get_data(as_text=True)
    assert "Your pick-up" in html
    assert "lands 09:30" in html and "01:30" not in html
    assert "10:00 →" in html and "02:00" not in html
