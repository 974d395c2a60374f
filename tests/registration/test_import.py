"""Importing delegation lists: the partner's sample, a messy embassy spreadsheet, all or
nothing."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from pathlib import Path

import openpyxl
import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.extensions import db
from eventhub.registration.models import Participant, Source, Status
from tests.conftest import run_held

SAMPLE = Path(__file__).parent.parent / "fixtures" / "delegation-sample.csv"


def _upload(client, event, content: bytes, name: str):
    response = client.post(
        f"/events/{event.slug}/participants/import",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response.headers["Location"]


def _count(app, event) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).where(Participant.event_id == event.id))


def test_the_partner_sample_imports_in_every_script(client, as_role, app, event):
    as_role("organiser")
    preview_url = _upload(client, event, SAMPLE.read_bytes(), "delegation-sample.csv")
    page = client.get(preview_url).get_data(as_text=True)
    assert "14 rows read below the headers in row 1." in page
    assert "Import 14 participants" in page
    response = client.post(
        preview_url, data={"action": "import", **_mapping(page)}, follow_redirects=True
    )
    assert "14 participants imported from delegation-sample.csv." in response.get_data(as_text=True)
    with app.app_context():
        people = {p.email: p for p in db.session.scalars(sa.select(Participant))}
        assert people["aungkyawmoe@example.edu.mm"].family_name == ""
        assert people["sreypov.heng@example.gov.kh"].native_name == "ហេង ស្រីពៅ"
        assert people["namfon.p@example.ac.th"].native_name == "น้ำฝน ปั้นทอง"
        assert people["huong.nt@example.edu.vn"].interpretation_language == "zh"
        lao = people["bounmy.p@example.la"]
        assert lao.organisation.name_en == "Ministry of Education and Sports, Lao PDR"
        assert lao.arrival_flight == "QV 917" and lao.source == Source.IMPORT
        assert lao.status == Status.PENDING
        assert db.session.scalar(
            sa.select(AuditEntry.changes).where(AuditEntry.action == "participant.import")
        ) == {"rows": [None, 14], "file": [None, "delegation-sample.csv"]}
    # A second confirmation of the same upload imports nothing more.
    again = client.post(preview_url, data={"action": "import"}, follow_redirects=True)
    assert "already been imported" in again.get_data(as_text=True)
    assert _count(app, event) == 14


def _mapping(page: str) -> dict:
    """The confirm step's columns as the page reads them, and the organiser's attestation
    that the sender collected the people's consent to registration."""
    selects = re.findall(r'<select[^>]*name="(map_\d+)"[^>]*>(.*?)</select>', page, re.S)
    found = {"attest_registration": "y"}
    for name, options in selects:
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        found[name] = chosen.group(1) if chosen else ""
    return found


def _messy_embassy_workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Royal Thai Embassy — delegation to CAECW 2025", None, None])
    sheet.append([])
    sheet.append(
        [
            "No.",
            "Surname",
            "First Name",
            "Thai name",
            "Title",
            "Designation",
            "Institution",
            "Nationality ",
            "E-mail",
            "Mobile",
            "Date of Arrival",
            "Flight No.",
            "Time of Arrival",
            "Dietary requirements",
        ]
    )
    rows = [
        (
            1,
            "JAIDEE",
            " Somchai ",
            "สมชาย ใจดี",
            "Asst. Prof.",
            "Vice Dean",
            "King Mongkut's Institute of Technology Ladkrabang",
            "Thailand",
            "somchai.j@example.ac.th",
            "+66 2 555 0112",
            "23/07/2025",
            "FD 578",
            "11:50",
            "halal",
        ),
        (
            2,
            "PANTHONG",
            "Namfon",
            "น้ำฝน ปั้นทอง",
            "Ms.",
            "Lecturer",
            "Rajamangala University of Technology Isan",
            "THA",
            "namfon.p@example.ac.th",
            "+66 44 555 0114",
            datetime(2025, 7, 23),
            "FD578",
            "1150",
            "Vegetarian",
        ),
        (
            3,
            "SRISUK",
            "Napa",
            "นภา ศรีสุข",
            "Dr.",
            "Researcher",
            "Chiang Mai University",
            "Thailand",
            "napa@@example",
            "",
            "July 23, 2025",
            "TG 614",
            "2:05 PM",
            "",
        ),
        (
            4,
            "JAIDEE",
            "Somchai",
            "สมชาย ใจดี",
            "Asst. Prof.",
            "Vice Dean",
            "King Mongkut's Institute of Technology Ladkrabang",
            "Thailand",
            "SOMCHAI.J@example.ac.th",
            "",
            "2025-07-23",
            "FD 578",
            "11:50",
            "",
        ),
        (
            5,
            "WONGYAI",
            "Anucha",
            "อนุชา วงศ์ใหญ่",
            "Mr.",
            "Engineer",
            "Chiang Mai University",
            "Siam",
            "anucha@example.ac.th",
            "",
            "31/02/2025",
            "",
            "",
            "",
        ),
    ]
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_messy_embassy_spreadsheet_reports_every_bad_row_and_imports_nothing(
    client, as_role, app, event
):
    as_role("organiser")
    preview_url = _upload(client, event, _messy_embassy_workbook(), "thai-embassy.xlsx")
    page = client.get(preview_url).get_data(as_text=True)
    assert "5 rows read below the headers in row 3." in page
    problems = re.findall(
        r"<tr><td[^>]*>(\d+)</td><td[^>]*>([^<]*)</td><td[^>]*>([^<]*)</td></tr>", page
    )
    by_row = {}
    for row, column, message in problems:
        by_row.setdefault(int(row), []).append((column, message))
    assert set(by_row) == {6, 7, 8}, by_row
    assert ("I (E-mail)", "Enter a valid email address.") in by_row[6]
    assert any("Same email address as row 4" in m for _c, m in by_row[7])
    assert any(c == "H (Nationality)" and "Unknown country code" in m for c, m in by_row[8])
    assert any(c == "K (Date of Arrival)" for c, _m in by_row[8])
    assert "Import 5 participants" not in page
    # Confirming anyway imports nothing.
    client.post(preview_url, data={"action": "import", **_mapping(page)})
    assert _count(app, event) == 0


def test_dates_and_times_typed_in_several_ways_are_read(client, as_role, app, event):
    as_role("organiser")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        [
            "Family name",
            "Given name",
            "Organisation",
            "Country",
            "Email",
            "Arrival date",
            "Arrival time",
            "Category",
        ]
    )
    sheet.append(
        [
            "SOK",
            "Chanthy",
            "Institute of Technology of Cambodia",
            "Cambodia",
            "chanthy@example.edu.kh",
            "23.07.2025",
            "9:10 AM",
            "VIP",
        ]
    )
    sheet.append(
        [
            "",
            "Budiono",
            "Politeknik Negeri Bandung",
            "Indonesia",
            "budiono@example.ac.id",
            date(2025, 7, 23),
            "16:05",
            "Speaker",
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    preview_url = _upload(client, event, buffer.getvalue(), "mixed.xlsx")
    page = client.get(preview_url).get_data(as_text=True)
    client.post(preview_url, data={"action": "import", **_mapping(page)})
    with app.app_context():
        people = {p.given_name: p for p in db.session.scalars(sa.select(Participant))}
        assert people["Chanthy"].arrival_date == date(2025, 7, 23)
        assert people["Chanthy"].arrival_at.hour == 1 and people["Chanthy"].arrival_at.minute == 10
        assert people["Chanthy"].category.value == "official"
        assert people["Budiono"].country_code == "ID" and people["Budiono"].family_name == ""


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


def test_changing_the_column_mapping_is_checked_again(client, as_role, app, event):
    as_role("organiser")
    content = b"Name,Org,Land,Mail\nSomphone,National University of Laos,LA,s@example.la\n"
    preview_url = _upload(client, event, content, "short.csv")
    page = client.get(preview_url).get_data(as_text=True)
    assert "No column is mapped to Organisation." in page
    mapping = {"map_0": "given_name", "map_1": "organisation", "map_2": "country", "map_3": "email"}
    checked = client.post(preview_url, data={"action": "preview", **mapping}).get_data(as_text=True)
    assert "Import 1 participant" in checked
    client.post(preview_url, data={"action": "import", **mapping, "attest_registration": "y"})
    assert _count(app, event) == 1


def test_files_that_are_not_lists_are_refused_with_a_reason(client, as_role, event):
    as_role("organiser")
    for content, name in [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "list.csv"),
        (b"PK\x03\x04broken", "list.xlsx"),
        (b"", "empty.csv"),
    ]:
        response = client.post(
            f"/events/{event.slug}/participants/import",
            data={"file": (io.BytesIO(content), name)},
            content_type="multipart/form-data",
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 200, name
        assert (
            "neither a CSV file nor an Excel workbook" in page or "The file holds no rows." in page
        ), name


def test_imports_are_for_organisers_of_that_event(client, as_role, make, event):
    as_role("staff")
    assert client.get(f"/events/{event.slug}/participants/import").status_code == 403


def test_a_header_that_names_the_script_is_the_native_name():
    """A Thai university writes "Name in Thai", a Lao ministry "Lao name": both are the name
    in the person's own script, recognised without the organiser mapping it by hand."""
    from eventhub.registration.importer import guess_columns

    for header in ("Name in Thai", "Lao name", "ชื่อภาษาไทย", "Name in own script"):
        rows = [(1, ["Family name", "Given name", header, "Email"])]
        _header, columns = guess_columns(rows)
        assert [c.field for c in columns][2] == "native_name", header


def test_a_large_list_is_imported_by_the_job_worker(client, as_role, app, event, held_jobs):
    """Past IMPORT_INLINE_ROWS the confirmation only queues the import; the page waits for
    the worker, with the organiser's column choices, and then lands on the list."""
    as_role("organiser")
    preview_url = _upload(client, event, SAMPLE.read_bytes(), "delegation-sample.csv")
    page = client.get(preview_url).get_data(as_text=True)
    inline = app.config["IMPORT_INLINE_ROWS"]
    app.config["IMPORT_INLINE_ROWS"] = 10  # the sample's 14 rows count as a large list
    try:
        response = client.post(preview_url, data={"action": "import", **_mapping(page)})
        assert response.headers["Location"].endswith(preview_url)
        waiting = client.get(preview_url).get_data(as_text=True)
        assert "Waiting for the job worker" in waiting and 'id="job-waiting"' in waiting
        assert _count(app, event) == 0
        assert [task.name for task, _args in held_jobs] == [
            "eventhub.registration.tasks.import_rows"
        ]
        run_held(app, held_jobs)
        done = client.get(preview_url, follow_redirects=True).get_data(as_text=True)
        assert "14 participants imported from delegation-sample.csv." in done
        assert _count(app, event) == 14
        # Confirming the same upload again imports nothing more.
        client.post(preview_url, data={"action": "import", **_mapping(page)})
        run_held(app, held_jobs)
        assert _count(app, event) == 14
    finally:
        app.config["IMPORT_INLINE_ROWS"] = inline
