"""The scanner page's JSON: staff at their checkpoint, undo, and people without their badge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.checkin.models import Admission, CheckpointStaff, Scan
from eventhub.extensions import db
from eventhub.registration.models import Status

from .conftest import _code


def _assign(app, checkpoint_id, user):
    with app.app_context():
        db.session.add(CheckpointStaff(checkpoint_id=checkpoint_id, user_id=user.id))
        db.session.commit()


def test_staff_scan_where_assigned_undo_and_rescan(client, as_role, app, event, make, gate):
    person = make.participant(event, family_name="HENG", given_name="Sreypov", country_code="KH")
    code = _code(app, person.id)
    staff = as_role("staff")
    url = f"/events/{event.slug}/checkin/main-entrance"
    assert client.get(url).status_code == 403  # not assigned yet
    _assign(app, gate, staff)
    page = client.get(url).get_data(as_text=True)
    assert "Scan a badge, or type its code and press Enter" in page
    first = client.post(f"{url}/scan", json={"code": code}).get_json()
    assert first["result"] == "admitted" and first["recent"][0]["name"] == "HENG Sreypov"
    second = client.post(f"{url}/scan", json={"code": code}).get_json()
    assert second["result"] == "already_admitted"
    # "Already admitted" let no one in: nothing to undo, and the first admission stands.
    refused = client.post(f"{url}/scans/{second['scan_id']}/undo")
    assert refused.status_code == 409, refused.get_data(as_text=True)
    assert "Only a scan that admitted" in refused.get_data(as_text=True)
    undone = client.post(f"{url}/scans/{first['scan_id']}/undo").get_json()
    assert undone["undone"] == first["scan_id"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Admission)) == 0
        # Who took an arrival back is in the event's log, as for an undo over the API.
        logged = db.session.scalar(
            sa.select(AuditEntry).where(
                AuditEntry.action == "scan.undo", AuditEntry.object_id == str(first["scan_id"])
            )
        )
        assert logged is not None and logged.user_id is not None
    third = client.post(f"{url}/scan", json={"code": code}).get_json()
    assert third["result"] == "admitted"  # the mistaken scan no longer counts
    again = client.post(f"{url}/scans/{first['scan_id']}/undo")
    assert again.status_code == 409


def test_a_forgotten_badge_is_found_by_name_in_any_script(client, as_role, app, event, make, gate):
    person = make.participant(
        event,
        family_name="KEOMANY",
        given_name="Somphone",
        search_text="keomany somphone ສົມພອນ ແກ້ວມະນີ",
    )
    as_role("organiser")  # organisers scan anywhere
    url = f"/events/{event.slug}/checkin/main-entrance"
    found = client.get(f"{url}/search", query_string={"q": "ສົມພອນ"}).get_json()["people"]
    assert [p["id"] for p in found] == [person.id]
    admitted = client.post(f"{url}/admit/{person.id}", json={}).get_json()
    assert admitted["result"] == "admitted"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Admission)) == 1


def test_only_scanning_roles_open_the_scanner(client, as_role, app, event, gate):
    as_role("delegate")
    assert client.get(f"/events/{event.slug}/checkin/").status_code == 403
    assert (
        client.post(f"/events/{event.slug}/checkin/main-entrance/scan", json={}).status_code == 403
    )


def test_the_gate_sees_the_photo_on_file(client, as_role, app, event, make, gate):
    from eventhub.registration.models import ParticipantPhoto

    person = make.participant(event)
    with app.app_context():
        db.session.add(
            ParticipantPhoto(
                participant_id=person.id, content=b"\xff\xd8jpeg", width=600, height=800
            )
        )
        db.session.commit()
    as_role("organiser")
    url = f"/events/{event.slug}/checkin/main-entrance"
    answer = client.post(f"{url}/scan", json={"code": _code(app, person.id)}).get_json()
    assert answer["photo_url"].endswith(f"/checkin/photo/{person.id}")
    assert client.get(answer["photo_url"]).data == b"\xff\xd8jpeg"


def test_a_garbled_body_gets_a_reason_not_an_error(client, as_role, app, event, gate):
    as_role("organiser")
    url = f"/events/{event.slug}/checkin/main-entrance"
    for path in ("scan", "batch"):
        response = client.post(f"{url}/{path}", json=["not", "an", "object"])
        assert response.status_code in (400, 422) and response.get_json()["message"]


def test_the_pages_offline_queue_is_answered_like_the_apis(client, as_role, app, event, make, gate):
    """The page's queue upload and the API's batch are one recorder: each queued scan is
    answered by its client_scan_id, a bad one names its field and spoils nothing, a resend
    records nothing new, and too many at once is a 413 on both."""
    as_role("organiser")
    url = f"/events/{event.slug}/checkin/main-entrance/batch"
    code = _code(app, make.participant(event, family_name="PHOMMA").id)
    made = datetime.now(UTC) - timedelta(minutes=3)
    queued = [
        {"code": code, "client_scan_id": "page-1", "scanned_at": made.isoformat()},
        {"code": code, "client_scan_id": "page-2", "scanned_at": "yesterday-ish"},
        {"code": "", "client_scan_id": "page-3"},
        {"code": code, "client_scan_id": "page-4"},
    ]
    body = client.post(url, json={"scans": queued}).get_json()
    answers = {a["client_scan_id"]: a for a in body["answers"]}
    assert answers["page-1"]["status"] == 200 and answers["page-1"]["result"] == "admitted"
    assert answers["page-1"]["participant"]["name"].endswith("PHOMMA")  # Lao: given name first
    assert (answers["page-2"]["status"], answers["page-2"]["field"]) == (422, "scanned_at")
    assert (answers["page-3"]["status"], answers["page-3"]["field"]) == (422, "code")
    assert answers["page-4"]["result"] == "already_admitted"
    assert [r["result"] for r in body["recent"]] == ["already_admitted", "admitted"]
    again = client.post(url, json={"scans": queued[:1]}).get_json()["answers"][0]
    assert again["result"] == "admitted"  # the first answer, once more
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Scan)) == 2
    too_many = client.post(url, json={"scans": [{}] * 501})
    assert too_many.status_code == 413 and "500" in too_many.get_json()["message"]


def test_ids_beyond_the_database_are_no_page(client, as_role, event):
    as_role("organiser")
    huge = "99999999999999999999"
    assert client.get(f"/events/{event.slug}/checkin/checkpoints/{huge}/edit").status_code == 404
    assert client.get(f"/events/{event.slug}/checkin/{huge}").status_code == 404
    assert client.get(f"/events/{event.slug}/checkin/arrivals?day=9999-12-31").status_code == 200


def test_a_persons_token_and_photos_stay_with_their_checkpoints(
    client, as_role, app, event, make, gate
):
    from eventhub.auth import services as auth_services
    from eventhub.auth.models import Role, User
    from eventhub.registration.models import ParticipantPhoto

    person = make.participant(event)
    with app.app_context():
        db.session.add(
            ParticipantPhoto(participant_id=person.id, content=b"\xff\xd8", width=600, height=800)
        )
        db.session.commit()
    make.checkpoint(event, slug="vip-lounge", name_en="VIP lounge")
    pending = make.participant(event, status=Status.PENDING)
    other = make.event()
    elsewhere_id = make.checkpoint(other, slug="main-entrance", name_en="Other week").id
    staff = as_role("staff")
    # Assigned nowhere in this event (only at another week's gate): no photos at all.
    _assign(app, elsewhere_id, staff)
    assert client.get(f"/events/{event.slug}/checkin/photo/{person.id}").status_code == 403
    _assign(app, gate, staff)
    # Someone not approved cannot be admitted by name, and gets no badge from trying.
    admit = client.post(f"/events/{event.slug}/checkin/main-entrance/admit/{pending.id}", json={})
    assert admit.status_code == 404
    with app.app_context():
        from eventhub.badges.models import Badge

        assert db.session.scalar(sa.select(Badge).where(Badge.participant_id == pending.id)) is None
    assert client.get(f"/events/{event.slug}/checkin/photo/{person.id}").status_code == 200
    with app.app_context():
        user = db.session.get(User, staff.id)
        _token, plaintext = auth_services.issue_api_token(
            db.session.merge(event), Role.STAFF, label="own phone", user=user
        )
        db.session.commit()
    headers = {"Authorization": f"Bearer {plaintext}"}
    code = _code(app, person.id)
    for checkpoint, expected in (("main-entrance", 200), ("vip-lounge", 403)):
        response = client.post(
            "/api/v1/scans",
            json={"code": code, "checkpoint": checkpoint, "client_scan_id": checkpoint},
            headers=headers,
        )
        assert response.status_code == expected, checkpoint


def test_namesakes_in_the_search_can_be_told_apart(client, as_role, app, event, make, gate):
    """Two people of the same name: each row says who it is (face, category, position,
    delegation, number), so staff admit the one in front of them."""
    from eventhub.registration.models import ParticipantPhoto

    lao = make.delegation(event, name_en="Lao PDR delegation")
    thai = make.delegation(event, name_en="Thailand delegation", country_code="TH")
    words = "nguyen an nguyễn an"
    one = make.participant(
        event, family_name="NGUYEN", given_name="An", delegation_id=lao.id,
        position="Dean of Engineering", search_text=words,
    )  # fmt: skip
    two = make.participant(
        event, family_name="NGUYEN", given_name="An", delegation_id=thai.id,
        position="Student", country_code="TH", search_text=words,
    )  # fmt: skip
    with app.app_context():
        db.session.add(
            ParticipantPhoto(participant_id=one.id, content=b"\xff\xd8", width=6, height=8)
        )
        db.session.commit()
    as_role("organiser")
    url = f"/events/{event.slug}/checkin/main-entrance"
    found = client.get(f"{url}/search", query_string={"q": "nguyen an"}).get_json()["people"]
    rows = {p["id"]: p for p in found}
    assert set(rows) == {one.id, two.id}
    assert rows[one.id]["position"] == "Dean of Engineering"
    assert rows[two.id]["position"] == "Student"
    assert rows[one.id]["delegation"] == "Lao PDR delegation"
    assert rows[two.id]["delegation"] == "Thailand delegation"
    assert rows[one.id]["number"] == one.id and rows[one.id]["category_label"]
    assert client.get(rows[one.id]["photo_url"]).data == b"\xff\xd8"
    assert "photo_url" not in rows[two.id]  # no photo on file: no broken image
