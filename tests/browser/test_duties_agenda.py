"""A head of delegation finds his official duties in his agenda (VIP guest at the opening,
witness at a signing); when the organisers cancel the signing he is emailed and his agenda
says so."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from eventhub.auth import services as auth_services
from eventhub.auth.models import Role
from eventhub.ceremonies.models import Agreement, AgreementParty, AgreementWitness
from eventhub.directory.models import Organisation
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Category, Participant, Status
from eventhub.scheduling.models import (
    Activity,
    ActivityPerson,
    ActivityRole,
    ActivityState,
    ActivityType,
    Room,
    Venue,
)

from .conftest import log_in, log_in_as_organiser

pytestmark = pytest.mark.browser

HEAD = ("head.duties@browser.test", "head of delegation pw")
SHOTS = "/tmp/shots-notify"


def _head_with_duties(app) -> int:
    """The head, VIP guest at an opening and witness at a signing, in a venue of their own
    (other journeys use the event's halls). Returns the signing ceremony's id."""
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))
        user = auth_services.create_user(*HEAD, display_name="Bounthanh")
        auth_services.grant_role(user, event, Role.HEAD_OF_DELEGATION)
        head = Participant(
            event_id=event.id,
            user_id=user.id,
            given_name="Bounthanh",
            family_name="PHOMMA",
            country_code="LA",
            category=Category.DELEGATE,
            status=Status.APPROVED,
            email=HEAD[0],
        )
        signer = Participant(
            event_id=event.id,
            given_name="Ming",
            family_name="YANG",
            country_code="CN",
            category=Category.DELEGATE,
            status=Status.APPROVED,
        )
        venue = Venue(event_id=event.id, name_en="Protocol Hall", name_zh="礼宾厅")
        db.session.add_all([head, signer, venue])
        db.session.flush()
        room = Room(venue_id=venue.id, name_en="Signing Room", name_zh="签约室", capacity=80)
        db.session.add(room)
        db.session.flush()

        def activity(title_en, title_zh, kind, day, hour):
            item = Activity(
                event_id=event.id,
                title_en=title_en,
                title_zh=title_zh,
                type=kind,
                room_id=room.id,
                state=ActivityState.PUBLISHED,
                starts_at=datetime(2025, 7, day, hour - 8, 0, tzinfo=UTC),
                ends_at=datetime(2025, 7, day, hour - 7, 0, tzinfo=UTC),
            )
            db.session.add(item)
            db.session.flush()
            return item

        opening = activity("Duty Opening Ceremony", "开幕式", ActivityType.OPENING_CEREMONY, 24, 9)
        signing = activity(
            "Rail Signing Ceremony", "铁路合作签约仪式", ActivityType.SIGNING_CEREMONY, 26, 11
        )
        db.session.add(
            ActivityPerson(
                activity_id=opening.id, participant_id=head.id, role=ActivityRole.REQUIRED_VIP
            )
        )
        parties = [Organisation(name_en="Lao Railway College", country_code="LA")]
        parties.append(Organisation(name_en="Guizhou Rail University", country_code="CN"))
        db.session.add_all(parties)
        db.session.flush()
        db.session.add(
            Agreement(
                event_id=event.id,
                title_en="Rail Training MoU",
                ceremony_id=signing.id,
                parties=[
                    AgreementParty(organisation_id=parties[0].id, position=1),
                    AgreementParty(
                        organisation_id=parties[1].id, position=2, signatory_id=signer.id
                    ),
                ],
                witnesses=[AgreementWitness(participant_id=head.id)],
            )
        )
        db.session.commit()
        return signing.id


def test_a_head_sees_his_duties_and_hears_of_a_cancellation(live_server, new_page):
    base = live_server.base_url
    Path(SHOTS).mkdir(exist_ok=True)
    signing_id = _head_with_duties(live_server)
    head = new_page()
    log_in(head, base, *HEAD)
    head.goto(f"{base}/events/caecw-2025/agenda")
    opening = head.locator("li.list-group-item", has_text="Duty Opening Ceremony")
    signing = head.locator("li.list-group-item", has_text="Rail Signing Ceremony")
    assert "VIP guest" in opening.inner_text()
    assert "Witness" in signing.inner_text()
    assert opening.get_by_role("button", name="Leave").count() == 0
    head.screenshot(path=f"{SHOTS}/agenda-duties-en.png", full_page=True)
    with head.expect_navigation():
        head.goto(f"{base}/auth/language/zh_Hans?next=/events/caecw-2025/agenda")
    assert "见证人" in head.locator("li.list-group-item", has_text="铁路合作签约仪式").inner_text()
    head.screenshot(path=f"{SHOTS}/agenda-duties-zh.png", full_page=True)

    organiser = new_page()
    log_in_as_organiser(organiser, base)
    organiser.goto(f"{base}/events/caecw-2025/schedule/activities/{signing_id}")
    organiser.get_by_label("State").select_option("cancelled")
    with organiser.expect_navigation():
        organiser.get_by_role("button", name="Save").click()
    assert "Activity saved." in organiser.locator(".alert").first.inner_text()

    mail = [m for m in live_server.extensions["eventhub_outbox"] if m["To"] == HEAD[0]]
    assert len(mail) == 1 and "铁路合作签约仪式" in mail[0]["Subject"]  # his language now
    head.reload()
    cancelled = head.locator("li.list-group-item", has_text="铁路合作签约仪式")
    assert "已被组织者取消" in cancelled.inner_text()
    head.screenshot(path=f"{SHOTS}/agenda-duties-cancelled-zh.png", full_page=True)
