"""The audit log records where each action came from, logins and failed logins, and every
list that leaves the system."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.extensions import db

from ..factories import PASSWORD

ADDRESS = {"REMOTE_ADDR": "203.0.113.9"}


def _entries(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            )
        )


def test_login_failed_login_and_logout_are_audited_with_the_address(client, make, app):
    user = make.user("chen.jing@example.cn")
    client.post(
        "/auth/login",
        data={"email": "Chen.Jing@example.cn", "password": "not my password"},
        environ_base=ADDRESS,
    )
    client.post(
        "/auth/login", data={"email": "nobody@example.org", "password": "x"}, environ_base=ADDRESS
    )
    (wrong, unknown) = _entries(app, "auth.login_failed")
    assert wrong.ip_address == "203.0.113.9" and wrong.object_id == str(user.id)
    assert wrong.changes == {"email": [None, "chen.jing@example.cn"]}
    assert unknown.actor == "nobody@example.org" and unknown.object_id == ""
    assert "not my password" not in str(wrong.changes) + wrong.actor

    client.post(
        "/auth/login", data={"email": user.email, "password": PASSWORD}, environ_base=ADDRESS
    )
    (login,) = _entries(app, "auth.login")
    assert login.user_id == user.id and login.ip_address == "203.0.113.9"
    client.post("/auth/logout", environ_base=ADDRESS)
    (logout,) = _entries(app, "auth.logout")
    assert logout.user_id == user.id and logout.ip_address == "203.0.113.9"


def test_the_address_behind_a_configured_proxy_is_the_clients(tmp_path):
    from eventhub import create_app
    from eventhub.extensions import limiter

    saved = limiter._storage, limiter._limiter
    try:
        app = create_app(
            {"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x", "PROXY_COUNT": 1, "TESTING": True}
        )
        seen = {}

        @app.get("/_address")
        def address():
            from flask import request

            seen["address"] = request.remote_addr
            return ""

        app.test_client().get(
            "/_address",
            headers={"X-Forwarded-For": "198.51.100.20"},
            environ_base={"REMOTE_ADDR": "10.0.0.2"},
        )
        assert seen["address"] == "198.51.100.20"
    finally:
        limiter._storage, limiter._limiter = saved


def test_exports_are_audited_with_who_and_where(client, as_role, make, event, app):
    organiser = as_role("organiser")
    make.participant(event)
    for url in (
        f"/events/{event.slug}/participants/export/participants.csv",
        f"/events/{event.slug}/visas/export.xlsx",
        f"/events/{event.slug}/agreements/export.csv",
        f"/events/{event.slug}/checkin/attendance.csv",
        f"/events/{event.slug}/audit.csv",
    ):
        assert client.get(url, environ_base=ADDRESS).status_code == 200, url
    entries = _entries(app, "data.export")
    assert [e.changes["file"][1] for e in entries] == [
        f"{event.slug}-participants.csv",
        f"{event.slug}-visas.xlsx",
        f"{event.slug}-agreements.csv",
        f"attendance-{event.slug}.csv",
        f"audit-{event.slug}.csv",
    ]
    assert {(e.user_id, e.ip_address, e.event_id) for e in entries} == {
        (organiser.id, "203.0.113.9", event.id)
    }
