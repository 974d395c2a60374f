"""Every delegate reads EventHub in their own language: the region's catalogues hold every
text a delegate, a head of delegation, the public or a gate scanner is shown, and every
text of the emails they receive."""

from __future__ import annotations

import fnmatch
import functools
import re
import uuid
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask_migrate import upgrade

from eventhub import ROOT, create_app
from eventhub.config import DEFAULTS
from eventhub.extensions import db

from .crawling import crawl
from .recording import recording

REGION = [code for code in DEFAULTS["EVENTHUB_LOCALES"] if code not in ("en", "zh_Hans")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}|</?[a-z][^>]*>")

# What a delegate, a head of delegation, the public or a gate scanner can be shown without
# being crawled to (validation messages, emails, the scanner's verdicts): every text of
# these files. The crawl below adds whatever the pages showed.
DELEGATE_FILES = [
    "templates/email/*",
    "templates/base.html",
    "templates/errors/*",
    "templates/macros/*",
    "templates/auth/*",
    "templates/registration/register.html",
    "templates/registration/_form.html",
    "templates/registration/_consents.html",
    "templates/registration/my_registration.html",
    "templates/registration/own_page.html",
    "templates/registration/_panel_own*.html",
    "templates/registration/member_form.html",
    "templates/registration/delegation.html",
    "templates/registration/withdraw_confirm.html",
    "templates/registration/closed.html",
    "templates/registration/account_link.html",
    "templates/registration/_panel_personal_data.html",
    "templates/registration/_panel_consents.html",
    "templates/registration/member_data*.html",
    "templates/registration/own_erasure.html",
    "templates/registration/erased.html",
    "templates/registration/_photo_crop.html",
    "templates/registration/_panel_delegations.html",
    "templates/registration/_panel_data_requests.html",
    "templates/registration/_data_request_row.html",
    "templates/checkin/_scan_result.html",
    "templates/checkin/scanner.html",
    "templates/checkin/device_home.html",
    "templates/certificates/verify.html",
    "templates/certificates/_panel_own.html",
    "templates/badges/_panel_own.html",
    "templates/scheduling/agenda.html",
    "templates/scheduling/programme.html",
    "templates/matchmaking/mine.html",
    "templates/matchmaking/profile*.html",
    "templates/matchmaking/request_form.html",
    "templates/matchmaking/meeting.html",
    "templates/matchmaking/_panel_own.html",
    "templates/matchmaking/_macros.html",
    "templates/matchmaking/_requests.html",
    "templates/matchmaking/overview.html",
    "templates/transport/_panel_own.html",
    "templates/transport/_panel_delegation.html",
    "templates/accommodation/_panel_delegation.html",
    "templates/accommodation/preference.html",
    "templates/accommodation/_preference_form.html",
    "templates/accommodation/_panel_person.html",
    "templates/visas/_panel_person.html",
    "templates/visas/_panel_delegation.html",
    "templates/visas/_state.html",
    "templates/privacy/_panel_requests.html",
    "templates/privacy/_request_who.html",
    "eventhub/registration/forms.py",
    "eventhub/registration/validation.py",
    "eventhub/registration/registering.py",
    "eventhub/registration/consent_fields.py",
    "eventhub/registration/consent_panel.py",
    "eventhub/auth/forms.py",
    "eventhub/auth/services.py",
    "eventhub/auth/views.py",
    "eventhub/auth/login_flow.py",
    "eventhub/auth/twofactor_views.py",
    "eventhub/auth/session_views.py",
    "eventhub/auth/sessions.py",
    "eventhub/auth/access.py",
    "eventhub/checkin/scanning.py",
    "eventhub/checkin/rules.py",
    "eventhub/checkin/recording.py",
    "eventhub/api/scans.py",
    "eventhub/api/checkin.py",
    "eventhub/api/gate_people.py",
    "eventhub/checkin/device_views.py",
    "eventhub/certificates/runs.py",
    "eventhub/certificates/views.py",
    "eventhub/scheduling/calendars.py",
    "eventhub/scheduling/change_notices.py",
    "eventhub/scheduling/agenda.py",
    "eventhub/scheduling/labels.py",
    "eventhub/scheduling/enrolments.py",
    "eventhub/registration/quotas.py",
    "eventhub/registration/lists.py",
    "eventhub/registration/own_link.py",
    "eventhub/registration/account_links.py",
    "eventhub/registration/account_views.py",
    "eventhub/registration/delegation_views.py",
    "eventhub/registration/delegations.py",
    "eventhub/registration/labels.py",
    "eventhub/registration/languages.py",
    "eventhub/registration/dates.py",
    "eventhub/registration/views.py",
    "eventhub/registration/photo_views.py",
    "eventhub/registration/photos.py",
    "eventhub/registration/letters.py",
    "eventhub/registration/personal_data_views.py",
    "eventhub/registration/data_request_views.py",
    "eventhub/registration/privacy.py",
    "eventhub/matchmaking/forms.py",
    "eventhub/matchmaking/requests.py",
    "eventhub/matchmaking/meetings.py",
    "eventhub/matchmaking/profiles.py",
    "eventhub/matchmaking/access.py",
    "eventhub/matchmaking/labels.py",
    "eventhub/matchmaking/topics.py",
    "eventhub/matchmaking/views.py",
    "eventhub/transport/notices.py",
    "eventhub/accommodation/preferences.py",
    "eventhub/accommodation/preference_views.py",
    "eventhub/visas/labels.py",
    "eventhub/privacy/requests.py",
    "eventhub/privacy/request_views.py",
    "eventhub/privacy/kinds.py",
    "eventhub/privacy/readable.py",
    "eventhub/errors.py",
    "eventhub/web.py",
    "eventhub/badges/issuing.py",
    "eventhub/events/views.py",
    "templates/events/_guest_notice.html",
    "templates/events/home.html",
    "templates/registration/_form_help.html",
    "eventhub/registration/letter_cover.py",
    "eventhub/registration/account_language.py",
    "eventhub/scheduling/agenda_pdf.py",
    "eventhub/scheduling/programme_views.py",
    "eventhub/seating/places.py",
    "eventhub/registration/photo_crops.py",
]


@functools.cache
def _catalogue(locale: str):
    path = Path(ROOT / f"eventhub/translations/{locale}/LC_MESSAGES/messages.po")
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _untranslated(locale: str, msgids) -> list[str]:
    catalogue = _catalogue(locale)
    missing = []
    for msgid in sorted(msgids):
        entry = catalogue.get(msgid)
        if entry is None:  # a plural entry is keyed by its (singular, plural) pair
            entry = next(
                (m for m in catalogue if isinstance(m.id, tuple) and m.id[0] == msgid), None
            )
        strings = () if entry is None else entry.string
        strings = strings if isinstance(strings, tuple) else (strings,)
        if entry is None or entry.fuzzy or not all(s.strip() for s in strings):
            missing.append(msgid)
    return missing


@functools.cache
def _sources() -> dict[str, set[str]]:
    """Each msgid of the code and templates, with the files it is written in."""
    found: dict[str, set[str]] = {}
    method_map = [
        ("eventhub/**.py", "python"),
        ("templates/**.html", "jinja2"),
        ("templates/**.txt", "jinja2"),
    ]
    for filename, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=method_map, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault(msgid, set()).add(filename)
    return found


def _delegate_texts() -> set[str]:
    return {
        msgid
        for msgid, files in _sources().items()
        if any(fnmatch.fnmatch(name, pattern) for name in files for pattern in DELEGATE_FILES)
    }


@pytest.fixture(scope="module")
def shown(tmp_path_factory):
    """The demo week walked in Thai by the public, a delegate, a head of delegation and a
    gate steward who scans badges: the texts each page looked up, and the pages."""
    from eventhub.demo.builder import build_demo

    instance = tmp_path_factory.mktemp("region")
    app = create_app(
        {
            "INSTANCE_PATH": str(instance),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/demo.sqlite3",
            "SECRET_KEY": "region",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "MAIL_BACKEND": "memory",
            "JOBS_URL": "immediate",
            "LOGIN_RATE_LIMIT": "1000 per minute",
            "WTF_CSRF_ENABLED": False,
        }
    )
    app.extensions["eventhub_outbox"] = []
    with app.app_context():
        upgrade()
        build_demo()
        db.session.commit()
    readers = {
        "public": None,
        "delegate": ("delegate.la@caecw.example", "demo-delegate-2025"),
        "head": ("head.la@caecw.example", "demo-head-2025"),
        "gate": ("gate@caecw.example", "demo-staff-2025"),
    }
    pages: dict[str, dict[str, int]] = {}
    with recording() as texts:
        for reader, login in readers.items():
            client = app.test_client()
            if login:
                client.post("/auth/login", data={"email": login[0], "password": login[1]})
            client.get("/auth/language/th?next=/")
            if reader == "gate":
                checkin = "/events/caecw-2026/checkin"
                pages[reader] = crawl(
                    client, [f"{checkin}/", f"{checkin}/main-entrance"], within=checkin
                )
                pages["verdicts"] = _scan_badges(app, client, f"{checkin}/main-entrance")
            else:
                starts = [
                    "/",
                    "/events/caecw-2026/",
                    "/events/caecw-2026/register",
                    "/events/caecw-2026/programme",
                    "/events/caecw-2025/",
                ]
                pages[reader] = crawl(client, starts)
    return texts, pages


def _scan_badges(app, client, scanner: str) -> dict[str, int]:
    """A badge admitted, the same badge again, and a code that is no badge."""
    from eventhub.badges.issuing import badges_for, code_of
    from eventhub.registration.models import Participant

    with app.app_context():
        person = db.session.scalars(
            db.select(Participant).where(Participant.status == "approved").limit(1)
        ).one()
        code = code_of(badges_for([person])[person.id])
        db.session.commit()
    answers = {}
    for label, scanned in (("first", code), ("again", code), ("unknown", "NOT-A-BADGE")):
        body = {"code": scanned, "client_scan_id": str(uuid.uuid4())}
        answers[label] = client.post(f"{scanner}/scan", json=body).status_code
    return answers


def test_the_walk_reaches_every_kind_of_reader_page_and_nothing_fails(shown):
    _texts, pages = shown
    failed = {
        reader: [p for p, s in seen.items() if s >= 500]
        for reader, seen in pages.items()
        if reader != "verdicts"
    }
    assert failed == {"public": [], "delegate": [], "head": [], "gate": []}
    reached = {
        p
        for reader, seen in pages.items()
        if reader != "verdicts"
        for p, s in seen.items()
        if s == 200
    }
    for page in (
        "/events/caecw-2026/register",
        "/events/caecw-2026/agenda",
        "/my-registration",
        "/events/caecw-2026/checkin/main-entrance",
    ):
        assert page in reached
    assert any("/delegations/" in p and "/members/" in p for p in reached)
    assert pages["verdicts"] == {"first": 200, "again": 200, "unknown": 200}


@pytest.mark.parametrize("locale", REGION)
def test_every_text_the_readers_were_shown_is_translated(shown, locale):
    texts, _pages = shown
    ours = set(_sources())  # WTForms' own labels of hidden fields are no text of ours
    assert _untranslated(locale, texts.all() & ours) == []


@pytest.mark.parametrize("locale", REGION)
def test_every_text_of_delegate_pages_emails_and_verdicts_is_translated(locale):
    assert _untranslated(locale, _delegate_texts()) == []


@pytest.mark.parametrize("locale", REGION)
def test_translations_keep_every_placeholder_and_tag(locale):
    for entry in _catalogue(locale):
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for index, text in enumerate(strings):
            if not text:
                continue
            source = ids[min(index, len(ids) - 1)] if index else ids[0]
            wanted = sorted(PLACEHOLDER.findall(source))
            found = sorted(PLACEHOLDER.findall(text))
            if len(ids) > 1:  # a plural form may write its number as a word
                wanted = [p for p in wanted if "num" not in p and "count" not in p]
                found = [p for p in found if "num" not in p and "count" not in p]
            assert found == wanted, (locale, entry.id, text)
