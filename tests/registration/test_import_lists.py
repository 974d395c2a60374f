"""Lists as senders really save them: passport data without a visa column, formulas,
legacy encodings, old .xls, dates in either order, nationalities as people write them,
values for all rows, and a list imported a second time."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
import sqlalchemy as sa
from babel.dates import get_month_names

from eventhub.audit.models import AuditEntry
from eventhub.extensions import db
from eventhub.registration.models import Category, Participant
from eventhub.registration.nationalities import country_code
from eventhub.registration.registering import passport_view
from tests.conftest import run_held
from tests.registration.import_files import biff2_xls, csv_bytes, xlsx
from tests.registration.test_import import _count, _mapping, _upload

from .conftest import api_body

HEADERS = ["Surname", "First name", "Institution", "Country", "E-mail"]


def _people(app) -> dict[str, Participant]:
    with app.app_context():
        people = db.session.scalars(sa.select(Participant)).all()
        for person in people:
            _ = person.organisation, person.delegation
            db.session.expunge(person)
        return {p.email: p for p in people}


def _problems(page: str) -> list[tuple[int, str, str]]:
    found = re.findall(
        r"<tr><td[^>]*>(\d+)</td><td[^>]*>([^<]*)</td><td[^>]*>([^<]*)</td></tr>", page
    )
    return [(int(row), html.unescape(col), html.unescape(msg)) for row, col, msg in found]


def _import(client, url: str, page: str, **extra):
    return client.post(url, data={"action": "import", **_mapping(page), **extra})


def test_passport_data_without_a_visa_column_is_checked_and_stored(client, as_role, app, event):
    as_role("organiser")
    rows = [
        [*HEADERS, "Passport No.", "Date of birth", "Passport expiry date"],
        ["JAIDEE", "Somchai", "Chiang Mai University", "TH", "s@example.ac.th",
         "AA1234567", "14/03/1980", "2030-01-31"],
        ["SRISUK", "Napa", "Chiang Mai University", "TH", "n@example.ac.th",
         "AB7654321", "31/02/1985", "2025-09-30"],
    ]  # fmt: skip
    url = _upload(client, event, csv_bytes(rows, "utf-8"), "passports.csv")
    page = client.get(url).get_data(as_text=True)
    problems = _problems(page)
    with app.test_request_context():
        february = get_month_names("wide", locale="en")[2]
    assert (3, "G (Date of birth)", f"31 {february} does not exist.") in problems
    assert any(
        row == 3 and column == "H (Passport expiry date)" and "six months after the event" in m
        for row, column, m in problems
    ), problems
    rows.pop()
    url = _upload(client, event, csv_bytes(rows, "utf-8"), "passports.csv")
    page = client.get(url).get_data(as_text=True)
    _import(client, url, page)
    with app.app_context():
        person = db.session.scalar(sa.select(Participant))
        assert passport_view(person, unmasked=True) == {
            "passport_number": "AA1234567",
            "date_of_birth": "1980-03-14",
        }
        assert person.passport_expiry == date(2030, 1, 31)
        assert person.nationality_code == "TH"
        assert person.passport_number_encrypted != "AA1234567"


def test_a_formula_is_read_by_its_saved_value_or_refused_naming_the_cell(
    client, as_role, app, event
):
    as_role("organiser")
    rows = [
        ["Given name", "Family name (typed)", "Family name", "Institution", "Country", "Email"],
        ["Somchai", "jaidee", "=UPPER(B2)", "Chiang Mai University", "TH", "s@example.ac.th"],
        ["Napa", "srisuk", "=UPPER(B3)", "Chiang Mai University", "TH", "n@example.ac.th"],
    ]
    unsaved = xlsx(rows, cached={"C2": "JAIDEE"})
    url = _upload(client, event, unsaved, "formulas.xlsx")
    page = client.get(url).get_data(as_text=True)
    problems = _problems(page)
    assert [(row, column) for row, column, _m in problems] == [(3, "C (Family name)")]
    assert problems[0][2].startswith("C3: formula without a saved value")
    assert _count(app, event) == 0
    url = _upload(client, event, xlsx(rows, cached={"C2": "JAIDEE", "C3": "SRISUK"}), "f.xlsx")
    page = client.get(url).get_data(as_text=True)
    _import(client, url, page)
    people = _people(app)
    assert people["s@example.ac.th"].family_name == "JAIDEE"
    assert people["n@example.ac.th"].family_name == "SRISUK"


LISTS = {
    # encoding: (label shown, native names)
    "cp874": ("Thai (Windows-874)", ["สมชาย ใจดี", "น้ำฝน ปั้นทอง"]),
    "cp1258": ("Vietnamese (Windows-1258)", ["Nguyễn Thị Hương", "Trần Văn Đức"]),
    "gb18030": ("Chinese, simplified (GB18030)", ["王小明", "李华"]),
    "big5": ("Chinese, traditional (Big5)", ["陳大文", "林美玲"]),
    "utf-16": ("Unicode (UTF-16)", ["ສົມພອນ ແກ້ວມະນີ", "ហេង ស្រីពៅ"]),
    "utf-16-le": ("Unicode (UTF-16 LE)", ["ສົມພອນ ແກ້ວມະນີ", "ហេង ស្រីពៅ"]),  # no BOM
}


@pytest.mark.parametrize("encoding", list(LISTS))
def test_a_list_in_a_legacy_encoding_is_read_as_written(client, as_role, app, event, encoding):
    label, names = LISTS[encoding]
    as_role("organiser")
    rows = [["Given name", "Native name", "Organisation", "Country", "Email"]] + [
        [f"Person{chr(65 + n)}", name, "Ministry of Education", "TH", f"p{n}@example.org"]
        for n, name in enumerate(names)
    ]
    url = _upload(client, event, csv_bytes(rows, encoding), f"{encoding}.csv")
    page = client.get(url).get_data(as_text=True)
    assert f"Detected: {label}." in page
    shown = re.search(r'<ul class="mb-2" id="names-as-read">(.*?)</ul>', page, re.S).group(1)
    for name in names:
        assert name in html.unescape(shown)
    _import(client, url, page)
    stored = sorted(p.native_name for p in _people(app).values())
    assert stored == sorted(names)


def test_the_organiser_chooses_another_encoding_and_the_file_is_read_again(client, as_role, event):
    as_role("organiser")
    rows = [["Given name", "Native name", "Organisation", "Country", "Email"]]
    rows.append(["Somchai", "สมชาย ใจดี", "Chiang Mai University", "TH", "s@example.ac.th"])
    url = _upload(client, event, csv_bytes(rows, "cp874"), "thai.csv")
    page = client.get(url).get_data(as_text=True)
    as_western = client.post(url, data={"action": "preview", "encoding": "cp1252"})
    text = html.unescape(as_western.get_data(as_text=True))
    assert "Read as: Western European (Windows-1252)." in text
    assert "สมชาย" not in text and "Ê" in text
    as_big5 = client.post(url, data={"action": "preview", "encoding": "big5"})
    text = html.unescape(as_big5.get_data(as_text=True))
    assert "cannot be read as Chinese, traditional (Big5)" in text
    assert "สมชาย ใจดี" in text  # read again as detected
    assert "สมชาย ใจดี" in html.unescape(page)


def test_an_old_xls_file_is_read(client, as_role, app, event):
    as_role("organiser")
    serial = (date(2025, 7, 23) - date(1899, 12, 30)).days
    content = biff2_xls(
        [
            ["Delegation of Khon Kaen University"],
            [
                "Given name",
                "Family name",
                "Name in Thai",
                "Faculty",
                "Country",
                "E-mail",
                "Arrival date",
            ],
            [
                "Anucha",
                "WONGYAI",
                "อนุชา วงศ์ใหญ่",
                "Faculty of Engineering",
                "Thailand",
                "anucha@example.ac.th",
                serial,
            ],
        ]  # fmt: skip
    )
    url = _upload(client, event, content, "khon-kaen.xls")
    page = client.get(url).get_data(as_text=True)
    assert "1 row read below the headers in row 2." in page
    _import(client, url, page)
    person = _people(app)["anucha@example.ac.th"]
    assert person.native_name == "อนุชา วงศ์ใหญ่"
    assert person.arrival_date == date(2025, 7, 23) and person.country_code == "TH"


def _dated(arrivals: list[str]) -> bytes:
    rows = [[*HEADERS, "Arrival date"]]
    for n, arrival in enumerate(arrivals):
        rows.append(
            [f"P{chr(65 + n)}", "Dara", "Royal University", "KH", f"p{n}@example.kh", arrival]
        )
    return csv_bytes(rows, "utf-8")


def test_day_and_month_order_is_decided_per_column(client, as_role, app, event):
    as_role("organiser")
    url = _upload(client, event, _dated(["07/23/2025", "07/25/2025", "08/07/2025"]), "us.csv")
    page = client.get(url).get_data(as_text=True)
    _import(client, url, page)
    arrivals = sorted(p.arrival_date for p in _people(app).values())
    assert arrivals == [date(2025, 7, 23), date(2025, 7, 25), date(2025, 8, 7)]


def test_an_ambiguous_date_column_is_asked_before_import(client, as_role, app, event):
    as_role("organiser")
    url = _upload(client, event, _dated(["07/08/2025", "08/07/2025"]), "ambiguous.csv")
    page = client.get(url).get_data(as_text=True)
    assert 'name="order_5"' in page and "Import 2 participants" not in page
    assert any("day first or month first" in m for _r, _c, m in _problems(page))
    answered = client.post(url, data={"action": "preview", **_mapping(page), "order_5": "dmy"})
    page = answered.get_data(as_text=True)
    assert "Import 2 participants" in page
    _import(client, url, page, order_5="dmy")
    arrivals = sorted(p.arrival_date for p in _people(app).values())
    assert arrivals == [date(2025, 7, 8), date(2025, 8, 7)]


def test_impossible_and_serial_dates(client, as_role, app, event):
    as_role("organiser")
    url = _upload(client, event, _dated(["30/02/2025", "45861", "2025-13-01"]), "bad.csv")
    page = client.get(url).get_data(as_text=True)
    messages = {row: m for row, _c, m in _problems(page)}
    with app.test_request_context():
        february = get_month_names("wide", locale="en")[2]
    assert messages[2] == f"30 {february} does not exist."
    assert 3 not in messages  # an Excel serial number, within the event's days
    assert messages[4] == "There is no month 13."


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Thai", "TH"), ("Cambodian", "KH"), ("Khmer", "KH"), ("Burmese", "MM"),
        ("Laotian", "LA"), ("Filipino", "PH"), ("Malaysian", "MY"), ("Vietnamese", "VN"),
        ("Indonesian", "ID"), ("Singaporean", "SG"), ("Bruneian", "BN"), ("Chinese", "CN"),
        ("Timorese", "TL"), ("THA", "TH"), ("vn", "VN"), ("Lao PDR", "LA"),
        ("Myanmar (Burma)", "MM"), ("泰国", "TH"), ("缅甸", "MM"), ("老挝", "LA"),
        ("柬埔寨人", "KH"), ("緬甸", "MM"), ("ประเทศไทย", "TH"), ("ไทย", "TH"),
        ("Việt Nam", "VN"), ("Viet Nam", "VN"), ("ລາວ", "LA"), ("កម្ពុជា", "KH"),
        ("မြန်မာ", "MM"), ("Pilipinas", "PH"), ("Timor-Leste", "TL"), ("Kemboja", "KH"),
        ("Brunei Darussalam", "BN"), ("Siam", None), ("Atlantis", None),
    ],
)  # fmt: skip
def test_nationalities_as_people_write_them(written, code):
    assert country_code(written) == code


def test_values_for_all_rows_and_what_the_file_holds(client, as_role, app, event, make):
    delegation = make.delegation(event, name_en="Royal Thai Embassy", country_code="TH")
    as_role("organiser")
    rows = [["Given name", "Institution", "E-mail", *[""] * 40, "Nationality"]]
    rows.append(["Somchai", "Chiang Mai University", "s@example.ac.th", *[""] * 40, "Thai"])
    rows.append(["Napa", "Chiang Mai University", "n@example.ac.th", *[""] * 40, "Khmer"])
    url = _upload(client, event, csv_bytes(rows, "utf-8"), "wide.csv")
    page = client.get(url).get_data(as_text=True)
    assert "40 empty columns are not listed (D–AQ)." in page
    assert page.count('<select class="form-select form-select-sm" id="map_') == 4
    sample_cell = r'<td[^>]*>AR</td>.*?import-samples[^"]*"[^>]*>(.*?)</td>'
    samples = re.search(sample_cell, page, re.S).group(1)
    assert "Thai" in samples and "Khmer" in samples
    settings = {"default_delegation": "Royal Thai Embassy", "default_category": "official"}
    checked = client.post(url, data={"action": "preview", **_mapping(page), **settings})
    page = checked.get_data(as_text=True)
    assert "Import 2 participants" in page
    _import(client, url, page, **settings)
    people = _people(app)
    for person in people.values():
        assert person.delegation_id == delegation.id and person.category == Category.OFFICIAL
    assert people["n@example.ac.th"].country_code == "KH"


def test_a_list_imported_again_updates_the_people_it_names(client, as_role, app, event, make):
    organisation = make.organisation(name_en="Chiang Mai University", country_code="TH")
    make.delegation(event, name_en="Royal Thai Embassy", country_code="TH")
    as_role("organiser")
    headers = [*HEADERS, "Mobile", "Passport No.", "Delegation"]
    rows = [
        headers,
        ["JAIDEE", "Somchai", "chiang mai  UNIVERSITY", "TH", "s@example.ac.th", "",
         "AA1234567", "royal thai  EMBASSY"],
        ["SRISUK", "Napa", "Chiang Mai University", "TH", "n@example.ac.th", "",
         "AB7654321", "Royal Thai Embassy"],
    ]  # fmt: skip
    url = _upload(client, event, csv_bytes(rows, "utf-8"), "list.csv")
    page = client.get(url).get_data(as_text=True)
    assert "2 new, 0 updated." in page
    _import(client, url, page)
    first = _people(app)
    assert {p.organisation_id for p in first.values()} == {organisation.id}
    assert all(p.delegation_id for p in first.values())
    # The same list again, a phone added and one email changed (the passport matches).
    rows[1][5] = "+66 2 555 0112"
    rows[2][4] = "napa.s@example.ac.th"
    url = _upload(client, event, csv_bytes(rows, "utf-8"), "list.csv")
    page = client.get(url).get_data(as_text=True)
    assert "0 new, 2 updated." in page
    assert "Possible duplicate" not in page
    _import(client, url, page)
    assert _count(app, event) == 2
    again = _people(app)
    assert again["s@example.ac.th"].phone == "+66 2 555 0112"
    with app.app_context():
        history = db.session.scalars(
            sa.select(AuditEntry.changes).where(
                AuditEntry.action == "participant.update",
                AuditEntry.object_id == str(first["s@example.ac.th"].id),
            )
        ).all()
        assert history == [{"phone": ["", "+66 2 555 0112"], "source": [None, "list.csv"]}]
    assert again["napa.s@example.ac.th"].id == first["n@example.ac.th"].id


def test_a_large_list_keeps_the_organisers_settings_in_the_job(
    client, as_role, app, event, held_jobs
):
    as_role("organiser")
    rows = [["Given name", "Native name", "Organisation", "E-mail", "Arrival"]]
    rows += [
        [
            f"Person{chr(65 + n)}",
            "สมชาย ใจดี",
            "Chiang Mai University",
            f"p{n}@example.org",
            "07/08/2025",
        ]
        for n in range(12)
    ]
    url = _upload(client, event, csv_bytes(rows, "cp874"), "big.csv")
    page = client.get(url).get_data(as_text=True)
    settings = {"default_country": "TH", "order_4": "mdy", "encoding": "cp874"}
    inline = app.config["IMPORT_INLINE_ROWS"]
    app.config["IMPORT_INLINE_ROWS"] = 10
    try:
        _import(client, url, page, **settings)
        assert _count(app, event) == 0
        run_held(app, held_jobs)
    finally:
        app.config["IMPORT_INLINE_ROWS"] = inline
    people = _people(app).values()
    assert len(people) == 12
    assert {(p.native_name, p.country_code, p.arrival_date) for p in people} == {
        ("สมชาย ใจดี", "TH", date(2025, 7, 8))
    }


def test_the_api_reads_countries_as_written_and_says_why_a_date_does_not_exist(
    app, client, event, lao_delegate
):
    token = app.test_cli_runner().invoke(
        args=["create-token", "--role", "partner", "--event", event.slug]
    )
    headers = {"Authorization": f"Bearer {token.stdout.strip().splitlines()[0]}"}
    url = f"/api/v1/events/{event.slug}/registrations"
    bad = dict(lao_delegate, country="ລາວ", arrival_date="2025-07-32")
    response = client.post(url, json=api_body(bad), headers=headers)
    assert response.status_code == 422
    with app.test_request_context():
        july = get_month_names("wide", locale="en")[7]
    assert response.get_json()["errors"] == {"arrival_date": [f"32 {july} does not exist."]}
    response = client.post(
        url, json=api_body(dict(bad, arrival_date="2025-07-23")), headers=headers
    )
    assert response.status_code == 201
    with app.app_context():
        assert db.session.get(Participant, response.get_json()["id"]).country_code == "LA"
