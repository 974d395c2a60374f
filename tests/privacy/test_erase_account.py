"""An erased person's account: linked through the confirmation link (which gives the
DELEGATE role in the event), it must stop letting anyone in, and the audit log must stop
naming the person by their address (their actions stay, by a pseudonym)."""

from __future__ import annotations

import json

import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.auth.models import ApiToken, EventMembership, RecoveryCode, Role, User
from eventhub.auth.services import issue_api_token
from eventhub.extensions import db
from eventhub.registration import account_links
from eventhub.registration.models import Participant

from ..factories import PASSWORD

EMAIL = "sok.chanthy@example.kh"


def _linked(app, make, event):
    """A registration and the account its owner linked from the mailed confirmation link,
    with two-step login, recovery codes and an API token; logged in on its own browser."""
    user = make.user(EMAIL)
    person = make.participant(event, email=EMAIL, family_name="SOK", given_name="Chanthy")
    with app.app_context():
        token = account_links.request_link(
            db.session.get(Participant, person.id), db.session.get(User, user.id), actor=None
        )
        db.session.commit()
    browser = app.test_client()
    assert (
        browser.post("/auth/login", data={"email": EMAIL, "password": PASSWORD}).status_code == 302
    )
    assert browser.post(f"/my-registration/link/{token}").status_code in (302, 303)
    # A mistyped password once: the log keeps the address tried.
    app.test_client().post("/auth/login", data={"email": EMAIL, "password": "wrong"})
    with app.app_context():
        roles = set(
            db.session.scalars(
                sa.select(EventMembership.role).where(
                    EventMembership.user_id == user.id, EventMembership.event_id == event.id
                )
            )
        )
        assert Role.DELEGATE in roles
        assert db.session.get(Participant, person.id).user_id == user.id
        row = db.session.get(User, user.id)
        row.totp_secret_encrypted = "secret"
        db.session.add(RecoveryCode(user_id=user.id, code_hash="0" * 64))
        issue_api_token(db.session.merge(event), Role.DELEGATE, user=row, label="phone")
        db.session.commit()
    assert "SOK" in browser.get("/my-registration").get_data(as_text=True)
    return person, user, browser


def _erase(client, event, person_id):
    response = client.post(f"/events/{event.slug}/participants/{person_id}/erase")
    assert response.status_code == 302
    return response


def test_the_erased_persons_linked_account_lets_nobody_in(app, client, as_role, make, event):
    person, user, browser = _linked(app, make, event)
    as_role("organiser")
    _erase(client, event, person.id)
    # The browser they were logged in on is logged out.
    mine = browser.get("/my-registration")
    assert mine.status_code == 302 and "/auth/login" in mine.headers["Location"]
    # Their address and password no longer log anyone in.
    again = app.test_client()
    again.post("/auth/login", data={"email": EMAIL, "password": PASSWORD})
    after = again.get("/my-registration")
    assert after.status_code == 302 and "/auth/login" in after.headers["Location"]
    with app.app_context():
        row = db.session.get(User, user.id)
        assert not row.active and EMAIL not in row.email
        assert row.totp_secret_encrypted is None and row.totp_enabled_at is None
        assert not db.session.scalars(
            sa.select(EventMembership).where(EventMembership.user_id == user.id)
        ).all()
        assert not db.session.scalars(
            sa.select(RecoveryCode).where(RecoveryCode.user_id == user.id)
        ).all()
        tokens = db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id)).all()
        assert tokens and all(t.revoked_at is not None for t in tokens)


def test_an_account_with_another_role_keeps_it_but_loses_this_events(
    app, client, as_role, make, event
):
    person, user, _browser = _linked(app, make, event)
    other = make.event()
    with app.app_context():
        from eventhub.auth.services import grant_role

        grant_role(db.session.get(User, user.id), db.session.merge(other), Role.STAFF)
        db.session.commit()
    as_role("organiser")
    _erase(client, event, person.id)
    with app.app_context():
        row = db.session.get(User, user.id)
        assert row.active and row.email == EMAIL
        roles = db.session.execute(
            sa.select(EventMembership.event_id, EventMembership.role).where(
                EventMembership.user_id == user.id
            )
        ).all()
        assert roles == [(other.id, Role.STAFF)]
        tokens = db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id)).all()
        assert all(t.revoked_at is not None for t in tokens)


def test_the_audit_log_no_longer_names_the_erased_person(app, client, as_role, make, event):
    person, user, _browser = _linked(app, make, event)
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
        theirs = {
            e.id: e.action
            for e in db.session.scalars(
                sa.select(AuditEntry).where(
                    sa.or_(AuditEntry.user_id == user.id, AuditEntry.actor == EMAIL)
                )
            )
        }
    assert {"auth.login", "auth.login_failed", "participant.account_linked"} <= set(theirs.values())
    organiser = as_role("organiser")
    _erase(client, event, person.id)
    with app.app_context():
        entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()
        dump = json.dumps(
            [[e.actor, e.changes, e.object_id, e.object_type] for e in entries],
            ensure_ascii=False,
            default=str,
        )
        assert EMAIL not in dump.lower()
        # Every entry stays: who did what, the person by a pseudonym.
        assert len(entries) > before
        by_id = {e.id: e for e in entries}
        for entry_id, action in theirs.items():
            entry = by_id[entry_id]
            assert entry.action == action
            assert f"#{person.id}" in entry.actor and entry.user_id is None
            assert entry.ip_address == ""
        about = [
            e
            for e in entries
            if (e.object_type, e.object_id)
            in {("Participant", str(person.id)), ("User", str(user.id))}
        ]
        assert about and all(e.ip_address == "" for e in about)
        # The organiser's own erasure keeps who did it.
        (erase,) = [e for e in entries if e.action == "person.erase"]
        assert erase.actor == organiser.email and erase.user_id == organiser.id
