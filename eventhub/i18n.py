"""Language and time-zone selection, and the template helpers that show dates and names."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Mapping
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from flask import Flask, g, has_app_context, has_request_context, request, session
from flask_babel import format_date, format_decimal, format_time, get_locale
from flask_login import current_user

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
    language = _LOCALE_ALIASES.get(language, language)
    for supported in _configured_locales():
        if supported.lower() == language or supported.split("_")[0] == language:
            return supported
    return None


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
# `lookup(locale, kind)` -> {(object id, field): text}, called once per request and kind.
TranslationLookup = Callable[[str, str], Mapping[tuple[int, str], str]]
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
    loaded = g.setdefault("_content_translations", {})
    texts = loaded.get((locale, kind))
    if texts is None:
        texts = loaded[(locale, kind)] = _translation_lookup(locale, kind)
    return texts.get((object_id, field), "")


def localized_text(kind: str, object_id: Any, field: str, english: str, chinese: str = "") -> str:
    """An organiser's text in the reader's language: `chinese` for Chinese readers, the
    stored translation for the other languages, else `english`, never empty when English
    exists. For texts read as plain columns (a gate's checkpoint name at a scan)."""
    locale = str(get_locale())
    if locale.startswith("zh"):
        return chinese or english or ""
    if locale != "en" and english:
        return _stored_translation(locale, kind, object_id, field) or english
    return english or ""


def object_key(obj: object) -> Any:
    """How stored translations know a row: its id, or its event's for a table of one row
    per event (an event's certificate or badge settings)."""
    key = getattr(obj, "id", None)
    return key if key is not None else getattr(obj, "event_id", None)


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


def localized_pair(english: str, chinese: str) -> str:
    """`chinese` for a Chinese reader when there is one, else `english`: `localized` for
    names read as plain columns that no organiser translates (a holder's delegation). A
    translated text read as columns goes through `localized_text`."""
    if chinese and str(get_locale()).startswith("zh"):
        return chinese
    return english or ""


def date_range(start: date, end: date) -> str:
    """'24–27 July 2025' / '2025年7月24日至27日' style, via CLDR interval formats."""
    from babel.dates import format_interval

    return format_interval(start, end, skeleton="yMMMd", locale=get_locale())


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
    return format_date(value, "medium") if value else ""


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
    return _joined(width, format_date(value, width), moment)


def zoned_datetime(value: datetime, zone: str, width: str = "medium") -> str:
    """`value` on `zone`'s clock ('Jul 24, 2025, 10:00'), whatever zone the request looks
    at: for a document made about one event (the zone is named once, by its caller)."""
    from babel.dates import format_date as babel_date
    from babel.dates import format_time as babel_time

    locale = get_locale()
    local = value.astimezone(ZoneInfo(zone))
    return _joined(
        width,
        babel_date(local.date(), width, locale=locale),
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
    return _joined(width, format_date(start, width), times)


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["localized"] = localized
    app.jinja_env.filters["country"] = country_name
    # One way per kind: `|date` is the locale's medium form (a heading may still ask for a
    # day written in full, `|date('full')`), `|time` the one way of `clock_time`.
    # `|datetime('full')` widens the date only: the time stays the one way, without a zone.
    app.jinja_env.filters["datetime"] = lambda v, fmt="medium": datetime_text(v, fmt)
    app.jinja_env.filters["date"] = lambda v, fmt=None: (
        format_date(v, fmt) if v and fmt else medium_date(v)
    )
    app.jinja_env.filters["number"] = format_decimal
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
