"""The rules a registration must meet, shared by the form, the API, delegation heads and the
import. Input is a mapping of the API's field names to text; output is clean values or an
error message per field, in the reader's language."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import g
from flask_babel import lazy_gettext as _l

from eventhub import personnames
from eventhub.directory.models import Country
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.i18n import local_date, locale_from_text
from eventhub.pdf import MissingFont, check_printable
from eventhub.registration.dates import iso_problem
from eventhub.registration.languages import INTERPRETATION_LANGUAGES, LANGUAGE_NAMES
from eventhub.registration.models import Category, Delegation, Diet
from eventhub.registration.nationalities import country_code
from eventhub.text import clean, has_control_characters

MAX_LENGTHS = {
    "family_name": 100,
    "given_name": 150,
    "native_name": 200,
    "name_zh": 200,
    "patronymic": 150,
    "honorific": 60,
    "style": 100,
    "passport_name": 200,
    "position": 300,
    "position_zh": 300,
    "organisation": 300,
    "phone": 50,
    "dietary_notes": 500,
    "accessibility_needs": 500,
    "arrival_point": 100,
    "departure_point": 100,
    "hotel": 200,
    "arrival_flight": 20,
    "departure_flight": 20,
}
TEXT_FIELDS = tuple(MAX_LENGTHS)
# Passport names: Latin letters with diacritics, spaces, and the punctuation real names use
# (O'Brien, SANTOS-DELA CRUZ, Ma. Theresa, A/L SUBRAMANIAM).
LATIN_NAME = re.compile(r"^[A-Za-z\u00C0-\u024F\u1E00-\u1EFF' .,/-]+$")
PHONE = re.compile(r"^\+?[0-9 ()./-]{5,50}$")
TRAVEL_NUMBER = re.compile(r"^[A-Z0-9]{1,3} ?[0-9]{1,5}[A-Z]?$")  # MU 2032, CZ3052, G1234
PASSPORT = re.compile(r"^[A-Z0-9]{5,20}$")
NAME_FIELDS = (
    "family_name",
    "given_name",
    "patronymic",
    "native_name",
    "name_zh",
    "honorific",
    "style",
    "passport_name",
)
# The passport's machine-readable zone: capitals A-Z, words apart by spaces.
MRZ_NAME = re.compile(r"^[A-Z]+( [A-Z]+)*$")
# Printed on badges and certificates: a letter no installed font has is refused at entry
# (naming its script), never printed as an empty box.
PRINTED_FIELDS = (*NAME_FIELDS, "position", "position_zh", "organisation")
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
# Where a name written in Chinese is the person's own name, not a rendering of a foreign one.
CHINESE_WRITING = frozenset({"CN", "TW", "HK", "MO"})
# A passport must stay valid this long after the event for a Chinese visa.
PASSPORT_VALID_AFTER_EVENT = timedelta(days=183)


# Every field a registration may carry, by its form and API name.
REGISTRATION_FIELDS = frozenset(
    {
        *TEXT_FIELDS,
        "email",
        "country",
        "category",
        "diet",
        "interpretation_language",
        "locale",
        "delegation",
        "arrival_date",
        "arrival_time",
        "departure_date",
        "departure_time",
        "visa_letter_requested",
        "name_order",
        "nationality",
        "date_of_birth",
        "passport_number",
        "passport_expiry",
    }
)


def known_countries() -> frozenset[str]:
    """The country codes, read once per request (an import checks thousands of rows)."""
    if "eventhub_country_codes" not in g:
        g.eventhub_country_codes = frozenset(db.session.scalars(sa.select(Country.code)))
    return g.eventhub_country_codes


@dataclass
class Checked:
    """Clean values by field, and the messages for the fields that failed."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def fail(self, name: str, message: Any) -> None:
        self.errors.setdefault(name, []).append(str(message))

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(raw: Mapping[str, Any], name: str) -> str:
    value = raw.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    return value


def _parse_date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _parse_time(text: str) -> time | None:
    if not text:
        return None
    moment = time.fromisoformat(text if len(text) > 5 else f"{text}:00")
    if moment.tzinfo is not None:  # local time of the event, never an offset
        raise ValueError(text)
    return moment


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in {"1", "true", "yes", "y", "on", "是"}


def _check_name_parts(checked: Checked, raw: Mapping[str, Any], present) -> None:
    """A name typed the old way ("BINTI ABDULLAH", "Tan Sri Dr.") in the model's parts
    (personnames.legacy_parts), where the form or list did not give them. The passport name
    is checked as the machine-readable zone writes it; the order is "given" or "family"."""
    values = checked.values
    parts = personnames.legacy_parts(
        values.get("family_name", ""),
        values.get("given_name", ""),
        values.get("honorific", ""),
        values.get("country_code"),  # a patronymic only where that is the country's custom
    )
    if present("family_name") and present("given_name") and not values.get("patronymic"):
        values.update({k: parts[k] for k in ("family_name", "given_name", "patronymic")})
    if present("honorific") and not values.get("style") and parts["style"]:
        values.update(style=parts["style"], honorific=parts["honorific"])
    passport = values.get("passport_name")
    if passport:
        values["passport_name"] = passport = " ".join(passport.upper().split())
        if not MRZ_NAME.match(passport):
            checked.fail(
                "passport_name",
                _l(
                    "Write the passport name as the passport's machine-readable zone does: "
                    "capital letters A-Z and spaces only, e.g. %(example)s.",
                    example=personnames.protocol.to_mrz(passport) or "NGUYEN THI LAN",
                ),
            )
    if present("name_order"):
        order = clean(_text(raw, "name_order")).lower()
        order = {"given first": "given", "family first": "family"}.get(order, order)
        if order and order not in personnames.protocol.ORDERS:
            checked.fail("name_order", _l("Choose given name first or family name first."))
        else:
            values["name_order"] = order


def check_registration(
    event: Event,
    raw: Mapping[str, Any],
    *,
    partial: bool = False,
    keep_passport_data: bool = False,
) -> Checked:
    """Validate `raw` (field name -> value) for a registration in `event`.

    With `partial`, only the fields present are checked (an edit of some fields). With
    `keep_passport_data` (an imported list), passport data given without a visa letter
    request is checked and kept, not dropped.
    """
    checked = Checked()
    # JSON clients may send numbers, lists or objects: refuse them rather than store "True".
    raw = dict(raw)
    not_text = set()
    for name, value in list(raw.items()):
        allowed = (str, bool) if name == "visa_letter_requested" else (str,)
        if value is not None and not isinstance(value, allowed):
            not_text.add(name)
            raw[name] = ""
    present = (lambda name: name in raw) if partial else (lambda name: True)

    for name in TEXT_FIELDS:
        if not present(name):
            continue
        original = _text(raw, name)
        if has_control_characters(original):
            checked.fail(name, _l("Remove the invisible control characters from this field."))
        value = clean(original)
        if len(value) > MAX_LENGTHS[name]:
            checked.fail(name, _l("Use at most %(n)d characters.", n=MAX_LENGTHS[name]))
        if name in NAME_FIELDS and ("<" in value or ">" in value):
            checked.fail(name, _l("Names cannot contain < or >."))
        if name in PRINTED_FIELDS and value:
            try:
                check_printable(value)
            except MissingFont as error:
                checked.fail(name, error.message)
        checked.values[name] = value

    if present("given_name") and not checked.values.get("given_name"):
        checked.fail(
            "given_name",
            _l(
                "Enter the given name as in the passport. A person with one name only enters it "
                "here and leaves the family name empty."
            ),
        )
    for name in ("family_name", "given_name", "patronymic"):
        value = checked.values.get(name)
        if value and not LATIN_NAME.match(value):
            checked.fail(
                name,
                _l(
                    "Use Latin letters as in the passport; write the name in its own script under "
                    "'Name in own script'."
                ),
            )
    for name, example in (("name_zh", "通伦·西苏里"), ("position_zh", "外交部长")):
        value = checked.values.get(name)
        if value and not HAN.search(value):
            checked.fail(
                name, _l("Write it in Chinese characters, e.g. %(example)s.", example=example)
            )
    if present("organisation") and not checked.values.get("organisation"):
        checked.fail("organisation", _l("Enter the organisation."))
    if checked.values.get("phone") and not PHONE.match(checked.values["phone"]):
        checked.fail(
            "phone", _l("Enter a phone number with its country code, e.g. +856 20 5555 0101.")
        )
    for name in ("arrival_flight", "departure_flight"):
        if checked.values.get(name):
            checked.values[name] = checked.values[name].upper()
            if not TRAVEL_NUMBER.match(checked.values[name]):
                checked.fail(name, _l("Enter a flight or train number such as MU 2032 or G1234."))

    if present("email"):
        email = clean(_text(raw, "email"))
        if not email:
            checked.fail("email", _l("Enter an email address: the confirmation is sent there."))
        else:
            try:
                checked.values["email"] = validate_email(
                    email, check_deliverability=False
                ).normalized
            except EmailNotValidError:
                checked.fail("email", _l("Enter a valid email address."))

    if present("country"):
        written = clean(_text(raw, "country"))
        code = country_code(written) or written.upper()
        if not code:
            checked.fail("country", _l("Choose a country."))
        elif code not in known_countries():
            checked.fail(
                "country",
                _l(
                    "Unknown country code %(code)s: use ISO 3166 alpha-2, e.g. LA for Lao PDR.",
                    code=code,
                ),
            )
        else:
            checked.values["country_code"] = code
    _check_name_parts(checked, raw, present)  # after the country: patronymics are a custom

    _check_choice(
        checked,
        raw,
        present,
        "category",
        Category,
        _l("Choose a category."),
        default=None if not partial else None,
        required=True,
    )
    _check_choice(checked, raw, present, "diet", Diet, None, default=Diet.NONE)

    if present("interpretation_language"):
        language = clean(_text(raw, "interpretation_language"))
        code = LANGUAGE_NAMES.get(language.lower(), language.lower())
        if language and code not in INTERPRETATION_LANGUAGES:
            checked.fail("interpretation_language", _l("Choose a language from the list."))
        checked.values["interpretation_language"] = code if language else ""

    if "locale" in raw:  # their pages' and mails' language, where a list or client says it
        language = clean(_text(raw, "locale"))
        code = locale_from_text(language)
        if language and code is None:
            checked.fail("locale", _l("Choose a language from the list."))
        if code:  # an empty cell keeps the language already chosen
            checked.values["locale"] = code

    if "delegation" in raw:  # only where the input names one: a form edit keeps it
        name = clean(_text(raw, "delegation"))
        checked.values["delegation_id"] = None
        if name:
            # Whatever the case and spacing: "ASEAN  secretariat" is the ASEAN Secretariat.
            wanted = name.lower().replace(" ", "")
            delegation_id = db.session.scalar(
                sa.select(Delegation.id)
                .where(
                    Delegation.event_id == event.id,
                    sa.or_(
                        sa.func.replace(sa.func.lower(Delegation.name_en), " ", "") == wanted,
                        sa.func.replace(Delegation.name_zh, " ", "") == wanted,
                    ),
                )
                .order_by(Delegation.id)
                .limit(1)
            )
            if delegation_id is None:
                checked.fail(
                    "delegation", _l("There is no delegation %(name)s in this event.", name=name)
                )
            checked.values["delegation_id"] = delegation_id

    _own_chinese_name(checked)
    _check_travel(checked, raw, present, event)
    _check_visa(checked, raw, present, event, keep_passport_data)
    for name in not_text:  # one clear message, not the consequences of blanking it
        checked.errors[name] = [str(_l("Send this field as text."))]
    return checked


def _own_chinese_name(checked: Checked) -> None:
    """A Chinese delegate's name given as 'Chinese name' (中文名) is their own name in their
    own script, printed on their badge: it goes there when that is empty."""
    values = checked.values
    if (
        values.get("country_code") in CHINESE_WRITING
        and values.get("name_zh")
        and "native_name" in values
        and not values["native_name"]
    ):
        values["native_name"], values["name_zh"] = values["name_zh"], ""


def _check_choice(
    checked, raw, present, name, enum_cls, missing_message, *, default, required=False
) -> None:
    if not present(name):
        return
    value = clean(_text(raw, name)).lower()
    if not value:
        if required:
            checked.fail(name, missing_message)
        else:
            checked.values[name] = default
        return
    try:
        checked.values[name] = enum_cls(value)
    except ValueError:
        checked.fail(
            name, _l("Choose one of: %(choices)s.", choices=", ".join(m.value for m in enum_cls))
        )


def _check_travel(checked, raw, present, event: Event) -> None:
    zone = ZoneInfo(event.timezone)
    earliest = event.starts_on - timedelta(days=30)
    latest = event.ends_on + timedelta(days=30)
    for leg in ("arrival", "departure"):
        if not present(f"{leg}_date"):
            continue
        day_text = clean(_text(raw, f"{leg}_date"))
        time_text = clean(_text(raw, f"{leg}_time"))
        try:
            day = _parse_date(day_text)
        except ValueError:
            checked.fail(
                f"{leg}_date",
                iso_problem(day_text) or _l("Enter the date as YYYY-MM-DD, e.g. 2025-07-23."),
            )
            continue
        try:
            moment = _parse_time(time_text)
        except ValueError:
            checked.fail(f"{leg}_time", _l("Enter the time as HH:MM, e.g. 14:35."))
            continue
        if moment is not None and day is None:
            checked.fail(f"{leg}_date", _l("Enter the date as well as the time."))
            continue
        if day is not None and not earliest <= day <= latest:
            checked.fail(
                f"{leg}_date",
                _l(
                    "Choose a date near the event (%(start)s to %(end)s).",
                    start=local_date(earliest),  # the reader's calendar (Thai: its year)
                    end=local_date(latest),
                ),
            )
        checked.values[f"{leg}_date"] = day
        checked.values[f"{leg}_at"] = (
            datetime.combine(day, moment, zone) if day and moment else None
        )
    arrival, departure = checked.values.get("arrival_date"), checked.values.get("departure_date")
    if arrival and departure and departure < arrival:
        checked.fail("departure_date", _l("Departure cannot be before arrival."))
    arrival_at, departure_at = checked.values.get("arrival_at"), checked.values.get("departure_at")
    if arrival_at and departure_at and departure_at <= arrival_at:
        checked.fail("departure_time", _l("Departure must be after arrival."))


def _check_visa(checked, raw, present, event: Event, keep_passport_data: bool) -> None:
    if not present("visa_letter_requested"):
        return
    wanted = _bool(raw.get("visa_letter_requested"))
    checked.values["visa_letter_requested"] = wanted
    given = {
        name: clean(_text(raw, name))
        for name in ("nationality", "date_of_birth", "passport_number", "passport_expiry")
    }
    if not wanted and not (keep_passport_data and any(given.values())):
        for name in ("nationality_code", "date_of_birth", "passport_number", "passport_expiry"):
            checked.values[name] = None
        return
    # Required for a letter; without a request, what is given is checked all the same.
    checked.values["nationality_code"] = None
    nationality = country_code(given["nationality"]) or given["nationality"].upper()
    if not nationality:
        if wanted:
            checked.fail("nationality", _l("The invitation letter needs the nationality."))
    elif nationality not in known_countries():
        checked.fail(
            "nationality",
            _l(
                "Unknown country code %(code)s: use ISO 3166 alpha-2, e.g. LA for Lao PDR.",
                code=nationality,
            ),
        )
    else:
        checked.values["nationality_code"] = nationality

    birth = _checked_date(checked, "date_of_birth", given["date_of_birth"])
    if birth is None and not checked.errors.get("date_of_birth") and wanted:
        checked.fail("date_of_birth", _l("The invitation letter needs the date of birth."))
    elif birth is not None and not date(1900, 1, 1) <= birth <= event.starts_on - timedelta(
        days=365
    ):
        checked.fail("date_of_birth", _l("This date of birth is not plausible."))
    checked.values["date_of_birth"] = birth

    number = re.sub(r"[\s-]", "", given["passport_number"]).upper()
    if not number:
        if wanted:
            checked.fail("passport_number", _l("The invitation letter needs the passport number."))
    elif not PASSPORT.match(number):
        checked.fail("passport_number", _l("A passport number has 5 to 20 letters and digits."))
    checked.values["passport_number"] = number or None

    expiry = _checked_date(checked, "passport_expiry", given["passport_expiry"])
    if expiry is None and not checked.errors.get("passport_expiry") and wanted:
        checked.fail("passport_expiry", _l("The invitation letter needs the passport's expiry."))
    elif expiry is not None and expiry < event.ends_on + PASSPORT_VALID_AFTER_EVENT:
        checked.fail(
            "passport_expiry",
            _l(
                "The passport must be valid for six months after the event, until %(date)s at "
                "least.",
                date=local_date(event.ends_on + PASSPORT_VALID_AFTER_EVENT),
            ),
        )
    checked.values["passport_expiry"] = expiry


def _checked_date(checked: Checked, name: str, text: str) -> date | None:
    try:
        return _parse_date(text)
    except ValueError:
        checked.fail(
            name, iso_problem(text) or _l("Enter the date as YYYY-MM-DD, e.g. 2025-07-23.")
        )
        return None
