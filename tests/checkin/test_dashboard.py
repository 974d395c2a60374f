"""Organisers watch arrivals: by quarter hour, checkpoint, country, delegation, VIPs; CSV."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime

from eventhub.checkin import services
from eventhub.checkin.models import Checkpoint
from eventhub.extensions import db

from .conftest import _code


def _scan(app, event, checkpoint_id, code, when):
    with app.app_context():
        stored = db.session.merge(event)
        services.record_scan(
            stored,
            db.session.get(Checkpoint, checkpoint_id),
            code,
            uuid.uuid4().hex,
            scanned_at=when,
            device="Gate A",
        )
        db.session.commit()


def test_arrivals_dashboard_and_attendance_csv(client, as_role, app, event, make, gate):
    minister = make.participant(event, family_name="MINISTER", given_name="A", protocol_rank=2)
    rector = make.participant(event, family_name="RECTOR", given_name="B", country_code="TH")
    make.participant(event, family_name="ABSENT", given_name="C", protocol_rank=3)
    # 08:05 and 08:20 in Guiyang on the first day; the rector twice (once counts).
    _scan(app, event, gate, _code(app, minister.id), datetime(2025, 7, 24, 0, 5, tzinfo=UTC))
    _scan(app, event, gate, _code(app, rector.id), datetime(2025, 7, 24, 0, 20, tzinfo=UTC))
    _scan(app, event, gate, _code(app, rector.id), datetime(2025, 7, 24, 0, 25, tzinfo=UTC))
    with app.app_context():
        figures = services.arrivals(db.session.merge(event))
    assert figures.buckets == [("08:00", 1), ("08:15", 1)]
    assert (figures.arrived, figures.expected) == (2, 3)
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
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/events/{event.slug}/checkin/attendance.csv").data.decode("utf-8-sig")
            )
        )
    )
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["MINISTER A"][6] == "2025-07-24 08:05"
    assert by_name["ABSENT C"][6] == "" and by_name["RECTOR B"][7] == "main-entrance"


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
    assert "It must close after it opens." in page and 'value="VIP lounge"' in page
    form["closes_at"] = "2025-07-27T18:00"
    assert client.post(url, data=form).status_code == 302
    with app.app_context():
        from eventhub.checkin.models import CheckpointStaff

        lounge = db.session.query(Checkpoint).filter_by(slug="vip-lounge").one()
        assert lounge.categories == "official,speaker"
        assert lounge.opens_at == datetime(2025, 7, 24, 0, 0, tzinfo=UTC)  # 08:00 in Guiyang
        assert db.session.get(CheckpointStaff, (lounge.id, staff.id)) is not None
    again = client.post(url, data=dict(form, name_en="Another")).get_data(as_text=True)
    assert "Another checkpoint already uses this short name." in again
