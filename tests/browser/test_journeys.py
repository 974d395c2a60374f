"""The week as its people live it, one role after another in one browser (issue 8).

Registration: a Lao delegate registers with a photo in the Chinese interface, then reads her
page in English; the head of the Lao delegation adds four members; an organiser imports a
Thai university's spreadsheet, approves everyone waiting and prints the Lao delegation's
badges, whose QR codes are read back from the PDF.
"""

from __future__ import annotations

import io
import re
import subprocess

import pytest
import zxingcpp
from openpyxl import Workbook
from PIL import Image

from eventhub.auth import services as auth_services
from eventhub.auth.models import Role
from eventhub.events import services as event_services
from eventhub.extensions import db
from eventhub.registration.models import Delegation, Participant, Status

from .conftest import ARTIFACTS, fill_registration_in_chinese, log_in, log_in_as_organiser

pytestmark = pytest.mark.browser

HEAD = ("head.la@journey.test", "journey head pw 2025")
LAO_MEMBERS = [
    ("SICHALEUNE", "Somphone", "ສົມພອນ ສີຈະເລີນ"),
    ("VONGSA", "Manivanh", "ມະນີວັນ ວົງສາ"),
    ("CHANTHALA", "Thongla", "ທອງລາ ຈັນທະລາ"),
    ("KEOMANY", "Anousone", "ອານຸສອນ ແກ້ວມະນີ"),
]
THAI_LIST = [
    ("SRISUK", "Kanokwan", "กนกวรรณ ศรีสุข", "Dean of Education"),
    ("WONGSAWAT", "Prasert", "ประเสริฐ วงศ์สวัสดิ์", "Vice President"),
    ("CHAIYAPORN", "Nattaya", "ณัฐยา ชัยพร", "Lecturer"),
]


def _lao_delegation(app) -> int:
    """The Lao delegation and its head's account, as the committee sets them up."""
    with app.app_context():
        event = event_services.get_event_by_slug("caecw-2025")
        user = auth_services.create_user(HEAD[0], HEAD[1], display_name="Bounmy PHOMMACHANH")
        auth_services.grant_role(user, event, Role.HEAD_OF_DELEGATION)
        head = Participant(
            event_id=event.id,
            family_name="PHOMMACHANH",
            given_name="Bounmy",
            native_name="ບຸນມີ ພົມມະຈັນ",
            country_code="LA",
            email=HEAD[0],
            user_id=user.id,
            status=Status.APPROVED,
            search_text="phommachanh bounmy",
        )
        delegation = Delegation(
            event_id=event.id, name_en="Lao PDR national delegation", country_code="LA"
        )
        db.session.add_all([head, delegation])
        db.session.flush()
        delegation.head_id, head.delegation_id = head.id, delegation.id
        db.session.commit()
        return delegation.id


def _thai_spreadsheet(path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Family name", "Given name", "Name in Thai", "Position", "Organisation",
                  "Country", "Category", "Email"])  # fmt: skip
    for family, given, native, position in THAI_LIST:
        email = f"{given.lower()}.{family[:4].lower()}@journey.ac.th"
        sheet.append([family, given, native, position, "Chulalongkorn University", "TH",
                      "delegate", email])  # fmt: skip
    book.save(path)


def _qr_codes(pdf: bytes) -> list[str]:
    png = subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-"], input=pdf, capture_output=True, check=True
    ).stdout
    # pdftoppm writes the pages one after another: read each PNG in turn.
    found, start = [], 0
    while (end := png.find(b"IEND", start)) != -1:
        image = Image.open(io.BytesIO(png[start : end + 8]))
        found += [r.text for r in zxingcpp.read_barcodes(image)]
        start = end + 8
    return found


def test_registration_week_from_delegate_to_printed_badges(live_server, browser, tmp_path):
    base = live_server.base_url
    delegation_id = _lao_delegation(live_server)
    photo = tmp_path / "portrait.jpg"
    Image.new("RGB", (480, 640), "indigo").save(photo, "JPEG")

    # 1. The delegate registers in the Chinese interface, then reads her page in English.
    delegate = browser.new_context(locale="zh-CN").new_page()
    delegate.goto(f"{base}/events/caecw-2025/register")
    assert delegate.get_by_role("heading", level=1).inner_text().startswith("报名参加")
    fill_registration_in_chinese(
        delegate,
        given="Phonethip",
        family="SOUVANNAVONG",
        native="ພອນທິບ ສຸວັນນະວົງ",
        organisation="National University of Laos",
        country="LA",
        email="phonethip.s@journey.la",
    )
    delegate.get_by_label("证件照").set_input_files(str(photo))
    delegate.get_by_role("button", name="报名").click()
    delegate.wait_for_url(re.compile(r".*/me/.*"))
    assert delegate.get_by_text("待审核").first.is_visible()
    delegate.locator("#language-menu").click()  # the language menu, as a visitor finds it
    delegate.get_by_role("link", name="English").click()
    assert delegate.get_by_text("Pending review").first.is_visible()
    assert delegate.get_by_text("ພອນທິບ ສຸວັນນະວົງ").first.is_visible()
    own_page = delegate.url

    # 2. The head of the Lao delegation adds four members.
    head = browser.new_context(locale="en-GB").new_page()
    log_in(head, base, *HEAD)
    head.goto(f"{base}/events/caecw-2025/delegations/{delegation_id}/")
    for family, given, native in LAO_MEMBERS:
        head.get_by_role("link", name="Add a member").click()
        head.get_by_label("Family name (as in passport)").fill(family)
        head.get_by_label("Given name (as in passport)").fill(given)
        head.get_by_label("Name in own script").fill(native)
        head.get_by_label("Organisation").fill("Ministry of Education and Sports, Lao PDR")
        head.get_by_label("Email").fill(f"{given.lower()}.{family.lower()}@journey.la")
        head.get_by_role("button", name="Add member").click()
        head.wait_for_url(re.compile(rf".*/delegations/{delegation_id}/$"))
    for _family, _given, native in LAO_MEMBERS:
        assert head.get_by_text(native).first.is_visible()
    assert head.get_by_text("Pending review").count() == 4
    head.screenshot(path=str(ARTIFACTS / "journey-delegation.png"), full_page=True)

    # 3. An organiser imports the Thai university's list and approves everyone waiting.
    organiser = browser.new_context(locale="en-GB").new_page()
    log_in_as_organiser(organiser, base)
    workbook = tmp_path / "chulalongkorn.xlsx"
    _thai_spreadsheet(workbook)
    organiser.goto(f"{base}/events/caecw-2025/participants/import")
    organiser.locator("input[type=file]").set_input_files(str(workbook))
    organiser.get_by_role("button", name="Upload and check").click()
    organiser.get_by_role("button", name="Import 3 participants").click()
    assert organiser.get_by_text("3 participants imported from chulalongkorn.xlsx.").is_visible()
    organiser.goto(f"{base}/events/caecw-2025/participants/?status=pending")
    waiting = organiser.locator("tbody input[type=checkbox]").count()
    assert waiting >= 1 + len(LAO_MEMBERS) + len(THAI_LIST)
    organiser.get_by_label("Select all on this page").check()
    organiser.get_by_label("With the selected").select_option("approve")
    organiser.get_by_role("button", name="Apply").click()
    assert organiser.get_by_text(f"{waiting} of {waiting} participants changed.").is_visible()
    organiser.goto(f"{base}/events/caecw-2025/participants/?q=chulalongkorn")
    assert organiser.get_by_text("กนกวรรณ ศรีสุข").first.is_visible()
    assert organiser.get_by_text("Approved").count() >= len(THAI_LIST)

    # 4. ... and prints the Lao delegation's badges: one readable code per member.
    organiser.goto(f"{base}/events/caecw-2025/delegations/{delegation_id}/")
    link = organiser.get_by_role("link", name="Badges of the approved members")
    response = organiser.request.get(base + link.get_attribute("href"))  # opens inline
    assert response.headers["content-type"] == "application/pdf"
    pdf = response.body()
    (ARTIFACTS / "journey-lao-badges.pdf").write_bytes(pdf)
    assert len(_qr_codes(pdf)) == 1 + len(LAO_MEMBERS)
    organiser.screenshot(path=str(ARTIFACTS / "journey-organiser.png"), full_page=True)

    # The delegate, back on her page, is approved.
    delegate.goto(own_page)
    assert delegate.get_by_text("Approved").first.is_visible()
    for page in (delegate, head, organiser):
        page.context.close()


STAFF = ("gate.j@journey.test", "journey gate pw 2025")


def _week_under_way(app) -> tuple[list[str], str]:
    """A week running today (the gate's and the dashboard's day), its gate J with one staff
    member, three approved guests with badges; (their codes, the first one's own link)."""
    from datetime import timedelta

    from eventhub.badges import services as badge_services
    from eventhub.checkin.models import Checkpoint, CheckpointStaff
    from eventhub.db import utcnow
    from eventhub.registration import services as registration_services

    from .conftest import ORGANISER

    today = utcnow().date()
    with app.app_context():
        event = event_services.create_event(
            {
                "slug": "journey-week",
                "name_en": "Journey Week",
                "name_zh": "旅程周",
                "city_en": "Guiyang",
                "starts_on": today - timedelta(days=1),
                "ends_on": today + timedelta(days=2),
                "timezone": "Asia/Shanghai",
            }
        )
        organiser = auth_services.get_user_by_email(ORGANISER[0])
        auth_services.grant_role(organiser, event, Role.ORGANISER)
        staff = auth_services.create_user(STAFF[0], STAFF[1], display_name="Gate J")
        auth_services.grant_role(staff, event, Role.STAFF)
        gate = Checkpoint(event_id=event.id, slug="gate-j", name_en="Gate J", name_zh="J 门")
        db.session.add(gate)
        db.session.flush()
        db.session.add(CheckpointStaff(checkpoint_id=gate.id, user_id=staff.id))
        guests = [
            Participant(
                event_id=event.id,
                family_name=family,
                given_name=given,
                native_name=native,
                country_code=country,
                status=Status.APPROVED,
            )
            for family, given, native, country in (
                ("HENG", "Sreypov", "ហេង ស្រីពៅ", "KH"),
                ("NGUYEN", "Thi Huong", "Nguyễn Thị Hương", "VN"),
                ("", "Aung Kyaw Moe", "အောင်ကျော်မိုး", "MM"),
            )
        ]
        db.session.add_all(guests)
        db.session.flush()
        badges = badge_services.badges_for(guests)
        key = registration_services.new_access_key(guests[0])
        db.session.commit()
        return [badge_services.code_of(badges[g.id]) for g in guests], key


def test_gate_week_from_scans_offline_to_a_valid_certificate(live_server, browser):
    from playwright.sync_api import expect

    from .test_offline_scanner import _scans_at, _wait

    base = live_server.base_url
    (first, second, third), key = _week_under_way(live_server)

    # 1. Gate staff open the scanner and admit a badge by its typed code.
    staff = browser.new_context(locale="en-GB").new_page()
    log_in(staff, base, *STAFF)
    staff.goto(f"{base}/events/journey-week/checkin/gate-j")
    verdict = staff.locator("#answer-verdict")
    staff.locator("#code").fill(first)
    staff.keyboard.press("Enter")
    expect(verdict).to_have_text("Admitted")
    expect(staff.locator("#answer-native")).to_have_text("ហេង ស្រីពៅ")

    # 2. The network drops: scanning goes on from the roster, and the queue is shown.
    assert _wait(
        lambda: staff.evaluate("() => Object.keys(localStorage).some(k => k.endsWith(':roster'))")
    )
    staff.context.set_offline(True)
    for code, expected in (
        (second, "Admitted · offline"),
        (first, "Already admitted · offline"),
        (third, "Admitted · offline"),
    ):
        staff.locator("#code").fill(code)
        staff.keyboard.press("Enter")
        expect(verdict).to_have_text(expected)
    expect(staff.locator("#network")).to_contain_text("3 scans waiting")

    # 3. It comes back: the queue is sent once.
    staff.context.set_offline(False)
    expect(staff.locator("#network")).to_have_text("Online", timeout=15_000)
    results = sorted(result.value for result, _dup in _scans_at(live_server, "gate-j"))
    assert results == ["admitted", "admitted", "admitted", "already_admitted"]

    # 4. The organisers' dashboard shows each arrival once.
    organiser = browser.new_context(locale="en-GB").new_page()
    log_in_as_organiser(organiser, base)
    organiser.goto(f"{base}/events/journey-week/checkin/arrivals")
    row = organiser.get_by_role("row").filter(has_text="Gate J")
    expect(row.get_by_role("cell")).to_have_text(["Gate J", "3", "4"])
    cambodia = organiser.get_by_role("row").filter(has_text="Cambodia")
    expect(cambodia.get_by_role("cell")).to_have_text(["Cambodia", "1", "1"])
    organiser.screenshot(path=str(ARTIFACTS / "journey-arrivals.png"), full_page=True)

    # 5. Certificates go to those who came; the delegate downloads hers, and its printed
    #    code opens a verification page that says it is valid.
    organiser.goto(f"{base}/events/journey-week/certificates/")
    organiser.get_by_role("row", name="Participation").get_by_role(
        "button", name="Issue to the eligible"
    ).click()
    expect(organiser.get_by_text("3 certificates issued.")).to_be_visible()
    delegate = browser.new_context(locale="en-GB").new_page()
    delegate.goto(f"{base}/events/journey-week/me/{key}")
    link = delegate.get_by_role("link", name="Your certificate (PDF)")
    certificate = delegate.request.get(base + link.get_attribute("href"))
    assert certificate.headers["content-type"] == "application/pdf"
    (url,) = _qr_codes(certificate.body())
    delegate.goto(url)
    expect(delegate.get_by_text("Valid certificate")).to_be_visible()
    expect(delegate.get_by_text("HENG Sreypov").first).to_be_visible()
    delegate.screenshot(path=str(ARTIFACTS / "journey-verified.png"), full_page=True)
    for page in (staff, organiser, delegate):
        page.context.close()
