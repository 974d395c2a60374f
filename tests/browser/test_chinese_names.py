"""An organiser gives a Lao signatory his name and title in Chinese on the participant page;
the page keeps them and shows the name in Chinese under his own."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Category, Participant, Status

from .conftest import ARTIFACTS, log_in_as_organiser

pytestmark = pytest.mark.browser


def test_organiser_enters_a_chinese_name_and_title(live_server, page):
    base = live_server.base_url
    with live_server.app_context():
        event = db.session.scalar(db.select(Event).filter_by(slug="caecw-2025"))
        person = Participant(
            event_id=event.id,
            family_name="PHOMMACHANH",
            given_name="Bounthavy",
            native_name="ບຸນທະວີ ພົມມະຈັນ",
            position="Vice President",
            country_code="LA",
            category=Category.OFFICIAL,
            status=Status.APPROVED,
            email="bounthavy.chinese-names@example.la",
        )
        db.session.add(person)
        db.session.commit()
        url = f"{base}/events/caecw-2025/participants/{person.id}"
    log_in_as_organiser(page, base)
    page.goto(url)
    page.get_by_label("Name in Chinese characters").fill("Bounthavy")
    page.get_by_role("button", name="Save", exact=True).click()
    # Latin letters are no Chinese rendering: said so at the field, the rest kept.
    expect(page.locator("#name_zh-error")).to_contain_text("Chinese characters")
    assert page.get_by_label("Position", exact=True).input_value() == "Vice President"
    page.get_by_label("Name in Chinese characters").fill("本塔维·彭马占")
    page.get_by_label("Position in Chinese").fill("副校长")
    page.get_by_label("Organisation", exact=True).fill("National University of Laos")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved.", exact=True)).to_be_visible()
    assert page.get_by_label("Name in Chinese characters").input_value() == "本塔维·彭马占"
    assert page.get_by_label("Position in Chinese").input_value() == "副校长"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "participant-chinese-name.png"), full_page=True)
    assert not page.problems, page.problems
