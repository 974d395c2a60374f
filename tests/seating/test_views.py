"""The seating pages: plans listed with a Create button, the layout and its list, the
keyboard move form (no script needed), and garbage refused with a clear answer, never 500."""

from __future__ import annotations

from eventhub.extensions import db
from eventhub.scheduling.models import ActivityType
from eventhub.seating.models import SeatAssignment, SeatingPlan

from .world import banquet


def _url(event, world, tail=""):
    return f"/events/{event.slug}/seating/{world.plan_id}{tail}"


def test_an_organiser_creates_a_plan_adds_tables_and_proposes_it(app, client, as_role, event, make):
    as_role("organiser")
    activity = make.activity(event, type=ActivityType.BANQUET, title_en="Gala dinner")
    make.participant(
        event,
        country_code="CN",
        family_name="WANG",
        given_name="Wei",
        protocol_rank=2,
        native_name="",
    )
    make.participant(event, protocol_rank=2, given_name="Bounmy", native_name="")
    html = client.get(f"/events/{event.slug}/seating").get_data(as_text=True)
    assert "Gala dinner" in html and "Create plan" in html
    response = client.post(f"/events/{event.slug}/seating/new", data={"activity_id": activity.id})
    assert response.status_code == 302
    with app.app_context():
        plan_id = db.session.query(SeatingPlan.id).filter_by(activity_id=activity.id).scalar()
    tables = f"/events/{event.slug}/seating/{plan_id}/tables"
    client.post(tables, data={"count": "1", "shape": "head", "seats": "4"})
    client.post(tables, data={"count": "2", "shape": "round", "seats": "10"})
    html = client.get(tables).get_data(as_text=True)
    assert "Table 3" in html
    html = client.post(
        f"/events/{event.slug}/seating/{plan_id}/propose", follow_redirects=True
    ).get_data(as_text=True)
    assert "2 seated" in html and "Every seating rule is met" in html
    assert "Wei" in html and "Host" in html and "Guest of honour" in html


def test_the_keyboard_form_moves_a_guest_without_script(app, client, as_role, event, make):
    as_role("organiser")
    world = banquet(app, make, event)
    client.post(_url(event, world, "/propose"))
    guest = world.ids["th3"]
    with app.app_context():
        now = db.session.query(SeatAssignment).filter_by(participant_id=guest).one()
        seat = 3 if now.seat == 2 else 2
    response = client.post(
        _url(event, world, "/move"),
        data={"participant_id": guest, "table": "5", "seat": seat},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"now sits at table 5, seat {seat}" in html
    with app.app_context():
        row = db.session.query(SeatAssignment).filter_by(participant_id=guest).one()
        assert (row.seat, row.by_hand) == (seat, True)


def test_bad_moves_get_a_clear_answer_not_a_500(app, client, as_role, event, make):
    as_role("organiser")
    world = banquet(app, make, event)
    client.post(_url(event, world, "/propose"))
    guest = world.ids["th3"]
    html = client.post(
        _url(event, world, "/move"), data={"participant_id": guest, "table": "2", "seat": "9"}
    )
    assert html.status_code == 422
    assert "Table 2 has 6 seats; there is no seat 9." in html.get_data(as_text=True)
    for data in (
        {"participant_id": guest, "table": "99", "seat": "1"},
        {"participant_id": "abc", "table": "2", "seat": "1"},
        {"participant_id": guest, "table": "2", "seat": "x"},
        {},
    ):
        response = client.post(_url(event, world, "/move"), data=data)
        assert response.status_code == 422, data
    assert client.get(f"/events/{event.slug}/seating/99999").status_code == 404
    assert client.get(_url(event, world, "/tables/99999")).status_code == 404
    moved_host = client.post(
        _url(event, world, "/move"),
        data={"participant_id": world.ids["host"], "table": "3", "seat": "1"},
    )
    assert moved_host.status_code == 422
    assert "centre seat of the head table" in moved_host.get_data(as_text=True)


def test_a_table_with_guests_is_removed_only_when_confirmed(app, client, as_role, event, make):
    as_role("organiser")
    world = banquet(app, make, event)
    client.post(_url(event, world, "/propose"))
    with app.app_context():
        plan = db.session.get(SeatingPlan, world.plan_id)
        table_id = next(t.id for t in plan.tables if t.number == 2)
    html = client.post(
        _url(event, world, f"/tables/{table_id}/remove"), follow_redirects=True
    ).get_data(as_text=True)
    assert "Table 2 has" in html and "Tick the box" in html
    html = client.post(
        _url(event, world, f"/tables/{table_id}/remove"),
        data={"confirm": "y"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Table 2 removed" in html


def test_other_roles_are_refused(app, client, as_role, event, make):
    world = banquet(app, make, event)
    as_role("staff")
    assert client.get(_url(event, world)).status_code == 403
    assert client.post(_url(event, world, "/propose")).status_code == 403


def test_settings_choose_the_host_and_seat_interpreters_beside(app, client, as_role, event, make):
    as_role("organiser")
    world = banquet(app, make, event)
    url = _url(event, world, "/settings")
    data = {
        "settings-host_country_code": "cn",
        "settings-host_id": str(world.ids["cn2"]),
        "settings-guest_of_honour_id": "",
    }
    html = client.post(url, data=data, follow_redirects=True).get_data(as_text=True)
    assert "Settings saved" in html
    client.post(_url(event, world, "/propose"))
    with app.app_context():
        plan = db.session.get(SeatingPlan, world.plan_id)
        assert plan.interpreters_behind is False
        rows = {r.participant_id: r for r in plan.tables[0].places}
        assert rows[world.ids["cn2"]].seat == 4  # the chosen host in the centre
        assert not any(r.behind for t in plan.tables for r in t.places)
    garbage = dict(data, **{"settings-host_id": "99999999999"})
    response = client.post(url, data=garbage, follow_redirects=True)
    assert response.status_code == 200 and "not saved" in response.get_data(as_text=True)


def test_an_event_without_banquets_says_so(client, as_role, event):
    as_role("organiser")
    html = client.get(f"/events/{event.slug}/seating").get_data(as_text=True)
    assert "no banquet or ceremony yet" in html


def test_settings_saved_unchanged_move_nothing(app, client, as_role, event, make):
    """The trial saved the settings unchanged three times: the version went 8, 9, 10 (the
    entrance plan printed earlier looked out of date) and each time "Propose again"."""
    as_role("organiser")
    world = banquet(app, make, event)
    url = _url(event, world, "/settings")
    with app.app_context():
        plan = db.session.get(SeatingPlan, world.plan_id)
        version, behind = plan.version, plan.interpreters_behind
        data = {"settings-host_country_code": plan.host_country_code}
    if behind:
        data["settings-interpreters_behind"] = "y"
    for _ in range(2):
        html = client.post(url, data=data, follow_redirects=True).get_data(as_text=True)
        assert "Propose the plan again" not in html
    with app.app_context():
        assert db.session.get(SeatingPlan, world.plan_id).version == version
