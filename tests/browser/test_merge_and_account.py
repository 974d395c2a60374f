"""An organiser merges two registrations of a Myanmar delegate field by field; a delegate
finds her badge and letter on "My registration": in a real browser, on a desktop and a phone."""

from __future__ import annotations

import pytest

from eventhub.auth import services as auth_services
from eventhub.extensions import db
from eventhub.registration.models import Participant, Status

from .conftest import ARTIFACTS, log_in, log_in_as_organiser

pytestmark = pytest.mark.browser


def _add(app, **values) -> int:
    with app.app_context():
        from eventhub.events.services import get_event_by_slug

        event = get_event_by_slug("caecw-2025")
        person = Participant(event_id=event.id, status=Status.PENDING, **values)
        db.session.add(person)
        db.session.commit()
        return person.id


def test_merge_chooses_each_field_and_confirms(live_server, new_page):
    base = live_server.base_url
    kept = _add(
        live_server,
        given_name="Aung Hlaing",
        country_code="MM",
        email="aung.hlaing@example.mm",
        position="Rector",
    )
    other = _add(
        live_server,
        family_name="Aung",
        given_name="Hlaing",
        native_name="အောင်လှိုင်",
        country_code="MM",
        email="Aung.Hlaing@example.mm",
        phone="+95 9 555 0101",
        position="Rector, Yangon University",
    )
    page = new_page()
    log_in_as_organiser(page, base)
    # In English whatever language an earlier journey left the organiser's account in.
    page.goto(f"{base}/auth/language/en?next=/events/caecw-2025/participants/duplicates")
    page.get_by_role("button", name=f"Merge, keep #{kept}").click()
    page.wait_for_url(f"**/duplicates/merge?keep={kept}&remove={other}")
    assert page.get_by_label(f"Rector · #{kept}").is_checked()  # the kept value by default
    page.get_by_label(f"အောင်လှိုင် · #{other}").check()
    page.get_by_label(f"Rector, Yangon University · #{other}").press("Space")
    page.screenshot(path=str(ARTIFACTS / "merge-choose.png"), full_page=True)
    page.get_by_role("button", name="Review the result").click()
    page.screenshot(path=str(ARTIFACTS / "merge-review.png"), full_page=True)
    result = page.get_by_role("row", name="Family name (as in passport)")
    assert "—" in result.inner_text()  # "Aung Hlaing" keeps one name
    page.get_by_role("button", name=f"Merge and remove #{other}").click()
    assert page.get_by_text("Merged into the registration of Aung Hlaing.").is_visible()
    page.goto(f"{base}/events/caecw-2025/audit")
    assert page.get_by_role(
        "cell", name="Registration removed by a merge (what it held)"
    ).is_visible()
    page.screenshot(path=str(ARTIFACTS / "merge-audit.png"), full_page=True)

    phone = new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    log_in_as_organiser(phone, base)
    third = _add(live_server, given_name="Budiono", country_code="ID", email="bu@example.id")
    fourth = _add(live_server, given_name="Budiono", country_code="ID", email="bu@example.id")
    merge_page = f"/events/caecw-2025/participants/duplicates/merge?keep={third}%26remove={fourth}"
    phone.goto(f"{base}/auth/language/zh_Hans?next={merge_page}")  # and in Chinese
    button = phone.get_by_role("button", name="查看合并结果")
    button.scroll_into_view_if_needed()
    assert button.is_visible()
    phone.screenshot(path=str(ARTIFACTS / "merge-phone.png"), full_page=True)
    phone.goto(f"{base}/auth/language/en?next=/")  # as it found the account


def test_my_registration_from_the_navigation(live_server, new_page):
    base = live_server.base_url
    with live_server.app_context():
        user = auth_services.create_user("mya@example.mm", "delegate browser pw")
        user_id = user.id
        db.session.commit()
    _add(
        live_server,
        given_name="Mya Mya",
        country_code="MM",
        email="mya@example.mm",
        user_id=user_id,
    )
    with live_server.app_context():
        person = db.session.scalar(db.select(Participant).where(Participant.user_id == user_id))
        person.status = Status.APPROVED
        db.session.commit()
    page = new_page()
    log_in(page, base, "mya@example.mm", "delegate browser pw")
    page.get_by_role("link", name="My registration").click()
    assert page.get_by_role("heading", name="My registration").is_visible()
    assert page.get_by_role("link", name="Your badge (PDF)").is_visible()
    assert page.get_by_role("link", name="My agenda").is_visible()
    page.screenshot(path=str(ARTIFACTS / "my-registration.png"), full_page=True)
    phone = new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    log_in(phone, base, "mya@example.mm", "delegate browser pw")
    phone.goto(f"{base}/my-registration")
    phone.screenshot(path=str(ARTIFACTS / "my-registration-phone.png"), full_page=True)
    assert not page.problems if hasattr(page, "problems") else True
