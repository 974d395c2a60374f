"""Text drawn straight on a canvas (badges, certificates: thousands of pages, no platypus).
Each run of one script is shaped on its own, so a name mixing scripts ("ສົມພອນ(NUOL)") is
shaped too: reportlab's shaper fails on a single word spanning several fonts."""

from __future__ import annotations

from functools import lru_cache

from reportlab.pdfbase import pdfmetrics

from eventhub.pdf.fonts import FAUX_BOLD, needs_shaping, script_runs, visual_runs


def _shaped(chunk: str, font: str, size: float):
    """The run ready for drawString: shaped when its script needs it."""
    if not needs_shaping(chunk):
        return chunk
    from reportlab.pdfbase.ttfonts import shapeStr

    return shapeStr(chunk, font, size)


def _run_width(chunk: str, font: str, size: float) -> float:
    return (_unit_width(chunk, font) + FAUX_BOLD.get(font, 0)) * size


def _draw_run(canvas, x: float, y: float, font: str, size: float, chunk: str) -> None:
    """One run at x; a faux bold font (FAUX_BOLD) is filled and stroked in the fill colour,
    moved right by half the stroke so its ink stays inside the width _run_width gives."""
    stroke = FAUX_BOLD.get(font, 0) * size
    if not stroke:
        canvas.drawString(x, y, _shaped(chunk, font, size))
        return
    canvas.saveState()
    canvas.setStrokeColor(canvas._fillColorObj)
    canvas.setLineWidth(stroke)
    canvas.setLineJoin(1)  # round: no spikes at sharp corners
    canvas.drawString(x + stroke / 2, y, _shaped(chunk, font, size), mode=2)
    canvas.restoreState()


@lru_cache(maxsize=8192)
def _unit_width(chunk: str, font: str) -> float:
    """Width at 1 pt: widths grow linearly with the size, shaped or not."""
    shaped = _shaped(chunk, font, 100)
    data = getattr(shaped, "__shapeData__", None)
    if data:
        return sum(glyph.x_advance for glyph in data) / 1000
    return pdfmetrics.stringWidth(chunk, font, 1)


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    return sum(_run_width(chunk, font, size) for font, chunk in script_runs(text, bold=bold))


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
    """One line at baseline y, in every script, shaped where needed. Wider than max_width,
    it is narrowed (horizontal scale) rather than cut: a name is never lost."""
    runs = [
        (font, chunk, _run_width(chunk, font, size)) for font, chunk in visual_runs(text, bold=bold)
    ]
    width = sum(w for _f, _c, w in runs)
    scale = min(1.0, max_width / width) if max_width and width else 1.0
    start = {"left": x, "centre": x - width * scale / 2, "right": x - width * scale}[align]
    if scale == 1.0:  # the common case, without a graphics state of its own
        for font, chunk, w in runs:
            canvas.setFont(font, size)
            _draw_run(canvas, start, y, font, size, chunk)
            start += w
        return
    canvas.saveState()
    canvas.translate(start, y)
    canvas.scale(scale, 1)
    offset = 0.0
    for font, chunk, w in runs:
        canvas.setFont(font, size)
        _draw_run(canvas, offset, 0, font, size, chunk)
        offset += w
    canvas.restoreState()


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
