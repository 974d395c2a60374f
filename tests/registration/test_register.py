"""Online registration: the public form, its rules, the confirmation, the own page."""

from __future__ import annotations

import io
import re
import struct
import zlib
from datetime import UTC, datetime

import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.extensions import db
from eventhub.registration.models import (
    Category,
    Participant,
    ParticipantPhoto,
    Source,
    Status,
)

from .conftest import image_bytes


def _one(app, **where) -> Participant | None:
    with app.app_context():
        query = sa.select(Participant)
        for key, value in where.items():
            query = query.where(getattr(Participant, key) == value)
        return db.session.scalar(query)


def _own_link(outbox) -> str:
    return re.search(r"http://eventhub\.test(/events/\S+/me/\S+)", outbox[-1].get_content()).group(
        1
    )


def test_lao_delegate_registers_with_photo_and_gets_a_link(
    client, app, open_event, lao_delegate, outbox
):
    data = dict(
        lao_delegate,
        photo=(__import__("io").BytesIO(image_bytes("JPEG", (1200, 1600))), "portrait.jpg"),
    )
    response = client.post(
        f"/events/{open_event.slug}/register", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Thank you. Your registration has been received" in page
    assert "ສົມພອນ ແກ້ວມະນີ" in page and "Pending review" in page

    participant = _one(app, email="somphone.k@example.la")
    assert participant.native_name == "ສົມພອນ ແກ້ວມະນີ"
    assert participant.status == Status.PENDING and participant.source == Source.FORM
    assert participant.arrival_flight == "QV 917"
    # 14:35 in Guiyang is 06:35 UTC.
    assert participant.arrival_at == datetime(2025, 7, 23, 6, 35, tzinfo=UTC)
    with app.app_context():
        photo = db.session.get(ParticipantPhoto, participant.id)
        assert (photo.width, photo.height) == (600, 800) and photo.content[:2] == b"\xff\xd8"
        assert participant.organisation_id is not None

    assert len(outbox) == 1 and outbox[0]["To"] == "somphone.k@example.la"
    # A Lao name is addressed by the given name (eventhub.personnames).
    assert "Dear Assoc. Prof. Dr. Somphone," in outbox[0].get_content()
    link = _own_link(outbox)
    assert response.headers["Location"] == link
    assert client.get(link + "/photo").headers["Content-Type"] == "image/jpeg"


def test_person_with_one_name_registers(client, app, open_event, lao_delegate):
    data = dict(
        lao_delegate,
        family_name="",
        given_name="Aung Kyaw Moe",
        native_name="အောင်ကျော်မိုး",
        country="MM",
        email="akm@example.edu.mm",
    )
    assert client.post(f"/events/{open_event.slug}/register", data=data).status_code == 302
    participant = _one(app, email="akm@example.edu.mm")
    assert participant.latin_name == "Aung Kyaw Moe" and participant.family_name == ""


def test_errors_are_shown_by_their_fields_and_nothing_typed_is_lost(
    client, app, open_event, lao_delegate
):
    data = dict(
        lao_delegate,
        given_name="杨明",
        email="not-an-address",
        country="ZZ",
        arrival_date="2025-07-29",
        departure_date="2025-07-28",
        arrival_flight="!!",
        phone="call me",
    )
    response = client.post(f"/events/{open_event.slug}/register", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Please correct the fields marked below." in page
    assert "Use Latin letters as in the passport" in page
    assert "Enter a valid email address." in page
    assert "Unknown country code ZZ" in page
    assert "Departure cannot be before arrival." in page
    assert "Enter a flight or train number" in page
    assert "Enter a phone number with its country code" in page
    for typed in (
        "ສົມພອນ ແກ້ວມະນີ",
        "Vice President",
        "National University of Laos",
        "not-an-address",
        "杨明",
    ):
        assert typed in page
    assert _one(app, event_id=open_event.id) is None


def test_given_name_organisation_email_and_country_are_required(client, open_event):
    page = client.post(f"/events/{open_event.slug}/register", data={}).get_data(as_text=True)
    assert "Enter the given name as in the passport." in page
    assert "Enter the organisation." in page
    assert "Enter an email address" in page
    assert "Choose a country." in page


def test_line_breaks_in_needs_are_welcome(client, app, open_event, lao_delegate):
    data = dict(lao_delegate, accessibility_needs="Wheelchair\r\nStep-free room")
    assert client.post(f"/events/{open_event.slug}/register", data=data).status_code == 302


def test_photo_is_checked_by_content_not_by_name(client, app, open_event, lao_delegate):
    import io

    fake = dict(lao_delegate, photo=(io.BytesIO(b"%PDF-1.4 not an image"), "me.jpg"))
    page = client.post(
        f"/events/{open_event.slug}/register", data=fake, content_type="multipart/form-data"
    ).get_data(as_text=True)
    assert "This file is not a JPEG or PNG image." in page
    assert 'value="ສົມພອນ ແກ້ວມະນີ"' in page
    gif = dict(lao_delegate, photo=(io.BytesIO(image_bytes("GIF")), "me.png"))
    page = client.post(
        f"/events/{open_event.slug}/register", data=gif, content_type="multipart/form-data"
    ).get_data(as_text=True)
    assert "This file is not a JPEG or PNG image." in page
    bomb = dict(lao_delegate, photo=(io.BytesIO(image_bytes("PNG", (8000, 8000))), "me.png"))
    page = client.post(
        f"/events/{open_event.slug}/register", data=bomb, content_type="multipart/form-data"
    ).get_data(as_text=True)
    assert "The photo has too many pixels." in page
    tiny = dict(lao_delegate, photo=(io.BytesIO(image_bytes("PNG", (50, 50))), "me.png"))
    page = client.post(
        f"/events/{open_event.slug}/register", data=tiny, content_type="multipart/form-data"
    ).get_data(as_text=True)
    assert "The photo is too small" in page
    assert _one(app, event_id=open_event.id) is None


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


def test_registration_window_is_respected_politely(client, app, make, lao_delegate):
    later = make.event(registration_opens_at=datetime(2099, 1, 1, tzinfo=UTC))
    page = client.get(f"/events/{later.slug}/register").get_data(as_text=True)
    assert "Registration opens on" in page and "given_name" not in page
    closed = make.event(
        registration_opens_at=datetime(2025, 1, 1, tzinfo=UTC),
        registration_closes_at=datetime(2025, 6, 30, 16, 0, tzinfo=UTC),
    )
    response = client.post(f"/events/{closed.slug}/register", data=lao_delegate)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Registration closed on" in page and "July 1, 2025" in page  # shown in Guiyang time
    never = make.event()
    assert "not open" in client.get(f"/events/{never.slug}/register").get_data(as_text=True)
    assert _one(app, email="somphone.k@example.la") is None


def test_control_characters_and_markup_are_refused_or_escaped(
    client, app, open_event, lao_delegate
):
    data = dict(lao_delegate, native_name="ສົມພອນ\u0007", honorific="<b>Dr</b>")
    page = client.post(f"/events/{open_event.slug}/register", data=data).get_data(as_text=True)
    assert "Remove the invisible control characters" in page
    assert "Names cannot contain &lt; or &gt;." in page
    data = dict(lao_delegate, position='<script>alert("x")</script>')
    response = client.post(f"/events/{open_event.slug}/register", data=data)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_names_are_stored_nfc(client, app, open_event, lao_delegate):
    decomposed = "Nguye\u0302\u0303n"  # "Nguyễn" typed with combining marks
    data = dict(
        lao_delegate,
        family_name=decomposed,
        given_name="Thi\u0323 Hu\u031bo\u031bng",
        native_name=f"{decomposed} Thị Hương",
        country="VN",
        email="huong@example.vn",
    )
    assert client.post(f"/events/{open_event.slug}/register", data=data).status_code == 302
    participant = _one(app, email="huong@example.vn")
    assert participant.family_name == "Nguyễn" and participant.given_name == "Thị Hương"


def test_participant_edits_own_data_until_locked(
    client, app, open_event, lao_delegate, outbox, as_role
):
    client.post(f"/events/{open_event.slug}/register", data=lao_delegate)
    link = _own_link(outbox)
    edited = dict(lao_delegate, position="President", arrival_time="15:10")
    response = client.post(link, data=edited, follow_redirects=True)
    assert "Your changes have been saved." in response.get_data(as_text=True)
    participant = _one(app, email="somphone.k@example.la")
    assert participant.position == "President"
    assert participant.arrival_at == datetime(2025, 7, 23, 7, 10, tzinfo=UTC)

    bad = client.post(link, data=dict(lao_delegate, email="")).get_data(as_text=True)
    assert "Enter an email address" in bad

    with app.app_context():
        db.session.get(Participant, participant.id).locked_at = datetime.now(UTC)
        db.session.commit()
    page = client.get(link).get_data(as_text=True)
    assert "The organisers have locked your registration." in page
    refused = client.post(link, data=dict(lao_delegate, position="Rector"), follow_redirects=True)
    assert "locked your registration" in refused.get_data(as_text=True)
    assert _one(app, email="somphone.k@example.la").position == "President"


def test_editing_keeps_the_delegation(client, app, make, open_event, lao_delegate, outbox):
    delegation = make.delegation(open_event, name_en="Lao PDR national delegation")
    client.post(f"/events/{open_event.slug}/register", data=lao_delegate)
    with app.app_context():
        participant = db.session.scalar(sa.select(Participant))
        participant.delegation_id = delegation.id
        db.session.commit()
    client.post(_own_link(outbox), data=dict(lao_delegate, position="Rector"))
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
    link = _own_link(outbox)
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


def test_wrong_or_foreign_links_find_nothing(client, open_event, make, lao_delegate, outbox):
    client.post(f"/events/{open_event.slug}/register", data=lao_delegate)
    link = _own_link(outbox)
    assert client.get(link[:-4] + "abcd").status_code == 404
    other = make.event()
    assert client.get(link.replace(open_event.slug, other.slug)).status_code == 404


def test_registration_form_in_chinese(client, open_event):
    page = client.get(
        f"/events/{open_event.slug}/register", headers={"Accept-Language": "zh-CN"}
    ).get_data(as_text=True)
    assert "护照" in page and "老挝" in page


def test_a_valid_photo_is_kept_when_other_fields_need_correcting(
    client, app, open_event, lao_delegate
):
    import io

    data = dict(lao_delegate, email="", photo=(io.BytesIO(image_bytes()), "me.png"))
    page = client.post(
        f"/events/{open_event.slug}/register", data=data, content_type="multipart/form-data"
    ).get_data(as_text=True)
    assert "Your photo has been kept." in page
    token = re.search(r'name="photo_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        f"/events/{open_event.slug}/register", data=dict(lao_delegate, photo_token=token)
    )
    assert response.status_code == 302
    participant = _one(app, email="somphone.k@example.la")
    with app.app_context():
        assert db.session.get(ParticipantPhoto, participant.id) is not None
    # The token is spent.
    again = client.post(
        f"/events/{open_event.slug}/register",
        data=dict(lao_delegate, email="second@example.la", photo_token=token),
    )
    assert again.status_code == 302
    with app.app_context():
        second = db.session.scalar(
            sa.select(Participant).where(Participant.email == "second@example.la")
        )
        assert db.session.get(ParticipantPhoto, second.id) is None


def test_status_decision_is_emailed_with_the_same_link(
    client, app, open_event, lao_delegate, outbox, make, login
):
    client.post(f"/events/{open_event.slug}/register", data=lao_delegate)
    first_link = _own_link(outbox)
    participant = _one(app, email="somphone.k@example.la")
    organiser = make.user(roles={open_event: "organiser"})
    staff_client = app.test_client()
    staff_client.post(
        "/auth/login", data={"email": organiser.email, "password": "correct horse battery"}
    )
    staff_client.post(
        f"/events/{open_event.slug}/participants/bulk",
        data={"ids": [str(participant.id)], "action": "approve", "notify": "1"},
    )
    assert "Approved" in outbox[-1]["Subject"]
    assert _own_link(outbox) == first_link  # the bookmarked link keeps working
    assert "Approved" in client.get(first_link).get_data(as_text=True)


def test_a_letter_no_font_prints_is_refused_at_entry_naming_its_script(
    client, app, open_event, lao_delegate
):
    """A badge must never show empty boxes: the name is refused when typed, not at print."""
    data = dict(lao_delegate, native_name="ສົມພອນ 𓀀", position="Chair 😀")
    response = client.post(f"/events/{open_event.slug}/register", data=data)
    page = response.get_data(as_text=True)
    assert "No installed font prints Egyptian text (𓀀)." in page
    assert "No installed font prints Grinning text (😀)." in page
    assert 'value="ສົມພອນ 𓀀"' in page  # kept for correction


def test_without_a_public_address_nothing_is_registered_and_the_form_says_why(
    client, app, open_event, lao_delegate, outbox
):
    """The person was told it failed, yet was registered with no mail."""
    saved = {key: app.config.get(key) for key in ("PUBLIC_URL", "TRUSTED_HOSTS")}
    app.config.update(PUBLIC_URL=None, TRUSTED_HOSTS=None)
    try:
        response = client.post(f"/events/{open_event.slug}/register", data=lao_delegate)
    finally:
        app.config.update(saved)
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "cannot send links by email" in page
    assert 'value="KEOMANY"' in page  # what was typed is still there
    assert _one(app, email=lao_delegate["email"]) is None
    assert outbox == []
