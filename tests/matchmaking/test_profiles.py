"""Joining matchmaking and the directory: the form keeps what was typed, the topic and
country filters, and who may edit a profile."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.matchmaking.models import MatchProfile

from .world import side


def test_organiser_joins_an_organisation_and_a_missing_topic_is_said_with_input_kept(
    client, make, event, as_role
):
    thai = side(make, event, "TH", "Chiang Mai Rail College", topics=None)
    as_role("organiser")
    url = f"/events/{event.slug}/matchmaking/profiles/new"
    page = client.get(url).get_data(as_text=True)
    assert "Chiang Mai Rail College" in page
    response = client.post(
        url,
        data={
            "organisation_id": thai.organisation_id,
            "offers": "Rail maintenance workshops",
            "seeks": "A partner for signalling courses",
            "representative_id": thai.participant_id,
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Tick at least one topic." in page
    assert "Rail maintenance workshops" in page and "A partner for signalling courses" in page
    response = client.post(
        url,
        data={
            "organisation_id": thai.organisation_id,
            "topics": ["rail", "teacher_training"],
            "offers": "Rail maintenance workshops",
            "representative_id": thai.participant_id,
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Chiang Mai Rail College has joined matchmaking." in page
    assert "Rail" in page and "Teacher training" in page and "KEOMANY" in page


def test_a_delegate_may_only_join_their_own_organisation(client, make, event, login):
    lao = side(make, event, "LA", "Souphanouvong University", topics=None)
    thai = side(make, event, "TH", "Chiang Mai Rail College", topics=None)
    login(lao.email)
    url = f"/events/{event.slug}/matchmaking/profiles/new"
    page = client.get(url).get_data(as_text=True)
    assert "Souphanouvong University" in page and "Chiang Mai Rail College" not in page
    response = client.post(url, data={"organisation_id": thai.organisation_id, "topics": "rail"})
    assert response.status_code == 422
    assert "Choose an organisation from the list" in response.get_data(as_text=True)
    with client.application.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MatchProfile)) == 0


def test_another_organisations_profile_cannot_be_edited_by_a_delegate(client, make, event, login):
    lao = side(make, event, "LA", "Souphanouvong University")
    thai = side(make, event, "TH", "Chiang Mai Rail College")
    login(lao.email)
    base = f"/events/{event.slug}/matchmaking/profiles"
    assert client.get(f"{base}/{thai.profile_id}/edit").status_code == 404
    assert (
        client.post(f"{base}/{thai.profile_id}/edit", data={"topics": "aviation"}).status_code
        == 404
    )
    assert client.get(f"{base}/{lao.profile_id}/edit").status_code == 200
    assert client.get(f"{base}/{thai.profile_id}").status_code == 200  # the directory's entry
    assert client.get(f"{base}/999999999999").status_code == 404


def test_the_directory_filters_by_topic_and_country_and_searches(client, make, event, as_role):
    side(make, event, "TH", "Chiang Mai Rail College", topics="rail")
    side(make, event, "CN", "Guizhou Aviation Institute", topics="aviation,rail")
    side(make, event, "LA", "Souphanouvong University", topics="teacher_training")
    as_role("organiser")
    url = f"/events/{event.slug}/matchmaking"
    page = client.get(url).get_data(as_text=True)
    assert all(
        name in page
        for name in ("Chiang Mai Rail College", "Guizhou Aviation Institute", "Souphanouvong")
    )
    page = client.get(url, query_string={"topic": "rail"}).get_data(as_text=True)
    assert "Chiang Mai Rail College" in page and "Guizhou Aviation Institute" in page
    assert "Souphanouvong" not in page
    page = client.get(url, query_string={"topic": "rail", "country": "CN"}).get_data(as_text=True)
    assert "Guizhou Aviation Institute" in page and "Chiang Mai" not in page
    page = client.get(url, query_string={"q": "souphan"}).get_data(as_text=True)
    assert "Souphanouvong" in page and "Chiang Mai" not in page
    page = client.get(url, query_string={"topic": "<nonsense>", "page": "x"}).get_data(as_text=True)
    assert "Chiang Mai Rail College" in page  # an unknown topic filters nothing
    page = client.get(url, query_string={"q": "nothing like it"}).get_data(as_text=True)
    assert "No organisation matches these filters." in page


def test_gate_staff_do_not_open_matchmaking(client, event, as_role):
    as_role("staff")
    assert client.get(f"/events/{event.slug}/matchmaking").status_code == 403


def test_the_join_form_says_every_mistake_at_once(client, make, event, as_role):
    thai = side(make, event, "TH", "Chiang Mai Rail College", topics=None)
    lao = side(make, event, "LA", "Souphanouvong University", topics=None)
    as_role("organiser")
    url = f"/events/{event.slug}/matchmaking/profiles/new"
    response = client.post(url, data={"offers": "Rail maintenance workshops"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose an organisation from the list" in page
    assert "Tick at least one topic." in page
    assert "Rail maintenance workshops" in page
    response = client.post(
        url,
        data={"organisation_id": thai.organisation_id, "representative_id": lao.participant_id},
    )
    page = response.get_data(as_text=True)
    assert "Tick at least one topic." in page
    assert "The representative must be an approved participant of the organisation." in page
