"""Secret links in a real browser: a reset link and an account-link confirmation leave their
token at the door (the address bar shows none); an organiser making someone head under an
existing account's address reads that its owner was asked, and the owner confirms."""

from __future__ import annotations

import re

import pytest

from eventhub.auth import services as auth_services
from eventhub.extensions import db
from eventhub.registration.models import Delegation, Participant, Status

from .conftest import ARTIFACTS, log_in_as_organiser

pytestmark = pytest.mark.browser


def _mailed(app, to: str, path: str) -> str:
    mail = next(m for m in reversed(app.extensions["eventhub_outbox"]) if m["To"] == to)
    return re.search(rf"(http://\S+{re.escape(path)}\S+)", mail.get_content()).group(1)


def test_a_reset_link_shows_no_token_in_the_address_bar(live_server, new_page):
    base = live_server.base_url
    with live_server.app_context():
        auth_services.create_user("forgetful@example.org", "old password here")
        db.session.commit()
    page = new_page()
    page.goto(f"{base}/auth/reset")
    page.get_by_label("Email").fill("forgetful@example.org")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/auth/login")
    link = _mailed(live_server, "forgetful@example.org", "/auth/reset/")
    token = link.rsplit("/", 1)[1]
    page.goto(link)
    page.wait_for_url(f"{base}/auth/new-password")
    assert token not in page.url
    page.screenshot(path=str(ARTIFACTS / "reset-new-password.png"), full_page=True)
    page.get_by_label("New password", exact=True).fill("a long new password")
    page.get_by_label("Repeat the new password").fill("a long new password")
    page.get_by_role("button", name="Set new password").click()
    page.get_by_text("Your new password is set").wait_for()
    # The spent link gets the clear page, with a way to ask for another.
    page.goto(link)
    page.get_by_role("link", name="Ask for a new link").wait_for()
    page.screenshot(path=str(ARTIFACTS / "reset-link-used.png"), full_page=True)


def test_a_head_under_an_existing_address_waits_for_its_owner(live_server, new_page):
    base = live_server.base_url
    with live_server.app_context():
        from eventhub.events.services import get_event_by_slug

        event = get_event_by_slug("caecw-2025")
        auth_services.create_user("rector.office@example.org", "owner password here")
        delegation = Delegation(event_id=event.id, name_en="Lao PDR delegation", country_code="LA")
        db.session.add(delegation)
        db.session.flush()
        member = Participant(
            event_id=event.id,
            given_name="Khampheng",
            family_name="SOUVANNAVONG",
            country_code="LA",
            email="rector.office@example.org",
            delegation_id=delegation.id,
            status=Status.APPROVED,
        )
        db.session.add(member)
        db.session.commit()
        delegation_id, member_id = delegation.id, member.id
    organiser = new_page()
    log_in_as_organiser(organiser, base)
    organiser.goto(
        f"{base}/auth/language/en?next=/events/caecw-2025/delegations/{delegation_id}/edit"
    )
    organiser.get_by_label("Head, chosen among the members").select_option(str(member_id))
    organiser.get_by_role("button", name="Set the head").click()
    organiser.get_by_text("a confirmation was sent to rector.office@example.org").wait_for()
    organiser.screenshot(path=str(ARTIFACTS / "head-confirmation-sent.png"), full_page=True)
    organiser.get_by_role("button", name="Set the head").click()
    organiser.get_by_text("is still pending; no new one was sent").wait_for()
    organiser.screenshot(path=str(ARTIFACTS / "head-confirmation-pending.png"), full_page=True)

    owner = new_page()
    link = _mailed(live_server, "rector.office@example.org", "/my-registration/link/")
    owner.goto(link)
    owner.wait_for_url(f"{base}/my-registration/link")
    assert link.rsplit("/", 1)[1] not in owner.url
    owner.screenshot(path=str(ARTIFACTS / "account-link-confirm.png"), full_page=True)
    owner.get_by_role("button", name="Yes, this registration is mine").click()
    owner.get_by_text("The registration is linked to your account").wait_for()
