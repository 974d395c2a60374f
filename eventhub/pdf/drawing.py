"""Text drawn straight on a canvas (badges, certificates: thousands of pages, no platypus).
Each run of one script is shaped on its own, so a name mixing scripts ("ສົມພອນ(NUOL)") is
shaped too: reportlab's shaper fails on a single word spanning several fonts. The glyphs are
written by `glyphs`, not by reportlab's text objects (their text rise misplaces Khmer)."""

from __future__ import annotations

from reportlab.lib.rl_accel import fp_str

from eventhub.pdf import glyphs
from eventhub.pdf.fonts import script_runs


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    return sum(glyphs.width(chunk, font) for font, chunk in script_runs(text, bold=bold)) * size


def draw_text(
    canvas,
    x: float,
    y: float,
    text: str,
    size: float,
    *,
    bold: bool = False,
    align: str = "left",
    max_width: float | None = None,
) -> None:
    """One line at baseline y, in every script, each run shaped by HarfBuzz and every glyph
    placed where HarfBuzz puts it (see glyphs). Wider than max_width, it is narrowed
    (horizontal scale) rather than cut: a name is never lost. A line whose glyphs are not
    its characters (shaped scripts) copies out of the PDF as typed, through /ActualText."""
    runs = [
        (font, chunk, glyphs.width(chunk, font) * size)
        for font, chunk in script_runs(text, bold=bold)
    ]
    if not runs:
        return
    width = sum(w for _f, _c, w in runs)
    scale = min(1.0, max_width / width) if max_width and width else 1.0
    start = {"left": x, "centre": x - width * scale / 2, "right": x - width * scale}[align]
    code = []
    if scale != 1.0:  # the common case needs no graphics state of its own
        code.append(f"q {fp_str(scale)} 0 0 1 {fp_str(start, y)} cm")
        start, y = 0.0, 0.0
    for font, chunk, w in runs:
        code.append(glyphs.operators(canvas, start, y, chunk, font, size))
        start += w
    if scale != 1.0:
        code.append("Q")
    if not all(glyphs.extracts_as_typed(chunk, font) for font, chunk, _w in runs):
        begin, end = glyphs.actual_text(text)
        code = [begin, *code, end]
    canvas.addLiteral("\n".join(code))


def fit_lines(
    text: str, width: float, *, largest: float, smallest: float, lines: int = 2, bold: bool = False
) -> tuple[float, list[str]]:
    """The largest size (in half points) at which the text fits `width` on at most `lines`
    lines, broken at spaces; at the smallest size the lines may still be too wide, and
    draw_text narrows them."""
    words = text.split()
    if not words:
        return largest, []
    # Widths at 1 pt, once: text width grows linearly with the size.
    unit = {word: text_width(word, 1, bold=bold) for word in set(words)}
    space = text_width(" ", 1, bold=bold)

    def split(count: int) -> list[list[str]]:
        if count == 1 or len(words) == 1:
            return [words]
        # The break that makes the longer line shortest (two lines; more are rare on badges).
        best = min(
            range(1, len(words)),
            key=lambda i: max(
                sum(unit[w] for w in words[:i]) + space * (i - 1),
                sum(unit[w] for w in words[i:]) + space * (len(words) - i - 1),
            ),
        )
        return [words[:best], words[best:]]

    def widest(parts: list[list[str]]) -> float:
        return max(sum(unit[w] for w in part) + space * (len(part) - 1) for part in parts)

    size = largest
    while True:
        for count in range(1, min(lines, 2) + 1):
            parts = split(count)
            if widest(parts) * size <= width:
                return size, [" ".join(part) for part in parts]
        if size - 0.5 < smallest:
            return size, [" ".join(part) for part in split(min(lines, 2))]
        size -= 0.5
