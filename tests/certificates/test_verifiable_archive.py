"""Certificates a reader can trust later (issue 20, item 10): the date printed on them is the
date their verification page gives, organisers find one by its number, a revoked one says so
on its face, and each is a PDF/A-3 archive carrying its own verification data."""

from __future__ import annotations

import io
import json
import subprocess
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pikepdf
import pytest
import sqlalchemy as sa
from babel.dates import format_date
from PIL import Image
from pypdf import PdfReader

from eventhub.certificates import documents, services
from eventhub.certificates.models import Certificate, CertificateKind
from eventhub.extensions import db
from eventhub.registration.models import Participant

from .test_certificates import _png

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _issue(app, event, **changes) -> list[Certificate]:
    with app.app_context():
        stored = db.session.merge(event)
        services.issue_certificates(stored, CertificateKind.PARTICIPATION, actor=None)
        certificates = list(db.session.scalars(sa.select(Certificate).order_by(Certificate.id)))
        for certificate in certificates:
            for name, value in changes.items():
                setattr(certificate, name, value)
        db.session.commit()
        return [(c.id, c.serial) for c in certificates]


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _attached(pdf: bytes) -> dict:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        (spec,) = document.Root.AF
        return json.loads(spec.EF.F.read_bytes())


def _red_share(pdf: bytes) -> float:
    """The share of the page printed in the stamp's red, as a printer at 50 dpi would."""
    png = subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-"], input=pdf, capture_output=True, check=True
    ).stdout
    raw = Image.open(io.BytesIO(png)).convert("RGB").tobytes()
    pixels = [raw[i : i + 3] for i in range(0, len(raw), 3)]
    red = sum(1 for r, g, b in pixels if r > 150 and g < 110 and b < 110)
    return red / len(pixels)


def test_verification_gives_the_date_printed_on_a_certificate_issued_yesterday(
    client, as_role, app, event, make
):
    """Issued yesterday at 02:00 in Guiyang (18:00 UTC the day before): the certificate and
    its verification page both say yesterday, in the event's calendar; not today (the
    server's clock) nor the day before (UTC), nor the event's last day."""
    make.participant(event, family_name="KEOMANY", given_name="Somphone")
    yesterday = (datetime.now(SHANGHAI) - timedelta(days=1)).replace(
        hour=2, minute=0, second=0, microsecond=0
    )
    ((certificate_id, serial),) = _issue(
        app, event, issued_at=yesterday.astimezone(ZoneInfo("UTC"))
    )
    as_role("organiser")
    pdf = client.get(f"/events/{event.slug}/certificates/{certificate_id}.pdf").data
    assert yesterday.date().isoformat() in _text(pdf)
    page = client.get(f"/verify/{serial}").get_data(as_text=True)
    assert format_date(yesterday.date(), "long", locale="en") in page
    today = datetime.now(SHANGHAI).date()
    assert format_date(today, "long", locale="en") not in page
    assert format_date(yesterday.date() - timedelta(days=1), "long", locale="en") not in page


def test_organisers_find_a_certificate_by_its_number(client, as_role, app, event, make):
    """Typed as printed, in part, in lower case: the one certificate; a number nobody holds:
    the page with its empty state, not an error."""
    for n in range(3):
        make.participant(event, family_name=f"HOLDER{n}", given_name="Somphone")
    issued = _issue(app, event)
    (_id, serial) = issued[1]
    with app.app_context():
        holder = db.session.get(Certificate, _id).participant.family_name
    as_role("organiser")
    url = f"/events/{event.slug}/certificates/"
    overview = client.get(url).get_data(as_text=True)
    assert 'type="search"' in overview and "certificate number" in overview
    grouped = services.format_serial(serial)
    for typed in (grouped, grouped.lower(), serial[5:11].lower(), f" {grouped[:9]} "):
        found = client.get(url, query_string={"q": typed})
        page = found.get_data(as_text=True)
        assert found.status_code == 200, typed
        assert holder in page and grouped in page, typed
        others = [f"HOLDER{n}" for n in range(3) if f"HOLDER{n}" != holder]
        assert not any(other in page for other in others), typed
    nobody = client.get(url, query_string={"q": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"})
    assert nobody.status_code == 200
    assert "No certificate matches this search." in nobody.get_data(as_text=True)


def test_a_revoked_certificate_prints_stamped_revoked(client, as_role, app, event, make):
    """Downloaded for the record after revoking: the page carries a red diagonal REVOKED /
    已撤销 stamp, its metadata and embedded data say revoked; the valid one has none."""
    make.participant(event, family_name="KEOMANY", given_name="Somphone")
    make.participant(event, family_name="VONGSA", given_name="Bounmy")
    ((revoked_id, _s1), (valid_id, _s2)) = _issue(app, event)
    as_role("organiser")
    client.post(
        f"/events/{event.slug}/certificates/{revoked_id}/revoke",
        data={"reason": "Issued to the wrong person"},
    )
    revoked = client.get(f"/events/{event.slug}/certificates/{revoked_id}.pdf")
    valid = client.get(f"/events/{event.slug}/certificates/{valid_id}.pdf").data
    assert revoked.status_code == 200
    text = _text(revoked.data)
    assert "REVOKED" in text and "已撤销" in text
    assert "REVOKED" not in _text(valid)
    assert _red_share(revoked.data) > 0.01 > _red_share(valid)
    reader = PdfReader(io.BytesIO(revoked.data))
    assert "REVOKED" in reader.metadata.title
    assert _attached(revoked.data)["status"] == "revoked"
    assert _attached(valid)["status"] == "valid"


def test_certificates_are_pdfa3_carrying_their_verification_data(client, as_role, app, event, make):
    """What an archive checks: the PDF/A-3 identification in the XMP, an sRGB output intent,
    the verification data as an associated file, every font embedded, nothing transparent,
    nothing encrypted."""
    make.participant(
        event, family_name="KEOMANY", given_name="Somphone", native_name="ສົມພອນ ແກ້ວມະນີ"
    )
    with app.app_context():
        settings = services.certificate_settings(db.session.merge(event))
        settings.logo_image, settings.signature_image = _png(), _png((300, 100))
        db.session.commit()
    ((certificate_id, serial),) = _issue(app, event)
    as_role("organiser")
    pdf = client.get(f"/events/{event.slug}/certificates/{certificate_id}.pdf").data
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert not document.is_encrypted
        meta = document.open_metadata()
        assert meta["pdfaid:part"] == "3" and meta["pdfaid:conformance"] == "B"
        assert meta["dc:title"] == str(document.docinfo.Title)
        (intent,) = document.Root.OutputIntents
        assert intent.S == pikepdf.Name.GTS_PDFA1
        profile = intent.DestOutputProfile
        assert profile.N == 3 and profile.read_bytes()[36:40] == b"acsp"
        (spec,) = document.Root.AF
        assert spec.AFRelationship == pikepdf.Name.Data
        assert spec.EF.F.Subtype == pikepdf.Name("/application/json")
        names = document.Root.Names.EmbeddedFiles.Names
        assert names[1].objgen == spec.objgen
        for page in document.pages:
            assert "/Group" not in page  # no transparency group
            for font in page.Resources.Font.values():
                descriptor = font.get("/FontDescriptor") or font.DescendantFonts[0].FontDescriptor
                assert "/FontFile2" in descriptor, font.BaseFont
            for form in page.Resources.XObject.values():
                for image in form.Resources.get("/XObject", {}).values():
                    assert "/SMask" not in image and "/Mask" not in image
    data = _attached(pdf)
    with app.app_context():
        person = db.session.scalar(sa.select(Participant))
        issued_on = db.session.get(Certificate, certificate_id).issued_at.astimezone(SHANGHAI)
    assert data["serial"] == services.format_serial(serial)
    assert data["name"] == {"latin": person.latin_name, "native": "ສົມພອນ ແກ້ວມະນີ"}
    assert data["event"]["en"] == event.name_en
    assert data["issued_on"] == issued_on.date().isoformat()
    assert data["verification_url"] == f"http://eventhub.test/verify/{data['serial']}"
    assert data["status"] == "valid"


def test_a_pdfa_validator_approves_a_certificate(app, event, make):
    """pikepdf's own PDF/A validator (it needs fontTools: `pikepdf[pdfa]`), when installed."""
    pdfa = pytest.importorskip("pikepdf.pdfa", exc_type=ImportError)
    make.participant(event, native_name="ស៊ីន សុខា")
    _issue(app, event)
    with app.app_context():
        stored = db.session.merge(event)
        pdf = documents.certificates_pdf(stored, list(db.session.scalars(sa.select(Certificate))))
    with pikepdf.open(io.BytesIO(pdf)) as document:
        report = pdfa.check(document, "3b")
    assert report.verdict == "pass", report


def test_a_print_run_drawn_in_parallel_parts_keeps_every_certificate_in_order(app, event, make):
    """Several processes draw parts of a long run; the joined PDF holds each certificate
    once, in the run's order, and is itself PDF/A-3 with every certificate's data."""
    for n in range(7):
        make.participant(event, family_name=f"HOLDER{n}", given_name="Somphone")
    _issue(app, event)
    with app.app_context():
        stored = db.session.merge(event)
        kind = CertificateKind.PARTICIPATION
        items = list(db.session.scalars(services.certificates_query(stored, kind)))
        expected = [services.format_serial(c.serial) for c in items]
        out = io.BytesIO()
        documents.write_certificates(
            stored, items, out, part_size=2, workers=2, release=db.session.commit
        )
    pdf = out.getvalue()
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == 7
    assert [next(s for s in expected if s in page.extract_text()) for page in pages] == expected
    assert [record["serial"] for record in _attached(pdf)["certificates"]] == expected
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert document.open_metadata()["pdfaid:part"] == "3"


@pytest.mark.parametrize(
    "address",
    [
        "http://eventhub.test",
        "http://127.0.0.1:5000",
        "https://eventhub.caecw-secretariat.example.org/international-exchange-week/2026",
    ],
)
def test_the_quick_qr_code_is_the_one_qrcode_makes(address):
    """Certificates encode their QR codes with their own codewords (a run's time went into
    qrcode's encoding): module for module what qrcode itself makes for the same address,
    for a short address and one long enough for a larger version."""
    import qrcode
    from qrcode import util

    from eventhub.certificates import qr

    for n in range(40):
        url = f"{address}/verify/{services.format_serial(services.new_serial())}"
        made = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
        made.mask_pattern = qr.MASK
        made.add_data(util.QRData(url.encode(), mode=util.MODE_8BIT_BYTE))
        made.make(fit=True)
        assert qr.verification_matrix(url) == made.get_matrix(), (n, url)


@pytest.mark.parametrize("size", [1, 150, 300])
def test_the_quick_qr_code_matches_qrcode_from_one_byte_to_300(size):
    """The quick encoder leans on qrcode's tables and placement (pinned below 9): for the
    shortest payload and ones needing larger versions, module for module the same code,
    with the badges' mask."""
    import qrcode
    from qrcode import util

    from eventhub.badges.render import QR_MASK
    from eventhub.certificates import qr

    assert qr.MASK == QR_MASK
    payload = ("https://eventhub.test/verify/" + "ABCDEFGHJK" * 30)[:size]
    made = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    made.mask_pattern = qr.MASK
    made.add_data(util.QRData(payload.encode(), mode=util.MODE_8BIT_BYTE))
    made.make(fit=True)
    assert qr.verification_matrix(payload) == made.get_matrix()


def test_namesakes_in_the_certificate_list_are_told_apart(client, as_role, app, event, make):
    """Two "Nurul Huda binti Abdullah" from two countries: each row says whose certificate it
    is (organisation, country, registration number, a link to the person), and each revoke
    button names the certificate and the person it revokes."""
    brunei = make.organisation(name_en="Politeknik Brunei", country_code="BN")
    malaysia = make.organisation(name_en="Universiti Malaya", country_code="MY")
    people = [
        make.participant(
            event,
            family_name="",
            given_name="Nurul Huda",
            patronymic="binti Abdullah",
            country_code=country,
            organisation_id=organisation.id,
        )
        for country, organisation in (("BN", brunei), ("MY", malaysia))
    ]
    issued = dict(_issue(app, event))
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/certificates/").get_data(as_text=True)
    issued_list = page.split('id="issued"')[-1]
    rows = [row for row in issued_list.split("<tr>") if "Nurul Huda" in row]
    assert len(issued) == 2 and len(rows) == 2, rows
    for person, organisation in zip(people, (brunei, malaysia), strict=True):
        row = next(r for r in rows if f"/participants/{person.id}" in r)
        assert organisation.name_en in row and person.country_code in row
    with app.app_context():
        serials = {
            db.session.get(Certificate, id_).participant_id: services.format_serial(serial)
            for id_, serial in issued.items()
        }
    for person in people:
        assert f'aria-label="Revoke {serials[person.id]} of' in page


def test_a_certificate_run_is_shown_as_certificates_not_badges(client, as_role, app, event):
    """Emailing or printing certificates goes through the print-run page: it speaks of
    certificates and leads back to them, and the badges page does not list the run."""
    from eventhub.badges.models import BadgeBatch, BatchState

    with app.app_context():
        runs = []
        for kind in ("certificates", "certificate-mail"):
            batch = BadgeBatch(
                event_id=event.id,
                layout="a4",
                kind=kind,
                state=BatchState.DONE,
                total=371,
                content=b"%PDF-1.7 certificates",
            )
            db.session.add(batch)
            db.session.flush()
            runs.append(batch.id)
        db.session.commit()
    as_role("organiser")
    for batch_id in runs:
        page = client.get(f"/events/{event.slug}/badges/runs/{batch_id}").get_data(as_text=True)
        assert "371 certificates" in page and "371 badges" not in page
        assert f'href="/events/{event.slug}/certificates/"' in page
    badges = client.get(f"/events/{event.slug}/badges/").get_data(as_text=True)
    assert not any(f"/badges/runs/{batch_id}" in badges for batch_id in runs)
    download = client.get(f"/events/{event.slug}/badges/runs/{runs[0]}.pdf")
    assert "certificates-" in download.headers["Content-Disposition"]
