"""Names in every script of the region reach the page in a font that has them."""

import pytest

from eventhub.pdf import MissingFont, check_printable, script_runs


def test_each_script_of_the_region_gets_its_own_font(app):
    with app.app_context():
        fonts = {font for font, _chunk in script_runs("SOK សុខ 王 น้ำ ຄໍາພັນ အောင်")}
    assert {"EH-Latin", "EH-Khmer", "EH-CJK", "EH-Thai", "EH-Lao", "EH-Myanmar"} <= fonts


def test_a_script_no_font_prints_is_refused_by_name(app):
    with app.app_context(), pytest.raises(MissingFont, match="Ethiopic"):
        check_printable("ሀይሉ")


def test_a_long_address_on_a_badge_back_stays_within_its_block(app):
    """Badges and letters split a word wider than the line (a long web address), rather than
    print it past the card's edge; only ceremony names keep their words whole."""
    from reportlab.lib.styles import ParagraphStyle

    from eventhub.pdf import paragraph, register_fonts

    with app.app_context():
        register_fonts()
        style = ParagraphStyle("back", fontName="EH-Latin", fontSize=6.5, leading=8)
        text = "Programme: https://caecw.example.org/events/caecw-2026/programme/day-2/forums"
        block = paragraph(text, style)
        block.wrap(130, 1_000)
        assert block.widest <= 130 and not block.narrowed  # no line overflows
        whole = paragraph(text, style, whole_words=True)
        whole.wrap(130, 1_000)
        assert whole.widest > 130  # the ceremony rule: the word kept whole (narrowed)
        assert whole.narrowed


def test_a_block_of_names_runs_on_to_the_next_page_by_whole_lines(app):
    """A long list of names split at a page's foot keeps every name, each line whole, the
    part on the first page no taller than the room left."""
    from reportlab.lib.styles import ParagraphStyle

    from eventhub.pdf import paragraph, register_fonts

    with app.app_context():
        register_fonts()
        style = ParagraphStyle("list", fontName="EH-Latin", fontSize=10, leading=14)
        names = "\n".join(["ឈឹម ស្រីពៅ(CHHIM)", "ကြည်(Kyi)", "ສົມພອນ(NUOL)"] * 5)
        block = paragraph(names, style, whole_words=True)
        _width, height = block.wrap(200, 1_000)
        first, rest = block.split(200, height / 2)
        assert first.wrap(200, height / 2)[1] <= height / 2
        rest.wrap(200, 1_000)
        assert first.lines + rest.lines == names.splitlines()
