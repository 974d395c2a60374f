"""Language and time-zone selection, and the template helpers that show dates and names."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Mapping
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from flask import Flask, g, has_app_context, has_request_context, request, session
from flask_babel import format_time, get_locale, to_user_timezone
from flask_login import current_user
from markupsafe import Markup

# Shown in the language switch in their own language, so anyone can find theirs.
LOCALE_LABELS = {
    "en": "English",
    "zh_Hans": "简体中文",
    "th": "ไทย",
    "vi": "Tiếng Việt",
    "id": "Bahasa Indonesia",
    "ms": "Bahasa Melayu",
    "fil": "Filipino",
    "lo": "ລາວ",
    "km": "ខ្មែរ",
    "my": "မြန်မာ",
    "pt_TL": "Português",
}
HTML_LANG = {code: code.replace("_", "-") for code in LOCALE_LABELS}

# What browsers and people send that is not a supported code as written: the legacy
# Indonesian "in", Tagalog for Filipino, Tetum and any Portuguese for Timor-Leste's.
_LOCALE_ALIASES = {"in": "id", "tl": "fil", "tet": "pt_TL", "pt": "pt_TL", "zsm": "ms"}


def supported_locales() -> list[str]:
    from flask import current_app

    return list(current_app.config["EVENTHUB_LOCALES"])


def normalise_locale(code: str | None) -> str | None:
    """Map what browsers and people send (zh-CN, zh_hans, EN) to a supported locale."""
    if not code:
        return None
    lowered = code.strip().replace("-", "_").lower()
    if lowered.startswith("zh"):
        # Traditional Chinese readers still read Simplified better than English.
        return "zh_Hans"
    language = lowered.split("_")[0]
    language = _LOCALE_ALIASES.get(language, language).lower()
    for supported in _configured_locales():
        if language in (supported.lower(), supported.split("_")[0]):
            return supported
    return None


def locale_from_text(text: str | None) -> str | None:
    """A supported locale from what a list says: a code ('th', 'th-TH', 'in') or the
    language's name in English, Chinese or itself ('Thai', '泰语', 'ไทย', 'Tagalog')."""
    if not text or not text.strip():
        return None
    found = normalise_locale(text)
    if found:
        return found
    wanted = text.strip().casefold()
    for code in _configured_locales():
        language = Locale.parse(code)
        names = {LOCALE_LABELS.get(code, "")}
        for reader in ("en", "zh_Hans", code):
            names.add(language.get_language_name(reader) or "")
            names.add(language.get_display_name(reader) or "")
        if wanted in {name.casefold() for name in names if name}:
            return code
    return _LOCALE_ALIASES_BY_NAME.get(wanted)


# Names lists use for a language we offer under another's name.
_LOCALE_ALIASES_BY_NAME = {"tagalog": "fil", "tetum": "pt_TL", "tetun": "pt_TL", "burmese": "my"}


def _configured_locales() -> list[str]:
    from flask import has_app_context

    return supported_locales() if has_app_context() else list(LOCALE_LABELS)


def select_locale() -> str:
    """The session's explicit choice, then the account's, then the browser's, then English."""
    if not has_request_context():  # command line, background work
        return "en"
    if "api_token" not in g:  # an API client has no session or account: its header says
        chosen = normalise_locale(session.get("locale"))
        if chosen:
            return chosen
        if current_user and current_user.is_authenticated and current_user.locale:
            return normalise_locale(current_user.locale) or "en"
    for lang, _quality in request.accept_languages:
        found = normalise_locale(lang)
        if found:
            return found
    return "en"


def selected_locale() -> Locale:
    """`select_locale` as Flask-Babel's locale selector: the same few Locale objects every
    time, where Flask-Babel would parse the name again on every request."""
    name = select_locale()
    locale = _PARSED_LOCALES.get(name)
    if locale is None:
        locale = _PARSED_LOCALES[name] = Locale.parse(name)
    return locale


_PARSED_LOCALES: dict[str, Locale] = {}


def fixed_text(texts: Mapping[Hashable, Any], key: Hashable) -> str:
    """`str(texts[key])` in the reader's language, for a module's table of lazy texts
    (`texts`): translated once per process and language, as catalogues do not change while
    the app runs. For texts shown thousands of times a second (a scan's answer)."""
    cache_key = (str(get_locale()), id(texts), key)
    text = _FIXED_TEXTS.get(cache_key)
    if text is None:
        text = _FIXED_TEXTS[cache_key] = str(texts[key])
    return text


_FIXED_TEXTS: dict[tuple, str] = {}


def select_timezone() -> str:
    """Times are shown in the zone of the event being looked at, else in the zone a page
    chose (g.timezone: 'Your sessions' uses its reader's event), else UTC."""
    event = g.get("event")
    return event.timezone if event is not None else g.get("timezone") or "UTC"


# Organisers' texts in the languages other than English and Chinese are kept in one table
# of the core (a primitive cannot read it): the core installs the function that loads them,
# `lookup(locale, kind, event id or None)` -> {(object id, field): text}, called once per
# request, kind and event.
TranslationLookup = Callable[[str, str, int | None], Mapping[tuple[int, str], str]]
_translation_lookup: TranslationLookup | None = None


def set_translation_lookup(lookup: TranslationLookup | None) -> None:
    """Install the function that loads an event's stored translations (the core's)."""
    global _translation_lookup  # one hook per process, set at app creation
    _translation_lookup = lookup


def _stored_translation(locale: str, kind: str, object_id: Any, field: str) -> str:
    """The stored text of `field` of `kind` #`object_id` in `locale`, or ''. The texts of
    a (locale, kind) are loaded once per request (a programme shows hundreds of them)."""
    if _translation_lookup is None or object_id is None or not has_app_context():
        return ""
    # On an event's pages only that event's texts are read (an installation keeps every
    # edition's); a page across events (a person's registrations) reads the kind's all.
    event_id = getattr(g.get("event"), "id", None)
    loaded = g.setdefault("_content_translations", {})
    texts = loaded.get((locale, kind, event_id))
    if texts is None:
        texts = loaded[(locale, kind, event_id)] = _translation_lookup(locale, kind, event_id)
    return texts.get((object_id, field), "")


def forget_loaded_translations() -> None:
    """Drop this request's (or job's) loaded translations: some were just saved."""
    if has_app_context():
        g.pop("_content_translations", None)


def localized_text(kind: str, object_id: Any, field: str, english: str, chinese: str = "") -> str:
    """An organiser's text in the reader's language: `chinese` for Chinese readers, the
    stored translation for the other languages, else `english`, never empty when English
    exists. For texts read as plain columns (a gate's checkpoint name at a scan)."""
    locale = str(get_locale())
    if locale.startswith("zh"):
        return chinese or english or ""
    if locale != "en" and english:
        return _stored_translation(locale, kind, object_id, field) or english
    return english or chinese or ""  # a text written only in Chinese is still a text


def object_key(obj: object) -> Any:
    """How stored translations know a row: its id (None while unsaved: no text yet), or its
    event's for a table of one row per event that has no id of its own."""
    if hasattr(type(obj), "id"):
        return getattr(obj, "id", None)
    return getattr(obj, "event_id", None)


def localized(obj: object, field: str) -> str:
    """`obj.<field>` in the reader's language: `obj.<field>_zh` in Chinese when it has one,
    the stored translation in the other languages, else the English: `obj.<field>_en`, or
    `obj.<field>` for a text whose English field has no suffix (an event's venue address)."""
    english = getattr(obj, f"{field}_en", None)
    if english is None:
        english = getattr(obj, field, "")
    kind = getattr(obj, "__tablename__", None)
    if kind is None:
        chinese = getattr(obj, f"{field}_zh", None) or ""
        return localized_pair(english or "", chinese)
    return localized_text(
        kind, object_key(obj), field, english or "", getattr(obj, f"{field}_zh", None) or ""
    )


def text_lang(obj: object, field: str) -> str:
    """The `lang` of `localized(obj, field)` where it is not the page's: "en" when the reader
    gets the English for want of a translation (a screen reader then reads it with an
    English voice, WCAG's language of parts), else "" (the page's own language)."""
    text = localized(obj, field)
    english = getattr(obj, f"{field}_en", None)
    if english is None:
        english = getattr(obj, field, "")
    if text and text == english and str(get_locale()) != "en":
        return "en"
    return ""


def localized_pair(english: str, chinese: str) -> str:
    """`chinese` for a Chinese reader when there is one, else `english`: `localized` for
    names read as plain columns that no organiser translates (a holder's delegation). A
    translated text read as columns goes through `localized_text`."""
    if chinese and str(get_locale()).startswith("zh"):
        return chinese
    return english or ""


# Thai readers count years in the Buddhist Era (2025 CE is 2568 BE): CLDR's Thai dates
# use the Buddhist calendar, which Babel does not ship. Its months and days are the
# Gregorian ones, so a Thai date is the Gregorian pattern with its year (and era) fields
# written as quoted literals of the Buddhist year. Only text read by people: machine
# formats (ISO dates in exports, iCal, form values, datetime attributes) stay Gregorian.
BUDDHIST_ERA_OFFSET = 543
_BUDDHIST_ERA = {"wide": "พุทธศักราช", "abbreviated": "พ.ศ."}
_PATTERN_PART = re.compile(r"'(?:[^']|'')*'|([A-Za-z])\1*|[^A-Za-z']+")
_WIDTHS = ("short", "medium", "long", "full")


def _reader_locale(locale: Locale | str | None = None) -> Locale:
    if locale is None:
        return get_locale() or Locale.parse("en")
    return locale if isinstance(locale, Locale) else Locale.parse(locale)


def uses_buddhist_era(locale: Locale | str | None = None) -> bool:
    """Whether readers of `locale` (else the reader's) count years from the Buddha."""
    return _reader_locale(locale).language == "th"


def buddhist_pattern(pattern: str, moment: date, locale: Locale | str | None = None) -> str:
    """CLDR `pattern` with its year fields ('y', 'yy', 'Y', 'u') and era ('G') written for
    `moment` in the Buddhist Era, as quoted literals Babel copies as they are."""
    from babel.dates import DateTimeFormat

    parts = []
    for match in _PATTERN_PART.finditer(pattern):
        token, field = match.group(0), match.group(1)
        if field in ("y", "u", "Y"):
            gregorian = moment.year
            if field == "Y":  # the year of the week, by the language's week rules
                gregorian = int(DateTimeFormat(moment, locale=_reader_locale(locale))["YYYY"])
            year = str(gregorian + BUDDHIST_ERA_OFFSET)
            parts.append(f"'{year[-2:] if len(token) == 2 else year.zfill(len(token))}'")
        elif field == "G":
            parts.append(f"'{_BUDDHIST_ERA['wide' if len(token) == 4 else 'abbreviated']}'")
        else:
            parts.append(token)
    return "".join(parts)


def local_date(
    value: date | None, format: str = "medium", locale: Locale | str | None = None
) -> str:
    """A calendar date in the reader's language (`locale` for a document made for someone
    else): `format` a width ('medium') or a CLDR pattern ('d MMMM'); a moment is first
    put on the clock of the zone being looked at. Thai years are Buddhist years."""
    from babel.dates import format_date as babel_date

    if not value:
        return ""
    if isinstance(value, datetime):
        value = to_user_timezone(value).date()
    reader = _reader_locale(locale)
    pattern = reader.date_formats[format].pattern if format in _WIDTHS else format
    if uses_buddhist_era(reader):
        pattern = buddhist_pattern(pattern, value, reader)
    return babel_date(value, pattern, locale=reader)


def date_interval(
    start: date, end: date, skeleton: str = "yMMMd", locale: Locale | str | None = None
) -> str:
    """Two days as one range by CLDR's interval formats ('24–27 Jul 2025'); in Thai with
    each end's Buddhist year, a range across the new year naming both."""
    from babel.dates import format_interval

    reader = _reader_locale(locale)
    if not uses_buddhist_era(reader):
        return format_interval(start, end, skeleton=skeleton, locale=reader)
    return _buddhist_interval(start, end, skeleton, reader)


def _buddhist_interval(start: date, end: date, skeleton: str, locale: Locale) -> str:
    """Babel's `format_interval` for dates (UTS #35's algorithm), each piece's pattern
    written in the Buddhist Era."""
    from babel.dates import PATTERN_CHAR_ORDER, DateTimeFormat, match_skeleton

    def one(day: date) -> str:
        found = skeleton if skeleton in locale.datetime_skeletons else None
        found = found or match_skeleton(skeleton, locale.datetime_skeletons)
        pattern = locale.datetime_skeletons[found].pattern if found else "medium"
        return local_date(day, pattern, locale)

    if start == end:
        return one(start)
    formats = locale.interval_formats
    matched = skeleton if skeleton in formats else match_skeleton(skeleton, formats)
    if matched:
        pieces = formats[matched]
        first, last = DateTimeFormat(start, locale=locale), DateTimeFormat(end, locale=locale)
        for field in PATTERN_CHAR_ORDER:
            if field in pieces and first.extract(field) != last.extract(field):
                return "".join(
                    local_date(day, pattern, locale)
                    for pattern, day in zip(pieces[field], (start, end), strict=True)
                )
    return str(formats[None]).replace("{0}", one(start)).replace("{1}", one(end))


def date_range(start: date, end: date) -> str:
    """'24–27 July 2025' / '2025年7月24日至27日' style, via CLDR interval formats."""
    return date_interval(start, end, "yMMMd")


def word_list(items: Iterable[object], style: str = "standard") -> str:
    """'Thai, Lao and Khmer' / '泰语、老挝语和高棉语': words joined as the reader's language
    joins them (CLDR list patterns; `style` 'or' for alternatives)."""
    from babel.lists import format_list

    words = [str(item) for item in items if item not in (None, "")]
    return format_list(words, style=style, locale=_reader_locale()) if words else ""


# Numbers in Latin digits in every language. CLDR's Burmese default numbering is Myanmar
# digits (၁၂၃), but Babel writes dates and times with Latin digits whatever the language,
# and badges, seat and room numbers, passports and phone numbers are Latin too: a page
# reading '၁၂ participants' beside '24 ဇူ 2025' would mix two digit systems. Burmese readers
# read Latin digits every day on official and international documents.
NUMBERING_SYSTEM = "latn"


def number(value: float | int | None, format: str | None = None) -> str:
    """A number in the reader's language's separators ('12,345.5', '12.345,5')."""
    from babel.numbers import format_decimal

    if value is None:
        return ""
    return format_decimal(value, format, locale=_reader_locale(), numbering_system=NUMBERING_SYSTEM)


def timezone_name(zone: str) -> str:
    """'China Standard Time (Asia/Shanghai)' / '中国标准时间 (Asia/Shanghai)'."""
    from babel.dates import get_timezone_name

    locale = get_locale()
    if zone in ("UTC", "Etc/UTC"):  # no region: CLDR's own name, not "Unknown Region"
        return f"{locale.time_zones['Etc/UTC']['long']['standard']} (UTC)"
    return f"{get_timezone_name(zone, width='long', locale=locale)} ({zone})"


def country_name(code: str | None) -> str:
    """'KH' -> 'Cambodia' / '柬埔寨' (CLDR names in the reader's language)."""
    if not code:
        return ""
    return get_locale().territories.get(code.upper(), code)


def country_label(country: object) -> str:
    """A country of the directory as a list names it: the organisers' own name in English
    and Chinese ('Lao PDR', '老挝'), CLDR's in the reader's other languages ('ລາວ', 'ลาว')."""
    if str(get_locale()) in ("en", "zh_Hans"):
        return localized(country, "name")
    return country_name(getattr(country, "code", None)) or localized(country, "name")


def language_name(code: str | None) -> str:
    """'km' -> 'Khmer' / '高棉语', 'zh_Hans' -> 'Chinese (Simplified)' (CLDR names in the
    reader's language); a code CLDR does not know stays as written."""
    if not code:
        return ""
    try:
        return Locale.parse(code.replace("-", "_")).get_display_name(get_locale()) or code
    except (ValueError, LookupError, UnknownLocaleError):
        return code


def medium_date(value: date | None) -> str:
    """A calendar date as the reader's language writes it in full text ('Jul 24, 2025',
    '2025年7月24日'): never the short numeric form, read differently across the world."""
    return local_date(value, "medium")


# One way to write a time of day in each language: CLDR's 24-hour hours and minutes of the
# reader's language ('17:15' in English and Chinese), never seconds, AM/PM or a zone. The
# zone is named once where the times are read: the page footer, an email's time line.
TIME_SKELETON = "Hm"


def time_pattern(locale: Locale) -> str:
    """The reader's language's pattern for a time of day (the `TIME_SKELETON` form)."""
    skeleton = locale.datetime_skeletons.get(TIME_SKELETON)
    return skeleton.pattern if skeleton is not None else "HH:mm"


def clock_time(value: time | datetime | None) -> str:
    """A time of day on the clock of the zone being looked at, the one way (`time_pattern`):
    the programmes of international meetings use the 24-hour clock."""
    return format_time(value, time_pattern(get_locale())) if value else ""


def zoned_clock(value: time | datetime | None, zone: str | None = None) -> str:
    """`clock_time` on `zone`'s clock (a `time` of day as it is), whatever zone the request
    looks at: for text about one place, such as a gate's verdict."""
    from babel.dates import format_time as babel_time

    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo(zone)).time() if zone else value.time()
    locale = _reader_locale()
    return babel_time(value, time_pattern(locale), locale=locale)


def time_range(start: datetime | None, end: datetime | None) -> str:
    """'17:15–18:45': both ends the one way, joined by an en dash."""
    if not start:
        return ""
    return f"{clock_time(start)}–{clock_time(end)}" if end else clock_time(start)


def _joined(width: str, date_text: str, time_text: str) -> str:
    """A date and a time joined as the reader's language joins them at `width`."""
    pattern = str(get_locale().datetime_formats.get(width, "{1} {0}"))
    # CLDR quotes literal words ("{1} 'at' {0}" in some releases).
    pattern = re.sub(r"'([^']*)'", lambda m: m.group(1) or "'", pattern)
    return pattern.replace("{1}", date_text).replace("{0}", time_text)


def _with_zone(time_text: str, moment: datetime, zone: str | None) -> str:
    """The time with the zone's name where the reader's language puts it ('17:15 China
    Standard Time', '中国标准时间 17:15'): for text read away from the event's pages."""
    from babel.dates import get_timezone_name

    locale = get_locale()
    local = moment.astimezone(ZoneInfo(zone or select_timezone()))
    name = get_timezone_name(local, width="long", locale=locale)
    full = locale.time_formats["full"].pattern
    zone_first = full.find("z") != -1 and full.find("z") < min(
        (i for i in (full.find("H"), full.find("h")) if i != -1), default=len(full)
    )
    return f"{name} {time_text}" if zone_first else f"{time_text} {name}"


def datetime_text(
    value: datetime | None, width: str = "medium", *, zone: bool = False, tz: str | None = None
) -> str:
    """The date at `width` ('medium', 'long', 'full') and the time the one way ('Jul 24,
    2025, 18:00'); with `zone`, the zone named once (emails, text read elsewhere)."""
    if not value:
        return ""
    moment = format_time(value, time_pattern(get_locale()))
    if zone:
        moment = _with_zone(moment, value, tz)
    return _joined(width, local_date(value, width), moment)


def zoned_datetime(value: datetime, zone: str, width: str = "medium") -> str:
    """`value` on `zone`'s clock ('Jul 24, 2025, 10:00'), whatever zone the request looks
    at: for a document made about one event (the zone is named once, by its caller)."""
    from babel.dates import format_time as babel_time

    locale = get_locale()
    local = value.astimezone(ZoneInfo(zone))
    return _joined(
        width,
        local_date(local.date(), width, locale),
        babel_time(local.time(), time_pattern(locale), locale=locale),
    )


def medium_datetime(value: datetime | None) -> str:
    """A moment on the clock of the zone being looked at: the medium date and the time
    the one way ('Jul 24, 2025, 18:00'), joined as the reader's language joins them."""
    return datetime_text(value, "medium")


def datetime_range(
    start: datetime | None, end: datetime | None, width: str = "medium", *, zone: bool = False
) -> str:
    """'Jul 25, 2025, 17:15–18:45': the day once and the times as a range; an end on
    another day is written in full after the dash."""
    if not start:
        return ""
    if not end:
        return datetime_text(start, width, zone=zone)
    zone_name = select_timezone()
    same_day = (
        start.astimezone(ZoneInfo(zone_name)).date() == end.astimezone(ZoneInfo(zone_name)).date()
    )
    if not same_day:
        return f"{datetime_text(start, width)} – {datetime_text(end, width, zone=zone)}"
    times = time_range(start, end)
    if zone:
        times = _with_zone(times, start, zone_name)
    return _joined(width, local_date(start, width), times)


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["localized"] = localized
    # `<h3{{ a|lang_attr('title') }}>`: ' lang="en"' on an organiser's text not translated.
    app.jinja_env.filters["lang_attr"] = lambda obj, field: (
        Markup(' lang="en"') if text_lang(obj, field) else ""
    )
    app.jinja_env.filters["country"] = country_name
    # One way per kind: `|date` is the locale's medium form (a heading may still ask for a
    # day written in full, `|date('full')`), `|time` the one way of `clock_time`.
    # `|datetime('full')` widens the date only: the time stays the one way, without a zone.
    app.jinja_env.filters["datetime"] = lambda v, fmt="medium": datetime_text(v, fmt)
    app.jinja_env.filters["date"] = lambda v, fmt=None: local_date(v, fmt or "medium")
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["words"] = word_list
    app.jinja_env.filters["time"] = clock_time
    app.jinja_env.globals["time_range"] = time_range
    app.jinja_env.globals["datetime_range"] = datetime_range
    app.jinja_env.globals["date_range"] = date_range
    app.jinja_env.globals["timezone_name"] = timezone_name

    @app.context_processor
    def inject_locale() -> dict:
        code = str(get_locale())
        return {
            "current_locale": code,
            "html_lang": HTML_LANG.get(code, "en"),
            "locale_labels": {c: LOCALE_LABELS[c] for c in supported_locales()},
        }
