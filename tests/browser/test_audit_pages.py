"""Someone guessing a password shows: to the account's owner on 'Your sessions', and to the
installation's administrator on the installation's audit log; an administrator with two-step
login makes new recovery codes. In English and in Chinese, screenshotted."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from eventhub.auth import services as auth_services
from eventhub.extensions import db

from .conftest import ARTIFACTS, ORGANISER

pytestmark = pytest.mark.browser

ADMIN = ("admin@browser.test", "browser admin pw 2025")


def _shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"audit-{name}.png"), full_page=True)


def _guess(page, base: str, email: str) -> None:
    page.goto(f"{base}/auth/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill("a wrong guess")
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def test_a_guessed_password_shows_to_the_owner_and_the_administrator(live_server, new_page):
    base = live_server.base_url
    with live_server.app_context():
        if auth_services.get_user_by_email(ADMIN[0]) is None:
            auth_services.create_user(*ADMIN, display_name="Admin", is_admin=True)
            db.session.commit()
    guesser = new_page()
    _guess(guesser, base, ORGANISER[0])

    for locale, failed in (("en-GB", "Failed login"), ("zh-CN", "登录失败")):
        owner = new_page(locale)
        _sign_in(owner, base, ORGANISER)
        owner.goto(f"{base}/auth/sessions")
        activity = owner.locator("table").nth(1)
        assert failed in activity.inner_text()
        _shoot(owner, f"sessions-{locale}")

    for locale, menu_item, failed in (
        ("en-GB", "Installation audit log", "Failed login"),
        ("zh-CN", "系统审计日志", "登录失败"),
    ):
        admin = new_page(locale)
        _sign_in(admin, base, ADMIN)
        admin.locator("#user-menu").click()
        admin.get_by_role("link", name=menu_item).click()
        admin.wait_for_url(f"{base}/admin/audit")
        row = admin.locator("tr", has_text=ORGANISER[0]).filter(has_text=failed).first
        assert "127.0.0.1" in row.inner_text()
        _shoot(admin, f"installation-{locale}")
        admin.locator("#q").fill("127.0.0")
        admin.locator("#what").select_option(label=failed)
        admin.locator("button[type=submit]", has_text=re.compile("Filter|筛选")).click()
        admin.wait_for_load_state()
        assert admin.locator("tbody tr").count() >= 1
        _shoot(admin, f"installation-filtered-{locale}")


def _sign_in(page, base: str, account: tuple[str, str]) -> None:
    """Through the login form, in either language."""
    page.goto(f"{base}/auth/login")
    page.locator("#email").fill(account[0])
    page.locator("#password").fill(account[1])
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")


def test_new_recovery_codes_from_the_two_step_page(live_server, new_page):
    import pyotp

    base = live_server.base_url
    email, password = "twostep@browser.test", "browser two step pw"
    with live_server.app_context():
        auth_services.create_user(email, password)
        db.session.commit()
    page = new_page()
    _sign_in(page, base, (email, password))
    page.goto(f"{base}/auth/two-step/setup")
    secret = page.locator("code").first.inner_text().replace(" ", "")
    page.locator("#code").fill(pyotp.TOTP(secret).now())
    page.locator("button[type=submit]", has_text="Turn on").click()
    # The click returns before the next page has loaded: wait for the codes themselves.
    expect(page.locator("ul.font-monospace li")).to_have_count(10)
    old = re.findall(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", page.content())
    assert len(old) == 10
    page.get_by_role("link", name="I have saved my codes").click()
    _shoot(page, "two-step-en-GB")
    page.locator("#codes-password").fill(password)
    page.locator("#codes-code").fill(old[0])  # a recovery code proves the phone too
    page.get_by_role("button", name="Make new recovery codes").click()
    expect(page.locator("ul.font-monospace li")).to_have_count(10)
    new = re.findall(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", page.content())
    assert len(new) == 10 and not set(new) & set(old)
    _shoot(page, "new-codes-en-GB")
    chinese = new_page("zh-CN")
    _log_in_zh_code(chinese, base, email, password, new[0])
    chinese.goto(f"{base}/auth/two-step")
    assert "生成新的恢复码" in chinese.content()
    _shoot(chinese, "two-step-zh-CN")


def _log_in_zh_code(page, base: str, email: str, password: str, code: str) -> None:
    page.goto(f"{base}/auth/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/auth/login/code")
    page.locator("#code").fill(code)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")
