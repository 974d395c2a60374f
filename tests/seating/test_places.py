"""Where a guest sits, shown where they look: their agenda (the page and the calendar feed)
and the back of their badge, in English and Chinese; only once the plan is published."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.badges.printing import badge_data
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Participant
from eventhub.scheduling import agenda
from eventhub.scheduling.models import Activity, ActivityState
from eventhub.seating import reflow
from eventhub.seating.models import SeatAssignment, SeatingPlan

from .seated import seat_banquet


def test_the_agenda_shows_the_guest_their_table_and_seat(app, client, make, event, login):
    seated = seat_banquet(app, make, event)
    guest = seated.participants[3]  # HUN Manet: table 2, seat 1; not enrolled in the banquet
    user = make.user(roles={event: "delegate"})
    with app.app_context():
        db.session.get(Participant, guest.id).user_id = user.id
        db.session.commit()
    login(user.email)
    page = client.get(f"/events/{event.slug}/agenda").get_data(as_text=True)
    assert "Welcome Banquet" in page
    assert "Table 2 · seat 1" in page

    feed = client.get(f"/events/{event.slug}/agenda").get_data(as_text=True)
    key = feed.split("/agenda/", 1)[1].split(".ics", 1)[0]
    calendar = client.get(f"/events/{event.slug}/agenda/{key}.ics").get_data(as_text=True)
    assert "SUMMARY:Welcome Banquet / 欢迎晚宴 (Table 2 · seat 1)" in calendar.replace("\r\n ", "")


def test_an_interpreter_behind_her_principal_is_told_so(app, make, event):
    seated = seat_banquet(app, make, event)
    from eventhub.scheduling.agenda import agenda_of

    with app.test_request_context(), app.app_context():
        interpreter = db.session.get(Participant, seated.participants[-1].id)
        places = [str(p) for item in agenda_of(interpreter) for p in item.places]
    assert places == ["Table 1 · behind seat 2"]


def test_a_cancelled_banquet_shows_no_place(app, make, event):
    seated = seat_banquet(app, make, event)
    from eventhub.scheduling.agenda import agenda_of

    with app.test_request_context(), app.app_context():
        db.session.get(Activity, seated.activity_id).state = ActivityState.CANCELLED
        db.session.commit()
        guest = db.session.get(Participant, seated.participants[0].id)
        assert all(not item.places for item in agenda_of(guest))


def test_the_badge_back_carries_the_guests_tables_in_both_languages(app, make, event):
    seated = seat_banquet(app, make, event)
    lao, nobody = seated.participants[1], make.participant(event, family_name="SEATLESS")
    with app.test_request_context(), app.app_context():
        week = db.session.get(Event, event.id)
        people = list(
            db.session.scalars(
                sa.select(Participant)
                .where(Participant.id.in_([lao.id, nobody.id]))
                .order_by(Participant.id)
            )
        )
        backs = {d.latin_name: d for d in badge_data(week, people, measure_only=True)}
        db.session.commit()
    lao_back = backs["Dr. Somphone CHANTHAVONG"]
    assert "Welcome Banquet: Table 1 · seat 2" in lao_back.back_en
    assert lao_back.back_zh.startswith("欢迎晚宴：")
    unseated = next(d for name, d in backs.items() if "SEATLESS" in name)
    assert unseated.back_en == "" and unseated.back_zh == ""


def test_a_moved_guest_sees_the_new_table(app, client, make, event, login):
    seated = seat_banquet(app, make, event)
    guest = seated.participants[0]
    user = make.user(roles={event: "delegate"})
    with app.app_context():
        db.session.get(Participant, guest.id).user_id = user.id
        place = db.session.scalar(
            sa.select(SeatAssignment).where(SeatAssignment.participant_id == guest.id)
        )
        place.seat = 5
        db.session.commit()
    login(user.email)
    page = client.get(f"/events/{event.slug}/agenda").get_data(as_text=True)
    assert "Table 1 · seat 5" in page and "Table 1 · seat 1" not in page


def test_guests_see_their_seat_only_once_the_plan_is_published(app, client, as_role, event, make):
    seated = seat_banquet(app, make, event, published=False)
    guest = seated.participants[0]
    with app.app_context(), app.test_request_context():
        person = db.session.get(Participant, guest.id)
        assert all(not item.places for item in agenda.agenda_of(person))
    as_role("organiser")
    url = f"/events/{event.slug}/seating/{seated.plan_id}"
    html = client.get(url).get_data(as_text=True)
    assert "Draft: guests do not see their places yet" in html
    html = client.post(f"{url}/publish", follow_redirects=True).get_data(as_text=True)
    assert "Published: guests see their table and seat" in html
    with app.app_context(), app.test_request_context():
        person = db.session.get(Participant, guest.id)
        assert [str(p) for item in agenda.agenda_of(person) for p in item.places] == [
            "Table 1 · seat 1"
        ]
        reflow.reflow(seated.plan_id)  # a re-flow keeps it published
        db.session.commit()
        assert db.session.get(SeatingPlan, seated.plan_id).published_at is not None
    html = client.post(f"{url}/unpublish", follow_redirects=True).get_data(as_text=True)
    assert "Draft: guests do not see their places yet" in html
    with app.app_context(), app.test_request_context():
        person = db.session.get(Participant, guest.id)
        assert all(not item.places for item in agenda.agenda_of(person))


def test_a_draft_plan_puts_nothing_on_the_badge_back(app, make, event):
    seated = seat_banquet(app, make, event, published=False)
    with app.test_request_context(), app.app_context():
        week = db.session.get(Event, event.id)
        lao = db.session.get(Participant, seated.participants[1].id)
        (back,) = badge_data(week, [lao], measure_only=True)
        db.session.commit()
    assert back.back_en == "" and back.back_zh == ""
