"""Notices per purpose and language: built-in texts as version 1, each save a new version,
and the organisers' page that shows, saves and lists them."""

from __future__ import annotations

import re

import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.extensions import db
from eventhub.privacy import notices
from eventhub.privacy.kinds import Purpose
from eventhub.privacy.models import Notice

from ..registration.conftest import OPEN


def _page(client, event) -> str:
    return client.get(f"/events/{event.slug}/privacy/notices").get_data(as_text=True)


def test_built_in_texts_are_version_one_in_english_and_chinese(app, event):
    with app.test_request_context():
        english = notices.current(event, Purpose.TRANSFER_ABROAD, "en")
        chinese = notices.current(event, Purpose.TRANSFER_ABROAD, "zh_Hans")
        thai = notices.current(event, Purpose.TRANSFER_ABROAD, "th")
    assert (english.version, english.language, english.notice) == (1, "en", None)
    # What is sent, to whom, why, and that refusing does not stop the registration.
    for words in ("passport number", "embassies", "partner institutions", "goes ahead"):
        assert words in english.text
    assert chinese.language == "zh_Hans" and "境外" in chinese.text
    assert thai.language == "en" and thai.fell_back  # no Thai text: English, and said so


def test_saving_adds_versions_and_an_unchanged_text_adds_nothing(app, make, event):
    organiser = make.user(roles={event: "organiser"})
    with app.test_request_context():
        event = db.session.merge(event)
        assert (
            notices.save(event, Purpose.PHOTO, "en", notices.DEFAULTS[Purpose.PHOTO]["en"], None)
            is None
        )
        saved = notices.save(event, Purpose.PHOTO, "en", "Your photo, on your badge.", organiser)
        assert saved.version == 2  # the built-in text was stored as version 1 first
        assert (
            notices.save(event, Purpose.PHOTO, "en", " Your photo, on your badge.\r\n", organiser)
            is None
        )
        again = notices.save(
            event, Purpose.PHOTO, "en", "Your photo, on your badge only.", organiser
        )
        assert again.version == 3
        assert notices.current(event, Purpose.PHOTO, "en").text == "Your photo, on your badge only."
        # Chinese is its own text, untouched.
        assert notices.current(event, Purpose.PHOTO, "zh_Hans").version == 1
        history = notices.history(event)
        assert [(n.version, n.text[:10]) for n in history] == [
            (3, "Your photo"),
            (2, "Your photo"),
            (1, notices.DEFAULTS[Purpose.PHOTO]["en"][:10]),
        ]
        assert history[2].created_by_id is None and history[0].created_by_id == organiser.id
        entries = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "notice.save")
        ).all()
        assert len(entries) == 2


def test_the_page_saves_a_new_version_and_lists_who_saved_which(app, client, event, as_role):
    organiser = as_role("organiser")
    page = _page(client, event)
    assert "Registration for the event" in page and "简体中文" in page
    assert "Version 1: the built-in text" in page
    response = client.post(
        f"/events/{event.slug}/privacy/notices",
        data={"purpose": "marketing", "language": "zh_Hans", "text": "我们会邀请您参加下一届。"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Version 2 of the notice is saved" in page
    assert "我们会邀请您参加下一届。" in page and organiser.email in page
    with app.app_context():
        stored = db.session.scalars(
            sa.select(Notice.version).where(Notice.purpose == Purpose.MARKETING)
        ).all()
    assert sorted(stored) == [1, 2]


def test_an_empty_or_too_long_text_is_refused_and_what_was_typed_stays(client, event, as_role):
    as_role("organiser")
    url = f"/events/{event.slug}/privacy/notices"
    empty = client.post(url, data={"purpose": "photo", "language": "en", "text": "   "})
    assert empty.status_code == 422 and "empty notice" in empty.get_data(as_text=True)
    long_text = "Photos. " * 700
    too_long = client.post(url, data={"purpose": "photo", "language": "en", "text": long_text})
    page = too_long.get_data(as_text=True)
    assert too_long.status_code == 422 and "keep it under 5000" in page
    assert re.search(r"(Photos\. ){600}", page)  # the typed text is back in its textarea
    bad = client.post(url, data={"purpose": "horoscope", "language": "en", "text": "x"})
    assert bad.status_code == 400


def test_only_organisers_open_the_notices(client, event, as_role):
    url = f"/events/{event.slug}/privacy/notices"
    assert client.get(url).status_code == 302  # to the login page
    as_role("visa_officer")
    assert client.get(url).status_code == 403
    assert (
        client.post(url, data={"purpose": "photo", "language": "en", "text": "x"}).status_code
        == 403
    )


def test_registrants_read_the_new_version(client, make):
    event = make.event(registration_opens_at=OPEN)
    with client.application.app_context():
        notices.save(
            db.session.merge(event), Purpose.PUBLIC_LIST, "en", "Listed on the website.", None
        )
        db.session.commit()
    page = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert "Listed on the website." in page and "Notice version 2" in page


def test_the_next_edition_starts_from_the_notices_and_retention_as_they_stand(app, make):
    """Copying a week carries its privacy notices (the current text, as version 1 of the new
    week) and how long it keeps each kind of data; never anyone's consent."""
    from datetime import date

    from eventhub.events import copying
    from eventhub.privacy import notices, retention
    from eventhub.privacy.kinds import Kind, Purpose

    with app.app_context():
        source = make.event()
        organiser = make.user(roles={source: "organiser"})
        notices.save(source, Purpose.MARKETING, "en", "First words.", organiser)
        notices.save(source, Purpose.MARKETING, "en", "Better words.", organiser)
        retention.set_days(source, {Kind.PASSPORT: 12}, organiser)
        db.session.flush()
        copy = copying.copy_event(
            source,
            {
                "slug": f"{source.slug}-next",
                "name_en": "Next week",
                "name_zh": "下一届",
                "starts_on": date(2027, 7, 22),
                "ends_on": date(2027, 7, 25),
            },
            actor=organiser,
        )
        shown = notices.current(copy, Purpose.MARKETING, "en")
        assert shown.text == "Better words."
        assert [n.version for n in notices.history(copy) if n.purpose == Purpose.MARKETING] == [1]
        assert retention.days_for(copy, Kind.PASSPORT) == 12
