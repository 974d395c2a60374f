"""Who may open which event page: roles per event, object-level checks, unknown events."""

from __future__ import annotations

import pytest

from eventhub.auth import services as auth_services
from eventhub.auth.models import Role
from eventhub.extensions import db

ORGANISER_PAGES = ["settings", "team", "audit"]


@pytest.mark.parametrize("page", ORGANISER_PAGES)
def test_anonymous_visitors_are_sent_to_login(client, event, page):
    response = client.get(f"/events/{event.slug}/{page}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


@pytest.mark.parametrize("role", ["staff", "delegate", "head_of_delegation"])
@pytest.mark.parametrize("page", ORGANISER_PAGES)
def test_other_roles_may_not_open_organiser_pages(client, event, as_role, role, page):
    as_role(role)
    response = client.get(f"/events/{event.slug}/{page}")
    assert response.status_code == 403
    assert "no role in this event that allows this page" in response.get_data(as_text=True)


@pytest.mark.parametrize("page", ORGANISER_PAGES)
def test_organisers_of_another_event_are_refused(client, make, login, event, page):
    other = make.event()
    user = make.user(roles={other: "organiser"})
    login(user.email)
    assert client.get(f"/events/{other.slug}/{page}").status_code == 200
    assert client.get(f"/events/{event.slug}/{page}").status_code == 403


def test_administrators_act_as_organiser_of_every_event(client, make, login, event):
    admin = make.user(is_admin=True)
    login(admin.email)
    for page in ORGANISER_PAGES:
        assert client.get(f"/events/{event.slug}/{page}").status_code == 200


def test_unknown_event_is_a_clear_404(client):
    response = client.get("/events/no-such-week/")
    assert response.status_code == 404
    assert "There is no event at this address." in response.get_data(as_text=True)
    assert client.get("/events/Bad%20Slug!/").status_code == 404


def test_roles_are_per_event(app, make):
    first, second = make.event(), make.event()
    user = make.user(roles={first: "staff"})
    with app.app_context():
        user = db.session.merge(user)
        assert auth_services.roles_for(user, db.session.merge(first)) == {Role.STAFF}
        assert auth_services.roles_for(user, db.session.merge(second)) == set()


def test_removing_a_role_from_another_events_team_is_refused(client, make, login, event):
    other = make.event()
    stranger = make.user(roles={other: "staff"})
    with client.application.app_context():
        from eventhub.auth.models import EventMembership

        membership_id = db.session.scalar(
            db.select(EventMembership.id).where(EventMembership.user_id == stranger.id)
        )
    organiser = make.user(roles={event: "organiser"})
    login(organiser.email)
    response = client.post(f"/events/{event.slug}/team/{membership_id}/remove")
    assert response.status_code == 404
    with client.application.app_context():
        assert db.session.get(EventMembership, membership_id) is not None
