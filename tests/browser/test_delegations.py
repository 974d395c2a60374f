"""An organiser creates a delegation, moves people into it and gives it a head; the head,
on a phone, withdraws a member after a confirmation and restores her: in a real browser."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from eventhub.auth import services as auth_services
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Participant, Status

from .conftest import ARTIFACTS, log_in, log_in_as_organiser

pytestmark = pytest.mark.browser

HEAD = ("head.kh@browser.test", "phnom penh head pw")
MEMBERS = [
    ("HENG", "Sreypov", "ហេង ស្រីពៅ", "Vice-Rector for International Relations"),
    ("CHAN", "Dara", "ចាន់ ដារា", "Director of the Department of Higher Education"),
    ("SOK", "Pisey", "សុខ ពិសី", "Lecturer in Civil Engineering and Urban Planning"),
]


def _people(app) -> None:
    """A Cambodian head with an account, and three members, none in a delegation yet."""
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))
        user = auth_services.create_user(*HEAD, display_name="KEO Sophal")
        db.session.add(
            Participant(
                event_id=event.id,
                family_name="KEO",
                given_name="Sophal",
                country_code="KH",
                email=HEAD[0],
                user_id=user.id,
                status=Status.APPROVED,
                search_text="keo sophal",
            )
        )
        for family, given, native, position in MEMBERS:
            db.session.add(
                Participant(
                    event_id=event.id,
                    family_name=family,
                    given_name=given,
                    native_name=native,
                    position=position,
                    country_code="KH",
                    status=Status.APPROVED,
                    search_text=f"{family} {given} kh-member".lower(),
                )
            )
        db.session.commit()


def test_a_delegation_is_made_and_its_head_withdraws_on_a_phone(live_server, browser, page):
    base = live_server.base_url
    _people(live_server)
    log_in_as_organiser(page, base)
    page.goto(f"{base}/events/caecw-2025/delegations/new")
    page.get_by_label("Name in English").fill("Royal University of Phnom Penh delegation")
    page.get_by_label("Name in Chinese").fill("金边皇家大学代表团")
    page.get_by_label("Country").select_option("KH")
    page.get_by_role("button", name="Create the delegation").click()
    assert page.get_by_text("has been created").is_visible()

    # Everyone from the search into the delegation, with the list's bulk action.
    page.goto(f"{base}/events/caecw-2025/participants/?q=kh-member")
    page.get_by_label("Select all on this page").check()
    page.get_by_label("With the selected").select_option("delegation")
    page.get_by_label("Delegation to move them to").select_option(
        label="Royal University of Phnom Penh delegation"
    )
    page.get_by_role("button", name="Apply").click()
    assert page.get_by_text("3 of 3 participants changed.").is_visible()
    page.goto(f"{base}/events/caecw-2025/participants/?q=keo+sophal")
    page.get_by_role("link", name="KEO Sophal").click()
    page.get_by_label("Delegation", exact=True).select_option(
        label="Royal University of Phnom Penh delegation"
    )
    page.get_by_role("button", name="Move to this delegation").click()

    page.goto(f"{base}/events/caecw-2025/delegations/")
    page.get_by_role("link", name="Royal University of Phnom Penh delegation").click()
    page.get_by_label("Head, chosen among the members").select_option(label="KEO Sophal (Approved)")
    page.get_by_role("button", name="Set the head").click()
    assert page.get_by_text("KEO Sophal heads Royal University").is_visible()
    page.screenshot(path=str(ARTIFACTS / "delegation-edit.png"), full_page=True)
    page.goto(f"{base}/events/caecw-2025/delegations/")
    page.screenshot(path=str(ARTIFACTS / "delegations-list.png"), full_page=True)
    assert page.problems == []

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB").new_page()
    try:
        log_in(phone, base, *HEAD)
        phone.goto(f"{base}/events/caecw-2025/")  # the home page shows the delegation he heads
        phone.get_by_role("link", name="Royal University of Phnom Penh delegation").click()
        withdraw = phone.get_by_role("link", name="Withdraw SOK Pisey")
        withdraw.scroll_into_view_if_needed()
        box = withdraw.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390  # nothing to scroll sideways for
        phone.screenshot(path=str(ARTIFACTS / "delegation-phone.png"), full_page=True)

        withdraw.focus()
        phone.keyboard.press("Enter")  # a link: works with the keyboard, without scripts
        phone.wait_for_url("**/withdraw")
        assert phone.get_by_role("heading", name="Withdraw SOK Pisey?").is_visible()
        phone.screenshot(path=str(ARTIFACTS / "withdraw-confirm-phone.png"), full_page=True)
        phone.get_by_role("link", name="No, keep them").click()
        assert phone.get_by_role("link", name="Withdraw SOK Pisey").is_visible()

        phone.get_by_role("link", name="Withdraw SOK Pisey").click()
        phone.get_by_role("button", name="Yes, withdraw SOK Pisey").click()
        assert phone.get_by_text("SOK Pisey has been withdrawn.").is_visible()
        restore = phone.get_by_role("button", name="Restore SOK Pisey")
        box = restore.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390
        phone.screenshot(path=str(ARTIFACTS / "withdrawn-phone.png"), full_page=True)
        restore.click()
        assert phone.get_by_text("the organisers review them again").is_visible()
        with live_server.app_context():
            sok = db.session.scalar(sa.select(Participant).where(Participant.family_name == "SOK"))
            assert sok.status == Status.PENDING  # approved before: reviewed again
    finally:
        phone.context.close()
