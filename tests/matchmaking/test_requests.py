"""Meeting requests: shared topics pre-ticked, asking oneself or twice refused, "mutual" when
both asked, "Request back", withdrawing; another organisation's requests stay out of reach."""

from __future__ import annotations

import re

import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.matchmaking.models import MeetingRequest

from .world import asked, side


def ticked(page: str) -> list[str]:
    """The values of the ticked topic boxes."""
    return [
        re.search(r'value="([^"]+)"', box).group(1)
        for box in re.findall(r"<input[^>]*>", page)
        if 'name="topics"' in box and " checked" in box
    ]


def _requests(app) -> list[tuple[int, int]]:
    with app.app_context():
        return list(
            db.session.execute(
                sa.select(MeetingRequest.from_profile_id, MeetingRequest.to_profile_id)
            ).all()
        )


def test_a_request_prefills_shared_topics_and_a_duplicate_is_refused(
    app, client, make, event, login
):
    lao = side(make, event, "LA", "Souphanouvong University", topics="rail,teacher_training")
    china = side(make, event, "CN", "Guizhou Rail College", topics="rail,aviation")
    login(lao.email)
    url = f"/events/{event.slug}/matchmaking/profiles/{china.profile_id}/request"
    page = client.get(url).get_data(as_text=True)
    assert ticked(page) == ["rail"]  # the one topic both named
    data = {"from_profile_id": lao.profile_id, "topics": ["rail"], "note": "Signalling courses"}
    page = client.post(url, data=data, follow_redirects=True).get_data(as_text=True)
    assert "Meeting requested from Guizhou Rail College." in page
    response = client.post(url, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Souphanouvong University has already asked Guizhou Rail College" in page
    assert "Signalling courses" in page  # the note typed is kept
    assert _requests(app) == [(lao.profile_id, china.profile_id)]


def test_an_organisation_cannot_ask_itself(app, client, make, event, login):
    lao = side(make, event, "LA", "Souphanouvong University")
    login(lao.email)
    url = f"/events/{event.slug}/matchmaking/profiles/{lao.profile_id}/request"
    response = client.post(url, data={"from_profile_id": lao.profile_id, "topics": ["rail"]})
    assert response.status_code == 422
    assert "An organisation cannot ask itself for a meeting." in response.get_data(as_text=True)
    assert _requests(app) == []


def test_asking_back_makes_the_pair_mutual(app, client, make, event, login):
    lao = side(make, event, "LA", "Souphanouvong University")
    china = side(make, event, "CN", "Guizhou Rail College")
    request_id = asked(app, event, lao, china)
    login(china.email)
    page = client.get(f"/events/{event.slug}/matchmaking/mine").get_data(as_text=True)
    assert "Souphanouvong University" in page and "Request back" in page and "mutual" not in page
    page = client.post(
        f"/events/{event.slug}/matchmaking/requests/{request_id}/back", follow_redirects=True
    ).get_data(as_text=True)
    assert "the request is mutual" in page
    assert sorted(_requests(app)) == sorted(
        [(lao.profile_id, china.profile_id), (china.profile_id, lao.profile_id)]
    )
    page = client.get(f"/events/{event.slug}/matchmaking/mine").get_data(as_text=True)
    assert "mutual" in page and "Request back" not in page


def test_only_the_asking_side_withdraws_and_a_third_party_finds_nothing(
    app, client, make, event, login
):
    lao = side(make, event, "LA", "Souphanouvong University")
    china = side(make, event, "CN", "Guizhou Rail College")
    thai = side(make, event, "TH", "Chiang Mai Rail College")
    request_id = asked(app, event, thai, china)
    base = f"/events/{event.slug}/matchmaking/requests/{request_id}"
    login(lao.email)
    assert client.post(f"{base}/withdraw").status_code == 404
    assert client.post(f"{base}/back").status_code == 404
    page = client.get(f"/events/{event.slug}/matchmaking/profiles/{thai.profile_id}")
    assert "Guizhou Rail College" not in page.get_data(as_text=True)  # not the Thai requests
    client.post("/auth/logout")
    login(china.email)
    assert client.post(f"{base}/withdraw").status_code == 404  # asked, did not ask
    client.post("/auth/logout")
    login(thai.email)
    page = client.post(f"{base}/withdraw", follow_redirects=True).get_data(as_text=True)
    assert "Request to Guizhou Rail College withdrawn." in page
    assert _requests(app) == []
    assert client.post(f"{base}/withdraw").status_code == 404


def test_without_a_profile_a_delegate_is_told_to_join_first(client, make, event, login):
    lao = side(make, event, "LA", "Souphanouvong University", topics=None)
    china = side(make, event, "CN", "Guizhou Rail College")
    login(lao.email)
    response = client.get(f"/events/{event.slug}/matchmaking/profiles/{china.profile_id}/request")
    assert response.status_code == 403
    assert "join first" in response.get_data(as_text=True)


def test_an_organisation_named_with_markup_is_shown_as_text_in_a_refusal(
    app, client, make, event, login
):
    """A refusal naming an organisation shows a name typed as HTML as text (lazy texts with
    names in them are safe markup to Jinja; the room warning of interpretation was one)."""
    hostile = "<img src=x onerror=alert(1)>"
    lao = side(make, event, "LA", f"Lao College {hostile}", topics="rail")
    china = side(make, event, "CN", "Guizhou Rail College", topics="rail")
    login(lao.email)
    url = f"/events/{event.slug}/matchmaking/profiles/{china.profile_id}/request"
    data = {"from_profile_id": lao.profile_id, "topics": ["rail"]}
    client.post(url, data=data)
    page = client.post(url, data=data).get_data(as_text=True)
    assert "has already asked Guizhou Rail College" in page
    assert hostile not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
