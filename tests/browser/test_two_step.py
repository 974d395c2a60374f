"""A visa desk officer turns on two-step login from the account menu, scanning the QR code,
then logs in with the password and the app's code."""

from __future__ import annotations

import pyotp
import pytest

from eventhub.auth import services as auth_services
from eventhub.extensions import db

from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser

EMAIL, PASSWORD = "visa.desk@browser.test", "visa desk browser pw"


def test_turning_on_two_step_login_then_logging_in_with_a_code(live_server, page):
    base = live_server.base_url
    with live_server.app_context():
        auth_services.create_user(EMAIL, PASSWORD, display_name="Visa desk")
        db.session.commit()
    page.goto(f"{base}/auth/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")

    page.locator("#user-menu").click()
    page.get_by_role("link", name="Two-step login").click()
    page.get_by_role("link", name="Turn on two-step login").click()
    qr = page.get_by_role("img", name="QR code to add EventHub to your authenticator app")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "two-step-setup.png"), full_page=True)
    secret = page.locator("code").inner_text().replace(" ", "")

    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-step login").click()
    saved = page.locator("ul.font-monospace li").all_inner_texts()
    assert len(saved) == 10
    page.screenshot(path=str(ARTIFACTS / "two-step-recovery-codes.png"), full_page=True)
    page.get_by_role("link", name="I have saved my codes").click()
    page.locator("#user-menu").click()
    page.get_by_role("button", name="Log out").click()

    page.goto(f"{base}/auth/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/auth/login/code")
    page.screenshot(path=str(ARTIFACTS / "two-step-login-code.png"), full_page=True)
    # A recovery code, as someone whose phone is elsewhere (the app's code was just spent).
    page.get_by_label("Code").fill(saved[0])
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")
    assert "Visa desk" in page.locator("#user-menu").inner_text()
