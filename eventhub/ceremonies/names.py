"""People as a ceremony's documents name them: in English, in Chinese (a foreign name's
Chinese rendering, the title in Chinese, the honorific after the name), and in Latin letters
that a line breaks only between words."""

from __future__ import annotations

import re

from eventhub.personnames import protocol
from eventhub.registration.models import Participant
from eventhub.registration.validation import HAN

# Said after the name in Chinese ("王建华教授", "通伦·西苏里阁下"); the first that applies.
_HONORIFICS_ZH = (
    (re.compile(r"\bH\.?\s?E\b\.?|excellency", re.IGNORECASE), "阁下"),
    (re.compile(r"\bassoc(iate)?\.?\s+prof", re.IGNORECASE), "副教授"),
    (re.compile(r"\b(asst|assistant)\.?\s+prof", re.IGNORECASE), "助理教授"),
    (re.compile(r"\bprof", re.IGNORECASE), "教授"),
    (re.compile(r"\bdr\b", re.IGNORECASE), "博士"),
    (re.compile(r"\bmr\b", re.IGNORECASE), "先生"),
    (re.compile(r"\b(ms|mrs|miss|madam|madame)\b", re.IGNORECASE), "女士"),
)


def has_han(text: str) -> bool:
    return bool(text and HAN.search(text))


def unbroken(text: str) -> str:
    """The name with single spaces: documents break a long name between its words, never
    inside one ('PHO' / 'MMACHANH'), see eventhub.pdf.break_lines."""
    return " ".join(text.split())


def title(person: Participant) -> str:
    """'Tan Sri Dr.': a registration's style and honorific (eventhub.personnames), or the
    title a signed record copied."""
    return person.full_title if isinstance(person, Participant) else person.honorific


def latin(person: Participant, place: str = protocol.LIST) -> str:
    """'Prof. Bounthavy PHOMMACHANH', 'Tan Sri Dr. Ahmad bin Hassan' as `place` shows it
    (the formatter's TENT_CARD, MC_SCRIPT, LETTER...; a signed record's Person answers
    alike), broken, if at all, only between its words: the title before the name, never
    with the position."""
    return unbroken(person.name(place))


def chinese_name(person: Participant) -> str:
    """The name as read in Chinese: its Chinese rendering, a name written in Chinese, or
    else the Latin name, set apart by spaces."""
    if person.name_zh:
        return person.name_zh
    if has_han(person.native_name):
        return person.native_name
    return f" {unbroken(person.latin_name)} "


def chinese_honorific(person: Participant) -> str:
    for pattern, said in _HONORIFICS_ZH:
        if pattern.search(title(person) or ""):
            return said
    return ""


def chinese_title(person: Participant) -> str:
    """The position in Chinese, or '' when there is none written in Chinese."""
    if person.position_zh:
        return person.position_zh
    return person.position if has_han(person.position) else ""


def in_chinese(person: Participant) -> str:
    """'通伦·西苏里阁下': the name and the honorific as said in Chinese (a Latin name keeps
    its spaces around it; `tidy` the sentence it goes in)."""
    return chinese_name(person) + chinese_honorific(person)


_SPACES = re.compile(r" {2,}")
_BEFORE_PUNCTUATION = re.compile(r" +(?=[，。、：；！？》）」])")
_AFTER_PUNCTUATION = re.compile(r"(?<=[，。、：；！？《（「]) +")


def tidy(sentence: str) -> str:
    """A Chinese sentence with one space at most between words, none next to full-width
    punctuation (it carries its own space: "见证人：CHHIM Sreypov")."""
    sentence = _BEFORE_PUNCTUATION.sub("", _SPACES.sub(" ", sentence))
    return _AFTER_PUNCTUATION.sub("", sentence).strip()


# The language a country's party keeps its original in (ISO 639, as agreements list them).
COUNTRY_LANGUAGES = {
    "CN": "zh",
    "TW": "zh",
    "HK": "zh",
    "MO": "zh",
    "LA": "lo",
    "TH": "th",
    "KH": "km",
    "MM": "my",
    "VN": "vi",
    "ID": "id",
    "MY": "ms",
    "BN": "ms",
    "PH": "fil",
}
# How a cover sheet names the language of its original.
LANGUAGE_NAMES = {
    "en": "English 英文",
    "zh": "中文 Chinese",
    "lo": "ພາສາລາວ Lao 老挝文",
    "th": "ภาษาไทย Thai 泰文",
    "km": "ភាសាខ្មែរ Khmer 柬埔寨文",
    "my": "မြန်မာဘာသာ Burmese 缅甸文",
    "vi": "Tiếng Việt Vietnamese 越南文",
    "id": "Bahasa Indonesia 印尼文",
    "ms": "Bahasa Melayu Malay 马来文",
    "fil": "Filipino 菲律宾文",
}


def original_language(languages: list[str], prevailing: str, country_code: str) -> str:
    """The language of the original a party keeps: its own when the agreement has a version
    in it, else the prevailing one."""
    own = COUNTRY_LANGUAGES.get(country_code, "en")
    return own if own in languages else (prevailing or "en")


def title_in(person: Participant, language: str) -> str:
    """The person's title in `language`: the Chinese one on a Chinese original; the title as
    entered on any other (English, or the person's own language)."""
    if language == "zh":
        return chinese_title(person) or person.position
    if person.position_zh and not person.position:
        return person.position_zh
    return person.position


def names_in(person: Participant, language: str) -> list[str]:
    """['Prof. PHOMMACHANH Bounthavy', its Chinese rendering on a Chinese original, the name in
    its own script]: one line each (a line mixing scripts is not shaped right)."""
    parts = [latin(person)]
    said = chinese_name(person).strip()
    if language == "zh" and said != unbroken(person.latin_name):
        parts.append(said)
    parts.append(person.native_name)
    return list(dict.fromkeys(part for part in parts if part))
