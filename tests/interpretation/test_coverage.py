"""A delegation in an activity's audience with no channel in its language is flagged before
the programme is published: on the activity form, the timetable, the grid and the overview."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.registration.models import Participant, Status
from eventhub.scheduling.models import Activity, ActivityState

from .conftest import at, set_up


def _form(activity, room, **values) -> dict:
    form = {
        "title_en": activity.title_en,
        "type": "forum",
        "day": "2025-07-24",
        "start": "09:30",
        "end": "11:30",
        "room_id": str(room.id),
        "access": "registration",
        "visibility": "public",
        "state": "published",
        "duration_minutes": "120",
        "version": str(activity.version),
    }
    form.update(values)
    return form


def _lao_forum(app, make, event, place, *, channels="en", language=""):
    lao = make.delegation(event, name_en="Lao PDR Delegation", country_code="LA")
    members = [
        make.participant(event, delegation_id=lao.id, interpretation_language=language)
        for _ in range(3)
    ]
    forum = make.activity(
        event,
        title_en="Forum on TVET",
        room_id=place["hall"].id,
        starts_at=at("09:30"),
        ends_at=at("11:30"),
        access="registration",
        enrolled=members,
    )
    set_up(app, forum, floor="zh", channels=channels, booths=1)
    return forum


def _state(app, activity):
    with app.app_context():
        return db.session.scalar(sa.select(Activity.state).filter_by(id=activity.id))


def test_the_activity_form_warns_before_publishing_and_asks_for_a_tick(
    app, client, make, event, place, as_role
):
    forum = _lao_forum(app, make, event, place)
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/schedule/activities/{forum.id}").get_data(as_text=True)
    assert "Before publishing" in page
    assert "Lao PDR Delegation: 3 people listen in Lao, and there is no Lao channel." in page

    url = f"/events/{event.slug}/schedule/activities/{forum.id}"
    response = client.post(url, data=_form(forum, place["hall"]))
    assert response.status_code == 200
    assert "Tick this box to publish with the warnings above" in response.get_data(as_text=True)
    assert _state(app, forum) == ActivityState.DRAFT

    response = client.post(url, data=_form(forum, place["hall"], publish_anyway="y"))
    assert response.status_code == 302
    assert _state(app, forum) == ActivityState.PUBLISHED


def test_a_delegations_own_language_is_covered_by_a_channel(
    app, client, make, event, place, as_role
):
    forum = _lao_forum(app, make, event, place, channels="en,lo")
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/schedule/activities/{forum.id}").get_data(as_text=True)
    assert "Before publishing" not in page
    response = client.post(
        f"/events/{event.slug}/schedule/activities/{forum.id}", data=_form(forum, place["hall"])
    )
    assert response.status_code == 302
    assert _state(app, forum) == ActivityState.PUBLISHED


def test_the_language_a_member_asked_for_wins_over_the_countrys(
    app, client, make, event, place, as_role
):
    forum = _lao_forum(app, make, event, place, channels="", language="en")
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/schedule/activities/{forum.id}").get_data(as_text=True)
    assert "listen in English" in page  # nobody heard in English: neither floor nor channel


def test_an_open_plenary_counts_every_approved_delegate_without_enrolments(
    app, client, make, event, place, as_role
):
    thai = make.delegation(event, name_en="Thailand Delegation", country_code="TH")
    make.participant(event, delegation_id=thai.id, country_code="TH")
    plenary = make.activity(
        event,
        title_en="Opening Plenary",
        type="plenary",
        access="open",
        room_id=place["hall"].id,
        starts_at=at("09:00"),
        ends_at=at("10:00"),
    )
    set_up(app, plenary, floor="zh,en", channels="vi")
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/schedule/").get_data(as_text=True)
    assert "1 warning" in page
    grid = client.get(f"/events/{event.slug}/schedule/grid?day=2025-07-24").get_data(as_text=True)
    assert "Thailand Delegation: 1 person listens in Thai" in grid
    overview = client.get(f"/events/{event.slug}/interpretation").get_data(as_text=True)
    assert "Thailand Delegation: 1 person listens in Thai" in overview


def test_an_activity_without_a_set_up_is_not_flagged(app, client, make, event, place, as_role):
    lao = make.delegation(event, name_en="Lao PDR Delegation", country_code="LA")
    forum = make.activity(
        event,
        title_en="Forum on TVET",
        room_id=place["hall"].id,
        starts_at=at("09:30"),
        ends_at=at("11:30"),
        enrolled=[make.participant(event, delegation_id=lao.id)],
    )
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/schedule/activities/{forum.id}").get_data(as_text=True)
    assert "Before publishing" not in page
    overview = client.get(f"/events/{event.slug}/interpretation").get_data(as_text=True)
    assert "No interpretation set up." in overview


def test_a_warning_links_to_where_it_is_put_right(app, client, make, event, place, as_role):
    forum = _lao_forum(app, make, event, place)
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/schedule/activities/{forum.id}").get_data(as_text=True)
    setup = f"/events/{event.slug}/interpretation/activities/{forum.id}"
    assert f'href="{setup}">Put it right</a>' in page


def test_a_warning_without_a_place_to_put_it_right_has_no_link(
    app, client, make, event, place, as_role
):
    from eventhub.scheduling.signals import activity_warnings

    plain = make.activity(
        event,
        title_en="Walk",
        room_id=place["forum"].id,
        starts_at=at("12:00"),
        ends_at=at("13:00"),
    )

    def receiver(activities, **kwargs):
        return [(a, "Bring an umbrella.", None) for a in activities if a.id == plain.id]

    activity_warnings.connect(receiver)
    try:
        as_role("organiser")
        url = f"/events/{event.slug}/schedule/activities/{plain.id}"
        page = client.get(url).get_data(as_text=True)
    finally:
        activity_warnings.disconnect(receiver)
    assert "<li>Bring an umbrella.</li>" in page


def test_the_scheduling_pages_name_no_page_of_the_domains_above():
    from pathlib import Path

    folder = Path(__file__).parents[2] / "templates" / "scheduling"
    naming = [p.name for p in folder.glob("*.html") if "interpretation." in p.read_text()]
    assert naming == []


def test_people_not_coming_hold_nothing_back(app, client, make, event, place, as_role):
    lao = make.delegation(event, name_en="Lao PDR Delegation", country_code="LA")
    withdrawn = make.participant(event, delegation_id=lao.id, status=Status.WITHDRAWN)
    erased = make.participant(event, delegation_id=lao.id)
    with app.app_context():
        db.session.get(Participant, erased.id).erased_at = utcnow()
        db.session.commit()
    forum = make.activity(
        event,
        title_en="Forum on TVET",
        room_id=place["hall"].id,
        starts_at=at("09:30"),
        ends_at=at("11:30"),
        access="registration",
        enrolled=[withdrawn, erased],
    )
    set_up(app, forum, floor="zh", channels="en")
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/schedule/activities/{forum.id}").get_data(as_text=True)
    assert "Before publishing" not in page
    response = client.post(
        f"/events/{event.slug}/schedule/activities/{forum.id}", data=_form(forum, place["hall"])
    )
    assert response.status_code == 302
    assert _state(app, forum) == ActivityState.PUBLISHED
