"""The audit log page: read in the reader's language, filtered, linked to the records, exported.

Expected wording comes from the catalogues and Babel, never written out here."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from babel.dates import format_date, format_time
from babel.dates import get_timezone as babel_zone
from flask_babel import force_locale, gettext

from eventhub.audit import services as audit
from eventhub.audit.models import AuditEntry
from eventhub.events.forms import ROLE_LABELS
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.labels import STATUS_LABELS
from eventhub.registration.models import Participant, Status


def medium(moment: datetime, locale: str, zone: str = "Asia/Shanghai") -> str:
    """The medium date and 24-hour time of `moment` on `zone`'s clock, as Babel writes them."""
    from babel import Locale

    tz = babel_zone(zone)
    pattern = Locale.parse(locale).datetime_formats["medium"]
    return str(pattern).format(
        format_time(moment, "HH:mm", tzinfo=tz, locale=locale),
        format_date(moment.astimezone(tz), "medium", locale=locale),
    )


def label(app, text, locale: str) -> str:
    with app.test_request_context(), force_locale(locale):
        return gettext(text) if isinstance(text, str) else str(text)


def add(app, action, obj_type, obj_id, *, event, actor="a@example.org", when=None, changes=None):
    with app.app_context():
        entry = AuditEntry(
            event_id=event.id,
            actor=actor,
            action=action,
            object_type=obj_type,
            object_id=str(obj_id),
            changes=changes or {},
        )
        if when:
            entry.created_at = when
        db.session.add(entry)
        db.session.commit()
        return entry.id


def page(client, event, query="", locale=None):
    headers = {"Accept-Language": "zh-CN"} if locale == "zh_Hans" else {}
    return client.get(f"/events/{event.slug}/audit{query}", headers=headers).get_data(as_text=True)


def test_entries_read_in_chinese_for_a_chinese_reader(app, client, as_role, make, event):
    as_role("organiser")
    person = make.participant(event)
    with app.app_context():
        audit.record(
            "participant.status",
            db.session.get(Participant, person.id),
            event_id=event.id,
            changes={"status": [Status.PENDING.value, Status.APPROVED.value]},
        )
        audit.record(
            "role.grant",
            db.session.get(Event, event.id),
            event_id=event.id,
            changes={"user": [None, "v@example.org"], "role": [None, "visa_officer"]},
        )
        db.session.commit()
    html = page(client, event, locale="zh_Hans")
    for text in (
        STATUS_LABELS[Status.PENDING],
        STATUS_LABELS[Status.APPROVED],
        audit.ACTION_LABELS["participant.status"],
        ROLE_LABELS[next(r for r in ROLE_LABELS if r.value == "visa_officer")],
    ):
        assert label(app, text, "zh_Hans") in html
    assert "pending" not in html
    assert "visa_officer" not in html
    assert "role:" not in html
    # The same entries read in English for an English reader.
    english = page(client, event)
    assert label(app, STATUS_LABELS[Status.APPROVED], "en") in english


def test_an_entry_from_before_labels_still_reads(app, client, as_role, event):
    as_role("organiser")
    add(
        app,
        "legacy.thing",
        "Gadget",
        7,
        event=event,
        changes={"colour_of_gadget": ["red", "blue"], "note": "kept as it was"},
    )
    html = page(client, event)
    assert "legacy.thing" in html
    assert "colour_of_gadget" in html and "red → blue" in html
    assert "kept as it was" in html


def test_saved_settings_are_logged_in_utc_and_shown_on_the_event_clock(app, client, as_role, make):
    event = make.event(timezone="Asia/Shanghai")
    user = make.user(roles={event: "organiser"})
    client.post("/auth/login", data={"email": user.email, "password": "correct horse battery"})
    form = {
        "slug": event.slug,
        "name_en": event.name_en,
        "name_zh": event.name_zh,
        "city_en": event.city_en,
        "starts_on": "2025-07-24",
        "ends_on": "2025-07-27",
        "timezone": "Asia/Shanghai",
        "registration_closes_at": "2027-06-30T18:00",
    }
    assert client.post(f"/events/{event.slug}/settings", data=form).status_code == 302
    closes = datetime(2027, 6, 30, 10, 0, tzinfo=UTC)
    with app.app_context():
        entry = db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.action == "event.update")
        ).one()
        assert datetime.fromisoformat(entry.changes["registration_closes_at"][1]) == closes
        assert db.session.get(Event, event.id).registration_closes_at == closes
    assert medium(closes, "en") in page(client, event)
    assert medium(closes, "zh_Hans") in page(client, event, locale="zh_Hans")


def test_times_use_the_locales_medium_date_not_the_us_short_one(app, client, as_role, event):
    as_role("organiser")
    when = datetime(2025, 7, 24, 1, 5, tzinfo=UTC)
    add(app, "participant.lock", "Participant", 1, event=event, when=when)
    html = page(client, event)
    assert medium(when, "en") in html
    assert format_date(date(2025, 7, 24), "short", locale="en") not in html  # 7/24/25
    assert medium(when, "zh_Hans") in page(client, event, locale="zh_Hans")


def test_filters_by_who_what_record_and_day(app, client, as_role, make, event):
    as_role("organiser")
    add(
        app,
        "participant.lock",
        "Participant",
        11,
        event=event,
        actor="ann@example.org",
        when=datetime(2025, 7, 23, 15, 0, tzinfo=UTC),
    )  # 23:00 on the 23rd in Shanghai
    add(
        app,
        "participant.unlock",
        "Participant",
        12,
        event=event,
        actor="bob@example.org",
        when=datetime(2025, 7, 23, 16, 30, tzinfo=UTC),
    )  # 00:30 on the 24th
    add(
        app,
        "agreement.status",
        "Agreement",
        11,
        event=event,
        actor="bob@example.org",
        when=datetime(2025, 7, 25, 2, 0, tzinfo=UTC),
    )

    def shown(query):
        html = page(client, event, query)
        return {n for n in ("#11", "#12") if n in html}, html.count("<tr>") - 1

    assert shown("?who=ann@example.org") == ({"#11"}, 1)
    assert shown("?what=participant.unlock") == ({"#12"}, 1)
    assert shown("?record=Participant&record_id=11") == ({"#11"}, 1)
    assert shown("?record=Agreement") == ({"#11"}, 1)
    assert shown("?since=2025-07-24&until=2025-07-24") == ({"#12"}, 1)  # the event's days
    assert shown("?until=2025-07-23") == ({"#11"}, 1)
    html = page(client, event, "?since=24-07-2025")
    assert "is-invalid" in html  # said, not ignored silently
    assert "No entry matches these filters." in page(client, event, "?who=nobody@example.org")


def test_entries_link_to_their_records_while_they_exist(app, client, as_role, make, event):
    as_role("organiser")
    kept, gone = make.participant(event), make.participant(event)
    add(app, "participant.lock", "Participant", kept.id, event=event)
    add(app, "participant.lock", "Participant", gone.id, event=event)
    other_event = make.event()
    elsewhere = make.participant(other_event)
    add(app, "participant.lock", "Participant", elsewhere.id, event=event)
    with app.app_context():
        db.session.delete(db.session.get(Participant, gone.id))
        db.session.commit()
    html = page(client, event)
    assert f'href="/events/{event.slug}/participants/{kept.id}"' in html
    assert f'/participants/{gone.id}"' not in html
    assert f'/participants/{elsewhere.id}"' not in html
    assert f"#{gone.id}" in html  # still said, without a link


def test_pages_keep_the_filters(app, client, as_role, event):
    as_role("organiser")
    for n in range(55):
        add(app, "participant.lock", "Participant", n, event=event, actor="ann@example.org")
    add(app, "participant.lock", "Participant", 99, event=event, actor="bob@example.org")
    first = page(client, event, "?who=ann@example.org")
    assert "page=2&amp;who=ann@example.org" in first
    second = page(client, event, "?who=ann@example.org&page=2")
    assert "bob@example.org</td>" not in second
    assert second.count("<tr>") - 1 == 5


def test_csv_export_has_the_filtered_entries_readable_and_safe(app, client, as_role, event):
    as_role("organiser")
    add(
        app,
        "participant.status",
        "Participant",
        5,
        event=event,
        actor="ann@example.org",
        changes={"status": ["pending", "approved"], "reason": [None, '=HYPERLINK("x")']},
    )
    add(app, "participant.lock", "Participant", 6, event=event, actor="bob@example.org")
    response = client.get(
        f"/events/{event.slug}/audit.csv?who=ann@example.org", headers={"Accept-Language": "zh-CN"}
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][0] == label(app, "When", "zh_Hans") != "When"
    body = rows[1:]
    assert {row[1] for row in body} == {"ann@example.org"}
    status = next(row for row in body if row[5] == label(app, "Status", "zh_Hans") != "Status")
    assert status[6:8] == [
        label(app, STATUS_LABELS[Status.PENDING], "zh_Hans"),
        label(app, STATUS_LABELS[Status.APPROVED], "zh_Hans"),
    ]
    reason = next(row for row in body if row[7].endswith('HYPERLINK("x")'))
    assert reason[7].startswith("'=")


def test_visa_steps_and_waiting_list_moves_read_in_chinese(app, client, as_role, make, event):
    """Entries the visa workflow and the waiting list write are named, not shown as codes."""
    from eventhub.visas.labels import STEP_LABELS
    from eventhub.visas.models import VisaStep

    as_role("organiser")
    person = make.participant(event)
    with app.app_context():
        stored = db.session.get(Participant, person.id)
        audit.record(
            "visa.step",
            stored,
            event_id=event.id,
            changes={"visa_state": [VisaStep.SENT.value, VisaStep.REFUSED.value]},
        )
        audit.record(
            "participant.status",
            stored,
            event_id=event.id,
            changes={
                "status": [Status.WAITLISTED.value, Status.PENDING.value],
                "waiting_list": ["waiting", "moved up"],
            },
        )
        db.session.commit()
    html = page(client, event, locale="zh_Hans")
    for text in (STEP_LABELS[VisaStep.SENT], STEP_LABELS[VisaStep.REFUSED]):
        assert label(app, text, "zh_Hans") in html
    for code in ("refused", "moved up", "waiting_list", "visa_state"):
        assert code not in html


def test_the_event_log_says_from_where_each_change_came(app, client, make):
    """Who, what, when and from where: the address an organiser worked from is on the page
    and in the export, so an unknown address stands out."""
    event = make.event(timezone="Asia/Shanghai")
    user = make.user(roles={event: "organiser"})
    desk = {"REMOTE_ADDR": "198.51.100.7"}
    client.post(
        "/auth/login",
        data={"email": user.email, "password": "correct horse battery"},
        environ_base=desk,
    )
    form = {
        "slug": event.slug,
        "name_en": "Renamed week",
        "name_zh": event.name_zh,
        "city_en": event.city_en,
        "starts_on": "2025-07-24",
        "ends_on": "2025-07-27",
        "timezone": "Asia/Shanghai",
    }
    saved = client.post(f"/events/{event.slug}/settings", data=form, environ_base=desk)
    assert saved.status_code == 302
    assert "198.51.100.7" in page(client, event)
    export = client.get(f"/events/{event.slug}/audit.csv")
    rows = list(csv.reader(io.StringIO(export.data.decode("utf-8-sig"))))
    ip_column = rows[0].index(label(app, "IP address", "en"))
    assert "198.51.100.7" in {row[ip_column] for row in rows[1:]}
