"""The gate over the API: participants with their check-in state, checkpoints, the scans
since a cursor and undo, each limited to the token's event, checkpoints and write scope."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.auth import services as auth_services
from eventhub.auth.models import Role
from eventhub.checkin.models import Scan
from eventhub.extensions import db, limiter
from eventhub.registration.models import Category, Status
from eventhub.text import search_text

from ..checkin.conftest import _code


def _issue(app, event, role="staff", *, checkpoints=None, may_write=True, user=None) -> dict:
    with app.app_context():
        _token, plaintext = auth_services.issue_api_token(
            db.session.merge(event),
            Role(role),
            label="Gate phone",
            user=user and db.session.merge(user),
            may_write=may_write,
            checkpoint_ids=checkpoints,
        )
        db.session.commit()
    return {"Authorization": f"Bearer {plaintext}"}


@pytest.fixture
def gate_week(app, make, event):
    """Two checkpoints, a Lao and a Thai delegate (approved), a pending one."""
    main = make.checkpoint(event, slug="main-entrance", name_en="Main entrance", name_zh="主入口")
    vip = make.checkpoint(
        event, slug="vip-lounge", name_en="VIP lounge", categories="official", reentry=True
    )
    lao = make.participant(event, search_text=search_text("KEOMANY Somphone ສົມພອນ ແກ້ວມະນີ"))
    thai = make.participant(
        event,
        family_name="SRISUK",
        given_name="Somchai",
        native_name="สมชาย ศรีสุข",
        search_text=search_text("SRISUK Somchai สมชาย ศรีสุข"),
    )
    pending = make.participant(
        event,
        family_name="NGUYEN",
        given_name="Van An",
        native_name="Nguyễn Văn An",
        status=Status.PENDING,
        category=Category.DELEGATE,
        search_text=search_text("NGUYEN Van An Nguyễn Văn An"),
    )
    limiter.enabled = False
    yield {"main": main, "vip": vip, "lao": lao, "thai": thai, "pending": pending}
    limiter.enabled = True


def _scan(app, client, headers, person_id, checkpoint="main-entrance"):
    response = client.post(
        "/api/v1/scans",
        json={
            "code": _code(app, person_id),
            "checkpoint": checkpoint,
            "client_scan_id": str(uuid.uuid4()),
        },
        headers=headers,
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_checkpoints_lists_only_those_in_the_tokens_scope_with_their_rules(
    app, client, event, gate_week
):
    main_only = _issue(app, event, checkpoints=[gate_week["main"].id])
    listed = client.get(f"/api/v1/events/{event.slug}/checkpoints", headers=main_only)
    assert listed.status_code == 200
    assert [c["slug"] for c in listed.get_json()["checkpoints"]] == ["main-entrance"]

    everywhere = _issue(app, event, role="organiser")
    rules = {
        c["slug"]: c
        for c in client.get(
            f"/api/v1/events/{event.slug}/checkpoints", headers=everywhere
        ).get_json()["checkpoints"]
    }
    assert rules["vip-lounge"]["categories"] == ["official"]
    assert rules["vip-lounge"]["reentry"] is True
    assert rules["main-entrance"]["name_zh"] == "主入口"


def test_a_gate_finds_a_person_by_their_native_name_with_where_and_when_admitted(
    app, client, event, gate_week
):
    headers = _issue(app, event, checkpoints=[gate_week["main"].id])
    _scan(app, client, headers, gate_week["lao"].id)

    for query in ("ສົມພອນ", "somphone keomany", "ແກ້ວມະນີ"):
        found = client.get(
            f"/api/v1/events/{event.slug}/participants", query_string={"q": query}, headers=headers
        )
        assert found.status_code == 200, query
        people = found.get_json()["participants"]
        assert [p["id"] for p in people] == [gate_week["lao"].id], query
    person = people[0]
    assert person["native_name"] == "ສົມພອນ ແກ້ວມະນີ"
    [check_in] = person["check_ins"]
    assert check_in["checkpoint"] == "main-entrance"
    assert check_in["day"] and check_in["at"]
    # Only what a gate needs: no contact or passport data.
    assert not {"email", "phone", "passport_number", "date_of_birth"} & set(person)

    thai = client.get(
        f"/api/v1/events/{event.slug}/participants",
        query_string={"q": "สมชาย"},
        headers=headers,
    ).get_json()["participants"]
    assert [p["id"] for p in thai] == [gate_week["thai"].id]
    assert thai[0]["check_ins"] == []  # not admitted anywhere yet


def test_staff_tokens_see_approved_people_only_organisers_everyone(app, client, event, gate_week):
    staff = _issue(app, event, checkpoints=[gate_week["main"].id])
    organiser = _issue(app, event, role="organiser")
    url = f"/api/v1/events/{event.slug}/participants"
    by_staff = client.get(url, query_string={"q": "nguyen"}, headers=staff).get_json()
    assert by_staff["participants"] == [] and by_staff["total"] == 0
    by_organiser = client.get(url, query_string={"q": "nguyen"}, headers=organiser).get_json()
    assert [p["status"] for p in by_organiser["participants"]] == ["pending"]


def test_participants_come_in_pages_with_a_maximum(app, client, event, gate_week):
    headers = _issue(app, event, role="organiser")
    url = f"/api/v1/events/{event.slug}/participants"
    seen, page = [], 1
    while page:
        body = client.get(url, query_string={"limit": 2, "page": page}, headers=headers).get_json()
        assert body["total"] == 3 and len(body["participants"]) <= 2
        seen += [p["id"] for p in body["participants"]]
        page = body["next_page"]
    assert sorted(seen) == sorted(gate_week[k].id for k in ("lao", "thai", "pending"))

    too_many = client.get(url, query_string={"limit": 10_000}, headers=headers)
    assert too_many.status_code == 422 and "limit" in too_many.get_json()["errors"]
    garbled = client.get(url, query_string={"page": "two"}, headers=headers)
    assert garbled.status_code == 400 and garbled.get_json()["message"]


def test_a_token_of_another_event_reads_and_undoes_nothing_here(
    app, client, make, event, gate_week
):
    mine = _issue(app, event, role="organiser")
    _scan(app, client, mine, gate_week["lao"].id)
    scan_id = _scan_ids(app)[-1]
    other = _issue(app, make.event(), role="organiser")
    for method, path in (
        ("GET", "checkpoints"),
        ("GET", "participants"),
        ("GET", "scans"),
        ("POST", f"scans/{scan_id}/undo"),
    ):
        response = client.open(f"/api/v1/events/{event.slug}/{path}", method=method, headers=other)
        assert response.status_code == 403, path
        assert response.get_json()["message"]
    assert _scan_row(app, scan_id).undone_at is None


def _scan_ids(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Scan.id).order_by(Scan.id)))


def _scan_row(app, scan_id) -> Scan:
    with app.app_context():
        return db.session.get(Scan, scan_id)


def test_scans_since_a_cursor_miss_and_double_nothing_while_the_gate_keeps_scanning(
    app, client, event, gate_week
):
    scanner = _issue(app, event, role="organiser")
    reader = _issue(app, event, checkpoints=[gate_week["main"].id], may_write=False)
    for person in ("lao", "thai", "lao"):
        _scan(app, client, scanner, gate_week[person].id)
    _scan(app, client, scanner, gate_week["lao"].id, checkpoint="vip-lounge")  # out of scope

    url = f"/api/v1/events/{event.slug}/scans"
    received, cursor, added = [], 0, 0
    while True:
        body = client.get(
            url, query_string={"since": cursor, "limit": 2}, headers=reader
        ).get_json()
        received += body["scans"]
        assert body["next"] >= cursor
        cursor = body["next"]
        if added < 2:  # the gate goes on scanning between two pages
            _scan(app, client, scanner, gate_week["thai"].id)
            added += 1
        elif not body["scans"]:
            break

    with app.app_context():
        at_main = list(
            db.session.scalars(
                sa.select(Scan.id)
                .where(Scan.checkpoint_id == gate_week["main"].id)
                .order_by(Scan.id)
            )
        )
    assert [s["id"] for s in received] == at_main  # each once, in order, none of the VIP's
    assert len(at_main) == 5
    first = received[0]
    assert first["checkpoint"] == "main-entrance"
    assert first["result"] == "admitted" and first["reason"] == "admitted"
    assert {"scanned_at", "received_at", "duplicate", "offline", "server_result"} <= set(first)
    assert received[2]["result"] == "already_admitted"

    vip = client.get(url, query_string={"checkpoint": "vip-lounge"}, headers=reader)
    assert vip.status_code == 403
    assert client.get(url, query_string={"since": -1}, headers=reader).status_code == 422
    assert client.get(url, query_string={"since": "x"}, headers=reader).status_code == 400


def test_undo_a_scan_once_with_a_writing_token_in_scope_and_audit_it(app, client, event, gate_week):
    gate = _issue(app, event, checkpoints=[gate_week["main"].id])
    _scan(app, client, gate, gate_week["lao"].id)
    organiser = _issue(app, event, role="organiser")
    _scan(app, client, organiser, gate_week["thai"].id, checkpoint="vip-lounge")
    at_main, at_vip = _scan_ids(app)

    read_only = _issue(app, event, checkpoints=[gate_week["main"].id], may_write=False)
    refused = client.post(f"/api/v1/events/{event.slug}/scans/{at_main}/undo", headers=read_only)
    assert refused.status_code == 403 and refused.get_json()["message"]
    out_of_scope = client.post(f"/api/v1/events/{event.slug}/scans/{at_vip}/undo", headers=gate)
    assert out_of_scope.status_code == 403
    assert _scan_row(app, at_vip).undone_at is None

    undone = client.post(f"/api/v1/events/{event.slug}/scans/{at_main}/undo", headers=gate)
    assert undone.status_code == 200
    assert undone.get_json()["undone_at"]
    again = client.post(f"/api/v1/events/{event.slug}/scans/{at_main}/undo", headers=gate)
    assert again.status_code == 409 and again.get_json()["message"]
    missing = client.post(f"/api/v1/events/{event.slug}/scans/999999999/undo", headers=gate)
    assert missing.status_code == 404 and missing.get_json()["message"]

    # The person no longer counts as checked in, and the undo is in the audit log.
    person = client.get(
        f"/api/v1/events/{event.slug}/participants",
        query_string={"id": gate_week["lao"].id},
        headers=gate,
    ).get_json()["participants"][0]
    assert person["check_ins"] == []
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "scan.undo"))
        assert entry is not None and entry.object_id == str(at_main)
        assert "Gate phone" in entry.actor


def test_a_gate_device_checks_in_a_namesake_by_name_and_sees_their_photo(
    app, client, event, gate_week, make
):
    """The forgotten-badge desk of a gate device (no login): namesakes told apart by
    position, number and photo; the one chosen is checked in at a checkpoint of the token,
    and the answer names the scan to undo."""
    from eventhub.registration.models import ParticipantPhoto

    twins = [
        make.participant(
            event,
            family_name="PHAN",
            given_name="Minh",
            position=position,
            search_text=search_text("PHAN Minh"),
        )
        for position in ("Rector", "Student")
    ]
    with app.app_context():
        db.session.add(
            ParticipantPhoto(participant_id=twins[1].id, content=b"\xff\xd8jpeg", width=1, height=1)
        )
        db.session.commit()
    device = _issue(app, event, checkpoints=[gate_week["main"].id])
    found = client.get(
        f"/api/v1/events/{event.slug}/participants", query_string={"q": "phan minh"}, headers=device
    ).get_json()["participants"]
    assert {(p["position"], p["number"], p["has_photo"]) for p in found} == {
        ("Rector", twins[0].id, False),
        ("Student", twins[1].id, True),
    }

    photo = client.get(
        f"/api/v1/events/{event.slug}/participants/{twins[1].id}/photo", headers=device
    )
    assert photo.status_code == 200 and photo.data == b"\xff\xd8jpeg"
    assert photo.headers["Cache-Control"] == "no-store"  # a wiped device keeps no copy
    none = client.get(
        f"/api/v1/events/{event.slug}/participants/{twins[0].id}/photo", headers=device
    )
    assert none.status_code == 404 and none.get_json()["message"]
    pending = client.get(
        f"/api/v1/events/{event.slug}/participants/{gate_week['pending'].id}/photo", headers=device
    )
    assert pending.status_code == 404

    admit = f"/api/v1/events/{event.slug}/participants/{twins[1].id}/admit"
    answer = client.post(admit, json={"checkpoint": "main-entrance"}, headers=device)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["result"] == "admitted" and body["participant"]["id"] == twins[1].id
    assert (
        client.post(admit, json={"checkpoint": "main-entrance"}, headers=device).get_json()[
            "result"
        ]
        == "already_admitted"
    )
    undone = client.post(
        f"/api/v1/events/{event.slug}/scans/{body['scan_id']}/undo", headers=device
    )
    assert undone.status_code == 200
    with app.app_context():
        scan = db.session.get(Scan, body["scan_id"])
        assert scan.participant_id == twins[1].id and "by name" in scan.device

    # Outside the token's checkpoints, for someone not approved, or without a checkpoint: no.
    vip = client.post(admit, json={"checkpoint": "vip-lounge"}, headers=device)
    assert vip.status_code == 403 and vip.get_json()["message"]
    not_approved = client.post(
        f"/api/v1/events/{event.slug}/participants/{gate_week['pending'].id}/admit",
        json={"checkpoint": "main-entrance"},
        headers=device,
    )
    assert not_approved.status_code == 404
    assert client.post(admit, json={}, headers=device).status_code == 422
    assert client.post(admit, data="x", headers=device).status_code == 400
    nowhere = client.post(admit, json={"checkpoint": "no-such-door"}, headers=device)
    assert nowhere.status_code == 404
    read_only = _issue(app, event, checkpoints=[gate_week["main"].id], may_write=False)
    assert (
        client.post(admit, json={"checkpoint": "main-entrance"}, headers=read_only).status_code
        == 403
    )


def test_only_a_scan_that_admitted_can_be_undone(app, client, event, gate_week):
    """Undoing "already admitted" or a refusal took back nothing, yet answered 200."""
    gate = _issue(app, event, checkpoints=[gate_week["main"].id])
    _scan(app, client, gate, gate_week["lao"].id)
    second = _scan(app, client, gate, gate_week["lao"].id)
    refused = _scan(app, client, gate, gate_week["pending"].id)
    assert second["result"] == "already_admitted" and refused["result"] == "denied"
    first_id, second_id, refused_id = _scan_ids(app)
    for scan_id in (second_id, refused_id):
        undo = client.post(f"/api/v1/events/{event.slug}/scans/{scan_id}/undo", headers=gate)
        assert undo.status_code == 409 and "admitted" in undo.get_json()["message"]
        assert _scan_row(app, scan_id).undone_at is None
    undo = client.post(f"/api/v1/events/{event.slug}/scans/{first_id}/undo", headers=gate)
    assert undo.status_code == 200


def test_a_checkpoint_named_with_a_nul_is_no_checkpoint(app, client, event, gate_week):
    """Found by schemathesis on PostgreSQL (which refuses NUL in text): a 404, not a 500."""
    gate = _issue(app, event, checkpoints=[gate_week["main"].id])
    answer = client.get(
        f"/api/v1/events/{event.slug}/scans", query_string={"checkpoint": "R\x00"}, headers=gate
    )
    assert answer.status_code == 404 and answer.get_json()["message"]


def test_a_staff_token_at_none_of_the_gates_finds_no_one(app, client, event, gate_week, make):
    """A staff member's token while they scan at none of the event's checkpoints: the names
    of the week's guests are not theirs to search. Photos are never kept in a cache."""
    idle = _issue(app, event, user=make.user(), checkpoints=None)
    listed = client.get(
        f"/api/v1/events/{event.slug}/participants", query_string={"q": "somchai"}, headers=idle
    )
    assert listed.status_code == 403 and listed.get_json()["message"]
    at_gate = _issue(app, event, checkpoints=[gate_week["main"].id])
    found = client.get(
        f"/api/v1/events/{event.slug}/participants", query_string={"q": "somchai"}, headers=at_gate
    )
    assert found.status_code == 200 and found.get_json()["participants"]
