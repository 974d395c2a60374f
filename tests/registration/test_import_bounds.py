"""Uploads that would stall a worker or exhaust its memory are refused before parsing: a
small XLSX whose shared strings expand to hundreds of megabytes, too many rows or columns."""

from __future__ import annotations

import io
import itertools
import re
import tracemalloc
import zipfile

import openpyxl
import pytest
import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.registration.models import ImportBatch, Participant

_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)


def _shared(source: zipfile.ZipFile, item: zipfile.ZipInfo) -> bytes:
    """The part, rewritten as Excel saves it: texts in the shared strings (openpyxl writes
    them inline), which Excel and openpyxl read whole when the workbook opens."""
    data = source.read(item)
    if item.filename == "[Content_Types].xml":
        return data.replace(b"</Types>", _STRINGS_TYPE)
    if item.filename == "xl/worksheets/sheet1.xml":
        numbers = itertools.count()
        return re.sub(
            rb'<c r="([A-Z]+[0-9]+)" t="inlineStr"><is><t>[^<]*</t></is></c>',
            lambda m: b'<c r="%s" t="s"><v>%d</v></c>' % (m.group(1), next(numbers)),
            data,
        )
    return data


def _workbook(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_bomb(megabytes: int = 80) -> bytes:
    """A valid workbook of a few hundred KB whose shared strings expand to `megabytes` MB:
    the shape of the file that held a worker for minutes."""
    normal = _workbook([["Family name", "Given name"], ["KEOMANY", "Somphone"]])
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(normal)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            if item.filename != "xl/sharedStrings.xml":
                target.writestr(item, _shared(source, item))
        with target.open("xl/sharedStrings.xml", "w", force_zip64=True) as strings:
            strings.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="http://')
            strings.write(b'schemas.openxmlformats.org/spreadsheetml/2006/main">')
            strings.write(b"<si><t>Family name</t></si><si><t>Given name</t></si>")
            strings.write(b"<si><t>KEOMANY</t></si><si><t>Somphone</t></si>")
            chunk = b"<si><t>x</t></si>" * (1024 * 1024 // 16)
            for _ in range(megabytes):
                strings.write(chunk)
            strings.write(b"</sst>")
    return out.getvalue()


def _post(client, event, content: bytes, name: str = "list.xlsx"):
    return client.post(
        f"/events/{event.slug}/participants/import",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def _nothing_kept(app, event) -> None:
    with app.app_context():
        assert not db.session.scalar(
            sa.select(sa.func.count()).where(ImportBatch.event_id == event.id)
        )
        assert not db.session.scalar(
            sa.select(sa.func.count()).where(Participant.event_id == event.id)
        )


def test_a_spreadsheet_bomb_is_refused_before_it_is_parsed(client, as_role, app, event):
    as_role("organiser")
    bomb = xlsx_bomb()
    assert len(bomb) < 1024 * 1024  # small on the wire
    response = _post(client, event, bomb)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "expands to more than 40 MB" in page
    _nothing_kept(app, event)


def test_the_limit_is_configurable(client, as_role, app, event):
    as_role("organiser")
    app.config["IMPORT_MAX_UNPACKED_MB"] = 5
    try:
        page = _post(client, event, xlsx_bomb(8)).get_data(as_text=True)
    finally:
        app.config["IMPORT_MAX_UNPACKED_MB"] = 40
    assert "expands to more than 5 MB" in page
    _nothing_kept(app, event)


def test_a_workbook_packed_too_tightly_is_refused(client, as_role, app, event):
    """Real lists compress ten- or twentyfold; a thousandfold is a bomb even when small."""
    as_role("organiser")
    page = _post(client, event, xlsx_bomb(20)).get_data(as_text=True)
    assert "compressed more than any real spreadsheet" in page
    _nothing_kept(app, event)


def test_an_archive_of_many_members_is_refused(client, as_role, app, event):
    as_role("organiser")
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(_workbook([["a"]]))) as source,
        zipfile.ZipFile(out, "w") as target,
    ):
        for item in source.infolist():
            target.writestr(item, source.read(item))
        for number in range(2000):
            target.writestr(f"xl/media/image{number}.png", b"")
    page = _post(client, event, out.getvalue()).get_data(as_text=True)
    assert "more than 500 parts" in page
    _nothing_kept(app, event)


def test_too_many_columns_are_refused_not_cut_off(client, as_role, app, event):
    """Cells beyond the last column read would be lost without a word."""
    as_role("organiser")
    row = [f"column {n}" for n in range(70)]
    page = _post(client, event, _workbook([row, row])).get_data(as_text=True)
    assert "more than 60 columns" in page
    _nothing_kept(app, event)
    csv = ("\n".join(",".join(row) for _ in range(2))).encode()
    page = _post(client, event, csv, "list.csv").get_data(as_text=True)
    assert "more than 60 columns" in page


def test_too_many_rows_are_refused(client, as_role, app, event):
    as_role("organiser")
    csv = "\n".join(f"Name {n},LA" for n in range(10_050)).encode()
    page = _post(client, event, csv, "list.csv").get_data(as_text=True)
    assert "more than 10000 rows" in page
    _nothing_kept(app, event)


def test_a_workbook_of_too_many_different_texts_is_refused(client, as_role, app, event):
    """Under the size limit and plausibly compressed, but more texts than a list has cells."""
    as_role("organiser")
    normal = _workbook([["Family name"], ["KEOMANY"]])
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(normal)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            if item.filename != "xl/sharedStrings.xml":
                target.writestr(item, _shared(source, item))
        texts = b"".join(b"<si><t>%d</t></si>" % n for n in range(700_000))
        target.writestr("xl/sharedStrings.xml", b"<sst>" + texts + b"</sst>")
    page = _post(client, event, out.getvalue()).get_data(as_text=True)
    assert "more than 600000 different texts" in page
    _nothing_kept(app, event)


def wide_workbook(cells: int, rows: int = 3) -> bytes:
    """The tester's shape, smaller: a plain workbook whose rows after the header hold
    `cells` cells each (theirs: 5 MB packed, 43 MB unpacked, 540,000 cells a row)."""
    normal = _workbook([["Family name", "Given name"]])
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(normal)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item, source.read(item))
        with target.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="http://')
            sheet.write(b'schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            sheet.write(b'<row r="1"><c r="A1" t="inlineStr"><is><t>Family name</t></is></c>')
            sheet.write(b"</row>")
            for number in range(2, rows + 2):
                sheet.write(b'<row r="%d">' % number)
                sheet.write(b"".join(b"<c><v>%d</v></c>" % n for n in range(cells)))
                sheet.write(b"</row>")
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def test_a_wide_sheet_is_refused_at_its_first_wide_row(client, as_role, app, event):
    """A normal-looking workbook within every size limit held a worker for 80 s and 500 MB:
    the column check came after reading every row whole, twice."""
    as_role("organiser")
    page = _post(client, event, wide_workbook(100_000)).get_data(as_text=True)
    assert "Row 2 has more than 60 columns" in page
    _nothing_kept(app, event)


def test_reading_stops_at_the_first_wide_row(app):
    """Neither the rest of that row nor the rows after it are held in memory."""
    from eventhub.registration.reading import ImportUnreadable, read_table

    content = wide_workbook(100_000, rows=5)
    tracemalloc.start()
    try:
        with app.app_context(), pytest.raises(ImportUnreadable, match="Row 2 "):
            read_table(content)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024, peak
