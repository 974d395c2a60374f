"""Certificates as documents: what each says (from the event's settings and the holder),
one PDF/A-3 certificate for a download, and long print runs drawn in parts by several
processes, joined into one PDF/A-3 file carrying every certificate's verification data."""

from __future__ import annotations

import io
import os
import tempfile
from collections import deque
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import pikepdf
import sqlalchemy as sa
from flask import Flask, current_app
from reportlab.pdfgen.canvas import Canvas

from eventhub.badges.issuing import chunks
from eventhub.badges.printing import WORKERS, _die_with_parent, _process_context
from eventhub.certificates.archive import finish_pdfa, save_pdfa
from eventhub.certificates.models import Certificate, CertificateKind
from eventhub.certificates.render import CERTIFICATE_PAGE, CertificateData, draw_certificate
from eventhub.certificates.services import (
    KIND_TEXTS,
    certificate_settings,
    format_serial,
    issued_on,
    verify_url,
)
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.pdf import register_fonts
from eventhub.registration.models import Participant
from eventhub.registration.validation import HAN

PART_SIZE = 200
# The canvas's own first font: embedded like every other, where reportlab's default is the
# standard Helvetica, which a PDF/A file may not name without embedding it.
INITIAL_FONT = "EH-Latin"


def certificate_data(event: Event, certificates: list[Certificate]) -> list[CertificateData]:
    settings = certificate_settings(event)
    people = {
        p.id: p
        for p in db.session.scalars(
            sa.select(Participant).where(
                Participant.id.in_({c.participant_id for c in certificates})
            )
        )
    }
    place = f"{event.city_zh} {event.city_en}".strip()
    data = []
    for certificate in certificates:
        person = people[certificate.participant_id]
        if certificate.kind == CertificateKind.PARTICIPATION:
            title_en, title_zh, body_en, body_zh = (
                settings.title_en,
                settings.title_zh,
                settings.body_en,
                settings.body_zh,
            )
        else:
            title_en, title_zh, body_en, body_zh = KIND_TEXTS[certificate.kind]
        name_en = person.name("certificate")
        # A Chinese rendering when there is one; else the Latin name alone, without an
        # English title in the Chinese sentence ("兹证明Somchai JAIDEE参加了…").
        has_chinese = person.name_zh or HAN.search(person.native_name or "")
        name_zh = person.name("certificate", "zh") if has_chinese else person.latin_name
        day = issued_on(certificate, event).isoformat()
        data.append(
            CertificateData(
                serial=format_serial(certificate.serial),
                url=verify_url(certificate),
                title_en=title_en,
                title_zh=title_zh,
                body_en=body_en.replace("{name}", name_en).replace("{event}", event.name_en),
                body_zh=body_zh.replace("{name}", name_zh).replace("{event}", event.name_zh),
                latin_name=name_en,  # the name line says what the sentence says
                native_name=person.native_name,
                signatory=settings.signatory_name,
                signatory_title_en=settings.signatory_title_en,
                signatory_title_zh=settings.signatory_title_zh,
                signature=settings.signature_image,
                logo=settings.logo_image,
                place_date=f"{place}, {day}",
                kind=certificate.kind.value,
                issued_on=day,
                revoked=certificate.revoked_at is not None,
            )
        )
    return data


def record(event: Event, item: CertificateData) -> dict:
    """A certificate's verification data, embedded in its PDF: what the verification page
    confirms, for an archive that outlives the site."""
    return {
        "serial": item.serial,
        "kind": item.kind,
        "name": {"latin": item.latin_name, "native": item.native_name},
        "event": {"en": event.name_en, "zh": event.name_zh},
        "issued_on": item.issued_on,
        "verification_url": item.url,
        "status": "revoked" if item.revoked else "valid",
    }


def _title(event: Event, data: list[CertificateData]) -> str:
    if len(data) != 1:
        return f"{event.name_en} — certificates"
    item = data[0]  # searchable by the real name (shaped text extracts badly)
    title = f"{item.title_en} — {item.native_name or item.latin_name}"
    return f"REVOKED 已撤销 — {title}" if item.revoked else title


def draw_pdf(data: list[CertificateData], title: str) -> bytes:
    """The certificates as reportlab draws them, fonts registered (no app or database:
    runs in worker processes too)."""
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer, pagesize=CERTIFICATE_PAGE, pageCompression=1, initialFontName=INITIAL_FONT
    )
    canvas.setTitle(title)
    for item in data:
        draw_certificate(canvas, item)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _archive(document: pikepdf.Pdf, event: Event, title: str, records: list[dict]) -> None:
    """One certificate's file carries its own data; a run's file every certificate's."""
    if len(records) == 1:
        (data,) = records
        state = "REVOKED: not valid" if data["status"] == "revoked" else "Verify at"
        subject = f"{data['serial']}. {state} {data['verification_url']}"
    else:
        data = {"event": {"en": event.name_en, "zh": event.name_zh}, "certificates": records}
        subject = f"{len(records)} certificates, each verifiable at the address in its QR code"
    finish_pdfa(document, title=title, subject=subject, data=data)


def certificates_pdf(event: Event, certificates: list[Certificate]) -> bytes:
    """One certificate (or a few) as a PDF/A-3 file with its verification data."""
    register_fonts()
    data = certificate_data(event, certificates)
    title = _title(event, data)
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(draw_pdf(data, title))) as document:
        _archive(document, event, title, [record(event, item) for item in data])
        save_pdfa(document, out)
    return out.getvalue()


def render_part(data: list[CertificateData], title: str, font_dirs: list[str] | None) -> bytes:
    """One part of a run as its own PDF; runs in a worker process, with no app or database."""
    app = Flask(__name__)
    app.config["FONT_DIRS"] = font_dirs
    with app.app_context():
        register_fonts()
    return draw_pdf(data, title)


def write_certificates(
    event: Event,
    certificates: list[Certificate],
    out,
    *,
    progress: Callable[[int], None] | None = None,
    part_size: int = PART_SIZE,
    workers: int = WORKERS,
    release: Callable[[], None] | None = None,
) -> None:
    """All the certificates in one PDF/A-3 file, drawn in parts by several processes (as
    badges are) so that memory stays bounded; the parts are read from the database here,
    one query each, and `release` (a run passes the session's commit) is called after each
    read so that no transaction is held while drawing."""
    title = f"{event.name_en} — certificates"
    font_dirs = current_app.config.get("FONT_DIRS")
    register_fonts()  # once, here: forked workers inherit the parsed fonts
    records: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="eventhub-certificates-") as folder:
        files: list[str] = []

        def read(part: list[Certificate]) -> list[CertificateData]:
            ids = [sa.inspect(c).identity[0] for c in part]
            loaded = {
                c.id: c
                for c in db.session.scalars(sa.select(Certificate).where(Certificate.id.in_(ids)))
            }
            data = certificate_data(event, [loaded[i] for i in ids])
            records.extend(record(event, item) for item in data)
            if release:
                release()
            return data

        def keep(pdf: bytes) -> None:
            path = os.path.join(folder, f"part-{len(files):05d}.pdf")
            with open(path, "wb") as part_file:
                part_file.write(pdf)
            files.append(path)
            if progress:
                progress(min(len(certificates), len(files) * part_size))

        parts = list(chunks(certificates, part_size))
        if workers <= 1 or len(parts) <= 1:
            for part in parts:
                keep(render_part(read(part), title, font_dirs))
        else:
            # As badges: forked workers only draw; a part is read when one is about to be free.
            with ProcessPoolExecutor(
                workers, mp_context=_process_context(), initializer=_die_with_parent
            ) as pool:
                in_flight: deque = deque()
                for part in parts:
                    in_flight.append(pool.submit(render_part, read(part), title, font_dirs))
                    while len(in_flight) > workers:
                        keep(in_flight.popleft().result())
                while in_flight:
                    keep(in_flight.popleft().result())
        _join(files, out, event, title, records)


def _join(files: list[str], out, event: Event, title: str, records: list[dict]) -> None:
    """The parts joined with qpdf (pikepdf), the whole made one PDF/A-3 archive."""
    with pikepdf.new() as joined:
        sources = [pikepdf.open(path) for path in files]
        for source in sources:
            joined.pages.extend(source.pages)
        joined.docinfo["/Producer"] = sources[0].docinfo.get("/Producer", "EventHub")
        joined.docinfo["/CreationDate"] = sources[0].docinfo.get("/CreationDate", "")
        _archive(joined, event, title, records)
        save_pdfa(joined, out)
        for source in sources:
            source.close()
