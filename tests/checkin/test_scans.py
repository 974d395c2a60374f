"""Scanning at checkpoints over the JSON API: one answer per scan, once, with its reason."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from babel import Locale
from babel.dates import format_date

from eventhub.badges.issuing import reprint
from eventhub.checkin import attendance
from eventhub.checkin.models import Admission, Checkpoint, Scan, ScanResult
from eventhub.extensions import db
from eventhub.registration.models import Category, Status

from ..api.test_api import _token
from .conftest import _code


def _scan(client, token, code, checkpoint="main-entrance", **extra):
    body = {"code": code, "checkpoint": checkpoint, "client_scan_id": str(uuid.uuid4()), **extra}
    return client.post("/api/v1/scans", json=body, headers={"Authorization": f"Bearer {token}"})


def test_first_scan_admits_the_second_says_when_and_a_resend_counts_once(
    app, client, event, make, gate
):
    person = make.participant(event, family_name="KEOMANY", given_name="Somphone")
    code = _code(app, person.id)
    token = _token(app, event)
    body = {"code": code, "checkpoint": "main-entrance", "client_scan_id": "phone-3-0001"}
    headers = {"Authorization": f"Bearer {token}"}
    first = client.post("/api/v1/scans", json=body, headers=headers).get_json()
    assert first["result"] == "admitted"
    assert first["participant"]["name"] == "Somphone KEOMANY"
    assert first["participant"]["native_name"] == "ສົມພອນ ແກ້ວມະນີ"
    assert set(first["participant"]) == {
        "id",
        "name",
        "native_name",
        "category",
        "category_label",
        "country",
        "delegation",
    }  # what a gate needs, nothing more
    resent = client.post("/api/v1/scans", json=body, headers=headers).get_json()
    assert resent == first
    again = _scan(client, token, code, checkpoint=str(gate)).get_json()  # by id this time
    assert again["result"] == "already_admitted"
    assert again["reason"].startswith("Already checked in at ") and "Gate B 3" in again["reason"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Scan)) == 2
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Admission)) == 1


def test_every_refusal_has_its_reason(app, client, event, make, gate):
    token = _token(app, event)
    pending = make.participant(event, given_name="Pending", status=Status.PENDING)
    media = make.participant(event, given_name="Reporter", category=Category.MEDIA)
    reprinted = make.participant(event, given_name="Lost")
    old_code = _code(app, reprinted.id)
    with app.app_context():
        from eventhub.registration.models import Participant

        reprint(db.session.get(Participant, reprinted.id), "Lost at the banquet", actor=None)
        db.session.commit()
    make.checkpoint(event, slug="vip-lounge", name_en="VIP lounge", categories="official,speaker")
    make.checkpoint(
        event,
        slug="banquet",
        name_en="Welcome banquet",
        closes_at=datetime(2025, 7, 27, 10, 0, tzinfo=UTC),
    )
    forged = old_code[:-2] + ("AA" if not old_code.endswith("AA") else "BB")
    elsewhere = make.event()  # a genuine badge of another week is no badge here
    cases = [
        (forged, "main-entrance", "invalid", "Unknown code"),
        (_code(app, make.participant(elsewhere).id), "main-entrance", "invalid", "Unknown code"),
        (old_code, "main-entrance", "denied", "Badge revoked"),
        (_code(app, pending.id), "main-entrance", "denied", "Registration not approved"),
        (_code(app, media.id), "vip-lounge", "denied", "Not allowed here: Media"),
    ]
    for code, checkpoint, result, reason in cases:
        answer = _scan(client, token, code, checkpoint=checkpoint).get_json()
        assert (answer["result"], answer["reason"][: len(reason)]) == (result, reason)
    assert _scan(client, token, forged).get_json()["participant"] is None
    late = _scan(
        client,
        token,
        _code(app, make.participant(event, category=Category.OFFICIAL).id),
        checkpoint="banquet",  # closed in 2025; the scan is now
    ).get_json()
    # Closed on another day than today: the day is said, not only the hour.
    closed = _day_and_time(date(2025, 7, 27), "18:00")
    assert late["result"] == "denied" and late["reason"] == (
        f"Outside the time window: closed at {closed}."
    )


def test_the_answer_speaks_the_device_language_each_time(app, client, event, make, gate):
    """A gate phone set to Chinese reads Chinese; the next device, in English, reads
    English (the answer's texts are translated once per language, not once for all)."""
    token = _token(app, event)
    media = make.participant(event, category=Category.MEDIA)
    make.checkpoint(event, slug="vip", name_en="VIP lounge", categories="official")
    code = _code(app, media.id)

    def scan(language):
        body = {"code": code, "checkpoint": "vip", "client_scan_id": str(uuid.uuid4())}
        headers = {"Authorization": f"Bearer {token}", "Accept-Language": language}
        return client.post("/api/v1/scans", json=body, headers=headers).get_json()

    chinese, english, chinese_again = scan("zh-CN,zh;q=0.9"), scan("en-GB"), scan("zh-TW")
    assert chinese["reason"] == "此处不允许通行：媒体。"
    assert chinese["participant"]["category_label"] == "媒体"
    assert english["reason"] == "Not allowed here: Media."
    assert english["participant"]["category_label"] == "Media"
    # (Each answer names its own scan, for undo; the rest is the same.)
    assert chinese_again.pop("scan_id") != chinese.pop("scan_id")
    assert chinese_again == {**chinese}


def test_bad_requests_get_a_json_reason(app, client, event, make, gate):
    token = _token(app, event)
    headers = {"Authorization": f"Bearer {token}"}
    missing = client.post("/api/v1/scans", json={"code": "x"}, headers=headers)
    assert missing.status_code == 422 and missing.get_json()["field"] == "checkpoint"
    nowhere = _scan(client, token, "EH1X", checkpoint="no-such-gate")
    assert nowhere.status_code == 404 and "no such checkpoint" in nowhere.get_json()["message"]
    in_an_hour = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    future = _scan(client, token, "EH1X", scanned_at=in_an_hour)
    assert future.status_code == 422 and "future" in future.get_json()["message"]
    for old in ("2000-01-01T00:00:00Z", "0001-01-01T00:00:00+01:00"):
        refused = _scan(client, token, "EH1X", scanned_at=old)
        assert refused.status_code == 422, old  # a day's offline queue, no more
    huge = _scan(client, token, "EH1X", checkpoint="99999999999999999999")
    assert huge.status_code == 404
    garbled = _scan(client, token, "EH1X", scanned_at="yesterday")
    assert garbled.status_code == 422 and "ISO 8601" in garbled.get_json()["message"]
    assert client.post("/api/v1/scans", json={}).status_code == 401
    delegate_token = _token(app, event, role="delegate")
    assert _scan(client, delegate_token, "EH1X").status_code == 403


def test_characters_no_badge_holds_are_a_422_not_an_error(app, client, event, gate):
    token = _token(app, event)
    headers = {"Authorization": f"Bearer {token}"}
    good = {"code": "EH1AAAA", "checkpoint": "main-entrance", "client_scan_id": "c1"}
    for field, bad in (
        ("code", "EH1\x00AAA"),
        ("checkpoint", "main\x00entrance"),
        ("client_scan_id", "c\x001"),
        ("code", "EH1\ud800"),
    ):
        response = client.post("/api/v1/scans", json=dict(good, **{field: bad}), headers=headers)
        assert response.status_code == 422, (field, bad, response.status_code)
        assert response.get_json()["field"] == field
    batch = client.post(
        "/api/v1/scans/batch",
        json={"scans": [dict(good, client_scan_id="c\x002"), good]},
        headers=headers,
    ).get_json()["answers"]
    assert [a["status"] for a in batch] == [422, 200]  # one bad item spoils nothing else


def test_offline_queue_uploads_once_and_flags_a_double_admission(app, client, event, make, gate):
    person = make.participant(event)
    code = _code(app, person.id)
    token = _token(app, event)
    headers = {"Authorization": f"Bearer {token}"}
    # Two phones admitted the same badge while the network was down.
    queued = [
        {
            "code": code,
            "checkpoint": "main-entrance",
            "client_scan_id": f"phone-{n}",
            "scanned_at": (datetime.now(UTC) - timedelta(minutes=30 - n)).isoformat(),
            "offline_result": "admitted",
        }
        for n in (1, 2)
    ]
    answers = client.post("/api/v1/scans/batch", json={"scans": queued}, headers=headers)
    results = [(a["status"], a["result"], a["duplicate"]) for a in answers.get_json()["answers"]]
    # Both let the person through: both admitted (what the gates did), the second a
    # duplicate with no admission of its own.
    assert results == [(200, "admitted", False), (200, "admitted", True)]
    again = client.post("/api/v1/scans/batch", json={"scans": queued}, headers=headers)
    assert [a["result"] for a in again.get_json()["answers"]] == ["admitted", "admitted"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Scan)) == 2
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Admission)) == 1
    too_many = client.post("/api/v1/scans/batch", json={"scans": [{}] * 501}, headers=headers)
    assert too_many.status_code == 413


def test_an_earlier_offline_admission_synced_late_is_the_arrival(app, client, event, make, gate):
    person = make.participant(event)
    code = _code(app, person.id)
    headers = {"Authorization": f"Bearer {_token(app, event)}"}
    online = {"code": code, "checkpoint": "main-entrance", "client_scan_id": "gate-a-1"}
    assert client.post("/api/v1/scans", json=online, headers=headers).get_json()["result"] == (
        "admitted"
    )
    earlier = datetime.now(UTC) - timedelta(minutes=20)  # gate B was offline then
    queued = {
        "code": code,
        "checkpoint": "main-entrance",
        "client_scan_id": "gate-b-1",
        "scanned_at": earlier.isoformat(),
        "offline_result": "admitted",
    }
    for _send in range(2):  # the second time a resend: the same answer, nothing new
        (answer,) = client.post(
            "/api/v1/scans/batch", json={"scans": [queued]}, headers=headers
        ).get_json()["answers"]
        assert (answer["result"], answer["duplicate"]) == ("admitted", False)
    with app.app_context():
        scans = {
            cid: (result, duplicate)
            for cid, result, duplicate in db.session.execute(
                sa.select(Scan.client_scan_id, Scan.result, Scan.duplicate)
            )
        }
        held = db.session.scalar(sa.select(Admission.scan_id))
        first = attendance._first_arrivals(db.session.merge(event))[person.id]
        assert db.session.get(Scan, held).client_scan_id == "gate-b-1"
    assert scans["gate-b-1"] == (ScanResult.ADMITTED, False)
    assert scans["gate-a-1"] == (ScanResult.ADMITTED, True)  # let in again: a duplicate
    assert abs((first - earlier).total_seconds()) < 1  # arrived when gate B saw them


def test_roster_judges_offline_without_codes_or_private_data(app, client, event, make, gate):
    person = make.participant(event)
    code = _code(app, person.id)
    token = _token(app, event)
    roster = client.get(
        "/api/v1/checkpoints/main-entrance/roster", headers={"Authorization": f"Bearer {token}"}
    ).get_json()
    (entry,) = roster["people"]
    from eventhub.checkin.offline import code_digest

    assert entry["code"] == code_digest(code) and code not in str(roster)
    assert (entry["status"], entry["participant"]["id"]) == ("approved", person.id)
    assert roster["rules"]["active"] is True
    assert "email" not in str(roster) and "passport" not in str(roster)


def test_scanning_is_in_the_openapi_description(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/scans", "/scans/batch", "/checkpoints/{checkpoint}/roster"} <= set(paths)
    answer = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["ScanAnswer"]
    assert answer["properties"]["result"]["enum"] == [
        "admitted",
        "already_admitted",
        "exited",
        "denied",
        "invalid",
    ]


def test_organisers_issue_and_revoke_device_tokens(client, as_role, app, event, make, gate):
    person = make.participant(event)
    code = _code(app, person.id)
    as_role("organiser")
    url = f"/events/{event.slug}/tokens"
    assert "Name the device" in client.post(
        url, data={"label": " ", "role": "staff"}, follow_redirects=True
    ).get_data(as_text=True)
    page = client.post(
        url, data={"label": "Gate B phone 3", "role": "staff", "checkpoints": str(gate)}
    ).get_data(as_text=True)
    token = re.search(r"(ehk_[A-Za-z0-9_-]+)</code>", page)[1]
    assert "shown only once" in page and "Gate B phone 3" in page
    assert _scan(client, token, code).status_code == 200
    with app.app_context():
        from eventhub.auth.models import ApiToken

        token_id = db.session.scalar(
            sa.select(ApiToken.id).where(ApiToken.label == "Gate B phone 3")
        )
    client.post(f"{url}/{token_id}/revoke")
    assert _scan(client, token, code).status_code == 401  # the lost phone stops at once
    listing = client.get(url).get_data(as_text=True)
    assert token not in listing and "Revoked" in listing


def test_a_reused_client_scan_id_is_not_taken_for_a_resend(app, client, event, make, gate):
    first, second = make.participant(event), make.participant(event, given_name="Other")
    token = _token(app, event)
    headers = {"Authorization": f"Bearer {token}"}
    body = {"code": _code(app, first.id), "checkpoint": "main-entrance", "client_scan_id": "0001"}
    assert client.post("/api/v1/scans", json=body, headers=headers).get_json()["result"] == (
        "admitted"
    )
    reused = client.post(
        "/api/v1/scans", json=dict(body, code=_code(app, second.id)), headers=headers
    )
    assert (
        reused.status_code == 422
        and "already used for another scan" in reused.get_json()["message"]
    )


def test_a_resent_scan_that_was_undone_says_so(app, client, event, make, gate):
    person = make.participant(event)
    token = _token(app, event)
    headers = {"Authorization": f"Bearer {token}"}
    body = {"code": _code(app, person.id), "checkpoint": "main-entrance", "client_scan_id": "u1"}
    assert client.post("/api/v1/scans", json=body, headers=headers).get_json()["result"] == (
        "admitted"
    )
    with app.app_context():
        from eventhub.checkin.recording import undo_scan

        undo_scan(db.session.scalar(sa.select(Scan).where(Scan.client_scan_id == "u1")), user=None)
        db.session.commit()
    resent = client.post("/api/v1/scans", json=body, headers=headers).get_json()
    assert (resent["result"], resent["reason"]) == (
        "denied",
        "This scan was undone at the gate: it admits no one.",
    )
    assert (
        client.post(  # the person may be scanned again, and is admitted
            "/api/v1/scans", json=dict(body, client_scan_id="u2"), headers=headers
        ).get_json()["result"]
        == "admitted"
    )


def test_only_the_printed_spelling_of_a_code_is_a_badge():
    from eventhub.badges import codes

    key = codes.badge_key("k")
    code = codes.make_code(key, 7, 1)
    last = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    variants = [code[:-1] + c for c in last if c != code[-1]]
    assert [v for v in variants if codes.read_code(key, v)] == []


def test_heads_of_delegation_pass_where_their_band_says(app, client, event, make):
    from eventhub.registration.models import Delegation

    delegation = make.delegation(event)
    head = make.participant(event, delegation_id=delegation.id)
    with app.app_context():
        db.session.get(Delegation, delegation.id).head_id = head.id
        db.session.commit()
    make.checkpoint(event, slug="lounge", name_en="Lounge", zone="V")
    answer = _scan(client, _token(app, event), _code(app, head.id), checkpoint="lounge").get_json()
    assert answer["result"] == "admitted"


def test_arrivals_count_re_entry_doors_too(app, event, make):
    from eventhub.checkin import recording, rules

    person = make.participant(event)
    hall = make.checkpoint(event, slug="hall", name_en="Hall", reentry=True)
    with app.app_context():
        stored, hall = db.session.merge(event), db.session.get(Checkpoint, hall.id)
        recording.record_scan(rules.Gate.of(stored, hall), _code(app, person.id), uuid.uuid4().hex)
        assert attendance.arrivals(stored).arrived == 1
        db.session.rollback()


def test_the_roster_costs_the_same_queries_for_many_people(app, event, make, gate):
    """Read once for the whole roster, not once a person (a gate fetches it often)."""
    from sqlalchemy import event as sa_event

    from eventhub.checkin import offline, rules

    def statements(count: int) -> int:
        for _n in range(count):
            _code(app, make.participant(event).id)
        seen = []

        def count_one(*_args):
            seen.append(1)

        with app.app_context():
            engine = db.engine
            stored = db.session.merge(event)
            door = db.session.get(Checkpoint, gate)
            door.zone = "V"  # the zone rule reads the styles and the heads of delegation
            sa_event.listen(engine, "before_cursor_execute", count_one)
            try:
                offline.roster(rules.Gate.of(stored, door))
            finally:
                sa_event.remove(engine, "before_cursor_execute", count_one)
                db.session.rollback()
        return len(seen)

    assert statements(3) == statements(12)


def test_scans_on_a_real_sqlite_pool_commit_each_statement(tmp_path):
    """On SQLite too the scan API holds the write lock only while writing (its two inserts
    in a transaction of their own), and keeps its rules."""
    from flask_migrate import upgrade

    from eventhub import create_app

    from .pooled import scans_commit_each_statement_and_keep_their_rules

    real = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/pool.sqlite3",
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "pool",
            "RATELIMIT_ENABLED": False,
        }
    )
    with real.app_context():
        upgrade()
    scans_commit_each_statement_and_keep_their_rules(real)


def test_the_gate_names_people_in_their_countrys_order(app, client, event, make, gate):
    """A Chinese, Vietnamese or Khmer guest is "YANG Ming" at the gate as on the badge, a
    Lao guest "Somphone KEOMANY": with no order chosen, the country's custom decides."""
    token = _token(app, event)
    for family, given, country, shown in (
        ("YANG", "Ming", "CN", "YANG Ming"),
        ("NGUYEN", "Van Minh", "VN", "NGUYEN Van Minh"),
        ("KEOMANY", "Somphone", "LA", "Somphone KEOMANY"),
    ):
        person = make.participant(
            event, family_name=family, given_name=given, country_code=country, name_order=""
        )
        answer = _scan(client, token, _code(app, person.id)).get_json()
        assert answer["participant"]["name"] == shown


def _day_and_time(day: date, clock: str) -> str:
    """A day and a time as English joins them (CLDR's medium date-time pattern)."""
    joined = str(Locale.parse("en").datetime_formats["medium"])
    return joined.replace("{1}", format_date(day, "medium", locale="en")).replace("{0}", clock)
