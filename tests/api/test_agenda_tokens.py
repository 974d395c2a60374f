"""A participant's agenda and enrolment over the API with a token: an organiser's token for
anyone of its event, a token issued to a registered person's account for their own only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from eventhub.scheduling.models import Access, ActivityState

from .test_checkin_api import _issue


@pytest.fixture
def forum(app, make, event):
    """A published forum open to registration, a delegate with an account, another one."""
    user = make.user("somphone@example.la", roles={event: "delegate"})
    own = make.participant(event, user_id=user.id)
    other = make.participant(event, family_name="SRISUK", given_name="Somchai")
    activity = make.activity(
        event,
        access=Access.REGISTRATION,
        state=ActivityState.PUBLISHED,
        starts_at=datetime(2025, 7, 25, 1, 0, tzinfo=UTC),
        ends_at=datetime(2025, 7, 25, 2, 0, tzinfo=UTC),
    )
    return {"user": user, "own": own, "other": other, "activity": activity}


def test_an_organisers_token_enrols_any_participant_and_reads_their_agenda(
    app, client, event, forum
):
    headers = _issue(app, event, role="organiser")
    base = f"/api/v1/events/{event.slug}/participants/{forum['other'].id}"
    url = f"{base}/activities/{forum['activity'].id}/enrolment"
    enrolled = client.put(url, headers=headers)
    assert enrolled.status_code == 200 and enrolled.get_json()["status"] == "enrolled"
    agenda = client.get(f"{base}/agenda", headers=headers).get_json()
    assert [item["activity"] for item in agenda] == [forum["activity"].id]
    left = client.delete(url, headers=headers)
    assert left.status_code == 200 and left.get_json()["status"] == "cancelled"


def test_a_persons_own_token_manages_their_agenda_and_no_one_elses(app, client, event, forum):
    headers = _issue(app, event, role="delegate", user=forum["user"])
    own = client.put(
        f"/api/v1/events/{event.slug}/activities/{forum['activity'].id}/enrolment",
        headers=headers,
    )
    assert own.status_code == 200 and own.get_json()["status"] == "enrolled"
    agenda = client.get(f"/api/v1/events/{event.slug}/agenda", headers=headers).get_json()
    assert [item["activity"] for item in agenda] == [forum["activity"].id]
    by_id = client.get(
        f"/api/v1/events/{event.slug}/participants/{forum['own'].id}/agenda", headers=headers
    )
    assert by_id.status_code == 200

    theirs = f"/api/v1/events/{event.slug}/participants/{forum['other'].id}"
    for response in (
        client.get(f"{theirs}/agenda", headers=headers),
        client.put(f"{theirs}/activities/{forum['activity'].id}/enrolment", headers=headers),
    ):
        assert response.status_code == 403
        assert response.get_json()["message"]


def test_other_tokens_are_refused_with_a_json_reason(app, client, make, event, forum):
    gate = _issue(app, event, role="staff")
    read_only = _issue(app, event, role="delegate", user=forum["user"], may_write=False)
    elsewhere = _issue(app, make.event(), role="organiser")
    own_url = f"/api/v1/events/{event.slug}/activities/{forum['activity'].id}/enrolment"
    theirs = f"/api/v1/events/{event.slug}/participants/{forum['other'].id}/agenda"
    for response in (
        client.get(f"/api/v1/events/{event.slug}/agenda", headers=gate),  # no person's token
        client.get(theirs, headers=gate),
        client.put(own_url, headers=read_only),  # may read, not write
        client.get(theirs, headers=elsewhere),
    ):
        assert response.status_code == 403
        assert response.get_json()["message"]
    assert client.get(f"/api/v1/events/{event.slug}/agenda", headers=read_only).status_code == 200
    unknown = client.get(
        f"/api/v1/events/{event.slug}/participants/99999999999/agenda",
        headers=_issue(app, event, role="organiser"),
    )
    assert unknown.status_code == 404 and unknown.get_json()["message"]
