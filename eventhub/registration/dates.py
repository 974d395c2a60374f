"""Dates as lists carry them: Excel dates and serial numbers, ISO, 23/07/2025 or 07/23/2025
(the order decided per column, from all its cells), "July 23, 2025", "2025年7月23日". A date
that cannot exist says why ("31 February does not exist")."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from babel.dates import get_month_names
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

DMY, MDY = "dmy", "mdy"
ORDERS = {DMY: _l("day/month/year (23/07/2025)"), MDY: _l("month/day/year (07/23/2025)")}
_NUMERIC = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4}|\d{2})$")
_ISO = re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_CJK = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_DAY_MONTH = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([A-Za-z]+)\.?[\s\-,]+(\d{4})$")
_MONTH_DAY = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_SERIAL = re.compile(r"^\d{5}(?:\.0+)?$")
_MONTHS = {
    **{name.lower(): number for number, name in enumerate(calendar.month_name) if name},
    **{name.lower(): number for number, name in enumerate(calendar.month_abbr) if name},
    "sept": 9,
}
# Excel counts days from 30 December 1899 (its 1900 leap-year bug included).
_EXCEL_EPOCH = date(1899, 12, 30)


class DateProblem(ValueError):
    """Why a cell is not a date, in the reader's language."""


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:  # 75 -> 1975, 25 -> 2025
        year += 2000 if year <= (date.today().year % 100) + 10 else 1900  # noqa: DTZ011
    return year


def _make(year: int, month: int, day: int) -> date:
    if not 1 <= month <= 12:
        raise DateProblem(_l("There is no month %(month)d.", month=month))
    last = calendar.monthrange(year, month)[1] if 1 <= year <= 9999 else 31
    if not 1 <= day <= last:
        if month == 2 and day == 29:
            raise DateProblem(
                _l("%(year)d is not a leap year: 29 February does not exist.", year=year)
            )
        name = get_month_names("wide", locale=get_locale() or "en")[month]
        raise DateProblem(_l("%(day)d %(month)s does not exist.", day=day, month=name))
    return date(year, month, day)


def day_month(value: Any) -> tuple[int, int] | None:
    """The two leading numbers of a 07/08/2025-style cell, else None."""
    match = _NUMERIC.match(str(value).strip()) if isinstance(value, str) else None
    return (int(match.group(1)), int(match.group(2))) if match else None


def column_order(cells: Iterable[Any]) -> str | None:
    """DMY or MDY when the column's cells decide it (a number above 12 in one place and
    never in the other), DMY when no cell needs an order, None when the organiser must say."""
    first = second = needs_order = False
    for cell in cells:
        pair = day_month(cell)
        if pair is None:
            continue
        first |= pair[0] > 12
        second |= pair[1] > 12
        needs_order |= pair[0] != pair[1]
    if first and not second:
        return DMY
    if second and not first:
        return MDY
    if not first and not second and not needs_order:
        return DMY
    return None


def read_date(value: Any, order: str | None) -> date | None:
    """The date in a cell (None when empty); DateProblem says why it is not one."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(value)
    text = " ".join(str(value).split())
    if _SERIAL.match(text):
        return _serial(float(text))
    if match := _ISO.match(text) or _CJK.match(text):
        return _make(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    if match := _NUMERIC.match(text):
        first, second, year = int(match.group(1)), int(match.group(2)), _year(match.group(3))
        if order is None and first != second and first <= 12 and second <= 12:
            raise DateProblem(_l("Say whether this column is day/month or month/day."))
        if order == MDY or (order is None and second > 12):
            first, second = second, first
        return _make(year, second, first)
    if match := _DAY_MONTH.match(text):
        day, month_name, year = match.groups()
    elif match := _MONTH_DAY.match(text):
        month_name, day, year = match.groups()
    else:
        raise DateProblem(_l("This is not a date; write it as 2025-07-23 or 23/07/2025."))
    month = _MONTHS.get(month_name.lower())
    if month is None:
        raise DateProblem(_l("This is not a date; write it as 2025-07-23 or 23/07/2025."))
    return _make(int(year), month, int(day))


def _serial(number: float) -> date:
    if not 1 <= number < 2958466:
        raise DateProblem(_l("This is not a date; write it as 2025-07-23 or 23/07/2025."))
    return _EXCEL_EPOCH + timedelta(days=int(number))


def iso_problem(text: str) -> str | None:
    """Why a YYYY-MM-DD text is not a date when it has the form but names no real day
    ("2025-02-31"), for the form's and the API's message."""
    match = _ISO.match(text.strip())
    if not match:
        return None
    try:
        _make(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except DateProblem as problem:
        return str(problem.args[0])
    return None
