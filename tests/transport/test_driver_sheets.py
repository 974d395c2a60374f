"""Driver sheets: one per vehicle and shift, the trips in order, labelled in the driver's
language, every name drawn glyph for glyph as HarfBuzz shapes it."""

from __future__ import annotations

import io

from pypdf import PdfReader

from eventhub.extensions import db
from eventhub.pdf import textblock
from eventhub.transport import driver_sheets
from eventhub.transport.models import DriverShift, Trip

from ..pdf_glyphs import compare, harfbuzz_line, pdf_glyphs
from .rides import escort, local, trip, vehicle


def _text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _guests(make, event):
    thai = make.delegation(event, name_en="Thailand", name_zh="泰国", country_code="TH")
    return [
        make.participant(
            event,
            family_name="SUKSAWAT",
            given_name="Niran",
            country_code="TH",
            native_name="นิรันดร์ สุขสวัสดิ์",
            delegation_id=thai.id,
            arrival_at=local(24, 9, 35),
        ),
        make.participant(
            event, family_name="SOK", given_name="Dara", country_code="KH", native_name="សុខ ដារ៉ា"
        ),
        make.participant(
            event, family_name="AUNG", given_name="Kyaw", country_code="MM", native_name="ကျော်အောင်"
        ),
        make.participant(
            event,
            family_name="NGUYEN",
            given_name="Van An",
            country_code="VN",
            native_name="Nguyễn Văn An",
        ),
    ]


def test_a_vehicles_sheet_lists_its_trips_in_order_in_chinese(app, client, as_role, event, make):
    as_role("organiser")
    van = vehicle(app, event)
    guests = _guests(make, event)
    trip(
        app,
        event,
        vehicle_id=van.id,
        departs_at=local(24, 15),
        flight="FD432",
        passengers=guests[2:],
        note="Gate 3",
    )
    trip(app, event, vehicle_id=van.id, passengers=guests[:2], escort_id=escort(app, event).id)
    response = client.get(
        f"/events/{event.slug}/transport/vehicles/{van.id}/sheet.pdf",
        query_string={"day": "2025-07-24"},
    )
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    (page,) = _text(response.data)
    assert "时间" in page  # the driver's language (zh_Hans unless the vehicle says otherwise)
    assert "贵A·12345" in page and "王师傅" in page
    assert page.index("10:00") < page.index("15:00")
    assert "QV911" in page and "09:35" in page and "+86 139 0000 0002" in page
    assert "Niran SUKSAWAT" in page and "泰国" in page and "Gate 3" in page


def test_a_sheet_in_english_for_an_english_speaking_driver_and_changes_marked(
    app, client, as_role, event, make
):
    as_role("organiser")
    van = vehicle(app, event, driver_locale="en")
    made = trip(app, event, vehicle_id=van.id)
    with app.app_context():
        db.session.get(Trip, made.id).changed_at = local(24, 7)
        db.session.commit()
    response = client.get(
        f"/events/{event.slug}/transport/vehicles/{van.id}/sheet.pdf",
        query_string={"day": "2025-07-24", "since": "2025-07-24T06:00"},
    )
    (page,) = _text(response.data)
    assert "Driver sheet" in page and "CHANGED" in page
    response = client.get(
        f"/events/{event.slug}/transport/vehicles/{van.id}/sheet.pdf",
        query_string={"day": "2025-07-24", "since": "2025-07-24T08:00"},
    )
    assert "CHANGED" not in _text(response.data)[0]


def test_one_sheet_per_shift_and_all_of_a_day_in_one_pdf(app, client, as_role, event):
    as_role("organiser")
    van = vehicle(app, event)
    car = vehicle(app, event, label="Car 2", seats=3, driver_name="张师傅")
    with app.app_context():
        db.session.add_all(
            [
                DriverShift(
                    vehicle_id=van.id,
                    starts_at=local(24, 6),
                    ends_at=local(24, 14),
                    driver_name="早班 李",
                ),
                DriverShift(
                    vehicle_id=van.id,
                    starts_at=local(24, 14),
                    ends_at=local(24, 22),
                    driver_name="晚班 赵",
                ),
            ]
        )
        db.session.commit()
    trip(app, event, vehicle_id=van.id)
    trip(app, event, vehicle_id=van.id, departs_at=local(24, 16), flight="FD432")
    trip(app, event, vehicle_id=car.id, departs_at=local(24, 11), flight="CZ1")
    response = client.get(
        f"/events/{event.slug}/transport/sheets.pdf", query_string={"day": "2025-07-24"}
    )
    pages = _text(response.data)
    assert len(pages) == 3
    assert "张师傅" in pages[0] and "CZ1" in pages[0]
    assert "早班 李" in pages[1] and "QV911" in pages[1] and "FD432" not in pages[1]
    assert "晚班 赵" in pages[2] and "FD432" in pages[2]


def test_names_of_every_script_are_drawn_as_harfbuzz_shapes_them(app, event, make, monkeypatch):
    van = vehicle(app, event)
    guests = _guests(make, event)
    trip(app, event, vehicle_id=van.id, passengers=guests)
    lines = []
    original = textblock.draw_text

    def record(canvas, x, y, text, size, **options):
        # A table cell draws in its own coordinates: the glyphs are read in the page's.
        lines.append(harfbuzz_line(text, *canvas.absolutePosition(x, y), size, **options))
        return original(canvas, x, y, text, size, **options)

    monkeypatch.setattr(textblock, "draw_text", record)
    with app.test_request_context(), app.app_context():
        event_row = db.session.merge(event)
        pdf = driver_sheets.render(
            event_row, driver_sheets.sheets_for(event_row, local(24, 10).date())
        )
    drawn = [glyph for page in pdf_glyphs(pdf) for glyph in page]
    assert compare(drawn, lines) == []
    assert {"นิรันดร์ สุขสวัสดิ์", "សុខ ដារ៉ា", "ကျော်အောင်", "Nguyễn Văn An"} <= {line.text for line in lines}


def test_a_full_coach_prints_every_passenger_over_as_many_pages_as_it_takes(
    app, client, as_role, event, make
):
    # 49 guests off one flight, one coach: a cell that tall once could not be laid out and
    # the driver got an error instead of the sheet.
    as_role("organiser")
    coach = vehicle(app, event, label="贵A·K4001", seats=49)
    guests = [
        make.participant(event, family_name=f"GUEST{n:02d}", given_name="Test", country_code="TH")
        for n in range(49)
    ]
    trip(app, event, vehicle_id=coach.id, passengers=guests, flight="FD578")
    response = client.get(
        f"/events/{event.slug}/transport/vehicles/{coach.id}/sheet.pdf",
        query_string={"day": "2025-07-24"},
    )
    assert response.status_code == 200
    pages = _text(response.data)
    assert len(pages) >= 2
    text = "\n".join(pages)
    assert all(f"GUEST{n:02d}" in text for n in range(49))
    assert text.count("FD578") == 1  # the trip once, its passengers under it


def test_a_night_shift_keeps_its_trips_after_midnight_and_none_is_lost(app, client, as_role, event):
    as_role("organiser")
    van = vehicle(app, event, driver_locale="en")
    with app.app_context():
        db.session.add(
            DriverShift(
                vehicle_id=van.id,
                starts_at=local(24, 22),
                ends_at=local(25, 6),
                driver_name="夜班 孙",
            )
        )
        db.session.commit()
    trip(app, event, vehicle_id=van.id, departs_at=local(24, 23), flight="LATE1")
    trip(app, event, vehicle_id=van.id, departs_at=local(25, 1), flight="NIGHT2")
    trip(app, event, vehicle_id=van.id, departs_at=local(24, 12), flight="NOON3")
    pages = _text(
        client.get(
            f"/events/{event.slug}/transport/sheets.pdf", query_string={"day": "2025-07-24"}
        ).data
    )
    night = next(p for p in pages if "夜班 孙" in p)
    assert "LATE1" in night and "NIGHT2" in night
    outside = next(p for p in pages if "NOON3" in p)
    assert "outside any shift" in outside.casefold()
