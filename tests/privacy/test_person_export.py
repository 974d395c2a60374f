"""An organiser downloads everything held about one person: every section, as JSON and as
a readable PDF whose names copy out as typed; each download is in the audit log."""

from __future__ import annotations

import json
import subprocess

import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.extensions import db

from .person_world import CHINESE, KHMER, PASSPORT, SERIAL, THAI, build


def _url(event, person_id, what):
    return f"/events/{event.slug}/participants/{person_id}/{what}"


def test_json_holds_every_section_with_the_passport(client, as_role, app, make, event):
    world = build(app, make, event)
    as_role("organiser")
    response = client.get(_url(event, world.person_id, "personal-data.json"))
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    export = json.loads(response.data)
    sections = export["sections"]
    assert set(sections) >= {
        "participant",
        "privacy",
        "visa",
        "badges",
        "scans",
        "programme",
        "agreements",
        "certificates",
        "records",
    }
    fields = sections["participant"]["fields"]
    assert fields["passport_number"] == PASSPORT
    assert fields["date_of_birth"] == "1970-05-01"
    assert fields["native_name"] == KHMER
    assert sections["participant"]["photo"] == "held: yes, 300x400"
    assert sections["participant"]["delegation"]["name_en"] == "Cambodia"
    assert sections["privacy"]["consents"][0]["notice_version"] == 2
    assert sections["visa"]["note"] == "Embassy: call Ms Sok"
    assert sections["scans"][0]["where"] == "Main entrance"
    assert sections["scans"][0]["result"] == "admitted"
    assert sections["programme"]["enrolments"][0]["activity"] == "Opening forum"
    assert sections["programme"]["roles"][0]["role"] == "speaker"
    assert {a["role"] for a in sections["agreements"]} == {"signatory", "witness"}
    assert sections["certificates"][0]["serial"] == "ABCD-EFGH-JKLM-NPQR"
    mail = sections["records"]["mails"][0]
    assert mail["subject"] == "Welcome, Chanthy" and "text" not in mail
    assert sections["records"]["account"]["email"] == world.email
    assert any(e["action"] == "participant.update" for e in sections["records"]["audit"])
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "person.export", AuditEntry.event_id == event.id)
            )
            == 1
        )


def _pdf_text(response) -> str:
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"],
        input=response.data,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return " ".join(text.split())


def test_pdf_prints_the_names_in_every_script(client, as_role, app, make, event):
    world = build(app, make, event)
    as_role("organiser")
    folded = _pdf_text(client.get(_url(event, world.person_id, "personal-data.pdf")))
    for name in (KHMER, THAI, CHINESE, PASSPORT, "ABCD-EFGH-JKLM-NPQR", "Main entrance"):
        assert name in folded, name
    assert SERIAL  # the serial is shown grouped as printed


def test_pdf_reads_as_words_not_database_keys(client, as_role, app, make, event):
    world = build(app, make, event)
    as_role("organiser")
    folded = _pdf_text(client.get(_url(event, world.person_id, "personal-data.pdf")))
    # Internal ids and raw keys stay in the JSON only.
    for raw in (
        "Event id",
        "Organisation id",
        "Delegation id",
        "User id",
        "Country code",
        "Name en",
        "Notice text",
        "share_heads",
        "participation",
        "already_admitted",
        "held: yes",
    ):
        assert raw not in folded, raw
    # Codes by their names: country, language, purpose, status, scan result, kind.
    for word in (
        "Cambodia",
        "Khmer",
        "Registration for the event",
        "Approved",
        "Delegate",
        "No special diet",
        "Admitted",
        "Participation",
        "Letter requested",
        "Signed",
        "Given name (as in passport)",
    ):
        assert word in folded, word


def test_pdf_times_are_the_events_stated_once(client, as_role, app, make, event):
    world = build(app, make, event)
    as_role("organiser")
    folded = _pdf_text(client.get(_url(event, world.person_id, "personal-data.pdf")))
    # The gate scan at 02:00 UTC was at 10:00 in Guiyang, on the day written in words.
    assert "Jul 24, 2025, 10:00" in folded
    assert "UTC" not in folded and "T02:00" not in folded
    assert folded.count("Asia/Shanghai") == 1  # the zone, named once
    assert "May 1, 1970" in folded  # the date of birth, as the reader's language writes it


def test_pdf_table_words_are_never_cut(client, as_role, app, make, event):
    world = build(app, make, event)
    as_role("organiser")
    folded = _pdf_text(client.get(_url(event, world.person_id, "personal-data.pdf")))
    for word in ("Revoked", "Printed", "Emailed", "Speaker"):
        assert word in folded, word
    # No heading or value split inside a word ("Giv en", "transfer_abro ad").
    assert not any(len(w) == 1 and w.isalpha() and w.islower() for w in folded.split())


def test_pdf_in_chinese_has_chinese_headings(client, as_role, app, make, event):
    world = build(app, make, event)
    as_role("organiser", locale="zh_Hans")
    folded = _pdf_text(client.get(_url(event, world.person_id, "personal-data.pdf")))
    assert "柬埔寨" in folded  # the country by its Chinese name
    assert "高棉语" in folded  # the notice's language
    assert "2025年7月24日 10:00" in folded
    assert "Asia/Shanghai" in folded
    assert "Cambodia Cambodia" not in folded


def test_visa_officers_and_strangers_may_not_download(client, as_role, app, make, event):
    world = build(app, make, event)
    as_role("visa_officer")
    assert client.get(_url(event, world.person_id, "personal-data.json")).status_code == 403
    assert client.get(_url(event, world.person_id, "erase")).status_code == 403


def test_another_events_participant_is_not_found(client, as_role, app, make, event):
    other = make.event()
    person = make.participant(other)
    as_role("organiser")
    assert client.get(_url(event, person.id, "personal-data.json")).status_code == 404
