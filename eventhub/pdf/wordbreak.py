"""Where a line may break inside text written without spaces between words: Thai, Lao,
Khmer and Burmese sentences (a translated page, not a name). ICU's line breaker knows those
languages' words by dictionary; it is the system's libicu (Debian's libicu72), called
through ctypes. Without it, a break is allowed between letter clusters (never before a mark
or after a joiner, never after a Thai or Lao vowel written before its consonant)."""

from __future__ import annotations

import ctypes
import ctypes.util
import re
import unicodedata
from functools import lru_cache

# Scripts written without spaces between words, by Unicode block.
UNSPACED = [(0x0E00, 0x0EFF), (0x1780, 0x17FF), (0x19E0, 0x19FF), (0x1000, 0x109F)]
_JOINERS = "\u17d2\u1039\u200d"  # Khmer coeng, Myanmar virama, ZWJ: bind the next letter
_LEADING_VOWELS = set("เแโใไເແໂໃໄ")  # written before the consonant they follow in speech
_UBRK_LINE = 2
_UBRK_DONE = -1


def unspaced(text: str) -> bool:
    return any(first <= ord(char) <= last for char in text for first, last in UNSPACED)


@lru_cache(maxsize=1)
def _icu():
    """libicuuc's break iterator functions, or None when the library is not there. Its
    symbols carry the ICU version ('ubrk_open_72') unless it was built without."""
    path = ctypes.util.find_library("icuuc")
    if not path:
        return None
    try:
        lib = ctypes.CDLL(path)
    except OSError:
        return None
    version = re.search(r"\.so\.(\d+)", path)
    for suffix in ([f"_{version.group(1)}"] if version else []) + [""]:
        try:
            functions = {
                name: getattr(lib, f"ubrk_{name}{suffix}")
                for name in ("open", "first", "next", "close")
            }
        except AttributeError:
            continue
        functions["open"].restype = ctypes.c_void_p
        functions["open"].argtypes = [
            ctypes.c_int,
            ctypes.c_char_p,
            ctypes.c_void_p,
            ctypes.c_int32,
            ctypes.POINTER(ctypes.c_int),
        ]
        for name in ("first", "next"):
            functions[name].restype = ctypes.c_int32
            functions[name].argtypes = [ctypes.c_void_p]
        functions["close"].restype = None
        functions["close"].argtypes = [ctypes.c_void_p]
        return functions
    return None


def _icu_breaks(text: str) -> list[int] | None:
    """ICU's line break opportunities inside `text`, as indices of the Python string."""
    icu = _icu()
    if icu is None:
        return None
    encoded = text.encode("utf-16-le")
    buffer = ctypes.create_string_buffer(encoded, len(encoded) + 2)
    status = ctypes.c_int(0)
    iterator = icu["open"](_UBRK_LINE, b"", buffer, len(encoded) // 2, ctypes.byref(status))
    if not iterator or status.value > 0:  # an ICU error code is positive
        return None
    # UTF-16 offsets back to string indices (characters beyond the BMP count two units).
    index_of, units = {}, 0
    for index, char in enumerate(text):
        index_of[units] = index
        units += 2 if ord(char) > 0xFFFF else 1
    breaks = []
    try:
        icu["first"](iterator)
        while (offset := icu["next"](iterator)) != _UBRK_DONE:
            if 0 < offset < units and offset in index_of:
                breaks.append(index_of[offset])
    finally:
        icu["close"](iterator)
    return breaks


def _cluster_breaks(text: str) -> list[int]:
    return [
        index
        for index in range(1, len(text))
        if not unicodedata.category(text[index]).startswith("M")
        and text[index] not in _JOINERS
        and text[index - 1] not in _JOINERS
        and text[index - 1] not in _LEADING_VOWELS
    ]


def pieces(word: str) -> list[str]:
    """`word` (no spaces in it) cut where a line may break; whole when it holds no letter of
    a script written without spaces."""
    if not unspaced(word):
        return [word]
    breaks = _icu_breaks(word)
    if breaks is None:
        breaks = _cluster_breaks(word)
    bounds = [0, *breaks, len(word)]
    return [word[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
