"""Person names formatted by the rules of Unicode CLDR (UTS #35 part 8, "Person Names").

A name is a mapping of fields (title, given, given2, surname, surname2, generation,
credentials, and their "-informal", "-prefix", "-core" variants) plus the locale it is
written in. A pattern such as "{title} {given} {surname-allCaps}" says which fields a place
shows; `format_pattern` applies the spec's modifiers (informal, prefix, core, initial,
monogram, allCaps, initialCap), drops empty fields with the literals between them, and
swaps the given name in for a missing surname. `format_name` picks English's own patterns
(CLDR common/main/en.xml) for a length, usage and formality; the tests run CLDR's test data
(tests/fixtures/cldr_person_names) through it.

Pure functions, no Flask, no database: a primitive.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

# English (common/main/en.xml, personNames): initial and initialSequence.
INITIAL = "{0}."
INITIAL_SEQUENCE = "{0}{1}"

# Languages whose names are written surname first (CLDR's nameOrderLocales, and each
# language's own default: ja.xml, ko.xml, zh.xml, vi.xml, km.xml, hu.xml, mn.xml).
SURNAME_FIRST_LANGUAGES = frozenset({"ja", "ko", "zh", "yue", "vi", "km", "hu", "mn"})

# en.xml: personName[@order][@length][@usage][@formality]/namePattern.
_EN_GIVEN_FIRST = {
    ("long", "referring", "formal"): "{title} {given} {given2} {surname} {generation}, "
    "{credentials}",
    ("long", "referring", "informal"): "{given-informal} {surname}",
    ("long", "addressing", "formal"): "{title} {surname}",
    ("long", "addressing", "informal"): "{given-informal}",
    ("long", "monogram", "formal"): "{given-monogram-allCaps}{given2-monogram-allCaps}"
    "{surname-monogram-allCaps}",
    ("long", "monogram", "informal"): "{given-informal-monogram-allCaps}{surname-monogram-allCaps}",
    ("medium", "referring", "formal"): "{given} {given2-initial} {surname} {generation}, "
    "{credentials}",
    ("medium", "referring", "informal"): "{given-informal} {surname}",
    ("medium", "addressing", "formal"): "{title} {surname}",
    ("medium", "addressing", "informal"): "{given-informal}",
    ("medium", "monogram", "formal"): "{surname-monogram-allCaps}",
    ("medium", "monogram", "informal"): "{given-informal-monogram-allCaps}",
    ("short", "referring", "formal"): "{given-initial}{given2-initial} {surname}",
    ("short", "referring", "informal"): "{given-informal} {surname-initial}",
    ("short", "addressing", "formal"): "{title} {surname}",
    ("short", "addressing", "informal"): "{given-informal}",
    ("short", "monogram", "formal"): "{surname-monogram-allCaps}",
    ("short", "monogram", "informal"): "{given-informal-monogram-allCaps}",
}
_EN_SURNAME_FIRST = {
    ("long", "referring", "formal"): "{surname} {title} {given} {given2} {generation}, "
    "{credentials}",
    ("long", "referring", "informal"): "{surname} {given-informal}",
    ("long", "addressing", "formal"): "{title} {surname}",
    ("long", "addressing", "informal"): "{given-informal}",
    ("long", "monogram", "formal"): "{surname-monogram-allCaps}{given-monogram-allCaps}"
    "{given2-monogram-allCaps}",
    ("long", "monogram", "informal"): "{surname-monogram-allCaps}{given-informal-monogram-allCaps}",
    ("medium", "referring", "formal"): "{surname} {given} {given2-initial} {generation}, "
    "{credentials}",
    ("medium", "referring", "informal"): "{surname} {given-informal}",
    ("medium", "addressing", "formal"): "{title} {surname}",
    ("medium", "addressing", "informal"): "{given-informal}",
    ("medium", "monogram", "formal"): "{surname-monogram-allCaps}",
    ("medium", "monogram", "informal"): "{given-informal-monogram-allCaps}",
    ("short", "referring", "formal"): "{surname} {given-initial}{given2-initial}",
    ("short", "referring", "informal"): "{surname} {given-initial}",
    ("short", "addressing", "formal"): "{title} {surname}",
    ("short", "addressing", "informal"): "{given-informal}",
    ("short", "monogram", "formal"): "{surname-monogram-allCaps}",
    ("short", "monogram", "informal"): "{given-informal-monogram-allCaps}",
}
_EN_SORTING = {
    ("long", "formal"): "{surname-core}, {given} {given2} {surname-prefix}",
    ("long", "informal"): "{surname}, {given-informal}",
    ("medium", "formal"): "{surname-core}, {given} {given2-initial} {surname-prefix}",
    ("medium", "informal"): "{surname}, {given-informal}",
    ("short", "formal"): "{surname-core}, {given-initial}{given2-initial} {surname-prefix}",
    ("short", "informal"): "{surname}, {given-informal}",
}

_TOKEN = re.compile(r"\{([^{}]+)\}")
_SPACES = re.compile(r"(\s)\s+")


def language_order(name_locale: str) -> str:
    """'givenFirst' or 'surnameFirst': the customary order of names written in a locale."""
    language = re.split(r"[-_]", name_locale or "und")[0].lower()
    return "surnameFirst" if language in SURNAME_FIRST_LANGUAGES else "givenFirst"


def en_pattern(order: str, length: str, usage: str, formality: str) -> str:
    """English's pattern; `order` is givenFirst, surnameFirst or sorting."""
    if order == "sorting":
        return _EN_SORTING[(length, formality)]
    table = _EN_SURNAME_FIRST if order == "surnameFirst" else _EN_GIVEN_FIRST
    return table[(length, usage, formality)]


def format_name(
    fields: Mapping[str, str],
    name_locale: str = "und",
    *,
    options: str = "none",
    length: str = "medium",
    usage: str = "referring",
    formality: str = "formal",
) -> str:
    """The name formatted in English (en.xml) with the CLDR parameters: `options` 'none' or
    'sorting', `length` long/medium/short, `usage` referring/addressing/monogram, `formality`
    formal/informal. The order comes from the name's own locale."""
    order = "sorting" if options == "sorting" else language_order(name_locale)
    return format_pattern(en_pattern(order, length, usage, formality), fields)


def _grapheme(word: str) -> str:
    """The first letter of `word` with its combining marks."""
    if not word:
        return ""
    end = 1
    while end < len(word) and unicodedata.combining(word[end]):
        end += 1
    return word[:end]


def initials(value: str) -> str:
    """'Mary Sue' -> 'M.S.' (en: initial '{0}.', initialSequence '{0}{1}')."""
    result = ""
    for word in value.split():
        one = INITIAL.replace("{0}", _grapheme(word))
        result = INITIAL_SEQUENCE.replace("{0}", result).replace("{1}", one) if result else one
    return result


def _raw(fields: Mapping[str, str], name: str, modifiers: list[str]) -> str:
    def get(key: str) -> str:
        return (fields.get(key) or "").strip()

    if name == "surname":
        whole = get("surname") or " ".join(
            p for p in (get("surname-prefix"), get("surname-core")) if p
        )
    else:
        whole = get(name)
    if "prefix" in modifiers:
        return get(f"{name}-prefix")
    if "core" in modifiers:
        return get(f"{name}-core") or whole
    if "informal" in modifiers:
        return get(f"{name}-informal") or whole
    return whole


def field_value(fields: Mapping[str, str], spec: str) -> str:
    """The text of one pattern field, e.g. 'given-informal-monogram-allCaps'."""
    name, *modifiers = spec.split("-")
    value = _raw(fields, name, modifiers)
    if "initial" in modifiers:
        value = initials(value)
    if "monogram" in modifiers:
        value = _grapheme(value)
    if "allCaps" in modifiers:
        value = value.upper()
    if "initialCap" in modifiers:
        value = value[:1].upper() + value[1:]
    return value


class _Swapped(dict):
    """A name without a surname seen through a pattern that shows no given name in full:
    the given name stands in for the surname (UTS #35, "Handle missing surname")."""


def _swap_missing_surname(fields: Mapping[str, str], specs: list[str]) -> Mapping[str, str]:
    if _raw(fields, "surname", []):
        return fields
    given_specs = [s for s in specs if s.split("-")[0] == "given"]
    if any("initial" not in s.split("-")[1:] for s in given_specs):
        return fields
    swapped = _Swapped({k: v for k, v in fields.items() if not k.startswith("given")})
    for key, value in fields.items():
        if key == "given" or key.startswith("given-"):
            swapped["surname" + key[len("given") :]] = value
    swapped["surname-core"] = fields.get("given", "")
    return swapped


def _coalesce(first: str, second: str) -> str:
    if not first:
        return second
    if not second or first.endswith(second):
        return first
    return _SPACES.sub(r"\1", first + second)


def format_pattern(pattern: str, fields: Mapping[str, str]) -> str:
    """`pattern` filled from `fields`: empty fields are removed with the literals that would
    have joined them, adjacent literals coalesced (UTS #35, "Process a namePattern")."""
    tokens: list[tuple[bool, str]] = []
    position = 0
    for found in _TOKEN.finditer(pattern):
        if found.start() > position:
            tokens.append((False, pattern[position : found.start()]))
        tokens.append((True, found[1]))
        position = found.end()
    if position < len(pattern):
        tokens.append((False, pattern[position:]))
    fields = _swap_missing_surname(fields, [text for is_field, text in tokens if is_field])

    out = ""
    literal = ""
    any_field_before = False  # a field (empty or not) came before the literal pending
    last_field_filled = False
    for is_field, text in tokens:
        if not is_field:
            literal = _coalesce(literal, text)
            continue
        value = field_value(fields, text)
        if value:
            if out or not any_field_before:
                out += literal
            out += value
            literal = ""
        elif not out:
            literal = ""
        any_field_before = True
        last_field_filled = bool(value)
    if last_field_filled:
        out += literal
    return out.strip()
