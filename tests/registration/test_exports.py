"""Exports for the logistics team: open in a spreadsheet, every script intact, no formulas."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import openpyxl
import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.registration.models import Diet, Participant, Status

from .test_import import _upload


def _people(make, event):
    make.participant(
        event,
        family_name="KEOMANY",
        given_name="Somphone",
        native_name="ສົມພອນ ແກ້ວມະນີ",
        arrival_date=date(2025, 7, 23),
        arrival_at=datetime(2025, 7, 23, 6, 35, tzinfo=UTC),
        arrival_flight="QV 917",
        hotel="Guiyang Hotel",
        diet=Diet.HALAL,
        departure_date=date(2025, 7, 28),
        interpretation_language="lo",
        phone="+856 20 5555 0101",
    )
    make.participant(
        event,
        family_name="PHOMMACHANH",
        given_name="Bounmy",
        native_name="ບຸນມີ ພົມມະຈັນ",
        arrival_date=date(2025, 7, 23),
        arrival_at=datetime(2025, 7, 23, 6, 35, tzinfo=UTC),
        arrival_flight="QV 917",
        hotel="Guiyang Hotel",
        dietary_notes='=HYPERLINK("http://evil.example")',
    )
    make.participant(
        event,
        given_name="Pending",
        status=Status.PENDING,
        arrival_date=date(2025, 7, 24),
        arrival_flight="CZ 3052",
    )


def test_arrivals_manifest_groups_flights_in_local_time(client, as_role, make, event):
    _people(make, event)
    as_role("organiser")
    response = client.get(f"/events/{event.slug}/participants/export/arrivals.csv")
    assert response.headers["Content-Disposition"].endswith('-arrivals.csv"')
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Date", "Time", "Flight or train", "Airport or station", "Group size"]
    assert [r[2] for r in rows[1:]] == ["QV 917", "QV 917"]  # approved only
    assert rows[1][:2] == ["2025-07-23", "14:35"] and rows[1][4] == "2"
    assert "ບຸນມີ ພົມມະຈັນ" in {r[6] for r in rows}
    everyone = client.get(f"/events/{event.slug}/participants/export/arrivals.csv?status=all")
    assert "CZ 3052" in everyone.data.decode("utf-8-sig")


def test_xlsx_exports_open_and_neutralise_formulas(client, as_role, make, event):
    _people(make, event)
    as_role("organiser")
    for kind in ("participants", "arrivals", "departures", "rooming", "dietary", "interpretation"):
        response = client.get(f"/events/{event.slug}/participants/export/{kind}.xlsx")
        assert response.status_code == 200, kind
        book = openpyxl.load_workbook(io.BytesIO(response.data))
        cells = [c for row in book.active.iter_rows() for c in row]
        assert all(c.data_type != "f" for c in cells), kind
    dietary = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/events/{event.slug}/participants/export/dietary.xlsx").data)
    ).active
    values = [[c.value for c in row] for row in dietary.iter_rows()]
    assert ["Halal", 1, None, None, None] in values
    # A text cell is never a formula: the allergy note is kept as typed, read as text.
    notes = [row for row in dietary.iter_rows() if row[4].value and "HYPERLINK" in row[4].value]
    assert [c.value for c in notes[0]][4] == '=HYPERLINK("http://evil.example")'
    assert notes[0][4].data_type == "s"
    rooming = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/events/{event.slug}/participants/export/rooming.xlsx").data)
    ).active
    first = [c.value for c in rooming[2]]
    assert first[0] == "Guiyang Hotel" and first[4:7] == ["2025-07-23", "2025-07-28", 5]


def test_participants_export_round_trips_through_the_import(client, as_role, make, event, app):
    _people(make, event)
    as_role("organiser")
    exported = client.get(f"/events/{event.slug}/participants/export/participants.csv").data
    header = exported.decode("utf-8-sig").splitlines()[0].split(",")
    assert "Passport number" not in header and "Family name (as in passport)" in header


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
    client.post(preview_url, data={"action": "import", "attest_registration": "y"})
    with app.app_context():
        copy = db.session.scalar(sa.select(Participant).where(Participant.event_id == other.id))
        assert (copy.family_name, copy.given_name, copy.native_name) == (
            "NGUYỄN",
            "Thị Hương",
            "Nguyễn Thị Hương",
        )
        assert copy.organisation_id == university_id and copy.interpretation_language == "zh"


def test_passport_data_only_for_the_visa_desk_and_audited(client, as_role, make, event, app):
    from eventhub import crypto

    with app.app_context():
        encrypted = crypto.encrypt("P7654321")
    make.participant(
        event,
        visa_letter_requested=True,
        passport_number_encrypted=encrypted,
        nationality_code="LA",
    )
    as_role("organiser")
    refused = client.get(f"/events/{event.slug}/participants/export/participants.csv?passport=1")
    assert refused.status_code == 403


def test_visa_desk_exports_passport_numbers(client, as_role, make, event, app):
    from eventhub import crypto

    with app.app_context():
        encrypted = crypto.encrypt("P7654321")
    make.participant(
        event,
        visa_letter_requested=True,
        passport_number_encrypted=encrypted,
        nationality_code="LA",
    )
    as_role("visa_officer")
    body = client.get(f"/events/{event.slug}/participants/export/participants.csv?passport=1").data
    assert "P7654321" in body.decode("utf-8-sig")
    log = client.get(f"/events/{event.slug}/audit")
    assert log.status_code == 403  # the visa desk is not an organiser
    import sqlalchemy as sa

    from eventhub.audit.models import AuditEntry
    from eventhub.extensions import db

    with app.app_context():
        # One entry says both: which file left, and that it held passport numbers.
        (entry,) = db.session.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.action.in_(["participant.export_passport", "data.export"])
            )
        )
        assert entry.action == "participant.export_passport"
        assert entry.changes["file"] == [None, f"{event.slug}-participants.csv"]


def _sheet(client, url: str) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(client.get(url).data))
    return [[c.value for c in row] for row in book.active.iter_rows()]


def test_xlsx_shows_phone_numbers_and_names_as_typed(client, as_role, make, event):
    """An apostrophe showed before every phone number: in a workbook text is never a formula."""
    _people(make, event)
    make.participant(
        event,
        family_name="-",
        given_name="Budiono",
        name_order="family",
        phone="-",
        hotel="Guiyang Hotel",
    )
    as_role("organiser")
    rows = _sheet(client, f"/events/{event.slug}/participants/export/arrivals.xlsx")
    phone = rows[0].index("Phone")
    assert "+856 20 5555 0101" in [r[phone] for r in rows]
    assert not any(str(v).startswith("'") for r in rows for v in r if v)
    rooming = _sheet(client, f"/events/{event.slug}/participants/export/rooming.xlsx")
    assert "- Budiono" in [r[1] for r in rooming]
    # CSV has no cell types: there a leading apostrophe keeps a formula from running.
    text = client.get(f"/events/{event.slug}/participants/export/dietary.csv").data
    assert "'=HYPERLINK" in text.decode("utf-8-sig")


def test_exports_speak_the_readers_language(client, as_role, make, event, app):
    from flask_babel import force_locale, gettext

    from eventhub.registration.labels import CATEGORY_LABELS, STATUS_LABELS
    from eventhub.registration.models import Category

    make.participant(event, category=Category.OFFICIAL, visa_letter_requested=True, diet=Diet.HALAL)
    as_role("organiser", locale="zh_Hans")
    rows = _sheet(client, f"/events/{event.slug}/participants/export/participants.xlsx")
    with app.test_request_context(), force_locale("zh_Hans"):
        status, category = str(STATUS_LABELS[Status.APPROVED]), str(CATEGORY_LABELS["official"])
        halal, yes, date_header = gettext("Halal"), gettext("Yes"), gettext("Date")
        header = [gettext("Status"), gettext("Family name (as in passport)")]
    assert status != "Approved" and yes != "Yes"
    assert [rows[0][1], rows[0][3]] == header
    assert [status, category, halal, yes] == [
        v for v in rows[1] if v in (status, category, halal, yes)
    ]
    arrivals = _sheet(client, f"/events/{event.slug}/participants/export/arrivals.xlsx")
    assert arrivals[0][0] == date_header != "Date"


def test_a_chinese_export_imports_back(client, make, login, event, app):
    from eventhub.registration.models import Category

    make.participant(
        event,
        family_name="NGUYỄN",
        given_name="Thị Hương",
        country_code="VN",
        organisation_id=make.organisation(name_en="Hanoi University", country_code="VN").id,
        category=Category.OFFICIAL,
        diet=Diet.HALAL,
    )
    other = make.event()
    login(make.user(roles={event: "organiser", other: "organiser"}, locale="zh_Hans").email)
    exported = client.get(f"/events/{event.slug}/participants/export/participants.xlsx").data
    preview_url = _upload(client, other, exported, "export.xlsx")
    client.post(preview_url, data={"action": "import", "attest_registration": "y"})
    with app.app_context():
        copy = db.session.scalar(sa.select(Participant).where(Participant.event_id == other.id))
        assert (copy.family_name, copy.given_name, copy.country_code) == (
            "NGUYỄN",
            "Thị Hương",
            "VN",
        )
        assert (copy.category, copy.diet) == (Category.OFFICIAL, Diet.HALAL)


def test_departures_without_a_date_are_listed_apart_not_as_a_group(client, as_role, make, event):
    make.participant(event, given_name="Dated", departure_date=date(2025, 7, 28))
    for name in ("Undated One", "Undated Two", "Undated Three"):
        make.participant(event, given_name=name)
    as_role("organiser")
    rows = _sheet(client, f"/events/{event.slug}/participants/export/departures.xlsx")
    header, body = rows[0], rows[1:]
    size = header.index("Group size")
    undated = [r for r in body if "Undated" in r[header.index("Name")]]
    assert len(undated) == 3
    assert all(r[0] == "No departure date given" and r[size] in (None, "") for r in undated)
    assert "Dated" in body[0][header.index("Name")]  # the dated ones first
