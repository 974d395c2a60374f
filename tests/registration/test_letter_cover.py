"""The covering page of a person's own visa letter: in their language, before the letter's
English and Chinese pages (unchanged); prints for the embassies have none; Khmer and Burmese
on it shaped as HarfBuzz shapes them, and copied out of the PDF as typed."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from pypdf import PdfReader

from eventhub import crypto
from eventhub.i18n import date_range
from eventhub.pdf import textblock, wordbreak
from eventhub.registration import letter_cover

from ..pdf_glyphs import compare, harfbuzz_line, pdf_glyphs

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="no poppler-utils")

KEEP_PRIVATE = "Keep the letter private"
TAKE = "What to take to the embassy or consulate"


def _pages(pdf: bytes) -> list[str]:
    """Each page's text as poppler extracts it, whitespace folded."""
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


def _own(make, app, event, *, locale: str = "", user_locale: str = "en", **values):
    with app.app_context():
        passport, birth = crypto.encrypt("C1234567"), crypto.encrypt("1978-03-02")
    user = make.user(locale=user_locale)
    person = make.participant(
        event,
        user_id=user.id,
        locale=locale,
        visa_letter_requested=True,
        passport_number_encrypted=passport,
        date_of_birth_encrypted=birth,
        **values,
    )
    return user, person


def _ends(pieces: list[str]) -> list[int]:
    return [sum(len(p) for p in pieces[: i + 1]) for i in range(len(pieces))]


def _in(app, locale: str, text: str, **params) -> str:
    with app.test_request_context(), force_locale(locale):
        return " ".join(_(text, **params).split())


def _dates(app, event, locale: str) -> str:
    with app.test_request_context(), force_locale(locale):
        return " ".join(date_range(event.starts_on, event.ends_on).split())


def test_own_letter_opens_with_a_covering_page_in_the_persons_language(
    client, make, login, app, event, as_role
):
    event = make.event(letter_contact="Guiyang · visa@caecw.example")
    user, person = _own(make, app, event, locale="vi")
    login(user.email)
    own = client.get(f"/my-registration/{person.id}/visa-letter.pdf")
    assert own.status_code == 200
    cover, letter = _pages(own.data)  # the covering page, then the one-page letter
    for text in (TAKE, KEEP_PRIVATE):
        assert _in(app, "vi", text) in cover
    assert _dates(app, event, "vi") in cover
    assert "visa@caecw.example" in cover
    assert "Letter of Invitation" not in cover and "邀请函" not in cover
    # The letter itself is the one the visa desk prints, word for word.
    client.post("/auth/logout")
    officer = make.user(roles={event: "visa_officer"})
    login(officer.email)
    printed = client.get(f"/events/{event.slug}/participants/{person.id}/visa-letter.pdf")
    assert _pages(printed.data) == [letter]
    assert "Letter of Invitation" in letter and "邀请函" in letter and "C1234567" in letter


@pytest.mark.parametrize("reader", ["km", "zh_Hans", "en"])
def test_without_a_registration_language_the_cover_is_in_the_readers(
    client, make, login, app, event, reader
):
    user, person = _own(make, app, event, locale="", user_locale=reader)
    login(user.email)
    cover = _pages(client.get(f"/my-registration/{person.id}/visa-letter.pdf").data)[0]
    assert _in(app, reader, TAKE) in cover
    assert _dates(app, event, reader) in cover
    # No contact address given: the organisers, in words.
    asked = (
        "If something in the letter is wrong or you have a question, ask the organisers of "
        "the event."
    )
    assert _in(app, reader, asked) in cover


def test_prints_for_the_embassies_have_no_covering_page(client, make, login, app, event):
    delegation = make.delegation(event)
    people = [
        _own(make, app, event, locale="vi", delegation_id=delegation.id)[1] for _n in range(2)
    ]
    login(make.user(roles={event: "visa_officer"}).email)
    for address, count in (
        (f"/events/{event.slug}/participants/{people[0].id}/visa-letter.pdf", 1),
        (f"/events/{event.slug}/delegations/{delegation.id}/visa-letters.pdf", 2),
    ):
        pdf = client.get(address).data
        assert len(PdfReader(io.BytesIO(pdf)).pages) == count
        text = " ".join(_pages(pdf))
        assert _in(app, "vi", TAKE) not in text and TAKE not in text


# Typed as a Khmer and a Burmese reader would read them (subscripts, medials, stacked marks).
KHMER = "រក្សាលិខិតនេះជាការសម្ងាត់ ព្រោះវាមានលេខលិខិតឆ្លងដែនរបស់អ្នក។"
BURMESE = "ဤစာတွင် သင့်နိုင်ငံကူးလက်မှတ်နံပါတ် ပါဝင်သောကြောင့် လျှို့ဝှက်ထားပါ။"


@pytest.mark.parametrize("line", [KHMER, BURMESE], ids=["khmer", "burmese"])
def test_khmer_and_burmese_on_the_cover_are_shaped_and_copy_out_as_typed(
    client, make, login, app, event, monkeypatch, line
):
    """A translated heading in Khmer or Burmese (translators are filling the catalogues):
    every glyph where HarfBuzz puts it, the text extracted equal to the text typed, and a long
    sentence broken between words rather than squeezed onto one line."""
    long = line.replace(" ", "") * 3  # no space in it: broken between words, or squeezed
    translated = {KEEP_PRIVATE: line}

    def gettext(text, **params):
        return long if "passport number" in text else translated.get(text) or _(text, **params)

    monkeypatch.setattr(letter_cover, "_", gettext)
    drawn, narrowed = [], []
    original = textblock.draw_text

    def record(canvas, x, y, text, size, **options):
        page_x, page_y = canvas.absolutePosition(x, y)
        drawn.append(harfbuzz_line(text, page_x, page_y, size, **options))
        return original(canvas, x, y, text, size, **options)

    monkeypatch.setattr(textblock, "draw_text", record)
    monkeypatch.setattr(
        textblock.TextBlock, "on_draw", lambda block, page, boxes: narrowed.append(block.narrowed)
    )
    user, person = _own(make, app, event, locale="km")
    login(user.email)
    pdf = client.get(f"/my-registration/{person.id}/visa-letter.pdf").data
    cover = _pages(pdf)[0]
    assert line in cover
    assert compare([g for page in pdf_glyphs(pdf) for g in page], drawn) == []
    pieces = [d.text for d in drawn if d.text and d.text in long]
    assert len(pieces) >= 2 and "".join(pieces) == long  # broken into lines, nothing lost
    assert set(_ends(pieces)) <= set(_ends(wordbreak.pieces(long)))  # between words only
    assert "".join(cover.split()).count(long) == 1
    assert not any(narrowed)
