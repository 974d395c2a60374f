"""Blocks of people's and organisations' text for platypus documents, in any script: every
one a TextBlock, drawn through `draw_text` like badges and certificates (one shaping path)."""

from __future__ import annotations

from eventhub.pdf.linebreak import widest_word
from eventhub.pdf.textblock import TextBlock


def paragraph(
    text: str, style, *, bold: bool = False, whole_words: bool = False, prose: bool = False
) -> TextBlock:
    """A block of one person's or organisation's text in `style`'s size, leading, alignment
    and colour, with room for tall scripts (Myanmar, Khmer) between its lines.
    `whole_words` (names on ceremony documents): a word is never cut into letters (it is
    narrowed if wider than the line). Without it a word wider than the line is cut, so a long
    address on a badge's back stays on the card. `prose` (translated sentences, never names):
    Thai, Lao, Khmer and Burmese lines break between dictionary words (wordbreak)."""
    return TextBlock.from_style(
        text, style, bold=bold, whole_words=whole_words or prose, dictionary=prose
    )


def wrapped(
    text: str, style, width: float, *, bold: bool = False, smallest: float = 7.0
) -> TextBlock:
    """A block `width` wide of text mixing Latin and Chinese, broken by `break_lines`; when a
    single word is wider than the line, the size goes down to `smallest`, never below (the
    word is then narrowed rather than cut)."""
    size = style.fontSize
    widest = widest_word(text, 1, bold=bold)
    if widest * size > width:
        size = max(smallest, width / widest)
    block = TextBlock.from_style(text, style, bold=bold, whole_words=True)
    block.size = size
    block.leading = max(
        style.leading * size / style.fontSize, block.leading * size / style.fontSize
    )
    return block
