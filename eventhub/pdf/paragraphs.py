"""Paragraphs (platypus) of people's and organisations' text in any script."""

from __future__ import annotations

from eventhub.pdf.fonts import _is_cjk, line_height, markup, needs_shaping
from eventhub.pdf.linebreak import break_lines, widest_word


def paragraph(text: str, style, *, bold: bool = False, whole_words: bool = False):
    """A Paragraph of one person's or organisation's text in any script, shaped when its
    script needs it, with room for tall scripts (Myanmar, Khmer) between its lines.
    `whole_words` (names on ceremony documents): text without Chinese breaks only between
    words, a word is never cut into letters (give a width to `wrapped` for Chinese rules).
    Without it a word wider than the line is split, so a long address on a badge's back
    stays on the card."""
    from reportlab.lib.styles import ParagraphStyle

    changes = {"leading": max(style.leading, line_height(text, style.fontSize))}
    if whole_words and not any(_is_cjk(char) for char in text):
        changes["splitLongWords"] = 0
    return _paragraph(
        markup(text, bold=bold), text, ParagraphStyle("text", parent=style, **changes)
    )


def _paragraph(marked: str, text: str, style):
    """The Paragraph of `marked` (markup of `text`), shaped when the text needs it.
    reportlab's shaper fails on some words mixing fonts; such text is set unshaped rather than
    not at all."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    if not needs_shaping(text):
        return Paragraph(marked, style)
    shaped = Paragraph(marked, ParagraphStyle("shaped", parent=style, shaping=1))
    try:
        shaped.wrap(10_000, 10_000)  # shapes every word now, so a failure shows here
    except (AttributeError, KeyError):
        return Paragraph(marked, style)
    return shaped


def wrapped(text: str, style, width: float, *, bold: bool = False, smallest: float = 7.0):
    """A paragraph `width` wide of text mixing Latin and Chinese, broken by `break_lines`; when
    a single word is wider than the line, the size goes down to `smallest`, never below (the
    word then runs past the edge rather than being cut)."""
    from reportlab.lib.styles import ParagraphStyle

    size = style.fontSize
    widest = widest_word(text, 1, bold=bold)
    if widest * size > width:
        size = max(smallest, width / widest)
    leading = max(style.leading * size / style.fontSize, line_height(text, size))
    fitted = ParagraphStyle(
        "wrapped", parent=style, fontSize=size, leading=leading, splitLongWords=0
    )
    lines = break_lines(text, width - 0.5, size, bold=bold)
    return _paragraph("<br/>".join(markup(line, bold=bold) for line in lines), text, fitted)
