"""The rooming list PDF and workbook: every guest's name in every script drawn glyph by glyph
as HarfBuzz shapes it, the passport name beside it, booked vs contracted, changes marked."""

from __future__ import annotations

import io
import subprocess
from datetime import UTC, datetime

import openpyxl
import pytest

from eventhub.accommodation.models import Hotel, HotelRoom
from eventhub.accommodation.rooming_lists import rooming_list
from eventhub.accommodation.rooming_pdf import rooming_pdf
from eventhub.accommodation.rooming_xlsx import workbook
from eventhub.extensions import db
from eventhub.pdf import textblock

from ..pdf_glyphs import compare, harfbuzz_line, pdf_glyphs
from .rooming_data import NIGHTS, book, rooming_week

NOW = datetime(2025, 7, 20, 4, 0, tzinfo=UTC)
# Lao, Khmer and Myanmar come with the week; Thai, Vietnamese and Chinese guests join.
MORE = [
    ("TH", "JAIDEE", "Somchai", "สมชาย ใจดี"),
    ("VN", "NGUYEN", "Thi Huong", "Nguyễn Thị Hương"),
    ("CN", "YANG", "Ming", "杨明"),
]


def _recording(monkeypatch) -> list:
    """Every line the list's text blocks draw, as HarfBuzz would place it on the page (the
    blocks draw in their cell's coordinates: moved to the page's)."""
    lines: list = []
    original = textblock.draw_text

    def record(canvas, x, y, text, size, **options):
        lines.append(harfbuzz_line(text, *canvas.absolutePosition(x, y), size, **options))
        return original(canvas, x, y, text, size, **options)

    monkeypatch.setattr(textblock, "draw_text", record)
    return lines


def _week_of_every_script(app, make, event):
    week = rooming_week(app, make, event)
    people = [
        make.participant(
            event, country_code=c, family_name=f, given_name=g, native_name=n, name_order="family"
        )
        for c, f, g, n in MORE
    ]
    with app.app_context():
        for person in people:
            book(week.twin_id, NIGHTS[1], NIGHTS[2], person, event_id=event.id)
        db.session.commit()
    return week


def test_every_script_prints_as_harfbuzz_shapes_it(app, make, event, monkeypatch):
    week = _week_of_every_script(app, make, event)
    lines = _recording(monkeypatch)
    with app.app_context():
        pdf = rooming_pdf(rooming_list(db.session.get(Hotel, week.hotel_id), None, now=NOW))
    drawn = " ".join(line.text for line in lines)
    for native in ["ហ៊ុន ម៉ាណែត", "ບຸນທະວີ ພົມມະຈັນ", "အောင်ဆန်းစုကြည်", *(m[3] for m in MORE)]:
        assert native in drawn, native
    assert "HUN MANET" in drawn and "NGUYEN THI HUONG" in drawn
    glyphs = [glyph for page in pdf_glyphs(pdf) for glyph in page]
    assert compare(glyphs, lines) == []


def test_the_pdf_heads_with_the_hotel_night_counts_and_changes(app, make, event):
    week = rooming_week(app, make, event)
    with app.app_context():
        hotel = db.session.get(Hotel, week.hotel_id)
        from eventhub.accommodation.changes import record_sent
        from eventhub.accommodation.rooming_lists import lines_of

        record_sent(hotel, lines_of(hotel), None, at=datetime(2025, 7, 19, 2, 0, tzinfo=UTC))
        db.session.get(HotelRoom, week.rooms.burmese).first_night = NIGHTS[2]
        db.session.flush()
        pdf = rooming_pdf(rooming_list(hotel, NIGHTS[2], now=NOW))
    text = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert "Guiyang Grand Hotel" in text
    assert "Night of 2025-07-26" in text
    assert "Printed 打印 2025-07-20 12:00 (Asia/Shanghai)" in text
    assert "Changes since the list of 2025-07-19 10:00 (all nights)" in text
    assert "changed 变" in text and "更: nights" in text  # the cell wraps
    counts = text.replace(" ", "")
    assert "Executivesuite1/1" in counts and "Deluxetwin2/2" in counts  # that night


@pytest.mark.parametrize("erase", [False, True])
def test_the_workbook_has_the_guests_the_changes_and_the_nights(app, make, event, erase):
    week = rooming_week(app, make, event)
    with app.app_context():
        hotel = db.session.get(Hotel, week.hotel_id)
        if erase:
            from eventhub.db import utcnow
            from eventhub.registration.models import Participant

            db.session.get(Participant, week.minister.id).erased_at = utcnow()
            db.session.flush()
        body = workbook(rooming_list(hotel, None, now=NOW))
    book_ = openpyxl.load_workbook(io.BytesIO(body))
    guests, nights = book_.worksheets
    rows = [[cell.value for cell in row] for row in guests.iter_rows()]
    assert rows[0][4] == "Name (passport) 护照姓名"
    minister = rows[1]
    if erase:
        assert minister[4] == "(erased 已删除)" and "ហ៊ុន" not in str(rows)
    else:
        assert minister[4:6] == ["HUN MANET", "ហ៊ុន ម៉ាណែត"]
    assert minister[0] == "new 新增"
    summary = [[cell.value for cell in row] for row in nights.iter_rows()]
    assert ["2025-07-25", "Deluxe twin", 2, 2, None] in summary


def test_an_erased_guest_is_not_named_in_the_pdf_and_a_needed_access_is(app, make, event):
    week = rooming_week(app, make, event)
    with app.app_context():
        from eventhub.accommodation.models import RoomingPreference
        from eventhub.db import utcnow
        from eventhub.registration.models import Participant

        db.session.get(Participant, week.minister.id).erased_at = utcnow()
        db.session.add(RoomingPreference(participant_id=week.burmese.id, accessible=True))
        db.session.flush()
        pdf = rooming_pdf(rooming_list(db.session.get(Hotel, week.hotel_id), None, now=NOW))
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "HUN" not in text and "ហ៊ុន" not in text
    assert "(erased 已删除)" in text
    assert "step-free" in " ".join(text.split())


def test_rooms_added_after_the_cut_off_keep_to_one_or_two_lines(app, make, event, tmp_path):
    """A hotel's 60 late rooms fit a few pages, not one page per six rooms."""
    from datetime import date

    week = rooming_week(app, make, event, cut_off=date(2025, 7, 1))
    people = [
        make.participant(event, family_name=f"GUEST{i}", given_name="Late", native_name="")
        for i in range(60)
    ]
    with app.app_context():
        hotel = db.session.get(Hotel, week.hotel_id)
        from eventhub.accommodation.changes import record_sent
        from eventhub.accommodation.rooming_lists import lines_of

        record_sent(hotel, lines_of(hotel), None, at=datetime(2025, 6, 19, 2, 0, tzinfo=UTC))
        for person in people:
            book(week.twin_id, NIGHTS[0], NIGHTS[2], person, event_id=event.id)
        db.session.flush()
        pdf = rooming_pdf(rooming_list(hotel, None, now=NOW))
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True)
    pages = int(
        next(line for line in info.stdout.decode().splitlines() if "Pages" in line).split()[-1]
    )
    (tmp_path / "late.pdf").write_bytes(pdf)
    assert pages <= 4
