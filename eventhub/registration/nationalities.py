"""Countries as people write them in lists and forms: ISO codes, names in English, Chinese
and the region's own languages, and demonyms ("Thai", "Khmer", "Burmese", "ชาวไทย")."""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

import pycountry
from babel import Locale, UnknownLocaleError

# The languages a list from the region, or China, is written in. Tetum (tet) has no CLDR
# names; Timor-Leste's lists use Portuguese ones.
LANGUAGES = ("en", "zh", "zh_Hant", "th", "vi", "id", "ms", "fil", "lo", "km", "my", "pt", "tet")
# Demonyms and everyday names, for the region, China and the countries that send people most.
DEMONYMS = {
    "TH": ("thai", "siamese", "ประเทศไทย", "คนไทย", "ชาวไทย", "泰国人", "泰國人"),
    "KH": ("cambodian", "khmer", "kampuchea", "ខ្មែរ", "柬埔寨人"),
    "MM": ("burmese", "myanmar", "myanma", "burma", "မြန်မာ", "缅甸人", "緬甸人"),
    "LA": ("laotian", "lao", "laos", "lao pdr", "lao p d r", "ລາວ", "ຄົນລາວ", "老挝人", "寮國人"),
    "PH": ("filipino", "filipina", "philippine", "pilipino", "pilipinas", "菲律宾人", "菲律賓人"),
    "MY": ("malaysian", "malaysia", "马来西亚人", "馬來西亞人"),
    "VN": ("vietnamese", "vietnam", "viet nam", "người việt nam", "越南人"),
    "ID": ("indonesian", "orang indonesia", "印度尼西亚人", "印尼人", "印尼"),
    "SG": ("singaporean", "新加坡人"),
    "BN": ("bruneian", "brunei", "brunei darussalam", "文莱人", "汶萊人"),
    "TL": ("timorese", "east timorese", "east timor", "timor leste", "东帝汶人", "東帝汶人"),
    "CN": ("chinese", "prc", "p r china", "pr china", "中国人", "中國人", "中华人民共和国"),
    "HK": ("hong kong", "hongkonger", "香港人"),
    "MO": ("macau", "macanese", "澳门人"),
    "TW": ("taiwanese", "台湾人", "台灣人"),
    "JP": ("japanese", "日本人"),
    "KR": ("korean", "south korean", "korea", "south korea", "republic of korea", "韩国人"),
    "IN": ("indian", "印度人"),
    "BD": ("bangladeshi",),
    "PK": ("pakistani",),
    "LK": ("sri lankan",),
    "NP": ("nepalese", "nepali"),
    "MN": ("mongolian", "蒙古人"),
    "AU": ("australian", "澳大利亚人"),
    "NZ": ("new zealander",),
    "US": ("american", "usa", "u s a", "美国人"),
    "GB": ("british", "uk", "u k", "english", "英国人"),
    "FR": ("french", "法国人"),
    "DE": ("german", "德国人"),
    "RU": ("russian", "俄罗斯人"),
    "CA": ("canadian",),
    "IT": ("italian",),
    "ES": ("spanish",),
    "NL": ("dutch",),
    "CH": ("swiss",),
}
# CLDR territories that are not countries (regions, the EU, "unknown").
_NOT_COUNTRIES = re.compile(r"^(\d{3}|EU|EZ|UN|ZZ|QO|XA|XB|XK)$")


@lru_cache(maxsize=8192)  # a list repeats its countries, categories and diets
def _fold(text: str) -> str:
    """Compared without case, accents of Latin letters, punctuation or extra spaces; marks of
    other scripts (Thai vowels, Khmer signs) are kept, they are part of the word."""
    value = unicodedata.normalize("NFKC", text).casefold()
    decomposed = unicodedata.normalize("NFD", value)
    value = unicodedata.normalize(
        "NFC",
        "".join(
            ch
            for index, ch in enumerate(decomposed)
            # Drop a combining mark only after a Latin letter: "Việt Nam" = "viet nam".
            if not (unicodedata.category(ch) == "Mn" and index and decomposed[index - 1].isascii())
        ),
    )
    value = "".join(
        " " if unicodedata.category(ch)[0] in "PSZ" or ch in "_" else ch for ch in value
    )
    return " ".join(value.split())


def fold(text: object) -> str:
    """Compared without case, Latin accents, punctuation or extra spaces (see _fold)."""
    return _fold(str(text or ""))


@cache
def _names() -> dict[str, str]:
    found: dict[str, str] = {}
    for code, words in DEMONYMS.items():
        for word in words:
            found.setdefault(fold(word), code)
    for country in pycountry.countries:
        found.setdefault(fold(country.alpha_2), country.alpha_2)
        found.setdefault(fold(country.alpha_3), country.alpha_2)
        for attribute in ("name", "official_name", "common_name"):
            if getattr(country, attribute, None):
                found.setdefault(fold(getattr(country, attribute)), country.alpha_2)
    for language in LANGUAGES:
        try:
            territories = Locale.parse(language).territories
        except (UnknownLocaleError, ValueError):
            continue
        for code, name in territories.items():
            if _NOT_COUNTRIES.match(code):
                continue
            found.setdefault(fold(name), code)
            # "Myanmar (Burma)", "缅甸" and "Burma" alone too.
            for part in re.split(r"[()（）]", name):
                if fold(part):
                    found.setdefault(fold(part), code)
    return found


def country_code(text: object) -> str | None:
    """The ISO 3166 alpha-2 code of the country `text` names, or None."""
    key = fold(text)
    return _names().get(key) if key else None
