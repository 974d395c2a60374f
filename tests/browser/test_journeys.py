"""The week as its people live it, one role after another in one browser (issue 8).

Registration week: a Lao delegate registers with a photo in the Chinese interface, then reads her
page in English; the head of the Lao delegation adds four members; an organiser imports a
Thai university's spreadsheet, approves everyone waiting and prints the Lao delegation's
badges, whose QR codes are read back from the PDF.

Programme day: an organiser enters a day's activities, runs the automatic scheduler, fixes
the conflict it reports, plans a signing ceremony of ten agreements and prints its papers.

Gate week: staff scan typed codes, lose the network, keep scanning, regain it; the
dashboard counts each arrival once; a certificate's printed code verifies as valid.
"""

from __future__ import annotations

import io
import re
import subprocess

import pytest
import sqlalchemy as sa
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


def test_registration_week_from_delegate_to_printed_badges(live_server, new_page, tmp_path):
    base = live_server.base_url
    delegation_id = _lao_delegation(live_server)
    photo = tmp_path / "portrait.jpg"
    Image.new("RGB", (480, 640), "indigo").save(photo, "JPEG")

    # 1. The delegate registers in the Chinese interface, then reads her page in English.
    delegate = new_page("zh-CN")
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
    head = new_page()
    log_in(head, base, *HEAD)
    head.goto(f"{base}/events/caecw-2025/delegations/{delegation_id}/")
    for family, given, native in LAO_MEMBERS:
        head.get_by_role("link", name="Add a member").click()
        head.get_by_label("Family name (as in passport)").fill(family)
        head.get_by_label("Given name (as in passport)").fill(given)
        head.get_by_label("Name in own script").fill(native)
        head.get_by_label("Organisation").fill("Ministry of Education and Sports, Lao PDR")
        head.get_by_label("Email").fill(f"{given.lower()}.{family.lower()}@journey.la")
        head.locator("#consent_registration").check()  # the member agreed, the head says
        head.get_by_role("button", name="Add member").click()
        head.wait_for_url(re.compile(rf".*/delegations/{delegation_id}/$"))
    for _family, _given, native in LAO_MEMBERS:
        assert head.get_by_text(native).first.is_visible()
    assert head.get_by_text("Pending review").count() == 4
    head.screenshot(path=str(ARTIFACTS / "journey-delegation.png"), full_page=True)

    # 3. An organiser imports the Thai university's list and approves everyone waiting.
    organiser = new_page()
    log_in_as_organiser(organiser, base)
    workbook = tmp_path / "chulalongkorn.xlsx"
    _thai_spreadsheet(workbook)
    organiser.goto(f"{base}/events/caecw-2025/participants/import")
    organiser.locator("input[type=file]").set_input_files(str(workbook))
    organiser.get_by_role("button", name="Upload and check").click()
    organiser.get_by_label("consent to their registration").check()
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


STAFF = ("gate.j@journey.test", "journey gate pw 2025")


def _week_under_way(app) -> tuple[list[str], str]:
    """A week running today (the gate's and the dashboard's day), its gate J with one staff
    member, three approved guests with badges; (their codes, the first one's own link)."""
    from datetime import timedelta

    from eventhub.badges.issuing import badges_for, code_of
    from eventhub.checkin.models import Checkpoint, CheckpointStaff
    from eventhub.db import utcnow
    from eventhub.registration.own_link import new_access_key

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
        badges = badges_for(guests)
        key = new_access_key(guests[0])
        db.session.commit()
        return [code_of(badges[g.id]) for g in guests], key


def test_gate_week_from_scans_offline_to_a_valid_certificate(live_server, new_page):
    from playwright.sync_api import expect

    from .test_offline_scanner import _scans_at, _wait

    base = live_server.base_url
    (first, second, third), key = _week_under_way(live_server)

    # 1. Gate staff open the scanner and admit a badge by its typed code.
    staff = new_page()
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
    organiser = new_page()
    log_in_as_organiser(organiser, base)
    organiser.goto(f"{base}/events/journey-week/checkin/arrivals")
    row = organiser.locator("#by-checkpoint").get_by_role("row").filter(has_text="Gate J")
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
    delegate = new_page()
    delegate.goto(f"{base}/events/journey-week/me/{key}")
    link = delegate.get_by_role("link", name="Your certificate (PDF)")
    certificate = delegate.request.get(base + link.get_attribute("href"))
    assert certificate.headers["content-type"] == "application/pdf"
    (url,) = _qr_codes(certificate.body())
    delegate.goto(url)
    expect(delegate.get_by_text("Valid certificate")).to_be_visible()
    expect(delegate.get_by_text("HENG Sreypov").first).to_be_visible()
    delegate.screenshot(path=str(ARTIFACTS / "journey-verified.png"), full_page=True)


ACTIVITIES = [  # (title, type, duration, seats offered): one day of the programme
    ("Opening Ceremony", "opening_ceremony", "60", ""),
    ("Vocational Education Forum", "forum", "90", ""),
    ("University Presidents' Roundtable", "plenary", "90", "400"),  # more than any room
    ("Signing Ceremony of Cooperation Agreements", "signing_ceremony", "90", ""),
]


def _programme_week(app) -> None:
    """A week with a venue of two halls, opening hours, and the organisations that sign."""
    from datetime import date, time

    from eventhub.directory.models import Organisation
    from eventhub.scheduling.models import Room, Venue

    from .conftest import ORGANISER

    with app.app_context():
        event = event_services.create_event(
            {
                "slug": "programme-week",
                "name_en": "Programme Week",
                "name_zh": "日程周",
                "city_en": "Guiyang",
                "starts_on": date(2025, 9, 1),
                "ends_on": date(2025, 9, 1),
                "timezone": "Asia/Shanghai",
            }
        )
        auth_services.grant_role(
            auth_services.get_user_by_email(ORGANISER[0]), event, Role.ORGANISER
        )
        venue = Venue(
            event_id=event.id, name_en="Guiyang Eco-Conference Center", opens_at=time(8),
            closes_at=time(18),
        )  # fmt: skip
        db.session.add(venue)
        db.session.flush()
        db.session.add_all(
            [
                Room(venue_id=venue.id, name_en="Main Hall", capacity=300),
                Room(venue_id=venue.id, name_en="Hall 2", capacity=120),
            ]
        )
        for n in range(10):
            host = Organisation(name_en=f"Guizhou Vocational College {n + 1}", country_code="CN")
            guest = Organisation(name_en=f"ASEAN Partner College {n + 1}", country_code="TH")
            db.session.add_all([host, guest])
        db.session.flush()
        for family, given, native, country, organisation in (
            ("LIU", "Wei", "刘伟", "CN", "Guizhou Vocational College 1"),
            ("SRISUK", "Kanokwan", "กนกวรรณ ศรีสุข", "TH", "ASEAN Partner College 1"),
        ):
            db.session.add(
                Participant(
                    event_id=event.id,
                    family_name=family,
                    given_name=given,
                    native_name=native,
                    position="President",
                    country_code=country,
                    status=Status.APPROVED,
                    organisation_id=db.session.scalar(
                        sa.select(Organisation.id).where(Organisation.name_en == organisation)
                    ),
                )
            )
        db.session.commit()


def test_programme_day_from_empty_timetable_to_printed_ceremony(live_server, new_page):
    from playwright.sync_api import expect

    base = live_server.base_url
    _programme_week(live_server)
    page = new_page()
    log_in_as_organiser(page, base)
    week = f"{base}/events/programme-week"

    # 1. The day's activities, entered without times: the scheduler will place them.
    for title, kind, minutes, seats in ACTIVITIES:
        page.goto(f"{week}/schedule/activities/new")
        page.get_by_label("Title in English").fill(title)
        page.get_by_label("Type").select_option(kind)
        page.get_by_label("Duration in minutes (for the scheduler)").fill(minutes)
        page.get_by_label("Seats offered").fill(seats)
        page.get_by_label("State").select_option("published")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text("Activity saved.")).to_be_visible()

    # 2. The automatic scheduler reports what it cannot do ...
    page.goto(f"{week}/schedule/auto")
    expect(page.get_by_text("4 activities wait for a time.")).to_be_visible()
    page.get_by_role("button", name="Propose a timetable").click()
    problem = "University Presidents' Roundtable needs 400 seats and no room has that many."
    expect(page.get_by_text(problem)).to_be_visible()

    # ... the organiser fixes it (every seat of the largest hall) and accepts the proposal.
    page.goto(f"{week}/schedule/")
    page.get_by_role("link", name="University Presidents' Roundtable").first.click()
    page.get_by_label("Seats offered").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Activity saved.")).to_be_visible()
    page.goto(f"{week}/schedule/auto")
    page.get_by_role("button", name="Propose a timetable").click()
    expect(page.locator("input[name=placement]")).to_have_count(4)
    page.get_by_role("button", name="Accept the proposal").click()
    page.goto(f"{week}/schedule/auto")
    expect(page.get_by_text("Every activity has a time and a room.")).to_be_visible()
    page.goto(f"{week}/schedule/health")
    expect(page.get_by_text("No conflicts")).to_be_visible()

    # 3. Ten agreements for the signing ceremony, each between a Guizhou college and a partner.
    for n in range(1, 11):
        page.goto(f"{week}/agreements/new")
        page.get_by_label("Title in English").fill(f"Agreement on vocational exchange {n}")
        page.get_by_label("Signing ceremony").select_option(
            label="Signing Ceremony of Cooperation Agreements"
        )
        page.get_by_label("Party 1", exact=True).select_option(
            label=f"CN · Guizhou Vocational College {n}"
        )
        page.get_by_label("Party 2", exact=True).select_option(
            label=f"TH · ASEAN Partner College {n}"
        )
        page.get_by_role("button", name="Add agreement").click()
        expect(page.get_by_text(f"Agreement on vocational exchange {n}").first).to_be_visible()

    # The first agreement's signatories are named (their name cards are printed).
    page.goto(f"{week}/agreements/")
    page.get_by_role("link", name="Agreement on vocational exchange 1", exact=True).click()
    for n, name in enumerate(("LIU Wei", "Kanokwan SRISUK")):
        party = page.locator("form", has=page.locator("select[name=participant_id]")).nth(n)
        signatory = party.locator("select[name=participant_id]")
        value = signatory.locator("option", has_text=name).get_attribute("value")
        signatory.select_option(value)
        party.get_by_role("button", name="Save").click()
        expect(page.locator("select[name=participant_id]").nth(n)).to_have_value(value)

    # 4. The ceremony's run of show has all ten, and every document prints.
    page.goto(f"{week}/agreements/")
    page.get_by_role("link", name="Signing Ceremony of Cooperation Agreements").first.click()
    expect(page.locator("ol.list-group > li")).to_have_count(10)
    page.screenshot(path=str(ARTIFACTS / "journey-ceremony.png"), full_page=True)
    for document in (
        "programme.pdf",
        "mc-script.pdf",
        "register.pdf",
        "name-cards.pdf",
        "cover-sheets.pdf",
        "press-list.pdf",
    ):
        response = page.request.get(f"{page.url.split('?')[0]}/{document}")
        assert response.status == 200 and response.body().startswith(b"%PDF"), document
        (ARTIFACTS / f"journey-{document}").write_bytes(response.body())
