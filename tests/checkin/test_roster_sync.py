"""The gate's roster travels small: gzipped, 304 when unchanged, and a delta of the
admissions made since the device's version; rules are judged on the device at scan time."""

from __future__ import annotations

import gzip
import json
import uuid

import sqlalchemy as sa

from ..api.test_api import _token
from .conftest import _code

URL = "/api/v1/checkpoints/main-entrance/roster"


def test_roster_is_gzipped_tagged_and_sent_as_deltas(app, client, event, make, gate):
    people = [make.participant(event, given_name=f"Person {n}") for n in range(12)]
    codes = [_code(app, person.id) for person in people]
    token = _token(app, event)
    auth = {"Authorization": f"Bearer {token}"}

    full = client.get(URL, headers={**auth, "Accept-Encoding": "gzip"})
    assert full.headers["Content-Encoding"] == "gzip"
    data = json.loads(gzip.decompress(full.get_data()))
    assert not data["delta"] and len(data["people"]) == 12
    # The rules travel, not verdicts frozen at fetch time.
    assert "result" not in data["people"][0] and data["rules"]["timezone"]
    version = data["version"]
    assert full.headers["ETag"] == f'"{version}"'

    unchanged = client.get(URL, headers={**auth, "If-None-Match": f'"{version}"'})
    assert unchanged.status_code == 304 and not unchanged.get_data()

    # Another gate admits three people: the device gets only those admissions.
    for code in codes[:3]:
        body = {"code": code, "checkpoint": "main-entrance", "client_scan_id": str(uuid.uuid4())}
        assert client.post("/api/v1/scans", json=body, headers=auth).get_json()["result"] == (
            "admitted"
        )
    delta = client.get(
        f"{URL}?since={version}", headers={**auth, "If-None-Match": f'"{version}"'}
    ).get_json()
    assert delta["delta"] and "people" not in delta
    assert sorted(row[0] for row in delta["admissions"]) == sorted(p.id for p in people[:3])
    assert delta["version"] != version
    again = client.get(f"{URL}?since={delta['version']}", headers=auth).get_json()
    assert again["delta"] and again["admissions"] == []

    # A new person changes the people: the whole roster again.
    _code(app, make.participant(event, given_name="Late").id)
    whole = client.get(f"{URL}?since={delta['version']}", headers=auth).get_json()
    assert not whole["delta"] and len(whole["people"]) == 13 and len(whole["admissions"]) == 3
    # A version from nowhere: the whole roster.
    assert not client.get(f"{URL}?since=garbage.7", headers=auth).get_json()["delta"]


def test_the_pages_roster_is_tagged_too(client, as_role, app, event, make, gate):
    as_role("organiser")
    _code(app, make.participant(event).id)
    url = f"/events/{event.slug}/checkin/main-entrance/roster.json"
    first = client.get(url, headers={"Accept": "application/json"})
    assert first.status_code == 200 and first.get_json()["people"]
    tag = first.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": tag}).status_code == 304


def _get(client, auth, version):
    return client.get(f"{URL}?since={version}", headers={**auth, "If-None-Match": f'"{version}"'})


def test_an_unchanged_roster_is_a_304_without_building_it(
    app, client, event, make, gate, monkeypatch
):
    """Every device syncs every 30 s: building the whole roster to learn that nothing
    changed took a second for 4,000 people. Unchanged people and rules (admissions aside)
    are told from a few counts; a changed person still gets the whole roster again."""
    from eventhub.badges.issuing import reprint
    from eventhub.checkin import offline
    from eventhub.extensions import db
    from eventhub.registration.models import Participant, Status
    from eventhub.scheduling.models import Enrolment, EnrolmentStatus

    people = [make.participant(event, given_name=f"Person {n}") for n in range(4)]
    pending = make.participant(event, given_name="Pending", status=Status.PENDING)
    codes = [_code(app, person.id) for person in [*people, pending]]
    auth = {"Authorization": f"Bearer {_token(app, event)}"}
    version = client.get(URL, headers=auth).get_json()["version"]

    built = []
    real = offline._people
    monkeypatch.setattr(offline, "_people", lambda gate: built.append(1) or real(gate))
    assert _get(client, auth, version).status_code == 304
    body = {"code": codes[0], "checkpoint": "main-entrance", "client_scan_id": "a-1"}
    client.post("/api/v1/scans", json=body, headers=auth)
    delta = _get(client, auth, version).get_json()
    assert delta["delta"] and [row[0] for row in delta["admissions"]] == [people[0].id]
    version = delta["version"]
    assert _get(client, auth, version).status_code == 304
    assert built == []  # nothing built for the common syncs

    def changed(change) -> dict:
        nonlocal version
        with app.app_context():
            change()
            db.session.commit()
        data = _get(client, auth, version).get_json()
        assert data is not None and not data["delta"], change.__name__
        version = data["version"]
        return data

    def approved():
        db.session.get(Participant, pending.id).status = Status.APPROVED

    data = changed(approved)
    who = {p["id"]: p for p in data["people"]}
    assert who[pending.id]["participant"]["name"]  # named at the gate now

    def reprinted():
        reprint(db.session.get(Participant, people[1].id), "lost", actor=None)

    data = changed(reprinted)
    assert len(next(p for p in data["people"] if p["id"] == people[1].id)["revoked"]) == 1

    def needs_attention():
        db.session.get(Participant, people[2].id).needs_attention = True

    data = changed(needs_attention)
    assert next(p for p in data["people"] if p["id"] == people[2].id)["attention"]
    assert len(built) == 3

    # Enrolling changes the roster of a checkpoint that requires enrolment.
    forum = make.activity(event)
    with app.app_context():
        from eventhub.checkin.models import Checkpoint

        door = db.session.scalar(sa.select(Checkpoint).where(Checkpoint.slug == "main-entrance"))
        door.activity_id, door.enrolment_required = forum.id, True
        db.session.commit()
    version = client.get(URL, headers=auth).get_json()["version"]

    def enrolled():
        db.session.add(
            Enrolment(
                activity_id=forum.id, participant_id=people[3].id, status=EnrolmentStatus.ENROLLED
            )
        )

    data = changed(enrolled)
    assert next(p for p in data["people"] if p["id"] == people[3].id)["enrolled"]


def test_an_undone_admission_reaches_devices_in_the_delta(app, client, event, make, gate):
    """Staff undid a mistaken admission (the wrong badge held up): devices kept the person
    as "already admitted" until the next whole roster. The delta now says it was undone."""
    person, other = make.participant(event), make.participant(event)
    code, other_code = _code(app, person.id), _code(app, other.id)
    auth = {"Authorization": f"Bearer {_token(app, event)}"}
    for client_scan_id, badge in (("u-1", code), ("u-2", other_code)):
        body = {"code": badge, "checkpoint": "main-entrance", "client_scan_id": client_scan_id}
        assert client.post("/api/v1/scans", json=body, headers=auth).get_json()["result"] == (
            "admitted"
        )
    version = client.get(URL, headers=auth).get_json()["version"]
    with app.app_context():
        from eventhub.checkin.models import Scan
        from eventhub.extensions import db

        scan_id = db.session.scalar(sa.select(Scan.id).where(Scan.client_scan_id == "u-1"))
    undo = client.post(f"/api/v1/events/{event.slug}/scans/{scan_id}/undo", headers=auth)
    assert undo.status_code == 200
    delta = _get(client, auth, version)
    assert delta.status_code == 200
    data = delta.get_json()
    assert data["delta"] and [row[:3] for row in data["undone"]] == [
        [person.id, data["undone"][0][1], scan_id]
    ]
    # Sent until the device holds the new version; then nothing more.
    assert _get(client, auth, data["version"]).status_code == 304
    # A whole roster holds the admission no more.
    whole = client.get(URL, headers=auth).get_json()
    assert [row[0] for row in whole["admissions"]] == [other.id]


def test_a_vip_admitted_offline_alerts_protocol_staff_once(app, client, event, make, gate):
    """A VIP let in by a device offline raised no alert when the scan reached the server:
    protocol staff never knew the minister had arrived."""
    from datetime import UTC, datetime, timedelta

    from eventhub.checkin.models import AttentionAlert
    from eventhub.extensions import db

    vip = make.participant(event, given_name="Minister", needs_attention=True)
    code = _code(app, vip.id)
    auth = {"Authorization": f"Bearer {_token(app, event)}"}
    scan = {
        "checkpoint": "main-entrance",
        "code": code,
        "client_scan_id": "vip-off-1",
        "scanned_at": (datetime.now(UTC) - timedelta(minutes=3)).isoformat(),
        "offline_result": "admitted",
        "offline_reason": "attention",
    }
    for _resend in range(2):
        answers = client.post(
            "/api/v1/scans/batch", json={"scans": [scan]}, headers=auth
        ).get_json()["answers"]
        assert answers[0]["result"] == "admitted"
    # A second device let them in offline too, later: the same arrival, no second alert.
    later = {**scan, "client_scan_id": "vip-off-2", "scanned_at": datetime.now(UTC).isoformat()}
    client.post("/api/v1/scans/batch", json={"scans": [later]}, headers=auth)
    with app.app_context():
        alerts = db.session.scalars(sa.select(AttentionAlert)).all()
        assert [(a.participant_id, a.checkpoint_id) for a in alerts] == [(vip.id, gate)]


def test_a_cursor_beyond_any_number_gets_the_whole_roster_not_a_500(app, client, event, gate):
    """A device's version with cursors past what a database or a date can hold (a corrupt
    store, or someone trying): the whole roster again, as for any version not understood."""
    auth = {"Authorization": f"Bearer {_token(app, event)}"}
    stamp = client.get(URL, headers=auth).get_json()["version"].split(".")[0]
    for since in (f"{stamp}.99999999999999999999.0", f"{stamp}.1.99999999999999999999"):
        answer = client.get(URL, query_string={"since": since}, headers=auth)
        assert answer.status_code == 200 and answer.get_json()["delta"] is False
