"""The issue's "done when": a Thai university's list as it is sent — title rows, headers in
the sender's words, dates written several ways, saved in Windows-874 — previews correctly,
names the bad cells, and stores the Thai names exactly. Through the pages: upload,
preview, confirm."""

from __future__ import annotations

import html
from datetime import date

import sqlalchemy as sa
from babel.dates import get_month_names

from eventhub.extensions import db
from eventhub.registration.models import Participant
from eventhub.registration.registering import passport_view
from tests.registration.test_import import _mapping, _upload
from tests.registration.test_import_lists import _problems

TITLE = [
    ["มหาวิทยาลัยเชียงใหม่ / Chiang Mai University"],
    ["รายชื่อคณะผู้แทน — China-ASEAN Education Cooperation Week 2025"],
    [],
]
HEADERS = [
    "ลำดับ No.", "Title", "First Name", "Last Name", "ชื่อ-นามสกุล (ภาษาไทย)", "Position",
    "Faculty", "Nationality", "E-mail", "Date of Birth", "Passport No.",
    "Passport Expiry Date", "Date of Arrival", "Flight No.",
]  # fmt: skip
PEOPLE = [
    ["1", "Asst. Prof. Dr.", "Somchai", "Jaidee", "ผศ.ดร.สมชาย ใจดี", "Vice Dean",
     "Faculty of Engineering", "Thai", "somchai.j@example.ac.th", "14/03/1975",
     "AA1234567", "31/01/2030", "23/07/2025", "FD 578"],
    ["2", "Ms.", "Namfon", "Panthong", "นางสาวน้ำฝน ปั้นทอง", "Lecturer",
     "Faculty of Education", "ไทย", "namfon.p@example.ac.th", "2 Nov 1988",
     "AB7654321", "2031-05-20", "23 July 2025", "FD578"],
    ["3", "Mr.", "Anucha", "Wongyai", "นายอนุชา วงศ์ใหญ่", "Researcher",
     "Faculty of Science", "Thailand", "anucha.w@example.ac.th", "1990-06-30",
     "AC1112223", "15/08/2029", "2025-07-24", "TG 614"],
]  # fmt: skip


def _csv(rows: list[list[str]]) -> bytes:
    text = "\r\n".join(",".join(row) for row in rows) + "\r\n"
    return text.encode("cp874")


def test_a_thai_universitys_list_as_sent(client, as_role, app, event):
    as_role("organiser")
    # As first sent: an impossible expiry, a passport expiring too soon, a broken email.
    sent = [row[:] for row in PEOPLE]
    sent[0][11] = "31/02/2030"
    sent[1][11] = "30/09/2025"
    sent[2][8] = "anucha.w@@example.ac.th"
    url = _upload(client, event, _csv(TITLE + [HEADERS] + sent), "รายชื่อ-CMU.csv")
    page = client.get(url).get_data(as_text=True)
    text = html.unescape(page)
    assert "3 rows read below the headers in row 4." in text
    assert "Detected: Thai (Windows-874)." in text
    assert "Somchai · Jaidee · ผศ.ดร.สมชาย ใจดี" in text  # the first names, as read
    with app.test_request_context():
        february = get_month_names("wide", locale="en")[2]
    problems = _problems(page)
    assert (5, "L (Passport Expiry Date)", f"31 {february} does not exist.") in problems
    assert any(
        row == 6 and column == "L (Passport Expiry Date)" and "six months" in message
        for row, column, message in problems
    ), problems
    assert (7, "I (E-mail)", "Enter a valid email address.") in problems
    assert len(problems) == 3, problems
    assert "Import 3 participants" not in page

    # Corrected by the university and sent again.
    url = _upload(client, event, _csv(TITLE + [HEADERS] + PEOPLE), "รายชื่อ-CMU.csv")
    page = client.get(url).get_data(as_text=True)
    assert "3 new, 0 updated." in page and "Import 3 participants" in page
    done = client.post(url, data={"action": "import", **_mapping(page)}, follow_redirects=True)
    assert "3 participants imported" in done.get_data(as_text=True)
    with app.app_context():
        people = {p.email: p for p in db.session.scalars(sa.select(Participant))}
        assert [people[row[8]].native_name for row in PEOPLE] == [row[4] for row in PEOPLE]
        somchai = people["somchai.j@example.ac.th"]
        assert (somchai.family_name, somchai.given_name) == ("Jaidee", "Somchai")
        assert somchai.organisation.name_en == "Faculty of Engineering"
        assert {p.country_code for p in people.values()} == {"TH"}
        assert {p.nationality_code for p in people.values()} == {"TH"}
        assert passport_view(somchai, unmasked=True)["date_of_birth"] == "1975-03-14"
        assert people["namfon.p@example.ac.th"].arrival_date == date(2025, 7, 23)
        assert people["anucha.w@example.ac.th"].passport_expiry == date(2029, 8, 15)
