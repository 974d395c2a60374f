"""A Lao delegate registers in Chinese with a photo, edits as herself from the emailed link,
and an organiser approves her: in a real browser."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from .conftest import ARTIFACTS, fill_registration_in_chinese, log_in_as_organiser

pytestmark = pytest.mark.browser


def test_lao_delegate_registers_and_is_approved(live_server, page, tmp_path, browser):
    base = live_server.base_url
    photo = tmp_path / "portrait.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (480, 640), "teal").save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())

    page.goto(f"{base}/auth/language/zh_Hans?next=/events/caecw-2025/register")
    assert page.get_by_role("heading", level=1).inner_text().startswith("报名参加")
    fill_registration_in_chinese(
        page,
        given="Viengsavanh",
        family="INTHAVONG",
        native="ວຽງສະຫວັນ ອິນທະວົງ",
        organisation="Souphanouvong University",
        country="LA",
        email="not-an-email",
    )
    page.get_by_label("职务", exact=True).fill("Lecturer")
    page.get_by_label("证件照").set_input_files(str(photo))
    page.get_by_role("button", name="报名").click()
    # The bad email is explained and nothing typed is lost.
    assert page.get_by_text("请输入有效的电子邮箱地址。").is_visible()
    assert page.get_by_label("本国文字姓名").input_value() == "ວຽງສະຫວັນ ອິນທະວົງ"
    page.get_by_label("电子邮箱").fill("viengsavanh@example.la")
    page.get_by_label("证件照").set_input_files(str(photo))
    page.screenshot(path=str(ARTIFACTS / "register-zh.png"), full_page=True)
    page.get_by_role("button", name="报名").click()
    page.wait_for_url(re.compile(r".*/me/.*"))
    assert page.get_by_text("ວຽງສະຫວັນ ອິນທະວົງ").first.is_visible()
    assert page.get_by_text("待审核").first.is_visible()
    assert page.locator("img.photo-thumb").evaluate("img => img.naturalWidth") == 480

    link = re.search(
        r"http://\S+(/events/\S+/me/\S+)",
        live_server.extensions["eventhub_outbox"][-1].get_content(),
    ).group(1)
    page.goto(f"{base}/auth/language/en?next={link}")
    page.get_by_label("Position", exact=True).fill("Senior Lecturer")
    page.get_by_role("button", name="Save changes").click()
    assert page.get_by_text("Your changes have been saved.").is_visible()

    organiser = browser.new_context().new_page()
    log_in_as_organiser(organiser, base)
    organiser.goto(f"{base}/events/caecw-2025/participants/?q=inthavong")
    organiser.get_by_label("Select Viengsavanh INTHAVONG").check()
    organiser.get_by_label("With the selected").select_option("approve")
    organiser.get_by_role("button", name="Apply").click()
    assert organiser.get_by_text("1 of 1 participants changed.").is_visible()
    organiser.screenshot(path=str(ARTIFACTS / "participants-list.png"), full_page=True)
    organiser.context.close()

    page.goto(f"{base}{link}")
    assert page.get_by_text("Approved").first.is_visible()
    assert page.problems == []


def test_without_a_public_address_the_form_says_why_and_keeps_what_was_typed(live_server, page):
    """Nothing is registered (no link could be mailed), and the delegate need not retype."""
    base = live_server.base_url
    saved = live_server.config["PUBLIC_URL"]
    page.goto(f"{base}/auth/language/zh_Hans?next=/events/caecw-2025/register")
    fill_registration_in_chinese(
        page,
        given="Bounmy",
        family="SOUVANNAVONG",
        native="ບຸນມີ ສຸວັນນະວົງ",
        organisation="National University of Laos",
        country="LA",
        email="bounmy.s@example.la",
    )
    live_server.config["PUBLIC_URL"] = None
    try:
        page.get_by_role("button", name="报名").click()
        assert page.get_by_text("本网站暂时无法通过邮件发送链接").is_visible()
        assert page.get_by_label("本国文字姓名").input_value() == "ບຸນມີ ສຸວັນນະວົງ"
        page.screenshot(path=str(ARTIFACTS / "registration-no-public-address.png"), full_page=True)
    finally:
        live_server.config["PUBLIC_URL"] = saved
