"""Documents and their parts: a platypus document with even margins, page numbers known
only at the end, and long print runs joined from parts."""

from __future__ import annotations

from eventhub.pdf.drawing import draw_text


def document(buffer, *, pagesize, margin: float, title: str, **info):
    """A platypus document with the same margin on every side."""
    from reportlab.platypus import SimpleDocTemplate

    return SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=title,
        **info,
    )


def numbered_canvas(label, *, size: float = 7.5, bottom: float = 20.0, grey: float = 0.35):
    """A canvas class for `doc.build(story, canvasmaker=...)` that writes `label(page, pages)`
    centred at the foot of every page ("Page 2 of 5"), once the number of pages is known:
    each page is kept until the document is saved, then finished with its footer."""
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 -- reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.saveState()
                self.setFillGray(grey)
                draw_text(
                    self,
                    self._pagesize[0] / 2,
                    bottom,
                    label(self._pageNumber, total),
                    size,
                    align="centre",
                )
                self.restoreState()
                super().showPage()
            super().save()

    return NumberedCanvas


def join_parts(files: list[str], out, title: str) -> None:
    """PDF parts joined into one file with qpdf (pikepdf), written straight to `out`: long
    print runs are drawn in parts, to bound memory."""
    import pikepdf  # noqa: PLC0415 -- late: qpdf is loaded by print runs only

    with pikepdf.new() as joined:
        sources = [pikepdf.open(path) for path in files]
        for source in sources:
            joined.pages.extend(source.pages)
        joined.docinfo["/Title"] = title
        joined.docinfo["/Creator"] = "EventHub"
        joined.save(out)
        for source in sources:
            source.close()
