"""Review fixes: an erased guest leaves every plan at once, a move from a stale page is
refused, garbage coordinates get an answer, a category change re-flows the plan, the layout
marks host and guest of honour in words."""

from __future__ import annotations

from eventhub import jobs
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.privacy.persons import erase_person, export_person
from eventhub.registration.models import Category, Participant
from eventhub.scheduling.models import ActivityType
from eventhub.seating import plans, reflow, tasks
from eventhub.seating.models import SeatAssignment, SeatingPlan

from .world import banquet


def _url(event, world, tail=""):
    return f"/events/{event.slug}/seating/{world.plan_id}{tail}"


def _proposed(app, make, event):
    world = banquet(app, make, event)
    with app.app_context():
        reflow.propose(db.session.get(SeatingPlan, world.plan_id))
        db.session.commit()
    return world


def test_an_erased_host_leaves_the_plan_at_once_and_is_no_longer_its_host(app, make, event):
    world = _proposed(app, make, event)
    host = world.ids["host"]
    with app.app_context():
        plan = db.session.get(SeatingPlan, world.plan_id)
        plan.host_id = host
        plan.guest_of_honour_id = world.ids["la_head"]
        db.session.commit()
        week = db.session.get(Event, event.id)
        seating = export_person(week, host)["sections"]["seating"]
        assert seating["places"][0]["activity"] == "Welcome banquet"
        assert seating["places"][0]["table"] == 1
        erase_person(week, host)
        erase_person(week, world.ids["la_head"])
        db.session.commit()
        plan = db.session.get(SeatingPlan, world.plan_id)
        assert plan.host_id is None and plan.guest_of_honour_id is None
        seated = {r.participant_id for r in plans.places_of(plan)}
        assert host not in seated and world.ids["la_head"] not in seated


def test_a_move_from_a_page_older_than_the_plan_is_refused(app, client, as_role, event, make):
    as_role("organiser")
    world = _proposed(app, make, event)
    guest = world.ids["th3"]
    with app.app_context():
        plan = db.session.get(SeatingPlan, world.plan_id)
        seen = plan.version
        plan.version += 1  # someone else changed the plan meanwhile
        before = db.session.query(SeatAssignment).filter_by(participant_id=guest).one().seat
        db.session.commit()
    response = client.post(
        _url(event, world, "/move"),
        data={"participant_id": guest, "table": "5", "seat": "1", "version": seen},
    )
    assert response.status_code == 409
    assert "changed since you opened this page" in response.get_data(as_text=True)
    with app.app_context():
        row = db.session.query(SeatAssignment).filter_by(participant_id=guest).one()
        assert row.seat == before


def test_the_move_form_carries_the_plans_version(app, client, as_role, event, make):
    as_role("organiser")
    world = _proposed(app, make, event)
    with app.app_context():
        version = db.session.get(SeatingPlan, world.plan_id).version
    html = client.get(_url(event, world)).get_data(as_text=True)
    assert f'name="version" type="hidden" value="{version}"' in html


def test_nan_coordinates_get_an_answer_not_a_500(app, client, as_role, event, make):
    as_role("organiser")
    world = banquet(app, make, event)
    with app.app_context():
        table = plans.table_of(db.session.get(SeatingPlan, world.plan_id), 2)
        table_id = table.id
    for value in ("sNaN", "NaN", "inf", "-Infinity"):
        response = client.post(
            _url(event, world, f"/tables/{table_id}/position"), data={"x": value, "y": "5"}
        )
        assert response.status_code == 422, value
        response = client.post(
            _url(event, world, f"/tables/{table_id}"),
            data={
                "name_en": "",
                "name_zh": "",
                "shape": "round",
                "seats": "6",
                "x": value,
                "y": "5",
            },
        )
        assert response.status_code == 422, value
        assert "between 0 and 100" in response.get_data(as_text=True)


def test_a_category_change_re_flows_the_plan(app, make, event, held_jobs):
    world = _proposed(app, make, event)
    with app.app_context():
        db.session.get(Participant, world.ids["th2"]).category = Category.STAFF
        jobs.commit()
    assert (tasks.reflow_plan, (world.plan_id,)) in [(t, tuple(a)) for t, a in held_jobs]


def test_the_layout_names_the_host_and_the_guest_of_honour_in_words(
    app, client, as_role, event, make
):
    as_role("organiser")
    world = _proposed(app, make, event)
    html = client.get(_url(event, world)).get_data(as_text=True)
    room = html.split('class="seating-room"', 1)[1].split("</section>", 1)[0]
    assert '<span class="visually-hidden">Host:</span>' in room
    assert '<span class="visually-hidden">Guest of honour:</span>' in room


def test_a_second_create_click_gets_a_message_not_a_500(
    app, client, as_role, event, make, monkeypatch
):
    """Both clicks passed the 'has no plan yet' check: the second insert meets the unique
    activity and the organiser is told, with the first plan kept."""
    as_role("organiser")
    activity = make.activity(event, type=ActivityType.BANQUET, title_en="Gala dinner")
    create = plans.create_plan

    def raced(event_, activity_, *, actor):
        plan = create(event_, activity_, actor=actor)  # the first click's plan
        db.session.add(SeatingPlan(event_id=plan.event_id, activity_id=plan.activity_id))
        db.session.flush()  # the second click's, a moment later
        return plan

    monkeypatch.setattr(plans, "create_plan", raced)
    response = client.post(f"/events/{event.slug}/seating/new", data={"activity_id": activity.id})
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "changed at the same moment" in html


def test_a_pdf_is_titled_in_the_readers_language(app, client, as_role, event, make):
    import io

    from pypdf import PdfReader

    from .seated import seat_banquet

    seated = seat_banquet(app, make, event)
    as_role("organiser")
    url = f"/events/{event.slug}/seating/{seated.plan_id}/cards/tables.pdf"
    english = PdfReader(io.BytesIO(client.get(url).data)).metadata.title
    chinese = PdfReader(
        io.BytesIO(client.get(url, headers={"Accept-Language": "zh-CN"}).data)
    ).metadata.title
    assert english == "Welcome Banquet — table cards"
    assert chinese.startswith("欢迎晚宴")


def test_an_erased_guests_printed_card_is_to_collect_without_their_name(app, make, event):
    from eventhub.db import utcnow
    from eventhub.seating import cards

    world = _proposed(app, make, event)
    gone = world.ids["th_head"]
    with app.app_context():
        plan = db.session.get(SeatingPlan, world.plan_id)
        for row in plans.places_of(plan):
            row.card_printed_at = utcnow()
        place = next(r for r in plans.places_of(plan) if r.participant_id == gone)
        where = (place.table.number, place.seat)
        db.session.commit()
        erase_person(db.session.get(Event, event.id), gone)
        db.session.commit()
        (card,) = cards.to_collect(db.session.get(SeatingPlan, world.plan_id))
        assert (card.table_number, card.seat, card.name) == (*where, "")
