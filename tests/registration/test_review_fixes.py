"""Edits keep what they do not touch; only organisers decide; odd input is refused cleanly."""

from __future__ import annotations

import io
import re
import struct
import zlib

import openpyxl
import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.extensions import db
from eventhub.registration.models import Category, ImportBatch, Participant, Status


def _link(outbox) -> str:
    return re.search(r"(/events/\S+/me/\S+)", outbox[-1].get_content()).group(1)


def test_editing_keeps_the_delegation(client, app, make, open_event, lao_delegate, outbox):
    delegation = make.delegation(open_event, name_en="Lao PDR national delegation")
    client.post(f"/events/{open_event.slug}/register", data=lao_delegate)
    with app.app_context():
        participant = db.session.scalar(sa.select(Participant))
        participant.delegation_id = delegation.id
        db.session.commit()
    client.post(_link(outbox), data=dict(lao_delegate, position="Rector"))
    with app.app_context():
        stored = db.session.scalar(sa.select(Participant))
        assert stored.position == "Rector" and stored.delegation_id == delegation.id


def test_self_edits_of_identity_after_approval_go_back_to_review(
    client, app, open_event, lao_delegate, outbox
):
    client.post(f"/events/{open_event.slug}/register", data=lao_delegate)
    with app.app_context():
        participant = db.session.scalar(sa.select(Participant))
        participant.status = Status.APPROVED
        db.session.commit()
    link = _link(outbox)
    client.post(link, data=dict(lao_delegate, hotel="Guiyang Hotel"))  # logistics only
    with app.app_context():
        assert db.session.scalar(sa.select(Participant.status)) == Status.APPROVED
    client.post(link, data=dict(lao_delegate, given_name="Somchai", category="official"))
    with app.app_context():
        stored = db.session.scalar(sa.select(Participant))
        assert stored.status == Status.PENDING and stored.given_name == "Somchai"
        assert stored.category == Category.DELEGATE  # the category is the organisers' call
        entry = db.session.scalar(
            sa.select(AuditEntry)
            .where(AuditEntry.action == "participant.update")
            .order_by(AuditEntry.id.desc())
        )
        assert entry.actor == "participant (own link)"
        assert entry.changes["status"] == ["approved", "pending"]


def test_the_visa_desk_reads_but_does_not_decide(client, as_role, make, event, app):
    person = make.participant(event, status=Status.PENDING)
    as_role("visa_officer")
    assert client.get(f"/events/{event.slug}/participants/").status_code == 200
    assert (
        client.post(
            f"/events/{event.slug}/participants/bulk",
            data={"ids": [str(person.id)], "action": "approve"},
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/events/{event.slug}/participants/{person.id}", data={"given_name": "X"}
        ).status_code
        == 403
    )
    with app.app_context():
        assert db.session.get(Participant, person.id).status == Status.PENDING


def test_api_refuses_values_that_are_not_text(app, client, event, lao_delegate):
    token = (
        app.test_cli_runner()
        .invoke(args=["create-token", "--role", "organiser", "--event", event.slug])
        .stdout.split()[0]
    )
    body = dict(
        lao_delegate,
        given_name=True,
        organisation={"a": 1},
        phone=12345,
        arrival_time="12:00+05:00",
    )
    response = client.post(
        f"/api/v1/events/{event.slug}/registrations",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert errors["given_name"] == ["Send this field as text."]
    assert errors["organisation"][0] == "Send this field as text."
    assert errors["phone"] == ["Send this field as text."]
    assert errors["arrival_time"] == ["Enter the time as HH:MM, e.g. 14:35."]


def test_odd_bulk_ids_and_long_reasons_are_refused_cleanly(client, as_role, make, event):
    person = make.participant(event)
    as_role("organiser")
    url = f"/events/{event.slug}/participants/bulk"
    assert client.post(url, data={"ids": ["²"], "action": "approve"}).status_code == 302
    response = client.post(
        url,
        data={"ids": [str(person.id)], "action": "reject", "reason": "x" * 600},
        follow_redirects=True,
    )
    assert "Use at most 500 characters." in response.get_data(as_text=True)


def test_line_breaks_in_needs_are_welcome(client, app, open_event, lao_delegate):
    data = dict(lao_delegate, accessibility_needs="Wheelchair\r\nStep-free room")
    assert client.post(f"/events/{open_event.slug}/register", data=data).status_code == 302


def _png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (
            struct.pack(">I", len(payload))
            + kind
            + payload
            + struct.pack(">I", zlib.crc32(kind + payload))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def test_a_decompression_bomb_photo_is_refused(client, open_event, lao_delegate):
    data = dict(lao_delegate, photo=(io.BytesIO(_png_header(20000, 20000)), "bomb.png"))
    page = client.post(
        f"/events/{open_event.slug}/register", data=data, content_type="multipart/form-data"
    ).get_data(as_text=True)
    assert "The photo has too many pixels." in page


def _upload(client, event, content: bytes, name: str) -> str:
    response = client.post(
        f"/events/{event.slug}/participants/import",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    return response.headers["Location"]


def test_old_mac_line_endings_and_far_away_cells_are_read(client, as_role, event):
    as_role("organiser")
    content = (
        b"Given name,Organisation,Country,Email\r"
        b"Budiono,Politeknik Negeri Bandung,ID,budiono@example.ac.id\r"
    )
    page = client.get(_upload(client, event, content, "mac.csv")).get_data(as_text=True)
    assert "Import 1 participant" in page
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Given name", "Organisation", "Country", "Email"])
    sheet.append(["Budiono", "Politeknik Negeri Bandung", "ID", "budiono@example.ac.id"])
    sheet["XFD20000"] = "far away"
    buffer = io.BytesIO()
    book.save(buffer)
    page = client.get(_upload(client, event, buffer.getvalue(), "far.xlsx")).get_data(as_text=True)
    assert "Import 1 participant" in page


def test_an_exported_list_imports_back(client, make, login, event, app):
    university_id = make.organisation(
        name_en="Hanoi University of Science and Technology", country_code="VN"
    ).id
    make.participant(
        event,
        family_name="NGUYỄN",
        given_name="Thị Hương",
        native_name="Nguyễn Thị Hương",
        country_code="VN",
        email="huong@example.vn",
        organisation_id=university_id,
        interpretation_language="zh",
    )
    other = make.event()
    login(make.user(roles={event: "organiser", other: "organiser"}).email)
    exported = client.get(f"/events/{event.slug}/participants/export/participants.csv").data
    preview_url = _upload(client, other, exported, "export.csv")
    assert "Import 1 participant" in client.get(preview_url).get_data(as_text=True)
    client.post(preview_url, data={"action": "import"})
    with app.app_context():
        copy = db.session.scalar(sa.select(Participant).where(Participant.event_id == other.id))
        assert (copy.family_name, copy.given_name, copy.native_name) == (
            "NGUYỄN",
            "Thị Hương",
            "Nguyễn Thị Hương",
        )
        assert copy.organisation_id == university_id and copy.interpretation_language == "zh"


def test_anonymising_also_clears_uploads_and_audit_details(client, make, app):
    from datetime import date

    ended = make.event(starts_on=date(2025, 7, 24), ends_on=date(2025, 7, 27))
    person = make.participant(ended, email="secret@example.la")
    user = make.user(roles={ended: "organiser"})
    client.post("/auth/login", data={"email": user.email, "password": "correct horse battery"})
    with app.app_context():
        db.session.add(
            ImportBatch(event_id=ended.id, filename="list.csv", content=b"secret@example.la")
        )
        db.session.commit()
    client.post(
        f"/events/{ended.slug}/participants/bulk",
        data={"ids": [str(person.id)], "action": "reject", "reason": "secret@example.la twice"},
    )
    client.post(f"/events/{ended.slug}/participants/anonymise", data={"confirm": ended.slug})
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ImportBatch)) == 0
        changes = db.session.scalars(
            sa.select(AuditEntry.changes).where(AuditEntry.object_type == "Participant")
        ).all()
        assert changes and all("secret" not in str(c) for c in changes)
