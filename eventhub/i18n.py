"""Language and time-zone selection, and the template helpers that show dates and names."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from datetime import date, datetime, time
from typing import Any

from babel import Locale
from flask import Flask, g, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_decimal, format_time, get_locale
from flask_login import current_user

# Shown in the language switch in their own language, so anyone can find theirs.
LOCALE_LABELS = {"en": "English", "zh_Hans": "简体中文"}
HTML_LANG = {"en": "en", "zh_Hans": "zh-Hans"}


def supported_locales() -> list[str]:
    from flask import current_app

    return list(current_app.config["EVENTHUB_LOCALES"])


def normalise_locale(code: str | None) -> str | None:
    """Map what browsers and people send (zh-CN, zh_hans, EN) to a supported locale."""
    if not code:
        return None
    lowered = code.replace("-", "_").lower()
    if lowered.startswith("zh"):
        # Traditional Chinese readers still read Simplified better than English.
        return "zh_Hans"
    if lowered.startswith("en"):
        return "en"
    return None


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


def localized(obj: object, field: str) -> str:
    """`obj.<field>_zh` in Chinese when it has one, else the English: `obj.<field>_en`, or
    `obj.<field>` for a text whose English field has no suffix (an event's venue address)."""
    if str(get_locale()).startswith("zh"):
        value = getattr(obj, f"{field}_zh", None)
        if value:
            return value
    english = getattr(obj, f"{field}_en", None)
    if english is None:
        english = getattr(obj, field, "")
    return english or ""


def localized_pair(english: str, chinese: str) -> str:
    """`chinese` for a Chinese reader when there is one, else `english`: `localized` for
    names read as plain columns (a gate's checkpoint, a holder's delegation)."""
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


def medium_date(value: date | None) -> str:
    """A calendar date as the reader's language writes it in full text ('Jul 24, 2025',
    '2025年7月24日'): never the short numeric form, read differently across the world."""
    return format_date(value, "medium") if value else ""


def medium_datetime(value: datetime | None) -> str:
    """A moment on the clock of the zone being looked at: the medium date and a 24-hour
    time ('Jul 24, 2025, 18:00'), joined as the reader's language joins them."""
    if not value:
        return ""
    pattern = get_locale().datetime_formats.get("medium", "{1} {0}")
    return str(pattern).format(format_time(value, "HH:mm"), format_date(value, "medium"))


def clock_time(value: time | datetime | None) -> str:
    """A 24-hour time: the programmes of international meetings use it."""
    return format_time(value, "HH:mm") if value else ""


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["localized"] = localized
    app.jinja_env.filters["country"] = country_name
    # One way per kind: `|datetime` and `|date` are the locale's medium forms; a heading
    # may still ask for a day written in full (`|date('full')`).
    app.jinja_env.filters["datetime"] = lambda v, fmt=None: (
        format_datetime(v, fmt) if v and fmt else medium_datetime(v)
    )
    app.jinja_env.filters["date"] = lambda v, fmt=None: (
        format_date(v, fmt) if v and fmt else medium_date(v)
    )
    app.jinja_env.filters["number"] = format_decimal
    app.jinja_env.filters["time"] = lambda v, fmt=None: (
        format_time(v, fmt) if v and fmt else clock_time(v)
    )
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
