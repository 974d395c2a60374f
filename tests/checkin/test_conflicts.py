"""Duplicates (two devices admitted one badge offline) and disagreements (the gate decided
otherwise than the server would have) reach the organisers: a count on the dashboard, a
column in the attendance CSV, and a list to review, each marked reviewed with an audit entry."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.checkin.models import Scan, ScanResult
from eventhub.extensions import db

MORNING = datetime(2025, 7, 24, 0, 5, tzinfo=UTC)  # 08:05 in Guiyang


def _conflict(app, event, checkpoint_id, person, *, kind: str, minutes: int = 0) -> int:
    """A scan as the reconciliation stores it: a duplicate admission, or a gate's offline
    admission of someone the server would have refused."""
    with app.app_context():
        scan = Scan(
            event_id=event.id,
            checkpoint_id=checkpoint_id,
            client_scan_id=uuid.uuid4().hex,
            code="x",
            participant_id=person.id,
            result=ScanResult.ADMITTED,
            reason="admitted",
            scanned_at=MORNING + timedelta(minutes=minutes),
            received_at=MORNING + timedelta(hours=2),
            device="Phone at gate B",
            offline=True,
            duplicate=kind == "duplicate",
            disagrees=kind == "disagreement",
            server_result=ScanResult.DENIED if kind == "disagreement" else None,
            server_reason="not_approved" if kind == "disagreement" else "",
        )
        db.session.add(scan)
        db.session.commit()
        return scan.id


def test_conflicts_show_on_the_dashboard_and_in_the_csv(client, as_role, app, event, make, gate):
    twice = make.participant(event, family_name="TWICE", given_name="A", name_order="family")
    refused = make.participant(event, family_name="REFUSED", given_name="B", name_order="family")
    make.participant(event, family_name="CALM", given_name="C", name_order="family")
    _conflict(app, event, gate, twice, kind="duplicate")
    _conflict(app, event, gate, refused, kind="disagreement")
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/checkin/arrivals?day=2025-07-24").get_data(
        as_text=True
    )
    count = re.search(r'id="conflict-count">(?:<i[^>]*></i> )?(\d+)<', page)
    assert count.group(1) == "2"
    assert f'href="/events/{event.slug}/checkin/conflicts"' in page
    assert "Duplicate</span>" in page and "Disagreement</span>" in page  # latest scans
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/events/{event.slug}/checkin/attendance.csv").data.decode("utf-8-sig")
            )
        )
    )
    assert rows[0][8] == "Conflicts to review"
    by_name = {row[1]: row[8] for row in rows[1:]}
    assert by_name == {"TWICE A": "duplicate", "REFUSED B": "disagreement", "CALM C": ""}


def test_organisers_review_conflicts(client, as_role, app, event, make, gate):
    twice = make.participant(event, family_name="TWICE", given_name="A", name_order="family")
    refused = make.participant(event, family_name="REFUSED", given_name="B", name_order="family")
    duplicate = _conflict(app, event, gate, twice, kind="duplicate", minutes=1)
    _conflict(app, event, gate, refused, kind="disagreement", minutes=2)
    organiser = as_role("organiser")
    url = f"/events/{event.slug}/checkin/conflicts"
    page = client.get(url).get_data(as_text=True)
    rows = {
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
        for row in re.findall(r"<tr>(.*?)</tr>", page.split('id="conflicts"')[1], re.S)
    }
    # Person, checkpoint, the gate's decision and the server's, scan time, device.
    (refused_row,) = [row for row in rows if "REFUSED B" in row]
    assert refused_row.startswith("Disagreement REFUSED B")
    assert (
        "Main entrance Admitted offline Refused Registration not approved. "
        "Jul 24, 2025, 08:07 Phone at gate B Mark reviewed" in refused_row
    )
    (twice_row,) = [row for row in rows if "TWICE A" in row]
    assert twice_row.startswith("Duplicate TWICE A")
    assert "Main entrance Admitted offline Already admitted Jul 24, 2025, 08:06" in twice_row

    response = client.post(f"{url}/{duplicate}/review", data={"show": "unreviewed"})
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "TWICE A" not in page and "REFUSED B" in page
    reviewed = client.get(f"{url}?show=reviewed").get_data(as_text=True)
    assert "TWICE A" in reviewed and "REFUSED B" not in reviewed
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "scan.review"))
        assert (entry.object_id, entry.user_id) == (str(duplicate), organiser.id)
    # Twice is refused, said plainly; another event's scan is not found.
    again = client.post(f"{url}/{duplicate}/review", data={}, follow_redirects=True)
    assert "This conflict was already reviewed." in again.get_data(as_text=True)
    assert client.post(f"{url}/999999/review", data={}).status_code == 404


def test_the_conflict_list_pages_and_says_when_empty(client, as_role, app, event, make, gate):
    as_role("organiser")
    url = f"/events/{event.slug}/checkin/conflicts"
    empty = client.get(url).get_data(as_text=True)
    assert "Nothing to review: no duplicates or disagreements are waiting." in empty
    person = make.participant(event, family_name="MANY", given_name="A", name_order="family")
    for minute in range(27):
        _conflict(app, event, gate, person, kind="duplicate", minutes=minute)
    first = client.get(url).get_data(as_text=True)
    assert first.count("Mark reviewed<") == 25
    second = client.get(f"{url}?page=2").get_data(as_text=True)
    assert second.count("Mark reviewed<") == 2


def test_the_conflict_list_in_chinese(client, as_role, app, event, make, gate):
    person = make.participant(event, family_name="TWICE", given_name="A", name_order="family")
    _conflict(app, event, gate, person, kind="duplicate")
    as_role("organiser")
    headers = {"Accept-Language": "zh-CN"}
    page = client.get(f"/events/{event.slug}/checkin/conflicts", headers=headers).get_data(
        as_text=True
    )
    assert "待核查的冲突" in page and "重复签到" in page and "标记为已核查" in page
