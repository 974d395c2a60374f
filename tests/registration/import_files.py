"""Delegation lists built as the senders' programs save them: legacy encodings, old .xls,
formulas with and without their saved value."""

from __future__ import annotations

import io
import re
import struct
import unicodedata
import zipfile

import openpyxl


def csv_bytes(rows: list[list[str]], encoding: str) -> bytes:
    text = "\r\n".join(",".join(row) for row in rows) + "\r\n"
    if encoding == "cp1258":
        return to_cp1258(text)
    return text.encode(encoding)


def to_cp1258(text: str) -> bytes:
    """Vietnamese as Windows-1258 writes it: the base letter, then the tone mark."""
    out = []
    for ch in text:
        try:
            ch.encode("cp1258")
            out.append(ch)
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            out.append(unicodedata.normalize("NFC", parts[:-1]) + parts[-1])
    return "".join(out).encode("cp1258")


def _record(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def biff2_xls(rows: list[list[object]], codepage: int = 874) -> bytes:
    """An Excel 2.x worksheet (.xls): BOF, CODEPAGE, LABEL and NUMBER cells, EOF; the
    oldest .xls Excel still opens, written byte by byte (no writer library is installed)."""
    out = _record(0x0009, struct.pack("<HH", 0x0002, 0x0010))
    out += _record(0x0042, struct.pack("<H", codepage))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            where = struct.pack("<HH", r, c) + b"\0\0\0"
            if isinstance(value, int | float):
                out += _record(0x0003, where + struct.pack("<d", value))
            else:
                raw = str(value).encode(f"cp{codepage}")
                out += _record(0x0004, where + bytes([len(raw)]) + raw)
    return out + _record(0x000A)


def xlsx(rows: list[list[object]], cached: dict[str, str] | None = None) -> bytes:
    """A workbook; formula cells named in `cached` get that saved value, as Excel stores
    it, the others none (as a program that does not calculate saves them)."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    if not cached:
        return buffer.getvalue()
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                for ref, value in cached.items():
                    text = re.sub(
                        rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?',
                        rf'<c r="{ref}"\1 t="str"><f>\2</f><v>{value}</v>',
                        text,
                    )
                data = text.encode()
            target.writestr(item, data)
    return out.getvalue()
