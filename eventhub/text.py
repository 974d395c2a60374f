"""Text as people type it in any script of the region: normalised to store, folded to search.

Pure functions, no Flask: the migrations use them too.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Control and format characters other than the joiners that Indic-derived scripts need
# (ZWJ/ZWNJ occur in Khmer and Myanmar text).
_KEEP_FORMAT = {"\u200c", "\u200d"}


def clean(value: str | None) -> str:
    """NFC, no control characters, single spaces, trimmed: how a name is stored."""
    if not value:
        return ""
    value = unicodedata.normalize("NFC", value)
    value = "".join(
        ch
        for ch in value
        if ch in _KEEP_FORMAT
        or unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co"}
        or ch in "\t\n"
    )
    return _SPACES.sub(" ", value).strip()


def has_control_characters(value: str) -> bool:
    """True for invisible characters other than line breaks, tabs and script joiners."""
    return any(
        unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co"}
        and ch not in _KEEP_FORMAT
        and ch not in "\t\r\n"
        for ch in value
    )


def _is_latin(ch: str) -> bool:
    code = ord(ch)
    return code < 0x250 or 0x1E00 <= code <= 0x1EFF


def fold(value: str) -> str:
    """Lower case, and Latin letters without their diacritics ('Nguyễn' -> 'nguyen').

    Marks on Thai, Lao, Khmer or Myanmar letters are part of the letter and are kept.
    """
    decomposed = unicodedata.normalize("NFKD", clean(value))
    kept: list[str] = []
    base_latin = False
    for ch in decomposed:
        if unicodedata.combining(ch):
            if not base_latin:
                kept.append(ch)
            continue
        base_latin = _is_latin(ch)
        kept.append(ch)
    folded = unicodedata.normalize("NFC", "".join(kept)).casefold()
    return folded.replace("đ", "d").replace("ß", "ss")


def search_text(*parts: str | None) -> str:
    """What a participant is found by: every part folded, separated by spaces."""
    return " ".join(fold(part) for part in parts if part)


def holds_every_word(column, words: list[str]) -> list:
    """Conditions that a search_text `column` holds each of `words` (from `search_text`),
    each taken as typed: % and _ are letters here, not LIKE's wildcards."""
    return [column.contains(word, autoescape=True) for word in words]


def name_sort_key(family_name: str | None, given_name: str | None) -> str:
    """Where a person goes in a list sorted by name: by the name they are addressed by, the
    family name, or the only name of someone who has one (many people in Myanmar and
    Indonesia), then the given name; folded, so 'Đỗ' sorts as 'do' and case does not count.

    The space is below every letter, so 'LE Van' comes before 'LEE Min'. Compared byte by
    byte (a "C" collation on PostgreSQL, SQLite's default) so both databases agree."""
    addressed = fold(family_name or "") or fold(given_name or "")
    rest = fold(given_name or "") if family_name and fold(family_name) else ""
    return f"{addressed} {rest}".strip()[:250]


# What a spreadsheet reads as the start of a formula in a CSV cell.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (CSV only:
    a workbook's text cells are never formulas)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


# A time of day as people type it: 14:30, 9:30 or 0930 (static/js/grid.js reads the same).
_CLOCK = re.compile(r"^(\d{1,2}):?(\d{2})$")


def parse_clock(value: str | None) -> tuple[int, int] | None:
    """'14:30', '9:30', '0930' -> (hour, minute); anything else (24:00, 9.30, 930am) None."""
    found = _CLOCK.match((value or "").strip())
    if not found or int(found[1]) > 23 or int(found[2]) > 59:
        return None
    return int(found[1]), int(found[2])
