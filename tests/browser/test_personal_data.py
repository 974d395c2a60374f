"""Issue 21's journey in a real browser: two registrants, one with and one without the consent
to send their data abroad; the organiser sees the consents, downloads one person's data as
JSON and PDF and erases that person; the clock passes every retention date, the report shows
what is due, the nightly job erases it and the report is empty; and the database, down to its
files' bytes, holds no passport number of the erased person.

The journey has its own event, ended yesterday: the shared caecw-2025 ended in 2025, so its
data is already past several dates, and the nightly job would erase the people other browser
tests rely on. While the nightly job runs, every other event keeps its data (longest
retention), and the clock is set back whatever happens.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from eventhub.auth import services as auth_services
from eventhub.auth.models import Role
from eventhub.db import utcnow
from eventhub.events import services as event_services
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.privacy import kinds, tasks
from eventhub.privacy.models import RetentionRule
from eventhub.registration.models import Participant

from .conftest import ARTIFACTS, ORGANISER, log_in_as_organiser

pytestmark = pytest.mark.browser

SLUG = "privacy-week"
# Registrant A: Lao, the Chinese form, sends her data abroad, visa letter, photo.
LAO = {
    "given": "Viengkham",
    "family": "PHOMMASANE",
    "native": "ວຽງຄຳ ພົມມະສານ",
    "email": "viengkham.p@privacy-journey.la",
    "passport": "PL0458812",
}
# Registrant B: Vietnamese, the English form, keeps his data in China, visa letter, diet.
VIET = {
    "given": "Van Minh",
    "family": "TRAN",
    "email": "tran.vanminh@privacy-journey.vn",
    "passport": "C7734102",
}
PAST_EVERY_DATE = timedelta(days=1000)  # the longest default, the whole person, is 730


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"personal-data-{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def week(live_server):
    """An event that ended yesterday, registration open, the browser organiser its organiser."""
    today = utcnow().date()
    with live_server.app_context():
        if db.session.scalar(sa.select(Event).where(Event.slug == SLUG)) is None:
            event = event_services.create_event(
                {
                    "slug": SLUG,
                    "name_en": "Privacy Rehearsal Week",
                    "name_zh": "个人信息演练周",
                    "city_en": "Nanning",
                    "city_zh": "南宁",
                    "starts_on": today - timedelta(days=4),
                    "ends_on": today - timedelta(days=1),
                    "timezone": "Asia/Shanghai",
                    "registration_opens_at": utcnow() - timedelta(days=60),
                }
            )
            organiser = auth_services.get_user_by_email(ORGANISER[0])
            auth_services.grant_role(organiser, event, Role.ORGANISER)
            db.session.commit()
    return SLUG


@contextmanager
def clock_moved(app, shift: timedelta):
    """The app's clock `shift` ahead, set back whatever happens."""
    saved = app.config.get("CLOCK_SHIFT")
    app.config["CLOCK_SHIFT"] = shift
    try:
        yield
    finally:
        if saved is None:
            app.config.pop("CLOCK_SHIFT", None)
        else:
            app.config["CLOCK_SHIFT"] = saved


@contextmanager
def other_events_kept(app, slug: str):
    """Every event but `slug` keeps every kind for the longest time while the nightly job
    runs (the other browser tests' people stay); their own rules are restored after."""
    with app.app_context():
        others = db.session.scalars(sa.select(Event.id).where(Event.slug != slug)).all()
        saved = {
            (rule.event_id, rule.kind): rule.days
            for rule in db.session.scalars(
                sa.select(RetentionRule).where(RetentionRule.event_id.in_(others))
            )
        }
        for event_id in others:
            for kind in kinds.Kind:
                db.session.merge(RetentionRule(event_id=event_id, kind=kind, days=kinds.MAX_DAYS))
        db.session.commit()
    try:
        yield
    finally:
        with app.app_context():
            for event_id in others:
                for kind in kinds.Kind:
                    rule = db.session.get(RetentionRule, (event_id, kind))
                    if (event_id, kind) in saved:
                        rule.days = saved[(event_id, kind)]
                    else:
                        db.session.delete(rule)
            db.session.commit()


def database_bytes(app) -> bytes:
    """The SQLite database file and its write-ahead log, as stored on disk."""
    path = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def stored_passport(app, email: str) -> dict:
    with app.app_context():
        person = db.session.scalar(sa.select(Participant).where(Participant.email == email))
        if person is None:  # erased: the address went with the rest
            return {}
        return {
            "id": person.id,
            "ciphertext": person.passport_number_encrypted,
            "digest": person.passport_digest,
            "birth": person.date_of_birth_encrypted,
        }


def passport_columns(app, participant_id: int) -> tuple:
    with app.app_context():
        person = db.session.get(Participant, participant_id)
        return (
            person.passport_number_encrypted,
            person.passport_digest,
            person.date_of_birth_encrypted,
            person.passport_expiry,
            person.erased_at is not None,
        )


def erased_outside(app) -> int:
    """How many people of the other events are erased."""
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Participant)
            .join(Event, Event.id == Participant.event_id)
            .where(Event.slug != SLUG, Participant.erased_at.is_not(None))
        )


def portrait(tmp_path) -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (480, 640), "darkolivegreen").save(buffer, "JPEG")
    path = tmp_path / "viengkham.jpg"
    path.write_bytes(buffer.getvalue())
    return path


# --- 1. Registration -------------------------------------------------------------------------


def register_in_chinese_with_transfer_abroad(page, base: str, photo: Path) -> str:
    """Forgets the registration consent first: told next to it, nothing typed lost. Returns
    her own page's address."""
    page.goto(f"{base}/auth/language/zh_Hans?next=/events/{SLUG}/register")
    page.get_by_label("名（与护照一致）").fill(LAO["given"])
    page.get_by_label("姓（与护照一致）").fill(LAO["family"])
    page.get_by_label("本国文字姓名").fill(LAO["native"])
    page.get_by_label("机构").fill("National University of Laos")
    page.get_by_label("国家", exact=True).select_option("LA")
    page.get_by_label("电子邮箱").fill(LAO["email"])
    page.get_by_label("证件照").set_input_files(str(photo))
    page.get_by_label("我需要签证邀请函").check()
    page.get_by_label("国籍").select_option("LA")
    page.get_by_label("出生日期").fill("1984-03-17")
    page.get_by_label("护照号码").fill(LAO["passport"])
    page.get_by_label("护照有效期至").fill("2034-11-30")
    page.locator("#consent_photo").check()
    abroad = page.get_by_label("将我的个人信息传输至中国境外")
    assert not abroad.is_checked()  # never ticked for her
    abroad.check()
    page.get_by_role("button", name="报名").click()

    # The registration consent was forgotten: the message stands under its box.
    error = page.locator("#consent_registration-error")
    assert error.is_visible()
    assert error.inner_text().strip()
    assert page.locator("#consent_registration").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("本国文字姓名").input_value() == LAO["native"]
    assert page.get_by_label("护照号码").input_value() == LAO["passport"]
    assert page.get_by_label("将我的个人信息传输至中国境外").is_checked()
    shot(page, "1-consent-missing-zh")

    page.locator("#consent_registration").check()
    page.get_by_role("button", name="报名").click()
    page.wait_for_url(re.compile(rf".*/events/{SLUG}/me/.*"))
    assert page.get_by_text(LAO["native"]).first.is_visible()
    shot(page, "1-registered-zh")
    return page.url


def register_in_english_without_transfer_abroad(page, base: str) -> str:
    page.goto(f"{base}/auth/language/en?next=/events/{SLUG}/register")
    page.get_by_label("Given name (as in passport)").fill(VIET["given"])
    page.get_by_label("Family name (as in passport)").fill(VIET["family"])
    page.get_by_label("Organisation").fill("Hanoi University of Education")
    page.get_by_label("Country", exact=True).select_option("VN")
    page.get_by_label("Email").fill(VIET["email"])
    page.get_by_label("Allergies and other dietary needs").fill("Peanuts")
    page.get_by_label("Arrival flight or train").fill("VN 528")
    page.get_by_label("I need a visa invitation letter").check()
    page.get_by_label("Nationality").select_option("VN")
    page.get_by_label("Date of birth").fill("1979-10-02")
    page.get_by_label("Passport number").fill(VIET["passport"])
    page.get_by_label("Passport expiry date").fill("2033-05-14")
    page.locator("#consent_registration").check()
    assert not page.get_by_label("Transfer of my personal data outside China").is_checked()
    shot(page, "1-form-en")
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(re.compile(rf".*/events/{SLUG}/me/.*"))
    return page.url


# --- 2.-4. The organiser: consents, downloads, erasure ----------------------------------------


def open_participant(page, base: str, family: str) -> str:
    page.goto(f"{base}/events/{SLUG}/participants/?q={family.lower()}")
    page.get_by_role("link", name=re.compile(family)).click()
    page.wait_for_url(re.compile(rf".*/events/{SLUG}/participants/\d+$"))
    return page.url


def transfer_abroad_row(page):
    return page.locator("#consents tr", has_text="Transfer of my personal data outside China")


def check_consents(page, base: str) -> tuple[str, str]:
    lao_url = open_participant(page, base, LAO["family"])
    row = transfer_abroad_row(page)
    assert "given" in row.inner_text()
    assert "notice v1, 简体中文" in row.inner_text()
    assert not page.locator("#no-transfer-abroad").is_visible()
    page.locator("#consents").scroll_into_view_if_needed()
    shot(page, "2-consents-given")

    viet_url = open_participant(page, base, VIET["family"])
    row = transfer_abroad_row(page)
    assert "declined" in row.inner_text()
    assert "notice v1, English" in row.inner_text()
    assert page.locator("#no-transfer-abroad").is_visible()  # told not to send it abroad
    shot(page, "2-consents-declined")
    return lao_url, viet_url


def download(page, link_name: str, tmp_path: Path) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path.read_bytes()


def check_downloads(page, tmp_path: Path) -> None:
    export = json.loads(download(page, "Download everything (JSON)", tmp_path))
    fields = export["sections"]["participant"]["fields"]
    assert fields["passport_number"] == LAO["passport"]
    assert fields["native_name"] == LAO["native"]
    assert export["sections"]["participant"]["photo"].startswith("held: yes")
    answers = {c["purpose"]: c for c in export["sections"]["privacy"]["consents"]}
    assert answers["transfer_abroad"]["given"] is True
    assert answers["transfer_abroad"]["language"] == "zh_Hans"
    assert answers["registration"]["given"] is True
    assert answers["marketing"]["given"] is False

    pdf = download(page, "Download everything (PDF)", tmp_path)
    assert pdf.startswith(b"%PDF")
    (tmp_path / "person.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "person.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert LAO["family"] in text
    assert LAO["passport"] in text
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "70",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            str(tmp_path / "person.pdf"),
            str(ARTIFACTS / "personal-data-3-pdf"),
        ],
        check=True,
    )


def erase(page, base: str, lao_url: str, own_link: str) -> None:
    page.goto(lao_url)
    page.get_by_role("link", name="Erase this person…").click()
    name = f"{LAO['given']} {LAO['family']}"
    assert page.get_by_role("heading", level=1).inner_text().endswith(name)
    shot(page, "4-erase-confirm")
    page.get_by_role("button", name=re.compile(re.escape(name))).click()
    page.wait_for_url(lao_url)
    heading = page.get_by_role("heading", level=1).inner_text()
    assert LAO["family"] not in heading  # "#12, erased …"
    assert page.locator(".alert-success").is_visible()
    assert page.get_by_role("link", name="Download everything (JSON)").count() == 0
    assert page.get_by_text(LAO["native"]).count() == 0
    shot(page, "4-erased")

    # Her own link (her page and her data file) no longer opens anything.
    path = own_link.removeprefix(base)
    for address in (own_link, f"{base}{path}/data.json"):
        assert page.request.get(address).status == 404
    page.goto(own_link)
    assert LAO["native"] not in page.content()
    shot(page, "4-own-link-gone")

    # What the organisers' JSON still holds says nothing of her passport or name.
    held = page.request.get(f"{lao_url}/personal-data.json")
    assert LAO["passport"] not in held.text()
    assert LAO["native"] not in held.text()


# --- 5. The report, the clock, the nightly job -------------------------------------------------


def due_counts(page) -> dict[str, int]:
    counts = {}
    for row in page.locator("form table tbody tr").all():
        label = row.locator("th label").inner_text().strip()
        counts[label] = int(row.locator("td").last.inner_text().strip().replace(",", ""))
    return counts


def the_report(page, base: str, app) -> None:
    page.goto(f"{base}/events/{SLUG}/privacy")
    assert page.get_by_role("heading", level=1).inner_text() == "Personal data"
    before = due_counts(page)
    assert set(before.values()) == {0}  # ended yesterday: nothing due yet
    assert page.locator("#due-heading + .alert-success").is_visible()
    shot(page, "5-report-before")

    with clock_moved(app, PAST_EVERY_DATE):
        page.reload()
        after = due_counts(page)
        for kind in kinds.Kind.PASSPORT, kinds.Kind.HEALTH, kinds.Kind.TRAVEL, kinds.Kind.IDENTITY:
            assert after[str(kinds.KIND_LABELS[kind])] >= 1, after  # Tran's data
        assert page.get_by_role("link", name="Erase what is past its date now").is_visible()
        shot(page, "5-report-due")

        # The worker's periodic task, called as the worker calls it (its app context, its
        # commit, then the database files cleaned).
        with other_events_kept(app, SLUG), app.app_context():
            tasks.erase_nightly.call_local()

        page.reload()
        assert set(due_counts(page).values()) == {0}
        assert page.locator("#due-heading + .alert-success").is_visible()
        # Newest first: the nightly run, then the erasure of the one person earlier on.
        runs = page.locator("#runs-heading + .table-responsive tbody tr")
        assert runs.count() == 2
        assert "Nightly job" in runs.first.inner_text()
        assert "Passport and visa data: 1" in runs.first.inner_text()
        assert "One person erased" in runs.nth(1).inner_text()
        shot(page, "5-report-after-nightly")


# --- The journey -------------------------------------------------------------------------------


def test_consents_export_erasure_and_retention(live_server, week, new_page, tmp_path):
    app, base = live_server, live_server.base_url
    lao_link = register_in_chinese_with_transfer_abroad(new_page("zh-CN"), base, portrait(tmp_path))
    viet_link = register_in_english_without_transfer_abroad(new_page(), base)
    assert lao_link != viet_link
    lao = stored_passport(app, LAO["email"])
    viet = stored_passport(app, VIET["email"])
    assert lao["ciphertext"] and viet["ciphertext"]  # read before anything is erased
    assert lao["ciphertext"].encode() in database_bytes(app)

    organiser = new_page()
    log_in_as_organiser(organiser, base)
    lao_url, _viet_url = check_consents(organiser, base)
    organiser.goto(lao_url)
    check_downloads(organiser, tmp_path)
    erase(organiser, base, lao_url, lao_link)

    # 6a. Right after her erasure: no passport of hers in her row or the database's files.
    assert passport_columns(app, lao["id"]) == (None, None, None, None, True)
    stored = database_bytes(app)
    for secret in (lao["ciphertext"], lao["digest"], lao["birth"], LAO["passport"]):
        assert secret.encode() not in stored, secret[:12]

    erased_elsewhere = erased_outside(app)
    the_report(organiser, base, app)
    assert "CLOCK_SHIFT" not in app.config or app.config["CLOCK_SHIFT"] is None

    # 6b. After the nightly job: nobody of the week holds a passport, nor do the files.
    assert passport_columns(app, viet["id"]) == (None, None, None, None, True)
    with app.app_context():
        event_id = db.session.scalar(sa.select(Event.id).where(Event.slug == SLUG))
        holding = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Participant)
            .where(
                Participant.event_id == event_id,
                sa.or_(
                    Participant.passport_number_encrypted.is_not(None),
                    Participant.passport_digest.is_not(None),
                ),
            )
        )
    assert holding == 0
    stored = database_bytes(app)
    for secret in (lao["ciphertext"], viet["ciphertext"], LAO["passport"], VIET["passport"]):
        assert secret.encode() not in stored, secret[:12]
    # The other events kept their people (those of the other browser tests).
    assert erased_outside(app) == erased_elsewhere
