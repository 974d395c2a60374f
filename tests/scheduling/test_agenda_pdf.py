"""A delegate's own agenda as a PDF, in their language; the printed programme handed to
everyone stays English and Chinese."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from eventhub.pdf import textblock

from ..pdf_glyphs import compare, harfbuzz_line, pdf_glyphs
from .test_programme import _activity

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="no poppler-utils")
DAY = date(2025, 7, 25)


def _text(pdf: bytes) -> str:
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return " ".join(text.split())


def _in(app, locale: str, text: str) -> str:
    with app.test_request_context(), force_locale(locale):
        return " ".join(_(text).split())


def _day(app, locale: str) -> str:
    with app.test_request_context(), force_locale(locale):
        return " ".join(format_date(DAY, "full").split())


def _agenda(client, make, event, rooms, login, locale: str, *, overlapping: bool = True):
    user = make.user(roles={event: "delegate"})
    make.participant(event, user_id=user.id, email=user.email, locale=locale)
    login(user.email)
    first = _activity(make, event, rooms["small"])
    client.post(f"/events/{event.slug}/programme/{first.id}/enrol")
    if overlapping:
        second = _activity(
            make,
            event,
            rooms["auditorium"],
            title_en="Campus Workshop",
            title_zh="校园工作坊",
            starts_at=datetime(2025, 7, 25, 2, 0, tzinfo=UTC),
            ends_at=datetime(2025, 7, 25, 3, 0, tzinfo=UTC),
        )
        client.post(f"/events/{event.slug}/programme/{second.id}/enrol")
    page = client.get(f"/events/{event.slug}/agenda").get_data(as_text=True)
    assert f'href="/events/{event.slug}/agenda.pdf"' in page
    response = client.get(f"/events/{event.slug}/agenda.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return response.data


def test_a_vietnamese_delegates_agenda_reads_in_vietnamese(app, client, make, event, rooms, login):
    text = _text(_agenda(client, make, event, rooms, login, "vi"))
    for label in ("My agenda", "Enrolled", "Overlaps"):
        assert _in(app, "vi", label) != label  # the catalogue has them
        assert _in(app, "vi", label) in text
    assert _day(app, "vi") in text
    assert "Digital Economy Forum" in text and "Campus Workshop" in text
    assert "数字经济论坛" not in text  # one language, not the programme's two
    with app.test_request_context(), force_locale("vi"):
        assert " ".join(_("Page %(page)d of %(pages)d", page=1, pages=1).split()) in text


def test_a_chinese_reader_gets_the_chinese_titles(app, client, make, event, rooms, login):
    text = _text(_agenda(client, make, event, rooms, login, "zh_Hans"))
    assert _in(app, "zh_Hans", "My agenda") in text
    assert "数字经济论坛" in text and "校园工作坊" in text
    assert "Digital Economy Forum" not in text


@pytest.mark.parametrize("locale", ["km", "my"])
def test_khmer_and_burmese_agendas_are_shaped_and_copy_out_as_typed(
    app, client, make, event, rooms, login, monkeypatch, locale
):
    """The day's heading, in Khmer or Burmese words: each glyph where HarfBuzz puts it, and
    the text copied out of the PDF as it was written."""
    drawn = []
    original = textblock.draw_text

    def record(canvas, x, y, text, size, **options):
        page_x, page_y = canvas.absolutePosition(x, y)
        drawn.append(harfbuzz_line(text, page_x, page_y, size, **options))
        return original(canvas, x, y, text, size, **options)

    monkeypatch.setattr(textblock, "draw_text", record)
    pdf = _agenda(client, make, event, rooms, login, locale, overlapping=False)
    heading = _day(app, locale)
    assert any(ord(char) > 0x1000 for char in heading)  # written in the script
    assert heading in _text(pdf)
    assert compare([g for page in pdf_glyphs(pdf) for g in page], drawn) == []


def test_the_printed_programme_stays_english_and_chinese(app, client, make, event, rooms, login):
    _agenda(client, make, event, rooms, login, "vi", overlapping=False)
    text = _text(client.get(f"/events/{event.slug}/programme.pdf").data)
    assert "Digital Economy Forum" in text and "数字经济论坛" in text
    assert "Programme 日程" in text


def test_an_organiser_without_a_registration_is_sent_to_the_agenda_page(client, as_role, event):
    as_role("organiser")
    response = client.get(f"/events/{event.slug}/agenda.pdf")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/events/{event.slug}/agenda")
