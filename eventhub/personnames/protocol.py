"""How each place of the app shows a person's name, by the region's customs.

A person is any object (or mapping) with family_name, given_name, patronymic, style,
honorific, name_order, country_code, native_name and name_zh. Names are laid out with CLDR
patterns (eventhub.personnames.cldr), plus one field of our own, {patronymic} ("binti
Abdullah", "a/l Muthusamy"): part of the full name, never a family name.

- Order: 'given' (Thai, Lao, Malay, Indonesian, Filipino...) or 'family' (Chinese,
  Vietnamese, Khmer...): the person's own, else their country's custom.
- The family name is in capitals where a reader must tell it apart (badge, tent card, list,
  certificate, MC script): 'YANG Ming', 'Somchai JAIDEE'; not in prose ('Dear Dr. Yang').
- Style (H.E., Tan Sri, Dato', Yang Mulia, Lok Chumteav, Pehin) comes before the honorific
  (Dr., Prof.), both before the name, never with the position.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from eventhub.personnames.cldr import format_pattern

BADGE = "badge"
TENT_CARD = "tent_card"
LIST = "list"
LETTER = "letter"
MC_SCRIPT = "mc_script"
CERTIFICATE = "certificate"
SALUTATION = "salutation"
SORTING = "sorting"
NAME = "name"  # the name alone, no title: what `Participant.latin_name` returns
PASSPORT = "passport"
PLACES = (
    BADGE,
    TENT_CARD,
    LIST,
    LETTER,
    MC_SCRIPT,
    CERTIFICATE,
    SALUTATION,
    SORTING,
    NAME,
    PASSPORT,
)

GIVEN_FIRST = "given"
FAMILY_FIRST = "family"
ORDERS = (GIVEN_FIRST, FAMILY_FIRST)
# Countries whose names are customarily written family name first.
FAMILY_FIRST_COUNTRIES = frozenset({"CN", "TW", "HK", "MO", "VN", "KH", "JP", "KR", "KP", "MN"})
# Countries where a person is addressed by the given name, even formally ("Dr. Somchai").
ADDRESSED_BY_GIVEN = frozenset({"TH", "LA"})

# Styles of address that rank before any honorific, longest first so "Dato' Seri" wins over
# "Dato'". Compared without case and without the apostrophe's form.
STYLES = (
    "Yang Amat Berhormat",
    "Yang Berhormat",
    "Yang Amat Mulia",
    "Yang Mulia",
    "Yang Berbahagia",
    "Samdech",
    "Lok Chumteav",
    "Neak Oknha",
    "Oknha",
    "Excellency",
    "His Excellency",
    "Her Excellency",
    "H.E.",
    "HE",
    "Hon.",
    "Honourable",
    "Tan Sri",
    "Puan Sri",
    "Toh Puan",
    "Tun",
    "Dato' Sri",
    "Dato' Seri",
    "Datuk Seri",
    "Dato'",
    "Datuk",
    "Datin Paduka",
    "Datin",
    "Pehin",
    "Pengiran Anak",
    "Pengiran",
    "Khunying",
    "Thanpuying",
    "Bapak",
    "Ibu",
)
_STYLE_KEYS = sorted(STYLES, key=len, reverse=True)

# Links that begin a patronymic ("bin Hassan", "binti Abdullah", "a/l Muthusamy"), and the
# countries whose custom they are: elsewhere the same words are a family name (Bin Laden) or
# a title (Anak Agung, Bali), never split off.
_MALAY = frozenset({"MY", "BN", "SG", "ID"})
_TAMIL_MALAYSIAN = frozenset({"MY", "SG"})
PATRONYMIC_LINKS = {
    "binti": _MALAY,
    "bin": _MALAY,
    "bte": _MALAY,
    "bt": _MALAY,
    "a/l": _TAMIL_MALAYSIAN,
    "a/p": _TAMIL_MALAYSIAN,
    "s/o": _TAMIL_MALAYSIAN,
    "d/o": _TAMIL_MALAYSIAN,
    "anak": frozenset({"MY"}),  # Iban and other Sarawak names
}
_LINK = "|".join(re.escape(link) for link in PATRONYMIC_LINKS)
_PATRONYMIC_FAMILY = re.compile(rf"^({_LINK})\s+(.+)$", re.IGNORECASE)
_PATRONYMIC_END = re.compile(rf"^(.+?)\s+({_LINK})$", re.IGNORECASE)
# Words kept lower case inside a name written in prose.
_PARTICLES = frozenset({*PATRONYMIC_LINKS, "de", "del", "dela", "la", "los", "van", "von", "da"})


def _get(person: Any, name: str) -> str:
    value = person.get(name) if isinstance(person, Mapping) else getattr(person, name, "")
    return (value or "").strip() if isinstance(value, str) or value is None else str(value)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'").replace("`", "'")).strip().casefold()


def split_title(text: str) -> tuple[str, str]:
    """'Tan Sri Dr.' -> ('Tan Sri', 'Dr.'); 'Prof. Dato'' -> ('Dato'', 'Prof.'): the style(s)
    of address apart from the honorific, each as typed."""
    words = (text or "").split()
    styles: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(words):
        for style in _STYLE_KEYS:
            size = len(style.split())
            if _norm(" ".join(words[index : index + size])) == _norm(style):
                styles.append(" ".join(words[index : index + size]))
                index += size
                break
        else:
            rest.append(words[index])
            index += 1
    return " ".join(styles), " ".join(rest)


def _title_case(text: str) -> str:
    """'HAJI OSMAN' -> 'Haji Osman': a name typed in capitals, written as in prose."""
    words = []
    for i, word in enumerate(text.split()):
        lower = word.lower()
        if i and lower in _PARTICLES:
            words.append(lower)
        elif word.isupper() or word.islower():
            words.append("-".join(part[:1].upper() + part[1:].lower() for part in word.split("-")))
        else:
            words.append(word)
    return " ".join(words)


def split_patronymic(family: str, given: str, country_code: str | None) -> tuple[str, str, str]:
    """(family, given, patronymic) from names entered as "FAMILY Given": a family name
    "BINTI ABDULLAH" or a given name ending in "bin" is a patronymic, not a family name, where
    that is the custom of the person's country (PATRONYMIC_LINKS); otherwise unchanged."""
    family, given = (family or "").strip(), (given or "").strip()
    country = (country_code or "").upper()

    def customary(link: str) -> bool:
        return country in PATRONYMIC_LINKS[link.lower()]

    found = _PATRONYMIC_FAMILY.match(family)
    if found and customary(found[1]):
        return "", given, f"{found[1].lower()} {_title_case(found[2])}"
    found = _PATRONYMIC_END.match(given)
    if found and family and customary(found[2]):
        return "", found[1], f"{found[2].lower()} {_title_case(family)}"
    return family, given, ""


def legacy_parts(family: str, given: str, honorific: str, country_code: str | None) -> dict:
    """A name written the old way ("FAMILY Given", one honorific "Tan Sri Dr.") in the
    model's parts: family_name, given_name, patronymic, style, honorific. The order is not
    among them: left empty, it follows the country's custom (order_of)."""
    family, given, patronymic = split_patronymic(family, given, country_code)
    style, rest = split_title(honorific or "")
    return {
        "family_name": family,
        "given_name": given,
        "patronymic": patronymic,
        "style": style,
        "honorific": rest,
    }


def customary_order(country_code: str | None) -> str:
    """'family' for the countries that write the family name first, else 'given'."""
    return FAMILY_FIRST if (country_code or "").upper() in FAMILY_FIRST_COUNTRIES else GIVEN_FIRST


def order_of(person: Any) -> str:
    order = _get(person, "name_order")
    return order if order in ORDERS else customary_order(_get(person, "country_code"))


def addressed_by_given(person: Any) -> bool:
    """True when "Dear Dr. …" takes the given name: Thai and Lao custom, and anyone without
    a family name (one name, or a Malay name with a patronymic)."""
    return not _get(person, "family_name") or _get(person, "country_code") in ADDRESSED_BY_GIVEN


def title_of(person: Any) -> str:
    """'Tan Sri Dr.': the style, then the honorific."""
    return " ".join(p for p in (_get(person, "style"), _get(person, "honorific")) if p)


def _fields(person: Any, *, capitals: bool) -> dict[str, str]:
    family = _get(person, "family_name")
    given = _get(person, "given_name")
    if not capitals:
        family = _title_case(family) if family.isupper() else family
    return {
        "title": title_of(person),
        "given": given,
        "surname": family,
        "patronymic": _get(person, "patronymic"),
    }


# Our patterns, in CLDR's syntax, per order; {patronymic} is ours.
_REFERRING = {
    GIVEN_FIRST: "{title} {given} {patronymic} {surname}",
    FAMILY_FIRST: "{title} {surname} {given} {patronymic}",
}
_SHOUTED = {
    GIVEN_FIRST: "{title} {given} {patronymic} {surname-allCaps}",
    FAMILY_FIRST: "{title} {surname-allCaps} {given} {patronymic}",
}


def _without_title(pattern: str) -> str:
    return pattern.replace("{title} ", "")


def mrz_name(person: Any) -> str:
    """The name as a passport's machine-readable zone prints it: family name(s) first,
    letters A–Z only ('NGUYEN VAN MINH', 'NURUL HUDA BINTI ABDULLAH')."""
    family = _get(person, "family_name")
    rest = " ".join(p for p in (_get(person, "given_name"), _get(person, "patronymic")) if p)
    return to_mrz(" ".join(p for p in (family, rest) if p))


def to_mrz(text: str) -> str:
    """Diacritics folded, capitals, anything but A–Z a space ('Đỗ Thị' -> 'DO THI')."""
    text = (text or "").replace("Đ", "D").replace("đ", "d").replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()
    plain = plain.replace("'", "").replace("’", "")
    return " ".join(re.sub(r"[^A-Z]+", " ", plain).split())


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return kept.replace("Đ", "D").replace("đ", "d").casefold()


def sort_key(person: Any) -> str:
    """Where a person goes in a list sorted by name: by the name they are known by (the
    family name, or the given name when they have none), then the rest; folded, so 'Đỗ'
    sorts as 'do'. The space is below every letter, so 'LE Van' comes before 'LEE Min'."""
    family = _fold(_get(person, "family_name"))
    given = _fold(_get(person, "given_name"))
    patronymic = _fold(_get(person, "patronymic"))
    first = family or given
    rest = [given] if family else []
    rest.append(patronymic)
    return " ".join(p for p in (first, *rest) if p)[:250]


def _chinese(person: Any) -> str:
    zh = _get(person, "name_zh")
    if zh:
        return zh
    native = _get(person, "native_name")
    return native if re.search(r"[\u3400-\u9fff\U00020000-\U0002ffff]", native) else ""


def display(person: Any, place: str = NAME, locale: str = "en") -> str:
    """The name of `person` as `place` shows it (one of PLACES), for a reader of `locale`.

    badge, tent card, list, certificate, MC script: 'Tan Sri Dr. Ahmad bin Hassan',
    'Dr. YANG Ming', 'Somchai JAIDEE'; letter: the same in prose case; salutation: 'Dr.
    Nurul Huda', 'Dr. Yang', 'Dr. Somchai' (the full name when there is no title); sorting:
    the sort key; passport: the MRZ form. A Chinese reader (locale zh) gets the name in
    Chinese where there is one, on every place but the passport and sorting."""
    if place not in PLACES:
        raise ValueError(f"unknown place {place!r}")
    if place == SORTING:
        return sort_key(person)
    if place == PASSPORT:
        return _get(person, "passport_name") or mrz_name(person)
    if (locale or "").startswith("zh") and place != NAME:
        chinese = _chinese(person)
        if chinese:
            return chinese
    order = order_of(person)
    if place == SALUTATION:
        fields = _fields(person, capitals=False)
        if not fields["title"]:
            return format_pattern(_without_title(_REFERRING[order]), fields)
        if addressed_by_given(person):
            return format_pattern("{title} {given}", fields)
        return format_pattern("{title} {surname}", fields)
    if place == LETTER:
        return format_pattern(_REFERRING[order], _fields(person, capitals=False))
    fields = _fields(person, capitals=True)
    if place == NAME:
        return format_pattern(_without_title(_SHOUTED[order]), fields)
    return format_pattern(_SHOUTED[order], fields)
