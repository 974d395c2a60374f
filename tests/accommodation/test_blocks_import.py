"""Blocks imported from a hotel's sheet: all rows or none, each problem by row and column."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl
import sqlalchemy as sa

from eventhub.accommodation.models import Hotel, RoomBlock, RoomClass, RoomType
from eventhub.extensions import db

from .test_blocks import blocks_of
from .test_hotels import audit_actions, book, hotel_with_type

HEADER = "hotel,room type,night,rooms,rate,currency,cut-off\n"


def upload(client, event, content: bytes, name="blocks.csv", follow=True):
    return client.post(
        f"/events/{event.slug}/hotels/import",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
        follow_redirects=follow,
    )


def test_a_csv_of_blocks_is_imported_with_dates_as_hotels_write_them(app, client, event, as_role):
    _, rt = hotel_with_type(app, event, hotel="Guiyang Grand", room="Deluxe twin")
    as_role("organiser")
    body = (
        HEADER
        + "Guiyang Grand,Deluxe twin,23/07/2025,20,680,CNY,30/06/2025\n"
        + '贵阳大酒店,豪华双床房,2025年7月24日,25,"1,680.50",cny,\n'
    )
    response = upload(client, event, body.encode())
    assert "2 rows imported: 2 nights changed." in response.get_data(as_text=True)
    assert blocks_of(app, rt) == {
        date(2025, 7, 23): (20, Decimal("680.00"), "CNY", date(2025, 6, 30)),
        date(2025, 7, 24): (25, Decimal("1680.50"), "CNY", None),
    }
    assert audit_actions(app, event) == ["room_block.update", "room_block.import"]


def test_an_xlsx_with_class_and_beds_creates_the_room_type_in_a_known_hotel(
    app, client, event, as_role
):
    hotel_with_type(app, event, hotel="Huaxi Resort")
    book_ = openpyxl.Workbook()
    sheet = book_.active
    sheet.append(["Hotel", "Room type", "Night", "Rooms", "Rate", "Currency", "Cut-off",
                  "Class", "Beds"])  # fmt: skip
    sheet.append(["Huaxi Resort", "Garden suite", date(2025, 7, 24), 4, 2100, "CNY", None,
                  "suite", 1])  # fmt: skip
    buffer = io.BytesIO()
    book_.save(buffer)
    as_role("organiser")
    response = upload(client, event, buffer.getvalue(), "blocks.xlsx")
    assert "1 rows imported" in response.get_data(as_text=True)
    with app.app_context():
        rt = db.session.scalar(sa.select(RoomType).where(RoomType.name_en == "Garden suite"))
        assert (rt.hotel.name_en, rt.name_en, rt.room_class, rt.beds) == (
            "Huaxi Resort",
            "Garden suite",
            RoomClass.SUITE,
            1,
        )
        assert [(b.night, b.rooms) for b in rt.blocks] == [(date(2025, 7, 24), 4)]


GBK_ROW = "贵阳湖畔酒店,行政套房,05/12/2026,10,1880,CNY,,suite,1\n"


def hotels_named(app, event):
    with app.app_context():
        query = sa.select(Hotel.name_en).where(Hotel.event_id == event.id)
        return sorted(db.session.scalars(query))


def test_an_unknown_hotel_is_never_created_even_with_class_and_beds(app, client, event, as_role):
    hotel_with_type(app, event, hotel="Guiyang Grand")
    as_role("organiser")
    body = (HEADER.strip() + ",class,beds\n" + GBK_ROW).encode("gbk")
    page = upload(client, event, body).get_data(as_text=True)
    assert "nothing was imported" in page
    assert "<td>2</td><td>hotel</td><td>No hotel named" in page
    assert "the event&#39;s hotels: Guiyang Grand (贵阳大酒店)" in page
    assert "choose the file&#39;s encoding" in page
    assert hotels_named(app, event) == ["Guiyang Grand"]


def test_a_gbk_csv_is_read_as_chinese_and_imported_into_the_known_hotel(
    app, client, event, as_role
):
    with app.app_context():
        db.session.add(Hotel(event_id=event.id, name_en="Guiyang Lakeside", name_zh="贵阳湖畔酒店"))
        db.session.commit()
    as_role("organiser")
    body = (HEADER.strip() + ",class,beds\n" + GBK_ROW).encode("gbk")
    page = upload(client, event, body).get_data(as_text=True)
    assert "1 rows imported: 1 nights changed." in page
    assert hotels_named(app, event) == ["Guiyang Lakeside"]
    with app.app_context():
        rt = db.session.scalar(sa.select(RoomType))
        assert (rt.hotel.name_zh, rt.name_en, rt.room_class) == (
            "贵阳湖畔酒店",
            "行政套房",
            RoomClass.SUITE,
        )


def test_the_organiser_may_choose_the_files_encoding(app, client, event, as_role):
    _, rt = hotel_with_type(app, event)
    as_role("organiser")
    assert "Chinese, simplified (GB18030)" in client.get(
        f"/events/{event.slug}/hotels/import"
    ).get_data(as_text=True)
    body = (HEADER + "贵阳大酒店,豪华双床房,23/07/2025,20,680,CNY,\n").encode("gbk")
    page = client.post(
        f"/events/{event.slug}/hotels/import",
        data={"file": (io.BytesIO(body), "b.csv"), "encoding": "cp1252"},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "No hotel named" in page  # read as the organiser said, wrongly
    page = client.post(
        f"/events/{event.slug}/hotels/import",
        data={"file": (io.BytesIO(body), "b.csv"), "encoding": "gb18030"},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "1 rows imported" in page
    assert blocks_of(app, rt)[date(2025, 7, 23)][0] == 20


def test_a_cut_off_after_its_night_is_refused_naming_the_night(app, client, event, as_role):
    _, rt = hotel_with_type(app, event)
    as_role("organiser")
    body = HEADER + "Guiyang Grand,Deluxe twin,23/07/2025,20,680,CNY,24/07/2025\n"
    page = upload(client, event, body.encode()).get_data(as_text=True)
    assert (
        "<td>2</td><td>cut-off</td><td>The cut-off must be on or before the night "
        "(2025-07-23).</td>" in page
    )
    assert blocks_of(app, rt) == {}


def test_an_xlsx_with_a_title_row_and_a_blank_row_above_the_headers_is_read(
    app, client, event, as_role
):
    _, rt = hotel_with_type(app, event)
    book_ = openpyxl.Workbook()
    sheet = book_.active
    sheet.append(["Rooming block from hotel"])
    sheet.append([])
    sheet.append(["Hotel", "Room type", "Night", "Rooms", "Rate", "Currency", "Cut-off"])
    sheet.append(["Guiyang Grand", "Deluxe twin", date(2025, 7, 24), 12, 680, "CNY", None])
    buffer = io.BytesIO()
    book_.save(buffer)
    as_role("organiser")
    page = upload(client, event, buffer.getvalue(), "blocks.xlsx").get_data(as_text=True)
    assert "1 rows imported" in page
    assert blocks_of(app, rt)[date(2025, 7, 24)][0] == 12


def test_problems_are_listed_by_row_and_column_and_nothing_is_imported(app, client, event, as_role):
    _, rt = hotel_with_type(app, event, hotel="Guiyang Grand", room="Deluxe twin")
    book(app, event, rt, date(2025, 7, 24), date(2025, 7, 24))
    book(app, event, rt, date(2025, 7, 24), date(2025, 7, 24))
    as_role("organiser")
    body = (
        HEADER
        + "Guiyang Grand,Deluxe twin,23/07/2025,20,680,CNY,\n"  # right, yet not imported
        + "Guiyang Grand,Deluxe twin,24/07/2025,1,680,CNY,\n"
        + "Guiyang Grand,Deluxe twin,31/02/2025,ten,680,CNY,\n"
        + "Sheraton,Deluxe twin,25/07/2025,5,680,CNY,\n"
        + "Guiyang Grand,Suite,25/07/2025,5,680,CNY,\n"
    )
    page = upload(client, event, body.encode()).get_data(as_text=True)
    assert "problems in the file; nothing was imported." in page
    assert (
        "<td>3</td><td>rooms</td><td>2025-07-24: 2 rooms are booked; the block cannot be 1." in page
    )
    assert "<td>4</td><td>night</td><td>31 February does not exist." in page
    assert "<td>4</td><td>rooms</td><td>Write a whole number, 0 or more (not ten).</td>" in page
    assert "<td>5</td><td>hotel</td><td>No hotel named Sheraton" in page
    assert "<td>6</td><td>room type</td><td>Guiyang Grand has no room type Suite" in page
    assert blocks_of(app, rt) == {}
    assert audit_actions(app, event) == []


def test_a_missing_column_is_said_on_the_header_row(app, client, event, as_role):
    as_role("organiser")
    page = upload(client, event, b"hotel,night,rooms\nA,23/07/2025,3\n").get_data(as_text=True)
    assert "No column is headed room type." in page


def test_a_file_that_is_no_spreadsheet_is_refused_by_its_content(app, client, event, as_role):
    as_role("organiser")
    page = upload(client, event, b"%PDF-1.7\x00\x01\x02binary", "blocks.xlsx").get_data(
        as_text=True
    )
    assert "nothing was imported" not in page
    assert "is-invalid" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(RoomBlock.id))) == 0


def test_the_template_downloads_as_xlsx_and_csv(client, event, as_role):
    as_role("organiser")
    response = client.get(f"/events/{event.slug}/hotels/import-template.csv")
    assert response.status_code == 200
    assert "hotel,room type,night,rooms,rate,currency,cut-off" in response.get_data(as_text=True)
    response = client.get(f"/events/{event.slug}/hotels/import-template.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.data)).active.values)
    assert rows[0][:7] == ("hotel", "room type", "night", "rooms", "rate", "currency", "cut-off")
