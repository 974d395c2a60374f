"""A block of people's or organisations' text for platypus documents, drawn through the same
path as badges and certificates: lines broken by `break_lines`, each line split into runs of
one script and drawn with `draw_text`. reportlab's Paragraph shapes a whole word with its
first font, so a word mixing scripts ("ឈឹម ស្រីពៅ(CHHIM)") prints boxes there; here it cannot.

The block keeps its measurements (its lines, the widest line against the width it was given,
whether a line had to be narrowed), so a test or a print preview can check it fits."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.platypus import Flowable

from eventhub.pdf.drawing import draw_text, text_width
from eventhub.pdf.fonts import check_printable, line_height
from eventhub.pdf.linebreak import break_lines, widest_word

_JOINERS = "\u17d2\u1039\u200d"  # Khmer coeng, Myanmar virama, ZWJ: bind the next letter
_ALIGN = {0: "left", 1: "centre", 2: "right", 4: "left"}
# Where the baseline sits in a line, from its top: the line's middle, less the part of an em
# above the middle of Latin capitals (marks above and below then have the same room).
_BASELINE = 0.3


class TextBlock(Flowable):
    """Text in lines no wider than the frame, in every script; `whole_words`: a word wider
    than the line is narrowed (horizontal scale), never cut; otherwise it is cut between
    letters (an address on a badge's back). `on_draw`, when set on the class, is called with
    each block and the page boxes of its lines as they are drawn (tests, previews)."""

    on_draw = None

    def __init__(
        self,
        text: str,
        size: float,
        *,
        bold: bool = False,
        align: str = "left",
        leading: float | None = None,
        colour=colors.black,
        whole_words: bool = True,
        space_before: float = 0,
        space_after: float = 0,
        dictionary: bool = False,
    ):
        super().__init__()
        check_printable(text)
        self.text = text
        self.size = size
        self.bold = bold
        self.align = align
        self.leading = max(leading or 0, line_height(text, size))
        self.colour = colour
        self.whole_words = whole_words
        self.dictionary = dictionary  # sentences: unspaced scripts break between words
        self.spaceBefore = space_before
        self.spaceAfter = space_after
        self.lines: list[str] = []
        self.available = 0.0
        self._given: list[str] | None = None

    @classmethod
    def from_style(
        cls,
        text: str,
        style,
        *,
        bold: bool = False,
        whole_words: bool = True,
        dictionary: bool = False,
    ):
        """A block in a ParagraphStyle's size, leading, alignment and colour."""
        return cls(
            text,
            style.fontSize,
            bold=bold,
            align=_ALIGN.get(style.alignment, "left"),
            leading=style.leading,
            colour=style.textColor,
            whole_words=whole_words,
            space_before=style.spaceBefore,
            space_after=style.spaceAfter,
            dictionary=dictionary,
        )

    # --- measurements
    def line_width(self, line: str) -> float:
        return text_width(line, self.size, bold=self.bold)

    @property
    def widest(self) -> float:
        return max((self.line_width(line) for line in self.lines), default=0.0)

    @property
    def narrowed(self) -> bool:
        """Whether a line is wider than the block and is drawn narrowed to fit."""
        return self.widest > self.available + 0.01

    # --- platypus
    def minWidth(self):  # noqa: N802 (platypus's name): for tables without column widths
        return widest_word(self.text, self.size, bold=self.bold, dictionary=self.dictionary)

    def _break(self, width: float) -> list[str]:
        if self._given is not None:
            return list(self._given)
        if not self.text.strip():
            return []  # takes no room, as an empty Paragraph
        lines = [
            piece
            for part in (self.text.splitlines() or [""])
            for piece in break_lines(
                part, width - 0.5, self.size, bold=self.bold, dictionary=self.dictionary
            )
        ]
        if self.whole_words:
            return lines
        return [piece for line in lines for piece in self._cut(line, width)]

    def _cut(self, line: str, width: float) -> list[str]:
        """A line wider than `width` cut between letters (never inside a cluster of marks)."""
        if self.line_width(line) <= width:
            return [line]
        pieces, piece = [], ""
        for char in line:
            glued = _is_mark(char) or (piece and piece[-1] in _JOINERS)
            if piece and not glued and self.line_width(piece + char) > width:
                pieces.append(piece)
                piece = char.lstrip()
            else:
                piece += char
        return pieces + [piece] if piece else pieces

    def wrap(self, availWidth, availHeight):
        self.available = availWidth
        self.lines = self._break(availWidth)
        self.width = availWidth
        self.height = self.leading * len(self.lines)
        return self.width, self.height

    def split(self, availWidth, availHeight):
        self.wrap(availWidth, availHeight)
        fits = int((availHeight + 0.001) // self.leading)
        if fits <= 0 or fits >= len(self.lines):
            return [] if fits <= 0 else [self]
        return [self._part(self.lines[:fits]), self._part(self.lines[fits:])]

    def _part(self, lines: list[str]) -> TextBlock:
        part = TextBlock(self.text, self.size, bold=self.bold, align=self.align, colour=self.colour)
        part.leading, part.whole_words, part._given = self.leading, self.whole_words, lines
        part.dictionary = self.dictionary
        return part

    def draw(self):
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(self.colour)
        x = {"left": 0, "centre": self.width / 2, "right": self.width}[self.align]
        boxes = []
        for number, line in enumerate(self.lines):
            top = self.height - number * self.leading
            baseline = top - self.leading / 2 - _BASELINE * self.size
            draw_text(
                canvas,
                x,
                baseline,
                line,
                self.size,
                bold=self.bold,
                align=self.align,
                max_width=self.width,
            )
            if TextBlock.on_draw is not None:
                drawn = min(self.line_width(line), self.width)
                left = {"left": 0, "centre": (self.width - drawn) / 2}.get(
                    self.align, self.width - drawn
                )
                corners = [
                    canvas.absolutePosition(left, top),
                    canvas.absolutePosition(left + drawn, top - self.leading),
                ]
                boxes.append((line, corners))
        canvas.restoreState()
        if TextBlock.on_draw is not None:
            TextBlock.on_draw(self, canvas.getPageNumber(), boxes)


def _is_mark(char: str) -> bool:
    import unicodedata

    return unicodedata.category(char).startswith("M")
