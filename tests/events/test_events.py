"""Creating events, their settings, their team, and the audit log of it all."""

from __future__ import annotations

import re
from datetime import time

import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.auth.models import EventMembership, Role
from eventhub.events.models import Event
from eventhub.extensions import db

FORM = {
    "slug": "caecw-2026",
    "name_en": "China-ASEAN Education Cooperation Week 2026",
    "name_zh": "2026中国—东盟教育交流周",
    "city_en": "Guiyang",
    "city_zh": "贵阳",
    "venue_address": "Guiyang International Eco-Conference Center",
    "starts_on": "2026-07-23",
    "ends_on": "2026-07-26",
    "timezone": "Asia/Shanghai",
}


def test_administrator_creates_an_event_and_becomes_its_organiser(client, make, login, app):
    admin = make.user(is_admin=True)
    login(admin.email)
    response = client.post("/events/new", data=FORM, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "The event has been created." in page
    assert "China-ASEAN Education Cooperation Week 2026" in page
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2026"))
        assert event.timezone == "Asia/Shanghai" and event.days == 4
        roles = db.session.scalars(
            sa.select(EventMembership.role).where(
                EventMembership.event_id == event.id, EventMembership.user_id == admin.id
            )
        ).all()
        assert roles == [Role.ORGANISER]
        assert (
            db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.event_id == event.id))
            == "event.create"
        )


def test_only_administrators_create_events(client, as_role):
    as_role("organiser")
    assert client.get("/events/new").status_code == 403


def test_bad_event_input_is_explained_and_nothing_typed_is_lost(client, make, login, event):
    login(make.user(is_admin=True).email)
    bad = dict(FORM, slug="Week 2026!", ends_on="2026-07-20", timezone="Asia/Guiyang")
    page = client.post("/events/new", data=bad).get_data(as_text=True)
    assert "Use lower-case letters, digits and hyphens only" in page
    assert 'value="China-ASEAN Education Cooperation Week 2026"' in page
    assert 'value="2026中国—东盟教育交流周"' in page

    page = client.post("/events/new", data=dict(FORM, ends_on="2026-07-20")).get_data(as_text=True)
    assert "The event cannot end before it starts." in page
    page = client.post("/events/new", data=dict(FORM, timezone="Asia/Guiyang")).get_data(
        as_text=True
    )
    assert "Unknown time zone" in page and 'value="Asia/Guiyang"' in page
    page = client.post("/events/new", data=dict(FORM, slug=event.slug)).get_data(as_text=True)
    assert "Another event already uses this address." in page
    page = client.post("/events/new", data=dict(FORM, starts_on="24/07/2026")).get_data(
        as_text=True
    )
    assert "Not a valid date value." in page


def test_settings_changes_are_saved_and_audited(client, as_role, event, app):
    organiser = as_role("organiser", display_name="Chen Jing")
    form = dict(FORM, slug=event.slug, city_zh="贵阳市", venue_address="Hall 3")
    response = client.post(f"/events/{event.slug}/settings", data=form, follow_redirects=True)
    assert "Settings saved." in response.get_data(as_text=True)
    log = client.get(f"/events/{event.slug}/audit").get_data(as_text=True)
    assert "Event settings changed" in log and organiser.email in log and "贵阳市" in log
    with app.app_context():
        entry = db.session.scalar(
            sa.select(AuditEntry).where(
                AuditEntry.event_id == event.id, AuditEntry.action == "event.update"
            )
        )
        assert entry.changes["city_zh"] == ["贵阳", "贵阳市"]
        assert entry.user_id == organiser.id


def test_team_invites_new_people_by_email(client, as_role, event, outbox, app):
    as_role("organiser")
    response = client.post(
        f"/events/{event.slug}/team",
        data={"email": "Gate.B@Example.org", "display_name": "Gate B", "role": "staff"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "gate.b@example.org is now Staff (scanning)." in page
    assert len(outbox) == 1 and outbox[0]["To"] == "gate.b@example.org"
    link = re.search(r"http://eventhub\.test(/auth/reset/\S+)", outbox[0].get_content()).group(1)

    newcomer = app.test_client()
    page = newcomer.get(link, follow_redirects=True)
    assert page.status_code == 200
    newcomer.post(
        page.request.path, data={"new_password": "scanning all day", "confirm": "scanning all day"}
    )
    assert "Gate B" in newcomer.get("/").get_data(as_text=True)

    again = client.post(
        f"/events/{event.slug}/team",
        data={"email": "gate.b@example.org", "role": "staff"},
        follow_redirects=True,
    )
    assert "already has this role" in again.get_data(as_text=True)
    assert len(outbox) == 1


def test_team_form_errors_keep_the_input(client, as_role, event):
    as_role("organiser")
    page = client.post(
        f"/events/{event.slug}/team",
        data={"email": "not-an-address", "display_name": "ហេង ស្រីពៅ", "role": "staff"},
    ).get_data(as_text=True)
    assert "Enter a valid email address." in page and 'value="ហេង ស្រីពៅ"' in page
    page = client.post(
        f"/events/{event.slug}/team", data={"email": "x@example.org", "role": "emperor"}
    ).get_data(as_text=True)
    assert "Not a valid choice" in page


def test_the_last_organiser_cannot_be_removed(client, as_role, event, app):
    organiser = as_role("organiser")
    with app.app_context():
        membership_id = db.session.scalar(
            sa.select(EventMembership.id).where(EventMembership.user_id == organiser.id)
        )
    response = client.post(
        f"/events/{event.slug}/team/{membership_id}/remove", follow_redirects=True
    )
    assert "An event needs at least one organiser." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(EventMembership, membership_id) is not None


def test_removing_a_role_is_audited(client, as_role, make, event, app):
    as_role("organiser")
    staff = make.user(roles={event: "staff"})
    with app.app_context():
        membership_id = db.session.scalar(
            sa.select(EventMembership.id).where(EventMembership.user_id == staff.id)
        )
    response = client.post(
        f"/events/{event.slug}/team/{membership_id}/remove", follow_redirects=True
    )
    assert "The role has been removed." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(EventMembership, membership_id) is None
        assert db.session.scalar(
            sa.select(AuditEntry.changes).where(AuditEntry.action == "role.revoke")
        ) == {"user": [staff.email, None], "role": ["staff", None]}


def test_audit_log_is_paginated(client, as_role, event, app):
    from eventhub.audit import services as audit

    as_role("organiser")
    with app.app_context():
        stored = db.session.merge(event)
        for n in range(60):
            audit.record("test.entry", stored, event_id=stored.id, changes={"n": [n, n + 1]})
        db.session.commit()
    first = client.get(f"/events/{event.slug}/audit").get_data(as_text=True)
    rows = first.split("<tbody>")[1]  # the action filter names it too
    assert rows.count("test.entry") == 50 and "Page 1 of 2" in first
    second = client.get(f"/events/{event.slug}/audit?page=2").get_data(as_text=True)
    assert second.split("<tbody>")[1].count("test.entry") == 10 and "Page 2 of 2" in second
    assert client.get(f"/events/{event.slug}/audit?page=9").status_code == 404


def test_team_page_lists_organisers_and_staff_only(client, as_role, make, event):
    as_role("organiser")
    make.user("gate@example.org", roles={event: "staff"})
    make.user("delegate@example.org", roles={event: "delegate"})
    page = client.get(f"/events/{event.slug}/team").get_data(as_text=True)
    assert "gate@example.org" in page and "delegate@example.org" not in page
    assert '<option selected value="staff">' in page  # the safe default
    refused = client.post(
        f"/events/{event.slug}/team", data={"email": "x@example.org", "role": "head_of_delegation"}
    ).get_data(as_text=True)
    assert "Not a valid choice" in refused


def test_the_programmes_daily_hours_lunch_and_vip_rest_are_set_per_event(
    client, as_role, event, app
):
    """Issue 19: each event has its own programme day, lunch and VIPs' rest (the scheduler
    reads them); shown with the defaults until changed; bad hours are named, typed kept."""
    as_role("organiser")
    url = f"/events/{event.slug}/settings"
    page = client.get(url).get_data(as_text=True)
    for shown in ('value="08:30"', 'value="18:00"', 'value="12:15"', 'value="14:00"'):
        assert shown in page
    assert 'name="vip_rest_minutes"' in page
    form = dict(
        FORM,
        slug=event.slug,
        programme_opens_at="09:00",
        programme_closes_at="17:00",
        lunch_starts_at="12:00",
        lunch_ends_at="13:00",
        vip_rest_minutes="20",
    )
    response = client.post(url, data=form, follow_redirects=True)
    assert "Settings saved." in response.get_data(as_text=True)
    with app.app_context():
        stored = db.session.get(Event, event.id)
        assert (stored.programme_opens_at, stored.programme_closes_at) == (time(9), time(17))
        assert (stored.lunch_starts_at, stored.lunch_ends_at) == (time(12), time(13))
        assert stored.vip_rest_minutes == 20
    page = client.post(url, data=dict(form, programme_closes_at="08:00")).get_data(as_text=True)
    assert "The programme must end after it starts." in page and 'value="08:00"' in page
    page = client.post(url, data=dict(form, lunch_starts_at="13:30")).get_data(as_text=True)
    assert "Lunch must end after it starts" in page and 'value="13:30"' in page
    page = client.post(url, data=dict(form, lunch_starts_at="07:00", lunch_ends_at="08:00"))
    assert "within the programme" in page.get_data(as_text=True)
    page = client.post(url, data=dict(form, vip_rest_minutes="-5")).get_data(as_text=True)
    assert 'value="-5"' in page and "Settings saved." not in page
    with app.app_context():
        assert db.session.get(Event, event.id).programme_closes_at == time(17)
