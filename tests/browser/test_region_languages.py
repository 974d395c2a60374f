"""Each language of the region on screen: the registration form a guest's browser opens in
their language, the delegate's own page and a gate verdict, at desktop and phone width, with
every character drawn by an installed font (no tofu boxes) and nothing wider than its box."""

from __future__ import annotations

import functools
import subprocess
import unicodedata

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from eventhub.i18n import HTML_LANG

from .conftest import ARTIFACTS, serve_demo

pytestmark = pytest.mark.browser

# The browser's own language picks the page's: what each reader's browser sends.
BROWSER_LANGUAGE = {
    "zh_Hans": "zh-CN",
    "th": "th-TH",
    "vi": "vi-VN",
    "id": "id-ID",
    "ms": "ms-MY",
    "fil": "fil-PH",
    "lo": "lo-LA",
    "km": "km-KH",
    "my": "my-MM",
    "pt_TL": "pt-PT",
}
WIDTHS = (1280, 390)

# Text of every element, its placeholder and its accessible label: what a reader reads.
PAGE_TEXT = """() => {
  const parts = [document.body.innerText, document.title];
  for (const el of document.querySelectorAll('[placeholder], [aria-label], [title], option'))
    parts.push(el.getAttribute('placeholder') || '', el.getAttribute('aria-label') || '',
               el.getAttribute('title') || '', el.textContent || '');
  return parts.join('\\n');
}"""

# Elements whose text is wider than their box (clipped or spilling), and the page wider
# than the window (a sideways scroll on a phone).
OVERFLOWS = """() => {
  const found = [];
  if (document.documentElement.scrollWidth > window.innerWidth + 1)
    found.push('page ' + document.documentElement.scrollWidth + 'px > ' + window.innerWidth);
  for (const el of document.querySelectorAll(
      'button, .btn, .nav-link, label, th, .badge, h1, h2, h3, .form-text, .alert, .card-title')) {
    const box = el.getBoundingClientRect();
    if (!box.width || el.closest('.table-responsive, .visually-hidden, [hidden]')) continue;
    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'auto')
      found.push(el.tagName + '.' + el.className + ': ' + el.textContent.trim().slice(0, 60));
  }
  return found;
}"""


@functools.cache
def _has_glyph(char: str) -> bool:
    """Some installed font draws `char` (Chromium falls back through fontconfig's fonts)."""
    found = subprocess.run(
        ["fc-list", f":charset={ord(char):x}", "family"], capture_output=True, text=True
    )
    return bool(found.stdout.strip())


def _tofu(text: str) -> list[str]:
    """The characters no installed font can draw."""
    drawn = {c for c in text if not c.isspace() and unicodedata.category(c) not in ("Cc", "Cf")}
    return sorted(f"{c} U+{ord(c):04X}" for c in drawn if not _has_glyph(c))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    yield from serve_demo(tmp_path_factory, "region-languages")


def _badge_code(app) -> str:
    from eventhub.badges.issuing import badges_for, code_of
    from eventhub.events.models import Event
    from eventhub.extensions import db
    from eventhub.registration.models import Participant, Status

    with app.app_context():
        person = db.session.scalars(
            sa.select(Participant)
            .join(Event, Event.id == Participant.event_id)
            .where(
                Event.slug == "caecw-2026",
                Participant.status == Status.APPROVED,
                Participant.native_name != "",
            )
            .order_by(Participant.id)
            .limit(1)
        ).one()
        code = code_of(badges_for([person])[person.id])
        db.session.commit()
        return code


def _look(page, locale: str, name: str, *, own_words: str) -> None:
    """The page is in `locale` (its lang attribute, and not the English text), every
    character is drawn, nothing overflows; a screenshot to look at."""
    assert page.evaluate("document.documentElement.lang") == HTML_LANG[locale]
    text = page.evaluate(PAGE_TEXT)
    assert own_words in text
    assert _tofu(text) == []
    width = page.viewport_size["width"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"region-{locale}-{name}-{width}.png"), full_page=True)
    assert page.evaluate(OVERFLOWS) == []


def _log_in(page, base: str, email: str, password: str) -> None:
    """Through the login form in the browser's language (its fields found by name)."""
    page.goto(f"{base}/auth/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")


def _translated(app, locale: str, msgid: str) -> str:
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale(locale):
        text = gettext(msgid)
    assert text != msgid or locale == "en", f"{msgid!r} has no {locale} translation"
    return text


@pytest.mark.parametrize("locale", list(BROWSER_LANGUAGE))
def test_registration_form_delegate_page_and_verdict_read_well(demo, browser, locale):
    base = demo.base_url
    code = _badge_code(demo)
    for width in WIDTHS:
        context = browser.new_context(
            viewport={"width": width, "height": 900}, locale=BROWSER_LANGUAGE[locale]
        )
        try:
            page = context.new_page()
            # A guest with no account: the browser's language is the page's.
            page.goto(f"{base}/events/caecw-2026/register")
            _look(page, locale, "register", own_words=_translated(demo, locale, "Register"))

            _log_in(page, base, "delegate.la@caecw.example", "demo-delegate-2025")
            page.goto(f"{base}/auth/language/{locale}?next=/my-registration")
            page.wait_for_load_state()
            _look(page, locale, "mine", own_words=_translated(demo, locale, "My registration"))
            page.locator("a[href*='/events/caecw-2026/me/']").first.click()
            page.wait_for_load_state()
            _look(
                page, locale, "delegate", own_words=_translated(demo, locale, "Your registration")
            )
            page.goto(f"{base}/auth/language/en?next=/")  # the account is shared: give it back
            page.goto(f"{base}/auth/logout")
        finally:
            context.close()

        context = browser.new_context(
            viewport={"width": width, "height": 900}, locale=BROWSER_LANGUAGE[locale]
        )
        try:
            page = context.new_page()
            _log_in(page, base, "gate@caecw.example", "demo-staff-2025")
            page.goto(
                f"{base}/auth/language/{locale}?next=/events/caecw-2026/checkin/main-entrance"
            )
            page.locator("#code").fill(code)
            page.keyboard.press("Enter")
            verdict = page.locator("#answer-verdict")
            expect(verdict).not_to_be_empty()
            expect(verdict).not_to_have_text(_translated(demo, locale, "Checking…"))
            _look(page, locale, "verdict", own_words=verdict.inner_text())
            assert verdict.inner_text() in (
                _translated(demo, locale, "Admitted"),
                _translated(demo, locale, "Already admitted"),
            )
            page.goto(f"{base}/auth/language/en?next=/")
        finally:
            context.close()
