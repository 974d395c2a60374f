"""English and Simplified Chinese: complete catalogues, language choice, localised output."""

from __future__ import annotations

import re
from pathlib import Path

from babel.dates import format_interval
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from eventhub import ROOT

CATALOGUE = Path(ROOT / "eventhub/translations/zh_Hans/LC_MESSAGES/messages.po")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _source_messages() -> set[str]:
    found = set()
    method_map = [
        ("eventhub/**.py", "python"),
        ("templates/**.html", "jinja2"),
        ("templates/**.txt", "jinja2"),
    ]
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=method_map, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_ui_string_has_a_chinese_translation():
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    missing = []
    for message in sorted(_source_messages()):
        entry = catalogue.get(message)
        if (
            entry is None
            or entry.fuzzy
            or not (all(entry.string) if isinstance(entry.string, tuple) else entry.string)
        ):
            missing.append(message)
    assert missing == []


def test_translations_keep_every_placeholder():
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    for entry in catalogue:
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        wanted = set(PLACEHOLDER.findall(ids[0]))
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) == wanted, entry.id


def test_language_switch_is_remembered_for_the_account(client, make, login, event, app):
    user = make.user()
    login(user.email)
    client.get(f"/auth/language/zh_Hans?next=/events/{event.slug}/")
    page = client.get(f"/events/{event.slug}/").get_data(as_text=True)
    assert '<html lang="zh-Hans">' in page and "退出登录" in page
    # Whatever punctuation this CLDR release gives a range, the page shows Babel's own.
    expected = format_interval(event.starts_on, event.ends_on, skeleton="yMMMd", locale="zh_Hans")
    assert "7月24日" in expected and expected in page
    from eventhub.auth.models import User
    from eventhub.extensions import db

    with app.app_context():
        assert db.session.get(User, user.id).locale == "zh_Hans"
    fresh = app.test_client()
    fresh.post("/auth/login", data={"email": user.email, "password": "correct horse battery"})
    assert "退出登录" in fresh.get("/").get_data(as_text=True)


def test_browser_language_is_the_default_and_switch_redirects_safely(client):
    assert "登录" in client.get("/", headers={"Accept-Language": "zh-TW"}).get_data(as_text=True)
    assert "Log in" in client.get("/", headers={"Accept-Language": "fr, en;q=0.5"}).get_data(
        as_text=True
    )
    response = client.get("/auth/language/zh_Hans?next=//evil.example/")
    assert response.headers["Location"] == "/"
    assert client.get("/auth/language/xx").status_code == 302
    assert "登录" in client.get("/").get_data(as_text=True)  # an unknown code changes nothing


def test_a_language_link_on_another_site_changes_no_mail_language(client, make, login, event, app):
    """An image or link on another site pointing at the language switch changes what this
    browser shows, never the language the account's mail is written in."""
    from eventhub.auth.models import User
    from eventhub.extensions import db

    user = make.user()
    login(user.email)
    cross_site = {"Sec-Fetch-Site": "cross-site"}
    client.get("/auth/language/th?next=/", headers=cross_site)
    with app.app_context():
        assert db.session.get(User, user.id).locale in (None, "", "en")
    assert "ไทย" in client.get("/").get_data(as_text=True)  # the browser reads Thai
    client.get("/auth/language/th?next=/", headers={"Sec-Fetch-Site": "same-origin"})
    with app.app_context():
        db.session.expire_all()
        assert db.session.get(User, user.id).locale == "th"
