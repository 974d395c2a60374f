"""Delegation lists as embassies and partner universities send them (CSV or XLSX): a title row
above the headers, headers in the sender's words, dates typed as text in several formats,
stray spaces, duplicates. Read, map, check every row, then import all or nothing."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

import pycountry
import sqlalchemy as sa
from babel import Locale
from flask_babel import lazy_gettext as _l

from eventhub.directory.models import Country
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration import export_words
from eventhub.registration.models import Participant
from eventhub.registration.validation import REGISTRATION_FIELDS, check_registration
from eventhub.text import clean

MAX_ROWS = 10_000
MAX_COLUMNS = 60
NATIVE_SCRIPTS = ("thai", "lao", "khmer", "myanmar", "burmese", "vietnamese", "chinese")
# Field -> the words senders use for it in a header (compared folded, without punctuation).
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "family_name": ("family name", "surname", "last name", "family", "姓", "姓氏", "nom"),
    "given_name": (
        "given name",
        "given names",
        "first name",
        "forename",
        "名",
        "名字",
        "prenom",
        "name",
    ),
    "native_name": (
        "native name",
        "name in own script",
        "name in native script",
        "local name",
        "name native",
        # Lists name the script they are in: a Thai university writes "Name in Thai".
        *(f"name in {script}" for script in NATIVE_SCRIPTS),
        *(f"{script} name" for script in NATIVE_SCRIPTS),
        "ชื่อภาษาไทย",
        "本国文字姓名",
        "中文名",
        "中文姓名",
    ),
    "honorific": ("honorific", "title", "salutation", "称谓", "称呼"),
    "position": ("position", "job title", "designation", "post", "职务", "职位"),
    "organisation": (
        "organisation",
        "organization",
        "institution",
        "university",
        "company",
        "agency",
        "单位",
        "机构",
        "工作单位",
    ),
    "country": ("country", "country code", "国家", "国别"),
    "category": ("category", "participant category", "type", "类别"),
    "email": ("email", "e mail", "email address", "mail", "邮箱", "电子邮箱"),
    "phone": (
        "phone",
        "mobile",
        "telephone",
        "tel",
        "phone number",
        "mobile number",
        "电话",
        "手机",
    ),
    "delegation": ("delegation", "代表团"),
    "diet": ("diet", "dietary", "dietary requirement", "dietary requirements", "meal", "饮食"),
    "dietary_notes": ("allergies", "dietary notes", "allergy", "过敏"),
    "accessibility_needs": ("accessibility", "accessibility needs", "special needs"),
    "interpretation_language": ("interpretation", "interpretation language", "language", "语言"),
    "arrival_date": (
        "arrival date",
        "date of arrival",
        "arrival",
        "arrive",
        "抵达日期",
        "到达日期",
    ),
    "arrival_time": ("arrival time", "time of arrival", "eta", "抵达时间", "到达时间"),
    "arrival_flight": (
        "arrival flight",
        "flight",
        "flight no",
        "flight number",
        "arrival flight no",
        "抵达航班",
        "航班",
    ),
    "arrival_point": ("arrival airport", "airport", "arrival point", "arrival station"),
    "departure_date": ("departure date", "date of departure", "departure", "离开日期"),
    "departure_time": ("departure time", "etd", "离开时间"),
    "departure_flight": ("departure flight", "departure flight no", "离开航班"),
    "departure_point": ("departure airport", "departure point", "departure station"),
    "hotel": ("hotel", "accommodation", "酒店", "住宿"),
    "visa_letter_requested": ("visa", "visa letter", "invitation letter", "visa required"),
    "nationality": ("nationality", "国籍"),
    "date_of_birth": ("date of birth", "dob", "birth date", "birthday", "出生日期"),
    "passport_number": ("passport", "passport number", "passport no", "护照号", "护照号码"),
    "passport_expiry": (
        "passport expiry",
        "expiry date",
        "date of expiry",
        "passport expiry date",
        "护照有效期",
    ),
}
DATE_FIELDS = {"arrival_date", "departure_date", "date_of_birth", "passport_expiry"}
TIME_FIELDS = {"arrival_time", "departure_time"}
DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%b %d %Y",
    "%d-%b-%Y",
    "%Y年%m月%d日",
    "%d/%m/%y",
    "%m/%d/%Y",
)
TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%H.%M", "%H%M", "%I:%M %p", "%I:%M%p", "%I %p")
CATEGORY_WORDS = {
    "official": ("official", "vip", "dignitary", "guest of honour", "officials", "官员", "贵宾"),
    "delegate": ("delegate", "participant", "member", "delegates", "代表"),
    "speaker": ("speaker", "presenter", "panelist", "panellist", "演讲嘉宾", "嘉宾"),
    "media": ("media", "press", "journalist", "媒体", "记者"),
    "interpreter": ("interpreter", "translator", "译员", "翻译"),
    "staff": ("staff", "工作人员"),
    "volunteer": ("volunteer", "志愿者"),
}
COUNTRY_ALIASES = {
    "laos": "LA",
    "lao": "LA",
    "vietnam": "VN",
    "burma": "MM",
    "brunei": "BN",
    "timor leste": "TL",
    "east timor": "TL",
    "prc": "CN",
    "p r china": "CN",
    "uk": "GB",
    "usa": "US",
    "south korea": "KR",
    "korea": "KR",
}


class ImportUnreadable(DomainError):
    def __init__(self, message) -> None:
        super().__init__(message, field="file")


@dataclass
class Column:
    index: int
    header: str
    field: str  # "" when ignored

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
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # checked values
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def _key(text: Any) -> str:
    """Headers and words compared without case, punctuation or extra spaces."""
    folded = re.sub(r"[\W_]+", " ", str(text or "").casefold())
    return " ".join(folded.split())


def read_table(content: bytes) -> list[tuple[int, list[Any]]]:
    """The rows of the first sheet (XLSX) or of the CSV with their numbers as the
    spreadsheet shows them; blank rows are dropped."""
    rows = _read_xlsx(content) if content[:4] == b"PK\x03\x04" else _read_csv(content)
    rows = [
        (number, row)
        for number, row in enumerate(rows, start=1)
        if any(clean(str(c)) for c in row if c is not None)
    ]
    if not rows:
        raise ImportUnreadable(_l("The file holds no rows."))
    if len(rows) > MAX_ROWS:
        raise ImportUnreadable(_l("The file has more than %(n)d rows; split it.", n=MAX_ROWS))
    return rows


def _read_xlsx(content: bytes) -> list[list[Any]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportUnreadable(
            _l("This file is neither a CSV file nor an Excel workbook (.xlsx).")
        ) from exc
    try:
        sheet = book.worksheets[0]
        # Bounded: a tiny file can declare a cell at row 1,048,576, column XFD.
        return [
            list(row)
            for row in sheet.iter_rows(max_row=MAX_ROWS + 20, max_col=MAX_COLUMNS, values_only=True)
        ]
    except Exception as exc:  # openpyxl raises XML, zip and value errors of many kinds
        raise ImportUnreadable(
            _l(
                "This Excel workbook could not be read; save it again in "
                "Excel or LibreOffice and upload it once more."
            )
        ) from exc
    finally:
        book.close()


def _read_csv(content: bytes) -> list[list[Any]]:
    if b"\x00" in content[:4096]:
        raise ImportUnreadable(_l("This file is neither a CSV file nor an Excel workbook (.xlsx)."))
    for encoding in ("utf-8-sig", "gb18030", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly anything
        raise ImportUnreadable(_l("The file's text encoding could not be read; save it as UTF-8."))
    # Old Mac files end lines with a bare CR; quoted line breaks stay inside their cells.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    sample = text[:10_000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), dialect):
            rows.append(row[:MAX_COLUMNS])
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
    used: set[str] = set()
    columns = []
    for index, cell in enumerate(header):
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


def _date(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = clean(str(value or ""))
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date().isoformat()  # noqa: DTZ007
        except ValueError:
            continue
    return text  # the rules then say what is wrong with it


def _time(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%H:%M")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    text = clean(str(value or "")).upper()
    for pattern in TIME_FORMATS:
        try:
            return datetime.strptime(text, pattern).strftime("%H:%M")  # noqa: DTZ007
        except ValueError:
            continue
    return text


def country_lookup() -> dict[str, str]:
    """Every way a country is written -> its code: codes, ISO and everyday names, Chinese."""
    found: dict[str, str] = dict(COUNTRY_ALIASES)
    english = Locale.parse("en").territories
    for country in db.session.scalars(sa.select(Country)):
        for name in (country.code, country.name_en, country.name_zh, english.get(country.code)):
            if name:
                found[_key(name)] = country.code
        entry = pycountry.countries.get(alpha_2=country.code)
        if entry is not None:
            for attribute in ("alpha_3", "name", "official_name", "common_name"):
                if getattr(entry, attribute, None):
                    found[_key(getattr(entry, attribute))] = country.code
    return found


def _category(value: Any) -> str:
    text = _key(value)
    for category, options in CATEGORY_WORDS.items():
        if text in {_key(o) for o in options}:
            return category
    return export_words.category_words(_key).get(text, text)


DIET_WORDS = {
    "halal": ("halal", "muslim", "清真"),
    "vegetarian": ("vegetarian", "veg", "vegetarian food", "素食", "素"),
    "vegan": ("vegan", "纯素"),
    "none": ("", "none", "no", "nil", "n a", "normal", "regular", "无", "没有"),
}


def _diet(value: Any) -> tuple[str, str]:
    """A diet from the list, and what the sender wrote when it is not one."""
    text = _key(value)
    for diet, options in DIET_WORDS.items():
        if text in {_key(o) for o in options}:
            return diet, ""
    if text in (exported := export_words.diet_words(_key)):
        return exported[text], ""
    return "none", clean(str(value))


def row_values(row: list[Any], columns: list[Column], countries: dict[str, str]) -> dict:
    """One spreadsheet row as the registration rules' input."""
    values: dict[str, Any] = {}
    for column in columns:
        if not column.field:
            continue
        cell = row[column.index] if column.index < len(row) else None
        if column.field in DATE_FIELDS:
            values[column.field] = _date(cell) if cell not in (None, "") else ""
        elif column.field in TIME_FIELDS:
            values[column.field] = _time(cell) if cell not in (None, "") else ""
        elif column.field in ("country", "nationality"):
            text = clean(str(cell or ""))
            values[column.field] = countries.get(_key(text), text)
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
            values[column.field] = "" if cell is None else clean(str(cell))
    values.setdefault("category", "delegate")
    if "nationality" not in values and values.get("visa_letter_requested"):
        values["nationality"] = values.get("country", "")
    return values


def preview(event: Event, content: bytes, mapping: dict[int, str] | None = None) -> Preview:
    """Read and check every row; nothing is saved."""
    rows = read_table(content)
    header_index, columns = guess_columns(rows)
    if mapping is not None:
        for column in columns:
            wanted = mapping.get(column.index, "")
            column.field = wanted if wanted in REGISTRATION_FIELDS else ""
    header_row = rows[header_index][0]
    result = Preview(columns=columns, header_row=header_row)
    mapped = {c.field for c in columns if c.field}
    for needed in ("given_name", "email", "country", "organisation"):
        if needed not in mapped:
            message = _l("No column is mapped to %(field)s.", field=FIELD_LABELS[needed])
            result.errors.append(RowProblem(header_row, "", str(message)))
    if result.errors:
        return result

    by_field = {c.field: c for c in columns if c.field}
    countries = country_lookup()
    seen_emails: dict[str, int] = {}
    existing = _existing_keys(event)
    for number, row in rows[header_index + 1 :]:
        values = row_values(row, columns, countries)
        checked = check_registration(event, values)
        for name, messages in checked.errors.items():
            column = by_field.get(_ERROR_FIELD.get(name, name))
            for message in messages:
                result.errors.append(RowProblem(number, column.label if column else "", message))
        email = (checked.values.get("email") or "").lower()  # people type it in any case
        if email in seen_emails:
            message = _l("Same email address as row %(row)d.", row=seen_emails[email])
            result.errors.append(RowProblem(number, by_field["email"].label, str(message)))
        elif email:
            seen_emails[email] = number
        if email in existing:
            message = _l(
                "Possible duplicate: %(name)s is already registered with this email.",
                name=existing[email],
            )
            result.warnings.append(RowProblem(number, "", str(message)))
        result.rows.append((number, checked.values))
    if not result.rows:
        message = _l("There are no rows below the headers.")
        result.errors.append(RowProblem(header_row, "", str(message)))
    return result


# A rule's error about a derived value is shown on the column the value came from.
_ERROR_FIELD = {"country_code": "country", "nationality_code": "nationality"}
FIELD_LABELS = {
    "given_name": _l("Given name (as in passport)"),
    "email": _l("Email"),
    "country": _l("Country"),
    "organisation": _l("Organisation"),
}


def _existing_keys(event: Event) -> dict[str, str]:
    rows = db.session.execute(
        sa.select(Participant.email, Participant.family_name, Participant.given_name).where(
            Participant.event_id == event.id
        )
    )
    return {
        email.lower(): f"{family.upper()} {given}".strip() for email, family, given in rows if email
    }
