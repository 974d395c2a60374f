"""The first sheet of an .xlsx, read in one streaming pass that stops at the first row over
the column limit, at the row limit or at the cell limit.

openpyxl (even read-only) builds each <row> element whole before handing its cells over, so a
5 MB workbook whose rows hold 540,000 cells each took 80 s and 500 MB before being refused,
and reading values and formulas took two such passes. Here expat hands over one cell at a
time and nothing beyond the limits is kept; openpyxl still reads the workbook's small parts
(sheet list, shared strings, styles) and converts the values exactly as before."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any
from xml.parsers import expat

from openpyxl.formula.translate import Translator
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601

from eventhub.text import clean

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main "
_CHUNK = 64 * 1024


class TooWide(Exception):
    """A row has a value beyond the column limit (its number as the spreadsheet shows it)."""

    def __init__(self, row: int) -> None:
        super().__init__(row)
        self.row = row


class TooManyCells(Exception):
    pass


class _Done(Exception):
    """The row limit is reached: the rest of the sheet is not read."""


@dataclass(frozen=True)
class Unsaved:
    """A formula cell the workbook holds no computed value for (saved by a program that
    does not calculate, or never opened in Excel)."""

    formula: str


def read_first_sheet(
    content: bytes, max_rows: int, max_columns: int, max_cells: int
) -> list[list[Any]]:
    """Rows 1..max_rows of the first sheet (row i at index i-1, missing rows empty), each
    cut to max_columns + 1 cells. Raises TooWide at the first row with a value past
    max_columns, TooManyCells past max_cells cells (empty styled ones included)."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    # load_workbook() would scan the whole sheet for its size when <dimension> is missing;
    # only the small parts are read through openpyxl.
    reader = ExcelReader(io.BytesIO(content), read_only=True, data_only=True)
    try:
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        path = next(
            rel.target
            for _sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type
        )
        sheet = _SheetReader(reader.wb, reader.shared_strings, max_rows, max_columns, max_cells)
        with reader.archive.open(path) as source:
            sheet.feed(source)
        return sheet.rows
    finally:
        reader.archive.close()


class _SheetReader:
    def __init__(self, book, strings, max_rows: int, max_columns: int, max_cells: int) -> None:
        self.strings = strings
        self.epoch = book.epoch
        self.dates = book._date_formats
        self.durations = book._timedelta_formats
        self.max_rows, self.max_columns, self.max_cells = max_rows, max_columns, max_cells
        self.rows: list[list[Any]] = []
        self.row: list[Any] | None = None
        self.row_number = 0
        self.column = 0
        self.cells = 0
        self.cell: dict[str, str] = {}
        self.text: list[str] | None = None  # collecting the text of <v>, <f> or <t>
        self.target = ""
        self.phonetic = 0  # inside <rPh>: a reading aid, not part of the text
        self.shared: dict[str, tuple[str, str]] = {}  # shared formula id -> (text, cell)

    def feed(self, source) -> None:
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.characters
        parser.buffer_text = True
        try:
            while piece := source.read(_CHUNK):
                parser.Parse(piece, False)
            parser.Parse(b"", True)
        except _Done:
            pass
        width = max((len(row) for row in self.rows), default=0)
        for row in self.rows:
            row.extend([None] * (width - len(row)))

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = name.removeprefix(_NS)
        if tag == "c":
            self.cells += 1
            if self.cells > self.max_cells:
                raise TooManyCells
            reference = attrs.get("r")
            if reference:
                self.column = column_index_from_string(coordinate_from_string(reference)[0])
            else:
                self.column += 1
            self.cell = {"t": attrs.get("t", "n"), "s": attrs.get("s", "0"), "r": reference}
        elif tag == "row":
            number = attrs.get("r")
            self.row_number = int(number) if number else self.row_number + 1
            if self.row_number > self.max_rows:
                raise _Done
            while len(self.rows) < self.row_number - 1:
                self.rows.append([])
            self.row, self.column = [], 0
        elif tag in ("v", "f") or (tag == "t" and not self.phonetic):
            self.text, self.target = [], tag
            if tag == "f":
                self.cell["f_t"], self.cell["si"] = attrs.get("t", ""), attrs.get("si", "")
        elif tag == "rPh":
            self.phonetic += 1

    def characters(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)

    def end(self, name: str) -> None:
        tag = name.removeprefix(_NS)
        if tag in ("v", "f", "t") and self.text is not None:
            key = "is" if tag == "t" else tag
            self.cell[key] = self.cell.get(key, "") + "".join(self.text)
            self.text = None
            if tag == "f" and self.cell.get("f_t") == "shared" and self.cell["f"]:
                self.shared[self.cell["si"]] = (self.cell["f"], self.cell["r"] or "")
        elif tag == "rPh":
            self.phonetic -= 1
        elif tag == "c" and self.row is not None:
            value = self._value()
            if self.column > self.max_columns:
                if value is not None and (isinstance(value, Unsaved) or clean(str(value))):
                    raise TooWide(self.row_number)
                return  # an empty (styled) cell past the limit: nothing to keep
            self.row.extend([None] * (self.column - 1 - len(self.row)))
            self.row.append(value)
        elif tag == "row" and self.row is not None:
            self.rows.append(self.row)
            self.row = None

    def _value(self) -> Any:
        cell, kind = self.cell, self.cell["t"]
        if kind == "inlineStr":
            return cell.get("is")
        value = cell.get("v") or None
        if value is None:
            return self._unsaved() if "f" in cell else None
        if kind == "n":
            number = float(value) if any(c in value for c in ".eE") else int(value)
            style = int(cell["s"] or 0)
            if style in self.dates:
                try:
                    return from_excel(number, self.epoch, timedelta=style in self.durations)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "s":
            return self.strings[int(value)]
        if kind == "b":
            return bool(int(value))
        if kind == "d":
            return from_ISO8601(value)
        return value  # "str" (a formula's text) and "e" (an error such as #N/A)

    def _unsaved(self) -> Unsaved:
        cell = self.cell
        text = cell.get("f", "")
        if not text and cell.get("f_t") == "shared" and cell["si"] in self.shared and cell["r"]:
            origin_text, origin = self.shared[cell["si"]]
            return Unsaved(Translator("=" + origin_text, origin).translate_formula(cell["r"]))
        return Unsaved("=" + text)
