"""Organisers watch arrivals: by quarter hour, checkpoint, country, delegation, VIPs; CSV."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import UTC, datetime

from eventhub.checkin import attendance, recording, rules
from eventhub.checkin.models import Checkpoint
from eventhub.extensions import db

from .conftest import _code


def _scan(app, event, checkpoint_id, code, when):
    with app.app_context():
        stored = db.session.merge(event)
        recording.record_scan(
            rules.Gate.of(stored, db.session.get(Checkpoint, checkpoint_id)),
            code,
            uuid.uuid4().hex,
            scanned_at=when,
            device="Gate A",
            now=when,  # the scan happens at that time
        )
        db.session.commit()


def test_arrivals_dashboard_and_attendance_csv(client, as_role, app, event, make, gate):
    minister = make.participant(
        event, family_name="MINISTER", given_name="A", name_order="family", protocol_rank=2
    )
    rector = make.participant(
        event, family_name="RECTOR", given_name="B", name_order="family", country_code="TH"
    )
    make.participant(
        event, family_name="ABSENT", given_name="C", name_order="family", protocol_rank=3
    )
    # A name as an attacker would type it: a spreadsheet must not run it.
    make.participant(
        event, family_name='=HYPERLINK("http://evil.example")', given_name="D", name_order="family"
    )
    # 08:05 and 08:20 in Guiyang on the first day; the rector twice (once counts).
    _scan(app, event, gate, _code(app, minister.id), datetime(2025, 7, 24, 0, 5, tzinfo=UTC))
    _scan(app, event, gate, _code(app, rector.id), datetime(2025, 7, 24, 0, 20, tzinfo=UTC))
    _scan(app, event, gate, _code(app, rector.id), datetime(2025, 7, 24, 0, 25, tzinfo=UTC))
    with app.app_context():
        figures = attendance.arrivals(db.session.merge(event))
    assert figures.buckets == [("08:00", 1), ("08:15", 1)]
    assert (figures.arrived, figures.expected) == (2, 4)
    assert [(p.family_name, bool(when)) for p, when in figures.vips] == [
        ("MINISTER", True),
        ("ABSENT", False),
    ]
    assert ("TH", 1, 1) in figures.by_country
    ((checkpoint, admitted, scans),) = figures.by_checkpoint
    assert (admitted, scans) == (2, 3)

    as_role("organiser")
    page = client.get(f"/events/{event.slug}/checkin/arrivals?day=2025-07-24").get_data(
        as_text=True
    )
    assert "Arrivals by quarter hour" in page and 'data-share="100"' in page
    assert "not arrived" in page and "ABSENT C" in page
    sheet = client.get(f"/events/{event.slug}/checkin/attendance.csv")
    assert sheet.headers["Content-Type"] == "text/csv; charset=utf-8"  # not the charset twice
    rows = list(csv.reader(io.StringIO(sheet.data.decode("utf-8-sig"))))
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["MINISTER A"][6] == "2025-07-24 08:05"
    # Where: the checkpoint's name as people read it, not its slug.
    assert by_name["ABSENT C"][6] == "" and by_name["RECTOR B"][7] == "Main entrance"
    assert '\'=HYPERLINK("HTTP://EVIL.EXAMPLE") D' in by_name  # shown as text, not run


def test_the_dashboard_fetches_its_figures_without_reloading(
    client, as_role, app, event, make, gate
):
    rector = make.participant(event, family_name="RECTOR", given_name="B", name_order="family")
    make.participant(event, family_name="ABSENT", given_name="C", name_order="family")
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/checkin/arrivals?day=2025-07-24")
    html = page.get_data(as_text=True)
    assert f'data-url="/events/{event.slug}/checkin/arrivals/figures?day=2025-07-24"' in html
    assert "refreshed every 10 seconds" in html and 'http-equiv="refresh"' in html  # noscript
    latest = client.get(f"/events/{event.slug}/checkin/arrivals").get_data(as_text=True)
    # Opened without a day, the refresh follows the latest day with arrivals, not this one.
    assert f'data-url="/events/{event.slug}/checkin/arrivals/figures"' in latest
    _scan(app, event, gate, _code(app, rector.id), datetime(2025, 7, 24, 1, 0, tzinfo=UTC))
    figures = client.get(f"/events/{event.slug}/checkin/arrivals/figures?day=2025-07-24")
    assert figures.headers["Cache-Control"] == "no-store"
    part = figures.get_data(as_text=True)
    assert '<div class="fs-3" id="arrived-count">1</div>' in part
    assert "<html" not in part and 'id="figures-time" data-time="' in part
    client.post("/auth/logout", data={})
    assert client.get(f"/events/{event.slug}/checkin/arrivals/figures").status_code == 302
    as_role("staff")  # gate staff scan; the figures are the organisers'
    assert client.get(f"/events/{event.slug}/checkin/arrivals/figures").status_code == 403


def test_organisers_define_checkpoints_and_assign_staff(client, as_role, app, event, make):
    staff = make.user(roles={event: "staff"}, display_name="Gate A Staff")
    as_role("organiser")
    url = f"/events/{event.slug}/checkin/checkpoints/new"
    form = {
        "name_en": "VIP lounge",
        "name_zh": "贵宾休息室",
        "slug": "vip-lounge",
        "categories": ["official", "speaker"],
        "opens_at": "2025-07-24T08:00",
        "closes_at": "2025-07-24T07:00",
        "staff": [str(staff.id)],
    }
    page = client.post(url, data=form).get_data(as_text=True)
    # Said next to the field at fault (read by screen readers with it), the input kept.
    assert re.search(r'id="closes_at-error">It must close after it opens\.<', page)
    assert 'id="closes_at" name="closes_at"' in page and 'aria-invalid="true"' in page
    assert 'value="VIP lounge"' in page
    form["closes_at"] = "2025-07-27T18:00"
    assert client.post(url, data=form).status_code == 302
    with app.app_context():
        from eventhub.checkin.models import CheckpointStaff

        lounge = db.session.query(Checkpoint).filter_by(slug="vip-lounge").one()
        assert lounge.categories == "official,speaker"
        assert lounge.opens_at == datetime(2025, 7, 24, 0, 0, tzinfo=UTC)  # 08:00 in Guiyang
        assert db.session.get(CheckpointStaff, (lounge.id, staff.id)) is not None
    again = client.post(url, data=dict(form, name_en="Another")).get_data(as_text=True)
    assert re.search(r'id="slug-error">Another checkpoint already uses this short name\.<', again)


def test_an_activity_door_counts_the_enrolled_who_came_and_who_did_not(app, event, make):
    came, missed = make.participant(event), make.participant(event)
    walk_in = make.participant(event)
    forum = make.activity(event, title_en="TVET Forum", enrolled=[came, missed])
    door_id = make.checkpoint(event, slug="forum-door", name_en="Forum", activity_id=forum.id).id
    when = datetime(2025, 7, 25, 2, 0, tzinfo=UTC)
    for person in (came, walk_in):
        _scan(app, event, door_id, _code(app, person.id), when)
    with app.app_context():
        figures = attendance.arrivals(db.session.merge(event))
    assert figures.by_activity == [("TVET Forum", 2, 2, 1)]


def test_a_door_for_the_enrolled_refuses_the_others(app, event, make):
    enrolled, other = make.participant(event), make.participant(event)
    workshop = make.activity(event, title_en="AI workshop", enrolled=[enrolled])
    door = make.checkpoint(
        event,
        slug="workshop",
        name_en="Workshop",
        activity_id=workshop.id,
        enrolment_required=True,
    )
    with app.app_context():
        stored, door = db.session.merge(event), db.session.get(Checkpoint, door.id)
        yes = recording.record_scan(
            rules.Gate.of(stored, door), _code(app, enrolled.id), uuid.uuid4().hex
        )
        no = recording.record_scan(
            rules.Gate.of(stored, door), _code(app, other.id), uuid.uuid4().hex
        )
        db.session.rollback()
    assert yes.result.value == "admitted"
    assert (no.result.value, no.text) == ("denied", "Not enrolled in this activity.")


def test_checkpoint_names_and_hours_are_checked(client, as_role, event):
    as_role("organiser")
    url = f"/events/{event.slug}/checkin/checkpoints/new"
    digits = client.post(url, data={"name_en": "Gate 12", "slug": "12"}).get_data(as_text=True)
    assert "with at least one letter" in digits
    ancient = client.post(
        url, data={"name_en": "Gate", "slug": "gate", "opens_at": "0001-01-01T00:00"}
    ).get_data(as_text=True)
    assert "A time around the event" in ancient
    for odd in ("²", "99999999999999999999", "0"):  # a digit that is no number, too large
        page = client.post(url, data={"name_en": "Hall door", "slug": "hall", "activity_id": odd})
        assert page.status_code == 200 and "Not a valid choice" in page.get_data(as_text=True)
        assert 'value="Hall door"' in page.get_data(as_text=True)  # what was typed stays


def test_a_day_with_scans_before_the_event_has_its_tab_and_exits_say_exit(
    client, as_role, app, event, make, gate
):
    """Badge collection opened before the first day: the page showed that day's figures with
    no tab selected, and an exit read as a red "Not a valid badge"."""
    person = make.participant(event, family_name="EARLY", given_name="A", name_order="family")
    door = make.checkpoint(event, slug="hall-exit", name_en="Hall exit", direction="exit").id
    before = datetime(2025, 7, 22, 2, 0, tzinfo=UTC)  # two days before the first day
    _scan(app, event, gate, _code(app, person.id), before)
    _scan(app, event, door, _code(app, person.id), before.replace(hour=3))
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/checkin/arrivals").get_data(as_text=True)
    active = re.search(r'nav-link active" aria-current="page" href="[^"]*day=([\d-]+)"', page)
    assert active and active.group(1) == "2025-07-22"
    assert "day=2025-07-24" in page  # the event's own days keep their tabs
    recent = page[page.index('id="recent-scans"') :]
    recent = recent[: recent.index("</table>")]
    assert "Exit" in recent and "Not a valid badge" not in recent
    chosen = client.get(f"/events/{event.slug}/checkin/arrivals?day=2025-07-22")
    assert 'aria-current="page" href="/events/' in chosen.get_data(as_text=True)
