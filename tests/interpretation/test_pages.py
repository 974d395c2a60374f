"""The organisers' interpretation pages: the overview, an activity's set-up, the
interpreters; input kept on errors, unknown or foreign ids answered with 404."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.interpretation.models import InterpretationSetup, Interpreter

from .conftest import at, interpreter, set_up


def test_overview_lists_activities_with_languages_interpreters_and_filters_by_day(
    app, client, make, event, place, as_role
):
    first = make.activity(
        event,
        title_en="Opening Plenary",
        room_id=place["hall"].id,
        starts_at=at("09:00"),
        ends_at=at("10:00"),
    )
    second = make.activity(
        event,
        title_en="Closing Plenary",
        room_id=place["hall"].id,
        starts_at=at("16:00", "2025-07-26"),
        ends_at=at("17:00", "2025-07-26"),
    )
    set_up(app, first, floor="zh,en", channels="lo,km", booths=2)
    lan = interpreter(app, event, name="Vongsa Phommachanh", languages="lo,zh")
    as_role("organiser")
    client.post(
        f"/events/{event.slug}/interpretation/activities/{first.id}/assign",
        data={"interpreter_id": lan.id, "channel": "lo"},
    )
    page = client.get(f"/events/{event.slug}/interpretation").get_data(as_text=True)
    assert "Opening Plenary" in page and "Closing Plenary" in page
    assert "Lao, Khmer" in page
    assert "Vongsa Phommachanh" in page
    assert "No interpreter on the Khmer channel." in page
    one_day = client.get(f"/events/{event.slug}/interpretation?day=2025-07-26").get_data(
        as_text=True
    )
    assert "Closing Plenary" in one_day and "Opening Plenary" not in one_day
    # A day outside the event, or no date at all: every day, not an error.
    assert client.get(f"/events/{event.slug}/interpretation?day=nonsense").status_code == 200
    assert second.id


def test_overview_empty_state(client, event, as_role):
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/interpretation").get_data(as_text=True)
    assert "No activity in the programme yet." in page


def test_the_set_up_is_saved_and_shown_again(app, client, make, event, place, as_role):
    activity = make.activity(event, title_en="Forum", room_id=place["forum"].id)
    as_role("organiser")
    url = f"/events/{event.slug}/interpretation/activities/{activity.id}"
    response = client.post(
        url,
        data={
            "floor_languages": ["zh"],
            "channels": ["vi", "th"],
            "booths": "1",
            "mode": "simultaneous",
            "headsets_needed": "y",
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Interpretation set-up saved." in page
    assert "a booth per channel: 2 channels, 1 booths" in page
    assert "Forum Room B has no interpretation booths" in page
    with app.app_context():
        saved = db.session.get(InterpretationSetup, activity.id)
        assert (saved.floor_languages, saved.channels, saved.booths) == ("zh", "vi,th", 1)


def test_the_set_up_form_keeps_what_was_chosen_on_an_error(app, client, make, event, as_role):
    activity = make.activity(event, title_en="Forum")
    as_role("organiser")
    response = client.post(
        f"/events/{event.slug}/interpretation/activities/{activity.id}",
        data={
            "floor_languages": ["zh"],
            "channels": ["zh", "lo"],
            "booths": "2",
            "mode": "simultaneous",
            "notes": "Lao minister speaks",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Chinese is spoken on the floor already" in page
    assert '<option selected value="lo">' in page
    assert 'value="Lao minister speaks"' in page
    with app.app_context():
        assert db.session.get(InterpretationSetup, activity.id) is None


def test_an_interpreter_is_added_and_the_form_keeps_input_on_error(
    app, client, make, event, as_role
):
    registered = make.participant(
        event,
        category="interpreter",
        family_name="NGUYEN",
        given_name="Thi Lan",
        country_code="VN",
    )
    as_role("organiser")
    url = f"/events/{event.slug}/interpretation/interpreters/new"
    assert "Thi Lan" in client.get(url).get_data(as_text=True)  # the picker lists her
    response = client.post(
        url,
        data={
            "name": "Nguyen Thi Lan",
            "languages": ["vi"],
            "max_minutes_per_day": "360",
            "rest_minutes": "30",
            "phone": "+84 912 345 678",
        },
    )
    page = response.get_data(as_text=True)
    assert "Choose at least two languages" in page
    assert 'value="Nguyen Thi Lan"' in page and 'value="+84 912 345 678"' in page
    response = client.post(
        url,
        data={
            "name": "Nguyen Thi Lan",
            "languages": ["vi", "zh"],
            "max_minutes_per_day": "360",
            "rest_minutes": "30",
            "participant_id": str(registered.id),
        },
        follow_redirects=True,
    )
    assert "Interpreter saved." in response.get_data(as_text=True)
    with app.app_context():
        saved = db.session.scalar(sa.select(Interpreter).filter_by(event_id=event.id))
        assert (saved.languages, saved.participant_id) == ("vi,zh", registered.id)


def test_a_delegate_cannot_be_picked_as_an_interpreter(app, client, make, event, as_role):
    delegate = make.participant(event)
    as_role("organiser")
    response = client.post(
        f"/events/{event.slug}/interpretation/interpreters/new",
        data={
            "name": "X",
            "languages": ["vi", "zh"],
            "max_minutes_per_day": "360",
            "rest_minutes": "30",
            "participant_id": str(delegate.id),
        },
    )
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_unknown_and_other_events_ids_are_404(app, client, make, event, as_role):
    other = make.event()
    foreign_activity = make.activity(other, title_en="Elsewhere")
    foreign = interpreter(app, other, name="Someone Else")
    mine = make.activity(event, title_en="Forum", starts_at=at("09:00"), ends_at=at("10:00"))
    set_up(app, mine)
    as_role("organiser")
    base = f"/events/{event.slug}/interpretation"
    assert client.get(f"{base}/activities/{foreign_activity.id}").status_code == 404
    assert client.get(f"{base}/activities/99999999999").status_code == 404
    assert client.get(f"{base}/interpreters/{foreign.id}").status_code == 404
    assert client.post(f"{base}/interpreters/{foreign.id}/delete").status_code == 404
    for interpreter_id in (str(foreign.id), "abc", "", "99999999999"):
        response = client.post(
            f"{base}/activities/{mine.id}/assign",
            data={"interpreter_id": interpreter_id, "channel": "vi"},
        )
        assert response.status_code == 404
    response = client.post(f"{base}/activities/{mine.id}/unassign", data={"assignment_id": "x"})
    assert response.status_code == 404


def test_a_channel_the_activity_does_not_offer_is_refused(app, client, make, event, as_role):
    mine = make.activity(event, title_en="Forum", starts_at=at("09:00"), ends_at=at("10:00"))
    set_up(app, mine, channels="vi")
    lan = interpreter(app, event)
    as_role("organiser")
    page = client.post(
        f"/events/{event.slug}/interpretation/activities/{mine.id}/assign",
        data={"interpreter_id": lan.id, "channel": "<script>"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "This activity has no &lt;script&gt; channel." in page
    assert "<script> channel" not in page


def test_pages_in_chinese(app, client, make, event, place, as_role):
    activity = make.activity(
        event,
        title_en="Forum",
        room_id=place["hall"].id,
        starts_at=at("09:00"),
        ends_at=at("10:00"),
    )
    set_up(app, activity)
    interpreter(app, event)
    as_role("organiser", locale="zh_Hans_CN")
    for path in ("", f"/activities/{activity.id}", "/interpreters", "/interpreters/new"):
        assert client.get(f"/events/{event.slug}/interpretation{path}").status_code == 200


def test_only_organisers_open_the_pages(client, event, as_role):
    as_role("staff")
    assert client.get(f"/events/{event.slug}/interpretation").status_code == 403


def test_an_interpreter_whose_registration_was_withdrawn_can_still_be_edited(
    app, client, make, event, as_role
):
    gone = make.participant(event, category="interpreter", status="withdrawn")
    lan = interpreter(app, event, participant_id=gone.id)
    as_role("organiser")
    response = client.post(
        f"/events/{event.slug}/interpretation/interpreters/{lan.id}",
        data={
            "name": "Nguyen Thi Lan",
            "languages": ["vi", "zh"],
            "max_minutes_per_day": "300",
            "rest_minutes": "20",
            "participant_id": str(gone.id),
        },
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Interpreter, lan.id).max_minutes_per_day == 300
