"""The installation's audit log: every entry, those of no event too (logins, failed logins),
for installation administrators only, filtered, paged, exported; and each person's own
recent sign-in activity on their sessions page.

Expected wording comes from the catalogues, never written out here."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from urllib.parse import quote

import sqlalchemy as sa
from flask_babel import force_locale, gettext

from eventhub.audit.models import AuditEntry
from eventhub.audit.services import ACTION_LABELS
from eventhub.extensions import db

ADDRESS = {"REMOTE_ADDR": "203.0.113.9"}


def label(app, text, locale: str = "en") -> str:
    with app.test_request_context(), force_locale(locale):
        return gettext(text) if isinstance(text, str) else str(text)


def add(app, action, *, event=None, actor="a@example.org", when=None, ip="", changes=None):
    with app.app_context():
        entry = AuditEntry(
            event_id=event.id if event else None,
            actor=actor,
            action=action,
            object_type="User",
            object_id="1",
            changes=changes or {},
            ip_address=ip,
        )
        if when:
            entry.created_at = when
        db.session.add(entry)
        db.session.commit()


def test_only_installation_administrators_see_it(client, make, login, event):
    organiser = make.user(roles={event: "organiser"})
    login(organiser.email)
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit.csv").status_code == 403
    assert "/admin/audit" not in client.get("/").get_data(as_text=True)


def test_failed_logins_show_with_their_address_for_the_administrator(app, client, make, event):
    victim = make.user("chen.jing@example.cn")
    client.post(
        "/auth/login",
        data={"email": victim.email, "password": "a guess"},
        environ_base={"REMOTE_ADDR": "198.51.100.66"},
    )
    add(app, "participant.lock", event=event, actor="organiser@example.org", ip="192.0.2.1")
    admin = make.user(is_admin=True)
    client.post("/auth/login", data={"email": admin.email, "password": "correct horse battery"})
    home = client.get("/").get_data(as_text=True)
    assert 'href="/admin/audit"' in home  # in the administrator's menu
    html = client.get("/admin/audit").get_data(as_text=True)
    assert str(ACTION_LABELS["auth.login_failed"]) in html
    assert "198.51.100.66" in html and "chen.jing@example.cn" in html
    # Entries of events are there too, with the event named.
    assert "192.0.2.1" in html and event.name_en in html
    zh = client.get("/admin/audit", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert label(app, ACTION_LABELS["auth.login_failed"], "zh_Hans") in zh
    assert label(app, "IP address", "zh_Hans") in zh != label(app, "IP address")


def test_filters_by_action_person_day_and_free_text(app, client, make, login, event):
    for action, who, ip, day, of_event, changes in (
        ("auth.login_failed", "guess", "198.51.100.7", 1, None, None),
        ("auth.login", "ann", "192.0.2.44", 2, None, None),
        ("participant.lock", "bob", "", 3, event, {"reason": [None, "visa refused 签证被拒"]}),
    ):
        when = datetime(2026, 3, day, 10, tzinfo=UTC)
        add(
            app,
            action,
            event=of_event,
            actor=f"{who}@example.org",
            ip=ip,
            when=when,
            changes=changes,
        )
    login(make.user(is_admin=True).email)

    def shown(query: str) -> set[str]:
        html = client.get(f"/admin/audit{query}").get_data(as_text=True)
        return {who for who in ("guess@", "ann@", "bob@") if f"{who}example.org</td>" in html}

    assert shown("?what=auth.login_failed") == {"guess@"}
    assert shown("?who=ann@example.org") == {"ann@"}
    assert shown("?since=2026-03-02&until=2026-03-02") == {"ann@"}
    assert shown("?q=198.51.100") == {"guess@"}  # part of an address
    assert shown("?q=VISA REFUSED") == {"bob@"}  # a word in what changed
    assert shown("?q=" + quote("签证")) == {"bob@"}  # in another script too
    assert shown("?q=%25") == set()  # a "%" typed is no wildcard
    bad = client.get("/admin/audit?since=yesterday")
    assert bad.status_code == 200 and label(app, "A date, e.g. 2025-07-24.") in bad.get_data(
        as_text=True
    )


def test_pages_of_fifty(app, client, make, login):
    for n in range(55):
        add(app, "auth.login", actor=f"p{n}@example.org")
    login(make.user(is_admin=True).email)
    first = client.get("/admin/audit?what=auth.login").get_data(as_text=True)
    assert "page=2" in first
    second = client.get("/admin/audit?what=auth.login&page=2").get_data(as_text=True)
    assert second.count("<tr>") - 1 >= 5


def test_csv_has_address_and_event_is_safe_and_is_itself_audited(app, client, make, login, event):
    add(app, "auth.login_failed", actor='=HYPERLINK("x")', ip="198.51.100.7")
    add(app, "participant.lock", event=event, actor="bob@example.org")
    admin = make.user(is_admin=True)
    login(admin.email)
    response = client.get(
        "/admin/audit.csv", headers={"Accept-Language": "zh-CN"}, environ_base=ADDRESS
    )
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert label(app, "IP address", "zh_Hans") in rows[0]
    ip_column = rows[0].index(label(app, "IP address", "zh_Hans"))
    guess = next(row for row in rows[1:] if "198.51.100.7" in row)
    assert guess[1] == '\'=HYPERLINK("x")' and guess[ip_column] == "198.51.100.7"
    assert any(event.name_zh in row for row in rows[1:])  # in the reader's language
    with app.app_context():
        (export,) = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "data.export")
        )
        assert export.user_id == admin.id and export.ip_address == "203.0.113.9"
        assert export.event_id is None


def test_a_person_sees_their_own_recent_sign_ins_and_failures(app, client, make, login):
    me = make.user("me@example.org")
    other = make.user("other@example.org")
    client.post(
        "/auth/login",
        data={"email": "ME@example.org", "password": "guess1"},
        environ_base={"REMOTE_ADDR": "198.51.100.66"},
    )
    client.post(
        "/auth/login",
        data={"email": other.email, "password": "guess2"},
        environ_base={"REMOTE_ADDR": "198.51.100.77"},
    )
    client.post(
        "/auth/login",
        data={"email": me.email, "password": "correct horse battery"},
        environ_base=ADDRESS,
    )
    html = client.get("/auth/sessions").get_data(as_text=True)
    assert "198.51.100.66" in html and "203.0.113.9" in html
    assert str(ACTION_LABELS["auth.login_failed"]) in html
    assert "198.51.100.77" not in html  # someone else's account
    zh = client.get("/auth/sessions", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert label(app, ACTION_LABELS["auth.login_failed"], "zh_Hans") in zh
