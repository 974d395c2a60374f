"""PDF text in every script the documents need, with reportlab.

`fonts` finds the fonts and splits text into runs by script, `drawing` shapes and draws a
line on a canvas, `linebreak` breaks lines where a reader accepts, `paragraphs` builds
platypus paragraphs, `documents` the documents themselves."""

from eventhub.pdf.documents import document, join_parts, numbered_canvas
from eventhub.pdf.drawing import draw_text, fit_lines, text_width
from eventhub.pdf.fonts import (
    DEFAULT_FONT_DIRS,
    FAUX_BOLD,
    FONTS,
    LINE_HEIGHTS,
    RIGHT_TO_LEFT,
    SCRIPT_BLOCKS,
    MissingFont,
    check_printable,
    find_font,
    line_height,
    register_fonts,
    script_runs,
    visual_runs,
)
from eventhub.pdf.linebreak import break_lines, widest_word
from eventhub.pdf.paragraphs import paragraph, wrapped
from eventhub.pdf.textblock import TextBlock

__all__ = [
    "DEFAULT_FONT_DIRS",
    "FAUX_BOLD",
    "FONTS",
    "LINE_HEIGHTS",
    "RIGHT_TO_LEFT",
    "SCRIPT_BLOCKS",
    "TextBlock",
    "MissingFont",
    "break_lines",
    "check_printable",
    "document",
    "draw_text",
    "find_font",
    "fit_lines",
    "join_parts",
    "line_height",
    "numbered_canvas",
    "paragraph",
    "register_fonts",
    "script_runs",
    "text_width",
    "visual_runs",
    "widest_word",
    "wrapped",
]
