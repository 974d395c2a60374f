"""A delegate's own account: a "My registration" page with the links that apply to them, and
a second registration with the same email told where its link went."""

from __future__ import annotations

import re

import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.registration.models import Participant, Status


def test_an_account_with_registrations_finds_them_all(client, make, login, app):
    from eventhub import crypto
    from eventhub.certificates.models import Certificate, CertificateKind

    user = make.user()
    week, forum = make.event(), make.event()
    with app.app_context():
        number = crypto.encrypt("P7654321")
    approved = make.participant(
        week, user_id=user.id, visa_letter_requested=True, passport_number_encrypted=number
    )
    pending = make.participant(forum, user_id=user.id, status=Status.PENDING)
    make.participant(make.event(), given_name="Somebody")  # not theirs
    with app.app_context():
        db.session.add(
            Certificate(
                event_id=week.id,
                participant_id=approved.id,
                kind=CertificateKind.PARTICIPATION,
                serial="ABCDEF0123456789",
            )
        )
        db.session.commit()
    login(user.email)
    home = client.get("/").get_data(as_text=True)
    assert 'href="/my-registration"' in home  # in the navigation
    page = client.get("/my-registration").get_data(as_text=True)
    assert week.name_en in page and forum.name_en in page
    week_part, forum_part = (
        page.split(forum.name_en)
        if page.index(week.name_en) < page.index(forum.name_en)
        else page.split(week.name_en)[::-1]
    )
    # The approved registration: badge, certificate, visa letter, agenda, own page.
    assert f"/events/{week.slug}/me/" in week_part
    assert "badge.pdf" in week_part and "certificates/ABCDEF0123456789.pdf" in week_part
    assert f"/my-registration/{approved.id}/visa-letter.pdf" in week_part
    assert f"/events/{week.slug}/agenda" in week_part
    # The pending one: its page only.
    assert f"/events/{forum.slug}/me/" in forum_part
    assert "badge.pdf" not in forum_part and "visa-letter" not in forum_part
    assert "certificates/" not in forum_part

    letter = client.get(f"/my-registration/{approved.id}/visa-letter.pdf")
    assert letter.status_code == 200 and letter.data[:4] == b"%PDF"
    assert client.get(f"/my-registration/{pending.id}/visa-letter.pdf").status_code == 404


def test_nobody_else_gets_the_page_or_the_letter(client, make, login, app):
    from eventhub import crypto

    owner, other = make.user(), make.user()
    event = make.event()
    with app.app_context():
        number = crypto.encrypt("P7654321")
    theirs = make.participant(
        event, user_id=owner.id, visa_letter_requested=True, passport_number_encrypted=number
    )
    login(other.email)
    assert 'href="/my-registration"' not in client.get("/").get_data(as_text=True)
    assert "You have no registration" in client.get("/my-registration").get_data(as_text=True)
    assert client.get(f"/my-registration/{theirs.id}/visa-letter.pdf").status_code == 404
    client.post("/auth/logout")
    assert client.get("/my-registration").status_code == 302  # to the login page


def test_registering_again_with_the_same_email_sends_the_link_there(
    client, app, open_event, lao_delegate, outbox
):
    client.post(f"/events/{open_event.slug}/register", data=lao_delegate)
    first_link = re.search(r"(/events/\S+/me/\S+)", outbox[-1].get_content()).group(1)
    again = dict(lao_delegate, email="SOMPHONE.K@example.la", given_name="Somphon")
    response = client.post(f"/events/{open_event.slug}/register", data=again, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "already registered" in page
    # The link goes to the address, never on the screen: whoever types an email is not
    # necessarily its owner.
    assert "/me/" not in page
    assert len(outbox) == 2 and outbox[-1]["To"] == "somphone.k@example.la"
    assert first_link in outbox[-1].get_content()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Participant)) == 1
