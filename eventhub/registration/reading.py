"""Reading an uploaded list, whatever it is saved as: CSV in any encoding (detected, or the
one the organiser chooses), Excel .xlsx (formulas by their saved value) and old .xls. The kind
is decided by the content, never by the file's name; every read is bounded."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass
from typing import Any

from charset_normalizer import from_bytes
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

from eventhub.errors import DomainError
from eventhub.registration.sheet_stream import TooManyCells, TooWide, Unsaved, read_first_sheet
from eventhub.text import clean

MAX_ROWS = 10_000
MAX_COLUMNS = 60
# An XLSX is a zip: its parts are checked from the zip's directory before any is parsed
# (zipfile never inflates a part beyond the size its directory declares). A full list,
# 10,000 rows of 30 columns of generated names, addresses and dates, unpacks to 18 MB
# (bench/README.md); 40 MB leaves twice that, or a full 60 columns. A bomb exceeds it.
MAX_UNPACKED_MB = 40  # IMPORT_MAX_UNPACKED_MB in the configuration
MAX_PARTS = 500
MAX_RATIO = 100  # real workbooks compress 5-20 times; only parts over 1 MB are judged
MAX_SHARED_STRINGS = MAX_ROWS * MAX_COLUMNS  # never more distinct texts than cells
# Cells written in the sheet, empty styled ones included: room for a full list and the
# formatting spreadsheets leave around it; reading stops (and refuses) past it.
MAX_CELLS = 2 * MAX_ROWS * MAX_COLUMNS
MAX_XLS_MB = 10  # IMPORT_MAX_XLS_MB: an .xls is parsed whole; its size is its cost
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls) inside an OLE2 file
_BIFF_BOF = (b"\x09\x00", b"\x09\x02", b"\x09\x04", b"\x09\x08")  # Excel 2-4 worksheets
# The encodings offered when the detected one reads names wrongly.
ENCODINGS = {
    "utf-8": _l("Unicode (UTF-8)"),
    "utf-16": _l("Unicode (UTF-16)"),
    "utf-16-le": _l("Unicode (UTF-16 LE)"),
    "utf-16-be": _l("Unicode (UTF-16 BE)"),
    "cp874": _l("Thai (Windows-874)"),
    "cp1258": _l("Vietnamese (Windows-1258)"),
    "gb18030": _l("Chinese, simplified (GB18030)"),
    "big5": _l("Chinese, traditional (Big5)"),
    "cp1252": _l("Western European (Windows-1252)"),
    "cp1250": _l("Central European (Windows-1250)"),
    "cp1251": _l("Cyrillic (Windows-1251)"),
    "shift_jis": _l("Japanese (Shift JIS)"),
    "cp949": _l("Korean (Windows-949)"),
}
# What detection chooses among, in the order ties are broken (the region's lists first).
_DETECTED = [
    "utf_8",
    "utf_16",
    "gb18030",
    "big5",
    "cp874",
    "cp1258",
    "shift_jis",
    "cp949",
    "cp1252",
    "cp1250",
    "cp1251",
]
# Names a detector may give for an encoding of the list above (or a subset of one).
_SAME_AS = {
    "tis-620": "cp874",
    "iso8859-11": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "big5hkscs": "big5",
    "euc_kr": "cp949",
    "ascii": "utf-8",
}


class ImportUnreadable(DomainError):
    def __init__(self, message) -> None:
        super().__init__(message, field="file")


@dataclass
class Table:
    rows: list[tuple[int, list[Any]]]  # (row number as the spreadsheet shows it, cells)
    kind: str  # "csv", "xlsx" or "xls"
    encoding: str = ""  # CSV only: the codec the text was read with
    detected: str = ""  # CSV only: the codec detected


def _refuse_kind() -> ImportUnreadable:
    return ImportUnreadable(
        _l("This file is neither a CSV file nor an Excel workbook (.xlsx or .xls).")
    )


def read_table(content: bytes, encoding: str | None = None) -> Table:
    """The rows of the first sheet (XLSX, XLS) or of the CSV, with their numbers as the
    spreadsheet shows them; blank rows dropped. `encoding` overrides the detected one."""
    if content[:4] == b"PK\x03\x04":
        _check_xlsx(content)
        table = Table(_read_xlsx(content), "xlsx")
    elif content[:8] == _OLE or (content[:2] in _BIFF_BOF and len(content) > 8):
        limit = _limit("IMPORT_MAX_XLS_MB", MAX_XLS_MB)
        if len(content) > limit * 1024 * 1024:
            raise ImportUnreadable(
                _l(
                    "This old Excel file (.xls) is larger than %(n)d MB; save it as .xlsx "
                    "or CSV, or split it.",
                    n=limit,
                )
            )
        table = Table(_read_xls(content), "xls")
    else:
        detected = detect_encoding(content)
        chosen = canonical(encoding) if encoding else detected
        table = Table(_read_csv(content, chosen), "csv", chosen, detected)
    table.rows = [
        (number, row)
        for number, row in enumerate(table.rows, start=1)
        if any(isinstance(c, Unsaved) or clean(str(c)) for c in row if c is not None)
    ]
    if not table.rows:
        raise ImportUnreadable(_l("The file holds no rows."))
    if len(table.rows) > MAX_ROWS:
        raise ImportUnreadable(_l("The file has more than %(n)d rows; split it.", n=MAX_ROWS))
    for number, row in table.rows:
        if any(cell is not None and clean(str(cell)) for cell in row[MAX_COLUMNS:]):
            raise _too_wide(number)
    return table


def _too_wide(number: int) -> ImportUnreadable:
    return ImportUnreadable(
        _l(
            "Row %(row)d has more than %(n)d columns; remove the columns that are "
            "not part of the list.",
            row=number,
            n=MAX_COLUMNS,
        )
    )


def _limit(key: str, default: int) -> int:
    return current_app.config.get(key, default) if has_app_context() else default


def _check_xlsx(content: bytes) -> None:
    """Refuse a workbook whose parts would take minutes and hundreds of MB to parse (a few
    hundred KB can expand to gigabytes), from the zip's directory, before parsing."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _refuse_kind() from exc
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            raise ImportUnreadable(
                _l(
                    "This workbook has more than %(n)d parts (sheets, pictures, styles); "
                    "copy the list alone into a new workbook.",
                    n=MAX_PARTS,
                )
            )
        limit = _limit("IMPORT_MAX_UNPACKED_MB", MAX_UNPACKED_MB)
        if sum(part.file_size for part in parts) > limit * 1024 * 1024:
            raise ImportUnreadable(
                _l(
                    "This workbook expands to more than %(n)d MB when opened; a list of "
                    "participants is far smaller. Copy the list alone into a new workbook, "
                    "or save it as CSV.",
                    n=limit,
                )
            )
        for part in parts:
            if part.file_size > 1024 * 1024 and part.file_size > MAX_RATIO * max(
                part.compress_size, 1
            ):
                raise ImportUnreadable(
                    _l(
                        "This workbook is compressed more than any real spreadsheet "
                        "(%(name)s); it was not opened. Save the list again in Excel or "
                        "LibreOffice.",
                        name=part.filename,
                    )
                )
        strings = next((p for p in parts if p.filename == "xl/sharedStrings.xml"), None)
        if strings is not None and _count_items(archive, strings) > MAX_SHARED_STRINGS:
            raise ImportUnreadable(
                _l(
                    "This workbook holds more than %(n)d different texts; a list of "
                    "participants holds far fewer. Copy the list alone into a new workbook.",
                    n=MAX_SHARED_STRINGS,
                )
            )


def _count_items(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> int:
    """The shared strings in the part, counted while inflating it in 1 MB pieces."""
    count, tail = 0, b""
    try:
        with archive.open(part) as stream:
            while piece := stream.read(1024 * 1024):
                count += (tail + piece).count(b"</si>")
                tail = piece[-4:]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _refuse_kind() from exc
    return count


def canonical(encoding: str) -> str:
    """The codec's own name ("UTF_8" -> "utf-8"); unknown names are refused."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError as exc:
        raise ImportUnreadable(_l("Unknown text encoding %(name)s.", name=encoding)) from exc
    return _SAME_AS.get(name, name)


def detect_encoding(content: bytes) -> str:
    """UTF-8 when the bytes are UTF-8 (a BOM or not); else what charset-normalizer finds."""
    if content[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16"
    head = content[:4096]
    if b"\x00" in head:  # UTF-16 without its mark: a zero in every other byte of ASCII
        even, odd = head[0::2].count(0), head[1::2].count(0)
        for zeros, others, name in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
            if zeros > len(head) // 10 and others == 0:
                try:
                    content.decode(name)
                except UnicodeDecodeError:
                    continue
                return name
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if b"\x00" not in content[:4096]:
            return "utf-8"
    # Short lists are ambiguous (a few names decode without a flaw as several encodings):
    # among the candidates that read as well as the best, the region's encodings first.
    candidates = list(from_bytes(content[:200_000], cp_isolation=list(_DETECTED)))
    if b"\x00" in content[:4096]:
        candidates = [m for m in candidates if m.encoding.startswith("utf_16")]
    if not candidates:
        raise _refuse_kind()  # binary: a picture, a PDF, a zip renamed .csv
    least = min(m.chaos for m in candidates)
    best = min(
        (m for m in candidates if m.chaos <= least + 0.01),
        key=lambda m: _DETECTED.index(m.encoding) if m.encoding in _DETECTED else 99,
    )
    return canonical(best.encoding)


def _read_xlsx(content: bytes) -> list[list[Any]]:
    try:
        return read_first_sheet(content, MAX_ROWS + 20, MAX_COLUMNS, MAX_CELLS)
    except TooWide as wide:
        raise _too_wide(wide.row) from None
    except TooManyCells:
        raise ImportUnreadable(
            _l(
                "The sheet has more than %(n)d cells; copy the list alone into a new workbook.",
                n=MAX_CELLS,
            )
        ) from None
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise _refuse_kind() from exc
    except Exception as exc:  # openpyxl and expat raise XML, zip and value errors of many kinds
        raise ImportUnreadable(
            _l(
                "This Excel workbook could not be read; save it again in "
                "Excel or LibreOffice and upload it once more."
            )
        ) from exc


def _read_xls(content: bytes) -> list[list[Any]]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=content, on_demand=True)
        sheet = book.sheet_by_index(0)
        rows = []
        for index in range(min(sheet.nrows, MAX_ROWS + 20)):
            row = []
            for cell in sheet.row_slice(index, 0, min(sheet.ncols, MAX_COLUMNS + 1)):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    row.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
                elif cell.ctype == xlrd.XL_CELL_NUMBER and float(cell.value).is_integer():
                    row.append(int(cell.value))
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                    row.append(None)
                else:
                    row.append(cell.value)
            rows.append(row)
        book.release_resources()
        return rows
    except Exception as exc:  # xlrd raises XLRDError, struct and index errors
        raise ImportUnreadable(
            _l(
                "This Excel workbook could not be read; save it again in "
                "Excel or LibreOffice and upload it once more."
            )
        ) from exc


def _read_csv(content: bytes, encoding: str) -> list[list[Any]]:
    try:
        text = content.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError as exc:
        raise ImportUnreadable(
            _l(
                "The file cannot be read as %(encoding)s (byte %(position)d); choose another "
                "encoding.",
                encoding=ENCODINGS.get(encoding, encoding),
                position=exc.start + 1,
            )
        ) from exc
    text = text.lstrip("\ufeff")
    # Old Mac files end lines with a bare CR; quoted line breaks stay inside their cells.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        dialect = csv.Sniffer().sniff(text[:10_000], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), dialect):
            rows.append(row[: MAX_COLUMNS + 1])  # one more: read to refuse, never cut off
            if len(rows) > MAX_ROWS + 20:
                break
    except csv.Error as exc:
        raise ImportUnreadable(
            _l(
                "Row %(row)d of the CSV file could not be read (a cell is "
                "too long or a quote is not closed).",
                row=len(rows) + 1,
            )
        ) from exc
    return rows
