"""Organisers' texts in every language: stored per language, English when not translated
(never an empty text), edited on the organisers' Translations page."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from eventhub.audit.models import AuditEntry
from eventhub.events.content import ContentTranslation
from eventhub.extensions import db
from eventhub.i18n import localized
from eventhub.scheduling.models import Access, ActivityState

from ..api.test_api import _token
from ..checkin.conftest import _code


def _translate(app, event, kind, object_id, field, locale, text, source):
    with app.app_context():
        db.session.add(
            ContentTranslation(
                event_id=event.id,
                kind=kind,
                object_id=object_id,
                field=field,
                locale=locale,
                text=text,
                source=source,
            )
        )
        db.session.commit()


def _published(make, event, **values):
    venue = make.venue(event, name_en=f"Centre {uuid.uuid4().hex[:6]}")
    room = make.room(venue, name_en="Hall 1", capacity=50)
    defaults = {
        "title_en": "Digital Economy Forum",
        "title_zh": "数字经济论坛",
        "room_id": room.id,
        "access": Access.REGISTRATION,
        "state": ActivityState.PUBLISHED,
        "starts_at": datetime(2025, 7, 25, 1, 0, tzinfo=UTC),
        "ends_at": datetime(2025, 7, 25, 2, 30, tzinfo=UTC),
    }
    defaults.update(values)
    return make.activity(event, **defaults)


def test_a_text_not_translated_is_english_never_empty(app, make, event):
    activity = make.activity(event, title_en="Opening ceremony", title_zh="开幕式")
    _translate(app, event, "activity", activity.id, "title", "th", "พิธีเปิด", "Opening ceremony")
    with app.test_request_context():
        obj = db.session.merge(activity)
        shown = {}
        for locale in app.config["EVENTHUB_LOCALES"]:
            with force_locale(locale):
                shown[locale] = localized(obj, "title")
                assert localized(obj, "description") == ""  # no English: nothing to show
                assert localized(db.session.merge(event), "name")  # never empty
    assert shown["th"] == "พิธีเปิด"
    assert shown["zh_Hans"] == "开幕式"
    assert shown["en"] == shown["vi"] == shown["km"] == "Opening ceremony"


def test_an_empty_translation_falls_back_to_english(app, make, event):
    activity = make.activity(event, title_en="Opening ceremony")
    _translate(app, event, "activity", activity.id, "title", "vi", "", "Opening ceremony")
    with app.test_request_context(), force_locale("vi"):
        assert localized(db.session.merge(activity), "title") == "Opening ceremony"


def test_a_thai_reader_sees_the_thai_title_on_the_programme(app, client, make, event):
    activity = _published(make, event, title_en="Digital Economy Forum")
    _translate(app, event, "activity", activity.id, "title", "th", "ฟอรัมเศรษฐกิจดิจิทัล", "x")
    other = _published(make, event, title_en="Closing dinner")
    thai = client.get(f"/events/{event.slug}/programme", headers={"Accept-Language": "th"})
    page = thai.get_data(as_text=True)
    assert "ฟอรัมเศรษฐกิจดิจิทัล" in page and "Digital Economy Forum" not in page
    assert "Closing dinner" in page  # not translated: English
    english = client.get(f"/events/{event.slug}/programme", headers={"Accept-Language": "en"})
    assert "Digital Economy Forum" in english.get_data(as_text=True)
    assert other.id


def test_an_english_title_on_a_thai_page_is_marked_english(app, client, make, event):
    """A screen reader reads an untranslated title with an English voice (WCAG: language of
    parts); a translated one in the page's language."""
    translated = _published(make, event, title_en="Digital Economy Forum")
    _translate(app, event, "activity", translated.id, "title", "th", "ฟอรัมเศรษฐกิจดิจิทัล", "x")
    _published(make, event, title_en="Closing dinner")
    thai = client.get(f"/events/{event.slug}/programme", headers={"Accept-Language": "th"})
    page = thai.get_data(as_text=True)
    assert '<span lang="en">Closing dinner</span>' in page
    assert "<span>ฟอรัมเศรษฐกิจดิจิทัล</span>" in page
    english = client.get(f"/events/{event.slug}/programme", headers={"Accept-Language": "en"})
    assert 'lang="en">Closing dinner' not in english.get_data(as_text=True)


def test_a_thai_delegate_sees_the_thai_title_on_their_agenda(app, client, make, event, login):
    activity = _published(make, event)
    _translate(app, event, "activity", activity.id, "title", "th", "ฟอรัมดิจิทัล", "x")
    user = make.user(roles={event: "delegate"}, locale="th")
    person = make.participant(event, user_id=user.id, email=user.email)
    with app.app_context():
        from eventhub.scheduling.models import Enrolment, EnrolmentStatus

        db.session.add(
            Enrolment(
                activity_id=activity.id,
                participant_id=person.id,
                status=EnrolmentStatus.ENROLLED,
            )
        )
        db.session.commit()
    login(user.email)
    page = client.get(f"/events/{event.slug}/agenda").get_data(as_text=True)
    assert "ฟอรัมดิจิทัล" in page


def test_the_programme_in_thai_needs_a_fixed_number_of_queries(
    app, client, make, event, connection
):
    counted = []

    def count(*_args, **_kwargs):
        counted.append(1)

    def queries() -> int:
        counted.clear()
        sa.event.listen(connection, "before_cursor_execute", count)
        try:
            response = client.get(
                f"/events/{event.slug}/programme", headers={"Accept-Language": "th"}
            )
            assert response.status_code == 200
        finally:
            sa.event.remove(connection, "before_cursor_execute", count)
        return len(counted)

    def add(n: int) -> None:
        for i in range(n):
            activity = _published(
                make, event, title_en=f"Forum {i}", track=f"Track {i}", description_en="About"
            )
            for field in ("title", "track", "description"):
                _translate(app, event, "activity", activity.id, field, "th", f"ไทย {i}", "x")

    add(3)
    before = queries()
    add(12)
    assert queries() == before


def test_the_gate_names_the_checkpoint_in_thai(app, client, make, event):
    gate = make.checkpoint(event, slug="main-entrance", name_en="Main entrance", name_zh="主入口")
    _translate(app, event, "checkpoint", gate.id, "name", "th", "ทางเข้าหลัก", "Main entrance")
    code = _code(app, make.participant(event).id)
    token = _token(app, event)

    def scan(lang):
        body = {"code": code, "checkpoint": "main-entrance", "client_scan_id": str(uuid.uuid4())}
        headers = {"Authorization": f"Bearer {token}", "Accept-Language": lang}
        return client.post("/api/v1/scans", json=body, headers=headers).get_json()

    assert scan("th")["result"] == "admitted"
    again = scan("th")
    assert again["result"] == "already_admitted"
    assert "ทางเข้าหลัก" in again["reason"] and "Main entrance" not in again["reason"]
    assert "Main entrance" in scan("vi")["reason"]  # no Vietnamese: English
    assert "主入口" in scan("zh-CN")["reason"]


def test_a_thai_reader_without_a_thai_privacy_notice_reads_the_english_one(app, make, event):
    from eventhub.privacy import notices
    from eventhub.privacy.models import Purpose

    with app.test_request_context():
        for purpose in Purpose:
            shown = notices.current(db.session.merge(event), purpose, "th")
            english = notices.current(db.session.merge(event), purpose, "en")
            assert shown.text and shown.text == english.text
            assert shown.language == "en" and shown.fell_back


# --- the notice, the form's help and the emails' note -------------------------------------


def test_the_notice_to_guests_is_shown_in_the_readers_language(app, client, make):
    event = make.event(guest_notice_en="Bring your passport.", guest_notice_zh="请携带护照。")
    _translate(app, event, "event", event.id, "guest_notice", "th", "โปรดนำหนังสือเดินทาง", "x")
    page = lambda lang: client.get(  # noqa: E731
        f"/events/{event.slug}/", headers={"Accept-Language": lang}
    ).get_data(as_text=True)
    assert "โปรดนำหนังสือเดินทาง" in page("th")
    assert "Bring your passport." in page("vi")
    assert "请携带护照。" in page("zh-CN")


def test_the_settings_form_keeps_the_texts_for_guests(app, client, as_role, event):
    from .test_events import FORM

    as_role("organiser")
    form = client.get(f"/events/{event.slug}/settings").get_data(as_text=True)
    assert 'name="guest_notice_en"' in form and 'name="email_note_zh"' in form
    data = dict(
        FORM,
        slug=event.slug,
        guest_notice_en="Bring your passport.",
        registration_help_en="Have a photo ready.",
        email_note_en="See you in Guiyang.",
        registration_opens_at="2020-01-01T00:00",
        registration_closes_at="2099-01-01T00:00",
    )
    response = client.post(f"/events/{event.slug}/settings", data=data)
    assert response.status_code == 302
    with app.app_context():
        from eventhub.events.models import Event

        stored = db.session.get(Event, event.id)
        assert stored.guest_notice_en == "Bring your passport."
        assert stored.registration_help_en == "Have a photo ready."
        assert stored.email_note_en == "See you in Guiyang."
    register = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert "Have a photo ready." in register


def test_the_registration_emails_carry_the_note_in_the_recipients_language(app, make):
    from eventhub.registration import own_link

    event = make.event(email_note_en="See you in Guiyang.", email_note_zh="贵阳见。")
    _translate(app, event, "event", event.id, "email_note", "th", "พบกันที่กุ้ยหยาง", "x")
    thai = make.participant(event, locale="th")
    lao = make.participant(event, locale="lo")
    sent = {}
    with app.test_request_context():
        import eventhub.registration.own_link as module

        original = module.send_mail
        module.send_mail = lambda to, subject, body, **kw: sent.setdefault(to, body) or True
        try:
            for person in (thai, lao):
                own_link.send_confirmation(db.session.merge(person), "key")
        finally:
            module.send_mail = original
    assert "พบกันที่กุ้ยหยาง" in sent[thai.email]
    assert "See you in Guiyang." in sent[lao.email]


def test_the_note_welcomes_an_approved_guest_never_a_refused_one(app, make):
    from eventhub.registration import lists
    from eventhub.registration.models import Status

    event = make.event(email_note_en="See you in Guiyang.")
    approved = make.participant(event, status=Status.APPROVED)
    rejected = make.participant(event, status=Status.REJECTED)
    sent = {}
    with app.test_request_context():
        original = lists.send_mail
        lists.send_mail = lambda to, subject, body, **kw: sent.setdefault(to, body) or True
        try:
            for person in (approved, rejected):
                lists.send_status_notice(db.session.merge(person))
        finally:
            lists.send_mail = original
    assert "See you in Guiyang." in sent[approved.email]
    assert "See you in Guiyang." not in sent[rejected.email]


# --- the Translations page ----------------------------------------------------------------


def _url(event, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/events/{event.slug}/translations" + (f"?{query}" if query else "")


def test_the_translations_page_saves_every_text_at_once(app, client, as_role, make, event):
    user = as_role("organiser")
    first = make.activity(event, title_en="Opening ceremony", description_en="All together.")
    second = make.activity(event, title_en="Closing dinner")
    page = client.get(_url(event, lang="th", kind="activity"))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    name = f"t-activity-{first.id}-title"
    assert f'for="{name}"' in html and f'aria-describedby="{name}-en"' in html
    assert "0 of 3" in html  # two titles and one description
    response = client.post(
        _url(event, lang="th", kind="activity"),
        data={name: "พิธีเปิด", f"t-activity-{second.id}-title": "งานเลี้ยงปิด"},
    )
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="พิธีเปิด"' in html and "2 of 3" in html
    with app.app_context():
        rows = db.session.scalars(sa.select(ContentTranslation)).all()
        assert {(r.object_id, r.locale, r.text, r.source) for r in rows} == {
            (first.id, "th", "พิธีเปิด", "Opening ceremony"),
            (second.id, "th", "งานเลี้ยงปิด", "Closing dinner"),
        }
        assert all(r.updated_by_id == user.id for r in rows)
        entry = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "content.translate")
        )
        assert entry is not None and entry.event_id == event.id


def test_saving_unchanged_changes_nothing(app, client, as_role, make, event):
    as_role("organiser")
    activity = make.activity(event, title_en="Opening ceremony")
    name = f"t-activity-{activity.id}-title"
    client.post(_url(event, lang="th", kind="activity"), data={name: "พิธีเปิด"})
    with app.app_context():
        before = db.session.scalar(sa.select(ContentTranslation.updated_at))
        audits = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))
    response = client.post(
        _url(event, lang="th", kind="activity"), data={name: "พิธีเปิด"}, follow_redirects=True
    )
    assert "Nothing was changed." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(ContentTranslation.updated_at)) == before
        assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == audits


def test_a_refused_text_keeps_what_was_typed_and_saves_nothing(app, client, as_role, make, event):
    as_role("organiser")
    activity = make.activity(event, title_en="Opening ceremony", description_en="All together.")
    title, description = f"t-activity-{activity.id}-title", f"t-activity-{activity.id}-description"
    response = client.post(
        _url(event, lang="vi", kind="activity"),
        data={title: "x" * 301, description: "Mọi người cùng nhau."},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Mọi người cùng nhau." in html and "x" * 301 in html
    assert f'id="{title}-error"' in html and 'aria-invalid="true"' in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ContentTranslation.id))) == 0


@pytest.mark.parametrize(
    "typed",
    ["Lễ khai mạc\nvà tiệc", "Lễ khai\x07 mạc", "Lễ khai mạc \u202egnikcart"],
    ids=["line break in a title", "control character", "direction override"],
)
def test_a_title_that_would_print_or_read_wrong_is_refused(client, as_role, make, event, typed):
    as_role("organiser")
    activity = make.activity(event, title_en="Opening ceremony")
    title = f"t-activity-{activity.id}-title"
    response = client.post(_url(event, lang="vi", kind="activity"), data={title: typed})
    assert response.status_code == 422
    assert f'id="{title}-error"' in response.get_data(as_text=True)


def test_a_translation_whose_english_changed_is_flagged(app, client, as_role, make, event):
    as_role("organiser")
    activity = make.activity(event, title_en="Opening ceremony")
    _translate(app, event, "activity", activity.id, "title", "th", "พิธีเปิด", "Opening Ceremony 2025")
    name = f"t-activity-{activity.id}-title"
    html = client.get(_url(event, lang="th", kind="activity")).get_data(as_text=True)
    assert "English changed — check" in html and f'id="{name}-stale"' in html
    client.post(_url(event, lang="th", kind="activity"), data={name: "พิธีเปิด", "confirm": name})
    html = client.get(_url(event, lang="th", kind="activity")).get_data(as_text=True)
    assert f'id="{name}-stale"' not in html


def test_the_translations_page_has_an_empty_state_and_pages(app, client, as_role, make, event):
    as_role("organiser")
    html = client.get(_url(event, lang="km", kind="checkpoint")).get_data(as_text=True)
    assert "Nothing to translate here yet" in html
    for n in range(25):
        make.activity(event, title_en=f"Forum {n:02d}")
    first = client.get(_url(event, lang="km", kind="activity")).get_data(as_text=True)
    second = client.get(_url(event, lang="km", kind="activity", page=2)).get_data(as_text=True)
    assert "Forum 00" in first and "Forum 24" not in first
    assert "Forum 24" in second and "Forum 00" not in second


@pytest.mark.parametrize("role", ["delegate", "staff", None])
def test_only_organisers_reach_the_translations_page(client, as_role, event, role):
    if role:
        as_role(role)
    response = client.get(_url(event))
    assert response.status_code == (302 if role is None else 403)
    assert client.post(_url(event), data={}).status_code == (302 if role is None else 403)


def test_a_deleted_activity_leaves_no_translation(app, make, event):
    activity = make.activity(event, title_en="Opening ceremony")
    _translate(app, event, "activity", activity.id, "title", "th", "พิธีเปิด", "x")
    with app.app_context():
        db.session.delete(db.session.merge(activity))
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(ContentTranslation.id))) == 0


def test_translations_come_along_to_the_next_edition(app, make):
    from datetime import date

    from eventhub.events import copying
    from eventhub.events.models import Event
    from eventhub.scheduling.models import Activity

    event = make.event(name_en="Exchange Week 2025", city_en="Guiyang")
    activity = make.activity(event, title_en="Opening ceremony")
    _translate(app, event, "activity", activity.id, "title", "th", "พิธีเปิด", "Opening ceremony")
    _translate(app, event, "event", event.id, "name", "vi", "Tuần lễ 2025", "Exchange Week 2025")
    _translate(app, event, "event", event.id, "city", "vi", "Quý Dương", "Guiyang")
    with app.test_request_context():
        copy = copying.copy_event(
            db.session.get(Event, event.id),
            {
                "slug": "next-week",
                "name_en": "Exchange Week 2026",
                "name_zh": "下届",
                "starts_on": date(2026, 7, 23),
                "ends_on": date(2026, 7, 26),
            },
            actor=None,
        )
        db.session.commit()
        new_activity = db.session.scalar(sa.select(Activity).where(Activity.event_id == copy.id))
        with force_locale("th"):
            assert localized(new_activity, "title") == "พิธีเปิด"
        with force_locale("vi"):
            assert localized(copy, "name") == "Tuần lễ 2026"  # the year moved on
            assert localized(copy, "city") == "Quý Dương"
        rows = db.session.scalars(
            sa.select(ContentTranslation).where(
                ContentTranslation.event_id == copy.id, ContentTranslation.kind == "event"
            )
        )
        # Not flagged "English changed": the name's translation moved on with its English.
        assert {row.field: row.source for row in rows} == {
            "name": "Exchange Week 2026",
            "city": "Guiyang",
        }
