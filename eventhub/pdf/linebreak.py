"""Lines broken as a protocol office expects."""

from __future__ import annotations

from eventhub.pdf import wordbreak
from eventhub.pdf.drawing import text_width
from eventhub.pdf.fonts import _is_cjk

# --- lines broken as a protocol office expects: Latin (and Thai, Lao...) words whole, a break
# only between words; Chinese between characters, but never before closing punctuation, after
# opening punctuation, or inside a Chinese name written with a middle dot ("本米·蓬马占").
CANNOT_START = set("，。、：；！？）》」』】〕〉”’…·,.:;!?)]}%")
CANNOT_END = set("（《「『【〔〈“‘([{")
NAME_DOT = "·"
# Spaces written to keep what they join on one line ("+86 851 8888 2025" on a badge's back).
NO_BREAK_SPACES = {"\u00a0", "\u202f", "\u2007"}
# Marks outside the CJK blocks that Chinese text uses; other punctuation ("H.E.", "Co.,")
# belongs to the Latin word it is written with.
_CJK_MARKS = set("·“”‘’…—")
_NAME_REACH = 4  # Han characters on each side of a name's dot kept with it


def _tokens(text: str) -> list[str]:
    """Spaces, whole words of non-CJK letters, and single CJK characters."""
    tokens: list[str] = []
    for char in text:
        if char.isspace() and char not in NO_BREAK_SPACES:
            kind = "space"
        elif _is_cjk(char) or char in _CJK_MARKS:
            kind = "single"
        else:
            kind = "word"
        if tokens and kind != "single" and _kind(tokens[-1]) == kind:
            tokens[-1] += char
        else:
            tokens.append(char)
    return tokens


def _kind(token: str) -> str:
    if token.isspace() and not any(char in NO_BREAK_SPACES for char in token):
        return "space"
    if len(token) == 1 and (_is_cjk(token) or token in _CJK_MARKS):
        return "single"
    return "word"


def _glued(tokens: list[str], i: int) -> bool:
    """Whether no line may break between tokens[i-1] and tokens[i] (no space between)."""
    before, after = tokens[i - 1], tokens[i]
    if after[0] in CANNOT_START or before[-1] in CANNOT_END:
        return True
    if _kind(before) == "word" and _kind(after) == "word":
        return True
    # Inside a Chinese name with a middle dot: the Han characters near the dot stay together.
    for j in range(max(0, i - _NAME_REACH), min(len(tokens), i + _NAME_REACH)):
        if tokens[j] == NAME_DOT:
            span = tokens[min(i, j + 1) - 1 : max(i, j) + 1]
            if all(len(t) == 1 and (_is_cjk(t) or t == NAME_DOT) for t in span):
                return True
    return False


def _dictionary_tokens(tokens: list[str]) -> tuple[list[str], set[int]]:
    """Words of Thai, Lao, Khmer or Burmese cut into dictionary words (wordbreak), and the
    indices of the tokens a line may start with although no space comes before them."""
    cut: list[str] = []
    soft: set[int] = set()
    for token in tokens:
        parts = wordbreak.pieces(token) if _kind(token) == "word" else [token]
        for number, part in enumerate(parts):
            if number:
                soft.add(len(cut))
            cut.append(part)
    return cut, soft


def break_lines(
    text: str, width: float, size: float, *, bold: bool = False, dictionary: bool = False
) -> list[str]:
    """The text cut into lines no wider than `width` at `size`, at the places a reader
    accepts: between words, between Chinese characters by the rules above. A word wider than
    the line stays whole on its own line (never cut into letters). `dictionary` (sentences,
    not names): Thai, Lao, Khmer and Burmese, written without spaces between words, may also
    break between their words."""
    tokens = _tokens(text)
    soft: set[int] = set()
    if dictionary:
        tokens, soft = _dictionary_tokens(tokens)
    # Units: what may not be split (a word with its punctuation, a glued Chinese name).
    units: list[str] = []
    for i, token in enumerate(tokens):
        if (
            units
            and i not in soft
            and _kind(token) != "space"
            and _kind(units[-1]) != "space"
            and _glued(tokens, i)
        ):
            units[-1] += token
        else:
            units.append(token)
    lines: list[str] = []
    line = ""
    for unit in units:
        if _kind(unit) == "space":
            if line:
                line += " "
            continue
        candidate = line + unit
        if line.strip() and text_width(candidate.rstrip(), size, bold=bold) > width:
            lines.append(line.rstrip())
            line = unit
        else:
            line = candidate
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def widest_word(text: str, size: float, *, bold: bool = False, dictionary: bool = False) -> float:
    """The width of the longest piece of the text that no line may break."""
    return max(
        (
            text_width(line, size, bold=bold)
            for line in break_lines(text, 0, size, bold=bold, dictionary=dictionary)
        ),
        default=0.0,
    )
