"""The visa desk sees passport numbers: only an installation administrator gives that role,
never to themselves, and every grant and removal is audited with who, when and from where."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.auth.models import ApiToken, EventMembership, Role
from eventhub.extensions import db


def _roles_of(app, user, event) -> set[Role]:
    with app.app_context():
        return set(
            db.session.scalars(
                sa.select(EventMembership.role).where(
                    EventMembership.user_id == user.id, EventMembership.event_id == event.id
                )
            )
        )


def test_an_organiser_cannot_give_themselves_the_visa_desk(client, as_role, event, app):
    organiser = as_role("organiser")
    page = client.get(f"/events/{event.slug}/team").get_data(as_text=True)
    assert 'value="visa_officer"' not in page  # not offered

    response = client.post(
        f"/events/{event.slug}/team",
        data={"email": organiser.email, "role": "visa_officer"},
        follow_redirects=True,
    )
    assert "administrator" in response.get_data(as_text=True)
    assert Role.VISA_OFFICER not in _roles_of(app, organiser, event)
    with app.app_context():
        assert not db.session.scalar(
            sa.select(sa.func.count()).where(
                AuditEntry.action == "role.grant", AuditEntry.user_id == organiser.id
            )
        )


def test_an_organiser_cannot_give_the_visa_desk_to_a_colleague(client, as_role, make, event, app):
    as_role("organiser")
    colleague = make.user()
    client.post(
        f"/events/{event.slug}/team", data={"email": colleague.email, "role": "visa_officer"}
    )
    assert Role.VISA_OFFICER not in _roles_of(app, colleague, event)


def test_an_administrator_gives_the_visa_desk_audited_with_address(client, make, login, event, app):
    admin = make.user(is_admin=True)
    officer = make.user()
    login(admin.email)
    page = client.get(f"/events/{event.slug}/team").get_data(as_text=True)
    assert 'value="visa_officer"' in page
    response = client.post(
        f"/events/{event.slug}/team",
        data={"email": officer.email, "role": "visa_officer"},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert Role.VISA_OFFICER in _roles_of(app, officer, event)
    with app.app_context():
        entry = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "role.grant")
        ).one()
        assert entry.user_id == admin.id and entry.ip_address == "203.0.113.7"
        assert entry.changes["role"] == [None, "visa_officer"]


def test_not_even_an_administrator_gives_themselves_the_visa_desk(client, make, login, event, app):
    admin = make.user(is_admin=True)
    login(admin.email)
    response = client.post(
        f"/events/{event.slug}/team",
        data={"email": admin.email, "role": "visa_officer"},
        follow_redirects=True,
    )
    assert "another administrator" in response.get_data(as_text=True)
    assert Role.VISA_OFFICER not in _roles_of(app, admin, event)


def test_removing_a_role_records_the_address(client, as_role, make, event, app):
    as_role("organiser")
    staff = make.user(roles={event: "staff"})
    with app.app_context():
        membership_id = db.session.scalar(
            sa.select(EventMembership.id).where(EventMembership.user_id == staff.id)
        )
    client.post(
        f"/events/{event.slug}/team/{membership_id}/remove",
        environ_base={"REMOTE_ADDR": "198.51.100.4"},
    )
    with app.app_context():
        assert db.session.scalar(
            sa.select(AuditEntry.ip_address).where(AuditEntry.action == "role.revoke")
        ) == ("198.51.100.4")


def test_an_organiser_cannot_issue_a_visa_desk_token(client, as_role, event, app):
    as_role("organiser")
    client.post(f"/events/{event.slug}/tokens", data={"label": "Laptop", "role": "visa_officer"})
    with app.app_context():
        assert not db.session.scalar(
            sa.select(sa.func.count()).where(ApiToken.role == Role.VISA_OFFICER)
        )


def test_the_service_refuses_sensitive_tokens_from_non_administrators(make, event, app):
    import pytest

    from eventhub.auth import services as auth_services
    from eventhub.errors import DomainError

    organiser = make.user(roles={event: "organiser"})
    with app.app_context(), pytest.raises(DomainError):
        auth_services.issue_api_token(
            db.session.merge(event),
            Role.VISA_OFFICER,
            label="x",
            actor=db.session.merge(organiser),
        )
