"""Dates, numbers and lists in the reader's locale; the reader's language chosen from the
browser, kept per account and registration, and used for every mail to that person.

Reported: a Thai delegate read '24–27 ก.ค. 2025' where Thai readers count 2568 (the Buddhist
Era); a member given a login by an English-reading head of delegation got the mail in
English though they registered in Thai. Expected values are computed with Babel, never
copied from one CLDR release.
"""

from __future__ import annotations

import ast
import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from babel import Locale
from babel.dates import format_date as babel_date
from babel.dates import format_interval
from babel.lists import format_list
from flask import render_template_string
from flask_babel import force_locale, get_locale

from eventhub import ROOT
from eventhub.auth.models import User
from eventhub.extensions import db
from eventhub.i18n import date_interval, local_date, normalise_locale
from eventhub.registration.models import Delegation, Participant, Source, Status
from eventhub.scheduling.models import ActivityState

from .registration.conftest import OPEN

BE = 543


def thai(text: str, *years: int) -> str:
    """Babel's Thai (Gregorian) text with each of `years` written as its Buddhist year, and
    the era named as the Buddhist Era."""
    text = text.replace(Locale.parse("th").eras["abbreviated"][1], "พ.ศ.")
    for year in years:
        text = re.sub(rf"(?<!\d){year}(?!\d)", str(year + BE), text)
    return text


def visible(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- 4. The language from the browser ---------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("th-TH,th;q=0.9", "th"),
        ("fil", "fil"),
        ("tl", "fil"),
        ("in", "id"),
        ("id-ID", "id"),
        ("pt-PT", "pt_TL"),
        ("tet", "pt_TL"),
        ("ms-MY", "ms"),
        ("my-MM", "my"),
        ("km-KH", "km"),
        ("lo-LA", "lo"),
        ("vi-VN", "vi"),
        ("fr-FR,th;q=0.5", "th"),  # the first language we have, not English
    ],
)
def test_the_browser_language_selects_the_region_locale(client, header, expected):
    page = client.get("/", headers={"Accept-Language": header}).text
    lang = Locale.parse(expected).language
    assert re.search(rf'<html lang="{lang}[-"]', page), re.search(r"<html[^>]*>", page)
    assert normalise_locale(header.split(",")[0]) in (expected, None)


# --- 3. Thai years are Buddhist years ------------------------------------------------------


def test_thai_dates_count_years_from_the_buddha(app):
    day = date(2025, 7, 24)
    with app.test_request_context(), force_locale("th"):
        assert local_date(day) == thai(babel_date(day, "medium", locale="th"), 2025)
        assert "2568" in local_date(day) and "2025" not in local_date(day)
        # The full form names the era: พ.ศ. (Buddhist Era), never ค.ศ. (Christian Era).
        full = local_date(day, "full")
        assert "พ.ศ. 2568" in full and "ค.ศ." not in full
        # Two-digit years are the Buddhist year's last two digits: 68, not 25.
        short = local_date(day, "short")
        assert short.endswith("68") and short == babel_date(day, "short", locale="th")[:-2] + "68"
        # A range in one year names the year once, a range across the new year both years.
        same = date_interval(date(2025, 7, 24), date(2025, 7, 27))
        assert same == thai(
            format_interval(date(2025, 7, 24), date(2025, 7, 27), "yMMMd", locale="th"), 2025
        )
        across = date_interval(date(2025, 12, 30), date(2026, 1, 2))
        assert "2568" in across and "2569" in across and "2025" not in across
        # A pattern asked for by name keeps its literal text; quotes are not years.
        assert local_date(day, "d MMM 'y' y") == thai(
            babel_date(day, "d MMM 'y' y", locale="th"), 2025
        )
    with app.test_request_context(), force_locale("en"):
        assert local_date(day) == babel_date(day, "medium", locale="en")
        assert date_interval(date(2025, 12, 30), date(2026, 1, 2)) == format_interval(
            date(2025, 12, 30), date(2026, 1, 2), "yMMMd", locale="en"
        )


def test_a_thai_delegate_reads_buddhist_years_on_pages_and_machines_keep_gregorian(
    client, app, make, event, login
):
    make.activity(
        event,
        title_en="Vocational Education Forum",
        starts_at=datetime(2025, 7, 25, 9, 15, tzinfo=UTC),
        ends_at=datetime(2025, 7, 25, 10, 45, tzinfo=UTC),
        state=ActivityState.PUBLISHED,
    )
    user = make.user(roles={event: "delegate"}, locale="th")
    make.participant(event, user_id=user.id, email=user.email, locale="th")
    login(user.email)
    home = visible(client.get(f"/events/{event.slug}/").text)
    span = thai(format_interval(event.starts_on, event.ends_on, "yMMMd", locale="th"), 2025)
    assert span in home
    programme = client.get(f"/events/{event.slug}/programme").text
    heading = thai(babel_date(date(2025, 7, 25), "full", locale="th"), 2025)
    assert heading in visible(programme)
    assert "2025" not in visible(programme).replace(event.name_en, "")
    # What machines read stays Gregorian: links to a day, the calendar feed.
    assert "#day-2025-07-25" in programme
    feed = client.get(f"/events/{event.slug}/calendar.ics").text
    assert "DTSTART:20250725T091500Z" in feed or "20250725T" in feed


def test_date_filter_and_emails_give_thai_readers_buddhist_years(app):
    with app.test_request_context(), force_locale("th"):
        shown = render_template_string(
            "{{ d|date }} {{ d|date('full') }} {{ m|datetime }} {{ date_range(d, e) }}",
            d=date(2025, 7, 24),
            e=date(2026, 1, 3),
            m=datetime(2025, 7, 24, 2, 0, tzinfo=UTC),
        )
    assert "2025" not in shown and "2026" not in shown and shown.count("256") == 5


# --- 3. Numbers and lists ------------------------------------------------------------------

MYANMAR_DIGITS = re.compile("[\u1040-\u1049]")


def test_burmese_numbers_and_dates_on_one_page_use_the_same_digits(app):
    with app.test_request_context(), force_locale("my"):
        shown = render_template_string(
            "{{ n|number }} · {{ d|date }}", n=12345, d=date(2025, 7, 24)
        )
    # Dates by Babel are in Latin digits: the numbers beside them are too (see i18n.number).
    assert not MYANMAR_DIGITS.search(shown), shown
    assert "12" in shown and "345" in shown and "2025" in shown


def test_numbers_follow_the_readers_separators(app):
    for locale in ("vi", "id", "pt_TL", "en"):
        with app.test_request_context(), force_locale(locale):
            shown = render_template_string("{{ n|number }}", n=12345.5)
        from babel.numbers import format_decimal

        assert shown == format_decimal(12345.5, locale=locale), locale


def test_lists_of_words_are_joined_with_the_readers_and(app):
    words = ["Thai", "Lao", "Khmer"]
    for locale in ("en", "zh_Hans", "th", "vi"):
        with app.test_request_context(), force_locale(locale):
            shown = render_template_string("{{ w|words }}", w=words)
        assert shown == format_list(words, locale=locale), locale


# --- 4. The language kept per registration, used for every mail ---------------------------


@pytest.fixture
def mail_languages(app):
    """The language each queued mail was written under, by recipient: [(to, locale)]."""
    queue = app.extensions["eventhub_mail_queue"]
    seen: list[tuple[str, str]] = []

    def recording(to, subject, text, html=None, **kwargs):
        seen.append((to, str(get_locale())))
        return queue(to, subject, text, html, **kwargs)

    app.extensions["eventhub_mail_queue"] = recording
    yield seen
    app.extensions["eventhub_mail_queue"] = queue


def test_a_guest_with_a_thai_browser_is_registered_and_written_to_in_thai(
    client, app, make, mail_languages, outbox
):
    event = make.event(registration_opens_at=OPEN)
    data = {
        "family_name": "JAIDEE",
        "given_name": "Somchai",
        "organisation": "Chulalongkorn University",
        "country": "TH",
        "category": "delegate",
        "email": "somchai@example.th",
        "consent_registration": "y",
    }
    response = client.post(
        f"/events/{event.slug}/register",
        data=data,
        headers={"Accept-Language": "th-TH,th;q=0.9,en;q=0.5"},
    )
    assert response.status_code == 302
    with app.app_context():
        person = db.session.scalar(
            sa.select(Participant).where(Participant.email == "somchai@example.th")
        )
        assert person.locale == "th"
    assert mail_languages == [("somchai@example.th", "th")]
    # The confirmation names the event's days as a Thai reader counts the years.
    span = thai(format_interval(event.starts_on, event.ends_on, "yMMMd", locale="th"), 2025)
    assert span in outbox[-1].get_content() and "2568" in span


def test_a_member_given_a_login_by_an_english_reading_head_is_written_to_in_thai(
    client, app, make, event, login, mail_languages
):
    head = make.user(roles={event: "head_of_delegation"}, locale="en")
    head_person = make.participant(event, user_id=head.id, email=head.email, locale="en")
    delegation = make.delegation(event)
    with app.app_context():
        db.session.get(Delegation, delegation.id).head_id = head_person.id
        db.session.get(Participant, head_person.id).delegation_id = delegation.id
        db.session.commit()
    member = make.participant(
        event,
        delegation_id=delegation.id,
        email="member@example.th",
        status=Status.PENDING,
        source=Source.DELEGATION,
        locale="th",
    )
    login(head.email)
    client.post(f"/events/{event.slug}/delegations/{delegation.id}/members/{member.id}/login")
    assert ("member@example.th", "th") in mail_languages
    assert all(locale == "th" for to, locale in mail_languages if to == "member@example.th")


def test_a_thai_account_is_written_to_in_thai_whoever_asks(client, make, mail_languages):
    user = make.user(locale="th")
    client.post("/auth/reset", data={"email": user.email}, headers={"Accept-Language": "zh-CN"})
    assert mail_languages == [(user.email, "th")]


def test_choosing_a_language_carries_it_to_registrations_in_events_ahead(client, app, make, login):
    ahead = make.event(starts_on=date(2099, 7, 24), ends_on=date(2099, 7, 27))
    past = make.event()  # July 2025: over
    user = make.user(roles={ahead: "delegate", past: "delegate"})
    coming = make.participant(ahead, user_id=user.id, email=user.email, locale="en")
    done = make.participant(past, user_id=user.id, email=user.email, locale="en")
    login(user.email)
    client.get("/auth/language/th?next=/")
    with app.app_context():
        assert db.session.get(User, user.id).locale == "th"
        assert db.session.get(Participant, coming.id).language == "th"
        assert db.session.get(Participant, done.id).locale == "en"


# Functions that queue mail without forcing a language themselves, and why that is right.
FORCED_BY_CALLER = {
    ("eventhub/matchmaking/meetings.py", "_letter"),  # its callers force the person's
}
# A language for mail that is not a recipient's: the sender's own request.
SENDERS_LANGUAGE = re.compile(r"^(select_locale\(\)|get_locale\(\)|str\(get_locale\(\)\))$")


def test_every_mail_is_written_under_a_language_chosen_for_its_recipient():
    """Each place that queues mail does it inside `force_locale(...)` of the recipient's
    language (never the sender's request alone: an organiser's Chinese is not theirs)."""
    unforced, senders = [], []
    for path in sorted((ROOT / "eventhub").rglob("*.py")):
        name = str(path.relative_to(ROOT))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if not (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", getattr(node.func, "attr", "")) == "send_mail"
                ):
                    continue
                forcing = [
                    item.context_expr
                    for block in ast.walk(function)
                    if isinstance(block, ast.With)
                    and any(node is inner for inner in ast.walk(block))
                    for item in block.items
                    if isinstance(item.context_expr, ast.Call)
                    and getattr(item.context_expr.func, "id", "") == "force_locale"
                ]
                if not forcing and (name, function.name) not in FORCED_BY_CALLER:
                    unforced.append(f"{name}:{node.lineno} {function.name}")
                for call in forcing:
                    language = ast.unparse(call.args[0]) if call.args else ""
                    if SENDERS_LANGUAGE.match(language):
                        senders.append(f"{name}:{node.lineno} {language}")
    assert unforced == []
    assert senders == []


def test_imported_people_without_a_language_are_written_to_in_english(app, make, event):
    person = make.participant(event, locale="")
    with app.app_context():
        assert db.session.get(Participant, person.id).language == "en"


def test_every_language_writes_a_time_of_day_on_the_24_hour_clock(app):
    """One time format per language, CLDR's 'Hm': hours 0-23, no AM/PM, whatever the region."""
    from eventhub.i18n import clock_time, time_pattern

    for code in app.config["EVENTHUB_LOCALES"]:
        pattern = time_pattern(Locale.parse(code))
        letters = re.sub(r"'[^']*'", "", pattern)
        assert "H" in letters and not re.search("[hKkaBb]", letters), (code, pattern)
        with app.test_request_context(), force_locale(code):
            shown = clock_time(datetime(2025, 7, 25, 17, 15, tzinfo=UTC))  # no event: UTC
        assert "17" in shown and "15" in shown, (code, shown)


def test_each_mail_to_a_thai_participant_is_written_in_thai_when_an_organiser_acts(
    app, make, event, mail_languages
):
    """An organiser reading Chinese approves, promotes, re-sends: every mail that leaves
    for the Thai delegate is written under Thai, never under the organiser's language."""
    from eventhub.registration import lists, own_link, quotas

    person = make.participant(event, email="somchai@example.th", locale="th")
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        stored = db.session.get(Participant, person.id)
        with force_locale("zh_Hans"):
            own_link.send_confirmation(stored, own_link.new_access_key(stored))
            own_link.send_already_registered(stored)
            lists.send_status_notice(stored)
            quotas._tell_promoted(stored)
        db.session.rollback()
    assert [to for to, _locale in mail_languages] == ["somchai@example.th"] * 4
    assert {locale for _to, locale in mail_languages} == {"th"}


def test_an_imported_list_keeps_its_language_column_and_no_column_means_english(
    client, as_role, app, event
):
    """A list has no browser: its 'Language of correspondence' column says each person's
    language (a code or a name); a row without one is written to in English, never in
    the language of the organiser who imported it."""
    from .registration.import_files import csv_bytes
    from .registration.test_import import _mapping, _upload

    as_role("organiser", locale="zh_Hans")
    rows = [
        ["Surname", "First name", "Institution", "Country", "E-mail", "Language of correspondence"],
        ["JAIDEE", "Somchai", "Chiang Mai University", "TH", "s@example.ac.th", "Thai"],
        ["HENG", "Sreypov", "Royal University", "KH", "h@example.edu.kh", "km-KH"],
        ["NGUYEN", "Lan", "Hanoi University", "VN", "n@example.edu.vn", ""],
    ]
    url = _upload(client, event, csv_bytes(rows, "utf-8"), "people.csv")
    page = client.get(url).text
    client.post(url, data={"action": "import", **_mapping(page)})
    with app.app_context():
        people = {p.email: p for p in db.session.scalars(sa.select(Participant))}
        assert people["s@example.ac.th"].language == "th"
        assert people["h@example.edu.kh"].language == "km"
        assert people["n@example.edu.vn"].language == "en"


def test_a_guest_choosing_thai_on_their_own_page_is_written_to_in_thai(client, app, make, event):
    """No account: the own page's secret link says whose registration the choice is for."""
    from eventhub.registration.own_link import new_access_key

    person = make.participant(event, locale="en")
    other = make.participant(event, locale="en")
    with app.app_context():
        stored = db.session.get(Participant, person.id)
        key = new_access_key(stored)
        db.session.commit()
    own = f"/events/{event.slug}/me/{key}"
    assert client.get(f"/auth/language/th?next={own}").headers["Location"] == own
    client.get(f"/auth/language/th?next=/events/{event.slug}/me/not-a-key")
    with app.app_context():
        assert db.session.get(Participant, person.id).language == "th"
        assert db.session.get(Participant, other.id).language == "en"
