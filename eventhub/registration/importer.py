"""Delegation lists as embassies and partner universities send them (CSV, XLSX or XLS): a
title row above the headers, headers in the sender's words, dates typed in several formats,
legacy encodings, stray spaces, people already registered. Read, map, check every row, then
import all or nothing (importing.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub import crypto, personnames
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration import dates, export_words
from eventhub.registration.import_words import CATEGORY_WORDS, DIET_WORDS, HEADER_WORDS
from eventhub.registration.models import Delegation, Participant
from eventhub.registration.nationalities import country_code, fold
from eventhub.registration.reading import (
    MAX_COLUMNS,
    MAX_ROWS,
    ImportUnreadable,
    Table,
    Unsaved,
    read_table,
)
from eventhub.registration.validation import REGISTRATION_FIELDS, check_registration
from eventhub.text import clean

__all__ = ["MAX_COLUMNS", "MAX_ROWS", "ImportUnreadable", "Preview", "Settings", "preview"]
DATE_FIELDS = {"arrival_date", "departure_date", "date_of_birth", "passport_expiry"}
TIME_FIELDS = {"arrival_time", "departure_time"}
TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%H.%M", "%H%M", "%I:%M %p", "%I:%M%p", "%I %p")
# What "all rows" may set, whatever the file says.
DEFAULT_FIELDS = ("delegation", "country", "category")
SAMPLE_ROWS = 3


@dataclass
class Settings:
    """The organiser's choices on the preview, kept with the upload for the job worker."""

    mapping: dict[int, str] | None = None  # column index -> field; None: the guesses
    encoding: str | None = None  # CSV only; None: the detected one
    date_orders: dict[int, str] = field(default_factory=dict)  # column index -> DMY / MDY
    defaults: dict[str, str] = field(default_factory=dict)  # "country" -> "TH", ...

    def stored(self) -> dict:
        return {
            "encoding": self.encoding,
            "date_orders": {str(k): v for k, v in self.date_orders.items()},
            "defaults": self.defaults,
        }

    @classmethod
    def from_stored(cls, mapping: dict | None, stored: dict | None) -> Settings:
        stored = stored or {}
        return cls(
            mapping={int(k): v for k, v in mapping.items()} if mapping else None,
            encoding=stored.get("encoding"),
            date_orders={int(k): v for k, v in (stored.get("date_orders") or {}).items()},
            defaults=dict(stored.get("defaults") or {}),
        )


@dataclass
class Column:
    index: int
    header: str
    field: str  # "" when ignored
    samples: list[str] = field(default_factory=list)  # the first values, as read
    date_order: str | None = None  # date columns: DMY, MDY, or None when undecided
    order_from_cells: bool = False  # the cells decided the order (no need to ask)

    @property
    def label(self) -> str:
        """'C (E-mail)': how a person finds the column in the spreadsheet."""
        return f"{self.letter} ({self.header})" if self.header else self.letter

    @property
    def letter(self) -> str:
        number, letters = self.index + 1, ""
        while number:
            number, remainder = divmod(number - 1, 26)
            letters = chr(65 + remainder) + letters
        return letters


@dataclass
class RowProblem:
    row: int  # as the spreadsheet numbers it
    column: str  # "C (Email)" or ""
    message: str


@dataclass
class Preview:
    columns: list[Column]
    header_row: int
    table: Table
    settings: Settings
    empty_columns: list[Column] = field(default_factory=list)  # not listed
    # Checked values, and the id of the participant the row updates (None: a new one).
    rows: list[tuple[int, dict[str, Any], int | None]] = field(default_factory=list)
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def updated(self) -> int:
        return sum(1 for _n, _v, existing in self.rows if existing is not None)

    @property
    def new(self) -> int:
        return len(self.rows) - self.updated

    @property
    def date_questions(self) -> list[Column]:
        return [c for c in self.columns if c.field in DATE_FIELDS and not c.order_from_cells]

    @property
    def empty_ranges(self) -> str:
        """'D–AQ, AS': the empty columns, as a person finds them in the spreadsheet."""
        ranges: list[list[Column]] = []
        for column in self.empty_columns:
            if ranges and ranges[-1][-1].index == column.index - 1:
                ranges[-1].append(column)
            else:
                ranges.append([column])
        return ", ".join(
            r[0].letter if len(r) == 1 else f"{r[0].letter}–{r[-1].letter}" for r in ranges
        )

    @property
    def names_as_read(self) -> list[str]:
        """The first people's names, to see at a glance that the encoding is right."""
        names = []
        for _number, values, _existing in self.rows[:5]:
            parts = (values.get("given_name"), values.get("family_name"), values.get("native_name"))
            names.append(" · ".join(p for p in parts if p))
        return names


def _key(text: Any) -> str:
    """Headers and words compared without case, punctuation or extra spaces."""
    return fold(text)


def guess_columns(rows: list[tuple[int, list[Any]]]) -> tuple[int, list[Column]]:
    """The header row (the first of the first ten that names two known fields) and, for
    each column, the field it most likely holds."""
    words = {_key(w): name for name, options in HEADER_WORDS.items() for w in options}
    words.update({_key(name): name for name in REGISTRATION_FIELDS})
    words.update(export_words.header_words(_key))
    best_index, best_hits = 0, -1
    for index, (_number, row) in enumerate(rows[:10]):
        hits = sum(1 for cell in row if _key(cell) in words)
        if hits > best_hits:
            best_index, best_hits = index, hits
        if hits >= 2:
            best_index = index
            break
    header = rows[best_index][1]
    width = max(len(row) for _n, row in rows)
    used: set[str] = set()
    columns = []
    for index in range(width):
        cell = header[index] if index < len(header) else None
        name = words.get(_key(cell), "")
        if name in used:
            name = ""
        used.add(name)
        columns.append(Column(index, clean(str(cell or "")), name))
    if "country" not in used:
        # Embassies head the country column "Nationality".
        for column in columns:
            if column.field == "nationality":
                column.field = "country"
    return best_index, columns


def _time(value: Any) -> str:
    if isinstance(value, datetime | time):
        return value.strftime("%H:%M")
    text = clean(str(value or "")).upper()
    for pattern in TIME_FORMATS:
        try:
            return datetime.strptime(text, pattern).strftime("%H:%M")  # noqa: DTZ007
        except ValueError:
            continue
    return text


@cache
def _words(table: str) -> dict[str, str]:
    """A word list folded once: folded word -> category or diet."""
    words = CATEGORY_WORDS if table == "category" else DIET_WORDS
    return {_key(option): name for name, options in words.items() for option in options}


def _category(value: Any) -> str:
    text = _key(value)
    # Words of the lists exports write (in either language) are read back too.
    return _words("category").get(text) or export_words.category_words(_key).get(text, text)


def _diet(value: Any) -> tuple[str, str]:
    """A diet from the list, and what the sender wrote when it is not one."""
    text = _key(value)
    diet = _words("diet").get(text) or export_words.diet_words(_key).get(text)
    return (diet, "") if diet else ("none", clean(str(value)))


def _shown(value: Any) -> str:
    if isinstance(value, Unsaved):
        return value.formula
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date().isoformat()
    return clean(str(value)) if value is not None else ""


def row_values(
    number: int, row: list[Any], columns: list[Column]
) -> tuple[dict[str, Any], dict[str, str]]:
    """One spreadsheet row as the registration rules' input, and the cells that could not
    be read (field -> why)."""
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for column in columns:
        if not column.field:
            continue
        cell = row[column.index] if column.index < len(row) else None
        if isinstance(cell, Unsaved):  # never an empty field in silence
            problems[column.field] = str(
                _l(
                    "%(cell)s: formula without a saved value; open the file in Excel or "
                    "LibreOffice, save it and upload it again.",
                    cell=f"{column.letter}{number}",
                )
            )
            values[column.field] = ""
        elif column.field in DATE_FIELDS:
            try:
                day = dates.read_date(cell, column.date_order)
            except dates.DateProblem as problem:
                problems[column.field] = str(problem.args[0])
                day = None
            values[column.field] = day.isoformat() if day else ""
        elif column.field in TIME_FIELDS:
            values[column.field] = _time(cell) if cell not in (None, "") else ""
        elif column.field in ("country", "nationality"):
            text = clean(str(cell or ""))
            values[column.field] = country_code(text) or text
        elif column.field == "category":
            values[column.field] = _category(cell) or "delegate"
        elif column.field == "diet":
            diet, note = _diet(cell)
            values["diet"] = diet
            if note:  # free text such as "no pork, nut allergy" is kept, not refused
                values["dietary_notes"] = " ".join(
                    part for part in (values.get("dietary_notes", ""), note) if part
                )
        else:
            values[column.field] = "" if cell is None else _shown(cell)
    values.setdefault("category", "delegate")
    if not values.get("nationality") and (
        values.get("visa_letter_requested") or values.get("passport_number")
    ):
        values["nationality"] = values.get("country", "")
    return values, problems


def _apply_settings(
    event: Event, columns: list[Column], rows: list, settings: Settings
) -> dict[str, str]:
    """The organiser's mapping and date orders on the columns; the defaults, checked."""
    if settings.mapping is not None:
        for column in columns:
            wanted = settings.mapping.get(column.index, "")
            column.field = wanted if wanted in REGISTRATION_FIELDS else ""
    for column in columns:
        if column.field not in DATE_FIELDS:
            continue
        cells = [row[column.index] for _n, row in rows if column.index < len(row)]
        decided = dates.column_order(cells)
        column.order_from_cells = decided is not None
        column.date_order = decided or settings.date_orders.get(column.index)
        if column.date_order not in (dates.DMY, dates.MDY):
            column.date_order = None
    defaults = {k: v for k, v in settings.defaults.items() if k in DEFAULT_FIELDS and v}
    if defaults.get("delegation") and not defaults.get("country"):
        country = db.session.scalar(
            sa.select(Delegation.country_code).where(
                Delegation.event_id == event.id, Delegation.name_en == defaults["delegation"]
            )
        )
        if country and not any(c.field == "country" for c in columns):
            defaults["country"] = country
    return defaults


def preview(event: Event, content: bytes, settings: Settings | None = None) -> Preview:
    """Read and check every row; nothing is saved."""
    settings = settings or Settings()
    table = read_table(content, settings.encoding)
    rows = table.rows
    header_index, columns = guess_columns(rows)
    body = rows[header_index + 1 :]
    defaults = _apply_settings(event, columns, body, settings)
    for column in columns:
        for _n, row in body:
            shown = _shown(row[column.index]) if column.index < len(row) else ""
            if shown:
                column.samples.append(shown)
                if len(column.samples) == SAMPLE_ROWS:
                    break
    # Columns with nothing below the header and no known header are not worth a line.
    empty = [c for c in columns if not c.samples and not c.field]
    columns = [c for c in columns if c.samples or c.field]
    header_row = rows[header_index][0]
    result = Preview(columns=columns, header_row=header_row, table=table, settings=settings)
    result.empty_columns = empty
    mapped = {c.field for c in columns if c.field} | set(defaults)
    for needed in ("given_name", "email", "country", "organisation"):
        if needed not in mapped:
            message = _l("No column is mapped to %(field)s.", field=FIELD_LABELS[needed])
            result.errors.append(RowProblem(header_row, "", str(message)))
    for column in result.date_questions:
        if column.field and column.date_order is None:
            message = _l(
                "The dates in this column can be read day first or month first: choose which."
            )
            result.errors.append(RowProblem(header_row, column.label, str(message)))
    if result.errors:
        return result
    _check_rows(event, result, body, defaults)
    if not result.rows:
        message = _l("There are no rows below the headers.")
        result.errors.append(RowProblem(header_row, "", str(message)))
    return result


def _check_rows(event: Event, result: Preview, body: list, defaults: dict[str, str]) -> None:
    by_field = {c.field: c for c in result.columns if c.field}
    seen_emails: dict[str, int] = {}
    seen_passports: dict[str, int] = {}
    emails, passports = _existing_people(event)
    for number, row in body:
        values, problems = row_values(number, row, result.columns)
        values.update(defaults)
        checked = check_registration(event, values, keep_passport_data=True)
        for name in problems:  # one clear message per cell, not its consequences
            checked.errors.pop(name, None)
            checked.errors.pop(_DERIVED.get(name, ""), None)
        messages = [(name, m) for name, ms in checked.errors.items() for m in ms]
        for name, message in [*problems.items(), *messages]:
            column = by_field.get(_ERROR_FIELD.get(name, name))
            result.errors.append(RowProblem(number, column.label if column else "", message))
        email = (checked.values.get("email") or "").lower()  # people type it in any case
        if email in seen_emails:
            message = _l("Same email address as row %(row)d.", row=seen_emails[email])
            result.errors.append(RowProblem(number, by_field["email"].label, str(message)))
        elif email:
            seen_emails[email] = number
        passport = checked.values.get("passport_number")
        digest = crypto.blind_index(passport, "passport") if passport else None
        if digest in seen_passports:
            message = _l("Same passport number as row %(row)d.", row=seen_passports[digest])
            result.errors.append(
                RowProblem(number, by_field["passport_number"].label, str(message))
            )
        elif digest:
            seen_passports[digest] = number
        by_email, by_passport = emails.get(email), passports.get(digest)
        if by_email and by_passport and by_email[0] != by_passport[0]:
            message = _l(
                "The email address is %(first)s's and the passport number %(second)s's: "
                "correct the row or merge them first.",
                first=by_email[1],
                second=by_passport[1],
            )
            result.errors.append(RowProblem(number, "", str(message)))
        existing = by_email or by_passport
        values = checked.values
        if existing:
            message = _l("Updates %(name)s, already registered.", name=existing[1])
            result.warnings.append(RowProblem(number, "", str(message)))
            # An update changes what the file gives: an empty cell or a column it does not
            # have keeps what is stored.
            given = {*by_field, *defaults}
            keys = {key for name in given for key in _DERIVED_KEYS.get(name, (name,))}
            # A family name emptied by splitting off a patronymic ("BINTI ISMAIL") is kept
            # empty, not left as it was.
            values = {
                k: v
                for k, v in values.items()
                if k in keys
                and (v not in ("", None) or (k == "family_name" and values.get("patronymic")))
            }
        result.rows.append((number, values, existing[0] if existing else None))


# A rule's error about a derived value is shown on the column the value came from.
_ERROR_FIELD = {"country_code": "country", "nationality_code": "nationality"}
_DERIVED = {"arrival_date": "arrival_time", "departure_date": "departure_time"}
# The checked values a column gives.
_DERIVED_KEYS = {
    "country": ("country_code",),
    "nationality": ("nationality_code",),
    "delegation": ("delegation_id",),
    "arrival_date": ("arrival_date", "arrival_at"),
    "arrival_time": ("arrival_at",),
    "departure_date": ("departure_date", "departure_at"),
    "departure_time": ("departure_at",),
    "diet": ("diet", "dietary_notes"),
    # The name's parts the rules split off a column (personnames.legacy_parts).
    "family_name": ("family_name", "patronymic"),
    "given_name": ("given_name", "patronymic"),
    "honorific": ("honorific", "style"),
}
FIELD_LABELS = {
    "given_name": _l("Given name (as in passport)"),
    "email": _l("Email"),
    "country": _l("Country"),
    "organisation": _l("Organisation"),
}


_NAME_COLUMNS = (
    Participant.family_name,
    Participant.given_name,
    Participant.patronymic,
    Participant.name_order,
    Participant.country_code,
)
_NAME_KEYS = tuple(column.key for column in _NAME_COLUMNS)


def _existing_people(event: Event) -> tuple[dict[str, tuple[int, str]], dict]:
    """The event's people by email (lower case) and by passport digest: a row naming one
    of them updates that person."""
    rows = db.session.execute(
        sa.select(
            Participant.id,
            Participant.email,
            Participant.passport_digest,
            *_NAME_COLUMNS,
        ).where(Participant.event_id == event.id)
    )
    emails, passports = {}, {}
    for person_id, email, digest, *parts in rows:
        # As every page names them (the order, the patronymic), from the columns alone.
        name = personnames.display(dict(zip(_NAME_KEYS, parts, strict=True)))
        if email:
            emails.setdefault(email.lower(), (person_id, name))
        if digest:
            passports.setdefault(digest, (person_id, name))
    return emails, passports
