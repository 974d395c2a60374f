"""Files named after what they hold: a vehicle's plate (贵A·D1001), a hotel's Chinese name.
An HTTP header carries Latin-1 only; a name outside it once made the server drop the
connection, and the driver's sheet never came."""

from __future__ import annotations

from urllib.parse import unquote

from eventhub.web import content_disposition


def test_a_name_in_chinese_reaches_the_browser_whole_with_an_ascii_fallback():
    header = content_disposition("inline", "sheet-贵A·D1001-2026-12-05.pdf")
    header.encode("latin-1")  # what the server must be able to send
    fallback = header.split('filename="', 1)[1].split('"', 1)[0]
    assert fallback.isascii() and fallback.endswith(".pdf") and "D1001" in fallback
    assert unquote(header.split("filename*=UTF-8''", 1)[1]) == "sheet-贵A·D1001-2026-12-05.pdf"


def test_a_plain_name_stays_as_it_was():
    assert content_disposition("attachment", "rooming-2025.xlsx") == (
        'attachment; filename="rooming-2025.xlsx"'
    )
