"""A live EventHub on 127.0.0.1 with its own SQLite database, and Debian's Chromium.

Screenshots go to test-artifacts/ (kept, git-ignored), so a failing run can be looked at.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from eventhub import ROOT, create_app
from eventhub.auth import services as auth_services
from eventhub.auth.models import Role
from eventhub.directory.services import seed_countries
from eventhub.events import services as event_services
from eventhub.extensions import db
from eventhub.registration.models import Category, Participant, Status

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
ORGANISER = ("organiser@browser.test", "browser organiser pw")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    instance = tmp_path_factory.mktemp("live")
    app = create_app(
        {
            "INSTANCE_PATH": str(instance),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/live.sqlite3",
            "SECRET_KEY": "browser-test",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "MAIL_BACKEND": "memory",
            # Jobs (print runs, mail, scheduler runs) at once after each request commits;
            # tests/test_jobs.py runs them through real queues and a worker.
            "JOBS_URL": "immediate",
            "DASHBOARD_REFRESH_SECONDS": 1,
            # Every journey signs the organiser in; the limits have tests of their own.
            "LOGIN_RATE_LIMIT": "100 per minute",
        }
    )
    app.extensions["eventhub_outbox"] = []
    with app.app_context():
        upgrade()
        seed_countries()
        event = event_services.create_event(
            {
                "slug": "caecw-2025",
                "name_en": "China-ASEAN Education Cooperation Week 2025",
                "name_zh": "2025中国—东盟教育交流周",
                "city_en": "Guiyang",
                "city_zh": "贵阳",
                "venue_address": "Guiyang International Eco-Conference Center",
                "starts_on": date(2025, 7, 24),
                "ends_on": date(2025, 7, 27),
                "timezone": "Asia/Shanghai",
                "registration_opens_at": datetime(2025, 1, 1, tzinfo=UTC),
            }
        )
        user = auth_services.create_user(ORGANISER[0], ORGANISER[1], display_name="陈静")
        auth_services.grant_role(user, event, Role.ORGANISER)
        names = [
            ("LA", "ສົມພອນ ແກ້ວມະນີ"),
            ("KH", "ហេង ស្រីពៅ"),
            ("MM", "အောင်ကျော်မိုး"),
            ("TH", "น้ำฝน ปั้นทอง"),
            ("VN", "Nguyễn Thị Hương"),
            ("CN", "杨明"),
        ]
        for code, native in names:
            db.session.add(
                Participant(
                    event_id=event.id,
                    given_name=native,
                    native_name=native,
                    country_code=code,
                    category=Category.DELEGATE,
                    status=Status.APPROVED,
                )
            )
        from eventhub.scheduling.models import Activity, ActivityState, Room, Venue

        venue = Venue(event_id=event.id, name_en="Eco-Conference Center")
        db.session.add(venue)
        db.session.flush()
        hall = Room(venue_id=venue.id, name_en="Hall A", capacity=300)
        other = Room(venue_id=venue.id, name_en="Hall B", capacity=200)
        db.session.add_all([hall, other])
        db.session.flush()
        db.session.add(
            Activity(
                event_id=event.id,
                title_en="Skills Forum",
                title_zh="技能论坛",
                room_id=hall.id,
                state=ActivityState.PUBLISHED,
                starts_at=datetime(2025, 7, 25, 1, 0, tzinfo=UTC),
                ends_at=datetime(2025, 7, 25, 2, 30, tzinfo=UTC),
            )
        )
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.base_url = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_URL"] = app.base_url  # where the links in its emails point
    yield app
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make install-dev` (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser page that records failed and off-site requests."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.problems = []
    # A request the browser abandons because the page moved on is not a failure.
    page.on(
        "requestfailed",
        lambda r: (
            "ERR_ABORTED" not in (r.failure or "")
            and page.problems.append(f"failed: {r.url} {r.failure}")
        ),
    )
    # Console errors include Content-Security-Policy violations.
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("response", lambda r: r.status >= 400 and page.problems.append(f"{r.status}: {r.url}"))
    page.on(
        "request",
        lambda r: (
            not r.url.startswith(("http://127.0.0.1", "data:"))
            and page.problems.append(f"off-site: {r.url}")
        ),
    )
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-last.png"), full_page=True)
    context.close()


@pytest.fixture
def new_page(browser, request):
    """Pages for the several people of a journey, each in its own browser context; every
    one is screenshotted when the test ends (pass or fail), to see where it stood."""
    pages = []

    def open_page(locale: str = "en-GB"):
        page = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
        pages.append(page.new_page())
        return pages[-1]

    yield open_page
    ARTIFACTS.mkdir(exist_ok=True)
    for n, page in enumerate(pages):
        if not page.is_closed():
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{n}.png"), full_page=True)
        page.context.close()


def serve_demo(tmp_path_factory, name: str):
    """The whole demo week served in a thread (jobs run at once, mail kept in memory), for
    the journeys that need its data; yields the app, with `base_url`."""
    from eventhub.demo.builder import build_demo

    instance = tmp_path_factory.mktemp(name)
    app = create_app(
        {
            "INSTANCE_PATH": str(instance),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/demo.sqlite3",
            "SECRET_KEY": name,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "MAIL_BACKEND": "memory",
            "JOBS_URL": "immediate",
            "LOGIN_RATE_LIMIT": "100 per minute",
        }
    )
    app.extensions["eventhub_outbox"] = []
    with app.app_context():
        upgrade()
        build_demo()
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    app.base_url = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_URL"] = app.base_url
    yield app
    server.shutdown()


def log_in(page, base: str, email: str, password: str) -> None:
    """Through the login form, with the keyboard."""
    page.goto(f"{base}/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")
    # The language is kept per account and the accounts are shared by every browser test:
    # each test starts in English, whatever an earlier one chose.
    page.goto(f"{base}/auth/language/en?next=/")
    page.wait_for_url(f"{base}/")


def log_in_as_organiser(page, base: str) -> None:
    log_in(page, base, *ORGANISER)


def fill_registration_in_chinese(page, *, given, family, native, organisation, country, email):
    """The registration form's name, organisation, country and email, in the Chinese UI, and
    the consents to registration and to the photo."""
    page.get_by_label("名（与护照一致）").fill(given)
    page.get_by_label("姓（与护照一致）").fill(family)
    page.get_by_label("本国文字姓名").fill(native)
    page.get_by_label("机构").fill(organisation)
    page.get_by_label("国家", exact=True).select_option(country)
    page.get_by_label("电子邮箱").fill(email)
    # "Your personal data": the registration consent (required) and the photo's.
    page.locator("#consent_registration").check()
    page.locator("#consent_photo").check()
