"""Certificates: issued by rule, downloaded by their holders, verified by anyone, revoked."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa
from PIL import Image
from pypdf import PdfReader

from eventhub.badges.models import BadgeBatch
from eventhub.certificates.models import Certificate, CertificateKind
from eventhub.extensions import db
from eventhub.registration.models import Status

from ..badges.test_badges import _decode_pdf, _own_key


def _png(size=(400, 120)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", size, (20, 40, 120, 255)).save(buffer, "PNG")
    return buffer.getvalue()


def test_issue_download_verify_and_revoke(client, as_role, app, event, make):
    holder = make.participant(
        event, family_name="KEOMANY", given_name="Somphone", native_name="ສົມພອນ ແກ້ວມະນີ"
    )
    make.participant(event, given_name="Pending", status=Status.PENDING)
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/certificates/").get_data(as_text=True)
    assert "Every approved participant" in page
    issued = client.post(f"/events/{event.slug}/certificates/issue", data={"kind": "participation"})
    assert issued.status_code == 302
    assert "1 certificate issued." in client.get(issued.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        (certificate,) = db.session.scalars(sa.select(Certificate)).all()
        serial = certificate.serial
    assert len(serial) == 16
    client.post("/auth/logout")

    key = _own_key(app, holder.id)
    own = client.get(f"/events/{event.slug}/me/{key}").get_data(as_text=True)
    link = re.search(r'href="([^"]+/certificates/[A-Z0-9]+\.pdf)"', own)[1]
    pdf = client.get(link)
    assert pdf.status_code == 200
    reader = PdfReader(io.BytesIO(pdf.data))
    assert len(reader.pages) == 1
    assert reader.metadata.title == "Certificate of Participation — ສົມພອນ ແກ້ວມະນີ"
    (url,) = _decode_pdf(pdf.data, 150)
    assert url.endswith("/verify/" + "-".join(serial[i : i + 4] for i in range(0, 16, 4)))

    valid = client.get(url.replace("http://eventhub.test", ""))
    text = valid.get_data(as_text=True)
    assert valid.status_code == 200 and "Valid certificate" in text
    assert "Somphone KEOMANY" in text and "Participation" in text
    assert "Exchange Week" in text and "@" not in text  # name, event, kind, date: no more
    altered = serial[:-1] + ("A" if serial[-1] != "A" else "B")
    forged = client.get(f"/verify/{altered}")
    assert forged.status_code == 404 and "Not valid" in forged.get_data(as_text=True)

    as_role("organiser")
    with app.app_context():
        certificate_id = db.session.scalar(sa.select(Certificate.id))
    refused = client.post(
        f"/events/{event.slug}/certificates/{certificate_id}/revoke",
        data={"reason": ""},
        follow_redirects=True,
    )
    assert "Say why the certificate is revoked." in refused.get_data(as_text=True)
    client.post(
        f"/events/{event.slug}/certificates/{certificate_id}/revoke",
        data={"reason": "Issued to the wrong person"},
    )
    revoked = client.get(f"/verify/{serial.lower()}")
    assert revoked.status_code == 404
    assert "This certificate has been revoked" in revoked.get_data(as_text=True)
    assert client.get(link).status_code == 404  # nor downloadable any more


def test_speakers_are_those_of_the_programme(client, as_role, app, event, make):
    speaker = make.participant(event, given_name="Speaker")
    make.participant(event, given_name="Listener")
    make.activity(event, title_en="Forum", speakers=[speaker])
    as_role("organiser")
    client.post(f"/events/{event.slug}/certificates/issue", data={"kind": "speaker"})
    with app.app_context():
        holders = db.session.execute(sa.select(Certificate.participant_id, Certificate.kind)).all()
    assert holders == [(speaker.id, CertificateKind.SPEAKER)]


def test_wrong_settings_are_refused_by_field_and_images_by_content(client, as_role, app, event):
    as_role("organiser")
    url = f"/events/{event.slug}/certificates/"
    data = {
        "title_en": "Certificate of Participation",
        "title_zh": "参会证书",
        "body_en": "This certifies participation in {event}.",
        "body_zh": "兹证明 {name} 参加了{event}。",
        "signatory_name": "Chen Jing",
        "logo_image": (io.BytesIO(b"GIF89a not really"), "logo.png"),
    }
    page = client.post(url, data=data, content_type="multipart/form-data").get_data(as_text=True)
    assert "Put {name} where the participant&#39;s name goes." in page
    assert "This file is not a JPEG or PNG image." in page
    assert 'value="Chen Jing"' in page
    data.update(
        body_en="This is to certify that {name} took part in {event}.",
        logo_image=(io.BytesIO(_png()), "logo.png"),
        signature_image=(io.BytesIO(_png((300, 100))), "signature.jpg"),
    )
    saved = client.post(url, data=data, content_type="multipart/form-data", follow_redirects=True)
    assert "Saved." in saved.get_data(as_text=True)
    with app.app_context():
        from eventhub.certificates import services

        settings = services.certificate_settings(db.session.merge(event))
        assert settings.logo_image.startswith(b"\x89PNG")
        assert settings.body_en.startswith("This is to certify that {name}")


def test_printing_and_emailing_all_run_apart(client, as_role, app, event, make, outbox):
    for n in range(3):
        make.participant(event, given_name=f"Delegate{n}", email=f"d{n}@example.la")
    as_role("organiser")
    client.post(f"/events/{event.slug}/certificates/issue", data={"kind": "participation"})
    for action in ("print", "email"):  # each a job, run after the request commits
        response = client.post(
            f"/events/{event.slug}/certificates/run",
            data={"kind": "participation", "action": action},
        )
        assert response.status_code == 302
        with app.app_context():
            batch_id = db.session.scalar(sa.select(sa.func.max(BadgeBatch.id)))
        progress = client.get(f"{response.headers['Location']}.json").get_json()
        assert progress["state"] == "done" and progress["done"] == 3
    pdf = client.get(f"/events/{event.slug}/badges/runs/{batch_id - 1}.pdf").data
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 3
    assert sorted(m["To"] for m in outbox) == ["d0@example.la", "d1@example.la", "d2@example.la"]
    assert "/me/" in outbox[0].get_content()
    again = client.post(
        f"/events/{event.slug}/certificates/run",
        data={"kind": "participation", "action": "email"},
        follow_redirects=True,
    )
    assert "Every certificate of this kind has been emailed already." in again.get_data(
        as_text=True
    )


def test_a_certificate_run_is_done_by_the_print_run_job_and_by_hand(
    client, as_role, app, event, make, held_jobs
):
    """Certificate runs are print runs of their own kinds: the badges' job takes them, and
    `flask badges-run` draws one by hand, through the kinds certificates register (badges
    do not import certificates)."""
    for n in range(2):
        make.participant(event, given_name=f"Delegate{n}")
    as_role("organiser")
    client.post(f"/events/{event.slug}/certificates/issue", data={"kind": "participation"})
    response = client.post(
        f"/events/{event.slug}/certificates/run", data={"kind": "participation", "action": "print"}
    )
    assert [task.name for task, _args in held_jobs] == ["eventhub.badges.tasks.draw_print_run"]
    held_jobs.clear()  # drawn by hand instead
    with app.app_context():
        batch_id = db.session.scalar(sa.select(sa.func.max(BadgeBatch.id)))
    result = app.test_cli_runner().invoke(args=["badges-run", str(batch_id)])
    assert result.exit_code == 0, result.output
    progress = client.get(f"{response.headers['Location']}.json").get_json()
    assert progress["state"] == "done" and progress["done"] == 2
    pdf = client.get(progress["download"]).data
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2


def test_a_number_typed_into_the_verification_form(client, as_role, app, event, make):
    """Typed as people do (lower case, spaces): found; mistyped: refused with the number kept
    in the box to correct; nothing typed: the form again."""
    make.participant(event, family_name="KEOMANY", given_name="Somphone")
    as_role("organiser")
    client.post(f"/events/{event.slug}/certificates/issue", data={"kind": "participation"})
    with app.app_context():
        serial = db.session.scalar(sa.select(Certificate.serial))
    client.post("/auth/logout")

    typed = " ".join(serial[i : i + 4] for i in range(0, 16, 4)).lower()
    found = client.post("/verify", data={"serial": typed}, follow_redirects=True)
    page = found.get_data(as_text=True)
    assert found.status_code == 200 and "Valid certificate" in page and "KEOMANY" in page

    mistyped = serial[:-1] + ("A" if serial[-1] != "A" else "B")
    wrong = client.post("/verify", data={"serial": mistyped}, follow_redirects=True)
    page = wrong.get_data(as_text=True)
    assert wrong.status_code == 404 and "Not valid" in page
    grouped = "-".join(mistyped[i : i + 4] for i in range(0, 16, 4))  # as printed
    assert f'value="{grouped}"' in page and "KEOMANY" not in page

    empty = client.post("/verify", data={"serial": "  "})
    assert empty.status_code == 200 and "Not valid" not in empty.get_data(as_text=True)


def test_verification_numbers_cannot_be_brute_forced(client):
    statuses = [client.get(f"/verify/AAAA-BBBB-CCCC-{n:04d}").status_code for n in range(35)]
    assert statuses[0] == 404 and statuses[-1] == 429


def test_verify_page_decodes_from_a_phone_photo_of_the_certificate(
    client, as_role, app, event, make
):
    """The QR code on the printed page opens the verification page (decoded at 100 dpi)."""
    make.participant(event)
    as_role("organiser")
    client.post(f"/events/{event.slug}/certificates/issue", data={"kind": "participation"})
    with app.app_context():
        certificate_id = db.session.scalar(sa.select(Certificate.id))
    pdf = client.get(f"/events/{event.slug}/certificates/{certificate_id}.pdf").data
    (url,) = _decode_pdf(pdf, 100)
    assert client.get(url.replace("http://eventhub.test", "")).status_code == 200


def test_participation_follows_the_attendance_rule(client, as_role, app, event, make):
    """Certificates for those who checked in at the opening ceremony's door only."""
    import uuid

    from eventhub.badges.issuing import badges_for, code_of
    from eventhub.checkin import recording, rules
    from eventhub.checkin.models import Checkpoint
    from eventhub.registration.models import Participant

    came = make.participant(event, given_name="Came")
    make.participant(event, given_name="Stayed")
    door_id = make.checkpoint(event, slug="opening", name_en="Opening ceremony").id
    with app.app_context():
        person = db.session.get(Participant, came.id)
        badge = badges_for([person])[person.id]
        recording.record_scan(
            rules.Gate.of(db.session.merge(event), db.session.get(Checkpoint, door_id)),
            code_of(badge),
            uuid.uuid4().hex,
        )
        db.session.commit()
    as_role("organiser")
    url = f"/events/{event.slug}/certificates/"
    page = client.get(url).get_data(as_text=True)
    assert f'value="checkpoint:{door_id}"' in page and "Checked in at Opening ceremony" in page
    settings = {
        "title_en": "Certificate of Participation",
        "title_zh": "参会证书",
        "body_en": "This is to certify that {name} participated in {event}.",
        "body_zh": "兹证明 {name} 参加了{event}。",
        "rule": f"checkpoint:{door_id}",
    }
    assert "Saved." in client.post(url, data=settings, follow_redirects=True).get_data(as_text=True)
    refused = client.post(url, data=dict(settings, rule="checkpoint:99999"))
    assert "Choose one of the rules offered." in refused.get_data(as_text=True)
    client.post(f"/events/{event.slug}/certificates/issue", data={"kind": "participation"})
    with app.app_context():
        holders = db.session.scalars(sa.select(Certificate.participant_id)).all()
    assert holders == [came.id]


def test_the_logo_and_signature_are_on_every_certificate_and_embedded_once(app, event, make):
    """Drawn on each page from one embedded copy (decoding them per page was slow)."""
    from pypdf import PdfReader

    from eventhub.certificates import documents, services

    for n in range(3):
        make.participant(event, given_name=f"Somphone {n}")
    with app.app_context():
        stored = db.session.merge(event)
        settings = services.certificate_settings(stored)
        settings.logo_image, settings.signature_image = _png(), _png((300, 100))
        kind = services.CertificateKind.PARTICIPATION
        assert services.issue_certificates(stored, kind, actor=None) == 3
        issued = list(db.session.scalars(services.certificates_query(stored, kind)))
        pdf = documents.certificates_pdf(stored, issued)
        db.session.rollback()
    pages = PdfReader(io.BytesIO(pdf)).pages
    images = set()
    for page in pages:
        forms = [x.get_object() for x in page["/Resources"]["/XObject"].values()]
        drawn = [f for f in forms if f["/Subtype"] == "/Form"]
        assert len(drawn) == 2  # the logo and the signature on this page
        for form in drawn:
            images |= {id(x.get_object()) for x in form["/Resources"]["/XObject"].values()}
    assert len(pages) == 3 and len(images) == 2  # two images in the file, whatever the pages
