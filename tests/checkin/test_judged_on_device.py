"""Scans the gate judged itself (offline, or the server too slow): what the gate decided is
what happened, the server's judgement is kept beside it, disagreements are flagged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from eventhub.checkin.models import Admission, Checkpoint, Scan, ScanResult
from eventhub.extensions import db
from eventhub.registration.models import Status

from ..api.test_api import _token
from .conftest import _code


def _batch(client, token, scans):
    return client.post(
        "/api/v1/scans/batch",
        json={"scans": [{"checkpoint": "main-entrance", **s} for s in scans]},
        headers={"Authorization": f"Bearer {token}"},
    ).get_json()["answers"]


def _stored(app, client_scan_id):
    with app.app_context():
        scan = db.session.scalar(sa.select(Scan).where(Scan.client_scan_id == client_scan_id))
        admitted = db.session.scalar(
            sa.select(sa.func.count()).select_from(Admission).where(Admission.scan_id == scan.id)
        )
        return (
            scan.result.value,
            scan.reason,
            scan.offline,
            scan.server_result and scan.server_result.value,
            scan.disagrees,
            bool(admitted),
        )


def test_a_refusal_at_the_gate_offline_is_recorded_as_a_refusal(app, client, event, make, gate):
    """Offline without a roster the gate said "Not a valid badge": after reconnecting the
    scan was stored as an admission. Now it stays a refusal, the server's view beside it."""
    person = make.participant(event)
    code = _code(app, person.id)
    token = _token(app, event)
    earlier = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    answers = _batch(
        client,
        token,
        [
            {
                "code": code,
                "client_scan_id": "off-1",
                "scanned_at": earlier,
                "offline_result": "invalid",
                "offline_reason": "unknown",
            }
        ],
    )
    assert answers[0]["result"] == "invalid"
    assert _stored(app, "off-1") == ("invalid", "unknown", True, "admitted", True, False)
    # Not admitted: a later scan at the gate admits.
    assert _batch(client, token, [{"code": code, "client_scan_id": "on-1"}])[0]["result"] == (
        "admitted"
    )


def test_gate_and_server_agreeing_or_not(app, client, event, make, gate):
    approved = make.participant(event, given_name="Approved")
    pending = make.participant(event, given_name="Pending", status=Status.PENDING)
    other = make.participant(event, given_name="Other")
    token = _token(app, event)
    when = (datetime.now(UTC) - timedelta(minutes=12)).isoformat()
    scans = [
        # The gate admitted someone the server would refuse: still an arrival, flagged.
        {"code": _code(app, pending.id), "offline_result": "admitted"},
        # Both refuse: recorded as the gate's refusal, nothing to review.
        {"code": "not-a-badge", "offline_result": "invalid", "offline_reason": "unknown"},
        # Both admit.
        {"code": _code(app, approved.id), "offline_result": "admitted"},
        # The gate thought the door closed: refused, flagged, no arrival.
        {"code": _code(app, other.id), "offline_result": "denied", "offline_reason": "inactive"},
    ]
    for n, item in enumerate(scans):
        item.update(client_scan_id=f"dev-{n}", scanned_at=when)
    answers = _batch(client, token, scans)
    assert [a["result"] for a in answers] == ["admitted", "invalid", "admitted", "denied"]
    assert _stored(app, "dev-0") == ("admitted", "admitted", True, "denied", True, True)
    assert _stored(app, "dev-1") == ("invalid", "unknown", True, "invalid", False, False)
    assert _stored(app, "dev-2") == ("admitted", "admitted", True, "admitted", False, True)
    assert _stored(app, "dev-3") == ("denied", "inactive", True, "admitted", True, False)
    assert "closed" in answers[3]["reason"]
    # A resend changes nothing.
    assert [a["result"] for a in _batch(client, token, scans)] == [a["result"] for a in answers]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Scan)) == 4


def test_the_pages_queue_records_the_gates_refusal(client, as_role, app, event, make, gate):
    as_role("organiser")
    code = _code(app, make.participant(event).id)
    url = f"/events/{event.slug}/checkin/main-entrance/batch"
    queued = [
        {"code": code, "client_scan_id": "page-1", "offline_result": "invalid"},
    ]
    answer = client.post(url, json={"scans": queued}).get_json()["answers"][0]
    assert answer["result"] == "invalid"
    assert _stored(app, "page-1")[2:] == (True, "admitted", True, False)


def test_a_slow_answer_then_the_gates_refusal_undoes_the_admission(app, client, event, make, gate):
    """The page gave up on a slow request after 1.5 s and refused the person itself; the
    slow request had reached the server, which admitted. The queued resend (same
    client_scan_id) turns the stored scan into the gate's refusal, with no arrival."""
    code = _code(app, make.participant(event).id)
    token = _token(app, event)
    slow = {"code": code, "client_scan_id": "slow-1"}
    assert _batch(client, token, [slow])[0]["result"] == "admitted"
    answer = _batch(
        client, token, [{**slow, "offline_result": "denied", "offline_reason": "too_late"}]
    )[0]
    assert answer["result"] == "denied"
    result, reason, offline, server, disagrees, admitted = _stored(app, "slow-1")
    assert (result, offline, server, disagrees, admitted) == (
        "denied",
        True,
        "admitted",
        True,
        False,
    )
    # Sent again: the same answer.
    again = _batch(client, token, [{**slow, "offline_result": "denied"}])[0]
    assert again["result"] == "denied"
    assert _batch(client, token, [{"code": code, "client_scan_id": "next"}])[0]["result"] == (
        "admitted"
    )


def test_a_slow_answer_then_the_gates_admission_of_someone_already_in(
    app, client, event, make, gate
):
    code = _code(app, make.participant(event).id)
    token = _token(app, event)
    assert _batch(client, token, [{"code": code, "client_scan_id": "a"}])[0]["result"] == (
        "admitted"
    )
    slow = {"code": code, "client_scan_id": "slow-2"}
    assert _batch(client, token, [slow])[0]["result"] == "already_admitted"
    answer = _batch(client, token, [{**slow, "offline_result": "admitted"}])[0]
    # The gate let the person through again: admitted, a duplicate, no second admission.
    assert (answer["result"], answer["duplicate"]) == ("admitted", True)
    assert _stored(app, "slow-2") == (
        "admitted",
        "admitted",
        True,
        "already_admitted",
        False,
        False,
    )
    # The gate admitted someone the server had refused: now the arrival, flagged.
    pending = make.participant(event, status=Status.PENDING)
    refused = {"code": _code(app, pending.id), "client_scan_id": "slow-3"}
    assert _batch(client, token, [refused])[0]["result"] == "denied"
    assert _batch(client, token, [{**refused, "offline_result": "admitted"}])[0]["result"] == (
        "admitted"
    )
    assert _stored(app, "slow-3") == ("admitted", "admitted", True, "denied", True, True)


def test_record_scan_keeps_both_decisions(app, event, make, gate):
    """The recorder itself, without HTTP: the gate's decision and the server's."""
    from eventhub.checkin import recording
    from eventhub.checkin.rules import Gate

    code = _code(app, make.participant(event).id)
    with app.app_context():
        checkpoint = db.session.get(Checkpoint, gate)
        checkpoint.active = False
        db.session.flush()
        box = Gate.of(db.session.merge(event), checkpoint)
        answer = recording.record_scan(box, code, "unit-1", offline_result="admitted")
        scan = db.session.get(Scan, answer.scan_id)
        assert (scan.result, scan.server_result, scan.server_reason) == (
            ScanResult.ADMITTED,
            ScanResult.DENIED,
            "inactive",
        )
        assert scan.offline and scan.disagrees
        assert db.session.scalar(sa.select(Admission.scan_id)) == scan.id
        db.session.rollback()


def test_two_phones_offline_admitting_one_badge_record_two_admissions_one_arrival(
    client, as_role, app, event, make, gate
):
    """Both screens said "Admitted · offline" and the person went through twice: the second
    was stored as "already admitted", as if the gate had turned them away."""
    person = make.participant(event, family_name="TWICE", given_name="A", name_order="family")
    code = _code(app, person.id)
    token = _token(app, event)
    now = datetime.now(UTC)
    for client_scan_id, minutes in (("phone-a", 10), ("phone-b", 8)):
        answer = _batch(
            client,
            token,
            [
                {
                    "code": code,
                    "client_scan_id": client_scan_id,
                    "offline_result": "admitted",
                    "scanned_at": (now - timedelta(minutes=minutes)).isoformat(),
                }
            ],
        )[0]
        assert answer["result"] == "admitted"
    first, second = _stored(app, "phone-a"), _stored(app, "phone-b")
    assert first == ("admitted", "admitted", True, "admitted", False, True)
    assert second == ("admitted", "admitted", True, "already_admitted", False, False)
    with app.app_context():
        assert db.session.scalar(sa.select(Scan.duplicate).where(Scan.client_scan_id == "phone-b"))
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/checkin/conflicts").get_data(as_text=True)
    row = page[page.index("TWICE A") :]
    row = row[: row.index("</tr>")]
    # The server's "already checked in" says when and where, not "… at …".
    assert "Already checked in at" in row and "…" not in row and "Main entrance" in row


def test_an_offline_full_door_with_room_on_the_server_is_recorded_not_a_500(
    app, client, event, make, gate
):
    """A device estimated the room full offline while the server still had room: the batch
    answered 500 (the stored reason lacked the door's name), and the device's queue was
    sent again forever. Reasons the server cannot detail read plainly, never "revoked"."""
    with app.app_context():
        db.session.get(Checkpoint, gate).capacity = 5
        db.session.commit()
    people = [make.participant(event) for _ in range(3)]
    codes = [_code(app, person.id) for person in people]
    token = _token(app, event)
    earlier = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    gate_said = [("denied", "full"), ("already_admitted", "already"), ("denied", "no-such")]
    answers = _batch(
        client,
        token,
        [
            {
                "code": code,
                "client_scan_id": f"est-{n}",
                "scanned_at": earlier,
                "offline_result": result,
                "offline_reason": reason,
            }
            for n, (code, (result, reason)) in enumerate(zip(codes, gate_said, strict=True))
        ],
    )
    assert [a["status"] for a in answers] == [200, 200, 200]
    full, already, refused = answers
    assert "Main entrance" in full["reason"] and "5" in full["reason"]
    assert "revoked" not in already["reason"].lower() and "%(" not in already["reason"]
    assert "not approved" not in refused["reason"].lower()
    assert _stored(app, "est-0")[:2] == ("denied", "full")
