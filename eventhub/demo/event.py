"""The demo event and its accounts: the week's dates and place, the logins `flask demo` prints."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa

from eventhub.auth import services as auth_services
from eventhub.auth.models import Role
from eventhub.events import services as event_services
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Participant

EVENT = {
    "slug": "caecw-2025",
    "name_en": "China-ASEAN Education Cooperation Week 2025",
    "name_zh": "2025中国—东盟教育交流周",
    "city_en": "Guiyang",
    "city_zh": "贵阳",
    "venue_address": "Guiyang International Eco-Conference Center, Guanshanhu District, "
    "Guiyang, Guizhou, China",
    # The same address the Chinese way, from the country down to the building.
    "venue_address_zh": "中国贵州省贵阳市观山湖区贵阳国际生态会议中心",
    "starts_on": date(2025, 7, 24),
    "ends_on": date(2025, 7, 27),
    "timezone": "Asia/Shanghai",
    # Opened in May and left open, so that the demo's registration form can be tried.
    "registration_opens_at": datetime(2025, 5, 1, 1, 0, tzinfo=UTC),
    "registration_closes_at": None,
    "letter_issuer_en": "Organising Committee of the China-ASEAN Education Cooperation Week",
    "letter_issuer_zh": "中国—东盟教育交流周组委会",
    "letter_signatory": "WANG Jianhua",
    "letter_signatory_title_en": "Secretary-General of the Organising Committee",
    "letter_signatory_title_zh": "组委会秘书长",
    "letter_contact": "Guiyang International Eco-Conference Center, Guiyang, Guizhou, China · "
    "visa@caecw.example",
    # What organisers write to guests; Thai and Vietnamese in demo/translations.py.
    "guest_notice_en": "Bring your passport and your badge every day. Shuttle buses leave "
    "the official hotels from 07:30.",
    "guest_notice_zh": "请每天携带护照和胸卡。班车07:30起从官方酒店发车。",
    "registration_help_en": "Have your passport and a recent photo at hand. Questions: "
    "registration@caecw.example",
    "registration_help_zh": "请准备好护照和近期照片。如有疑问：registration@caecw.example",
    "email_note_en": "We look forward to welcoming you in Guiyang.",
    "email_note_zh": "期待在贵阳与您相见。",
}

# Accounts printed by `flask demo`: (role shown, email, password, display name)
LOGINS = [
    ("administrator", "admin@eventhub.example", "demo-admin-2025", "EventHub Administrator"),
    ("organiser", "organiser@caecw.example", "demo-organiser-2025", "Organising Committee"),
    ("staff (scanning)", "gate@caecw.example", "demo-staff-2025", "Gate A Staff"),
    ("visa desk", "visa@caecw.example", "demo-visa-2025", "Visa Desk"),
    ("head of delegation", "head.la@caecw.example", "demo-head-2025", "Bounmy PHOMMACHANH"),
    ("delegate", "delegate.la@caecw.example", "demo-delegate-2025", "Somphone KEOMANY"),
]


def build_event(report: list[str]) -> Event:
    event = event_services.get_event_by_slug(EVENT["slug"])
    if event is None:
        event = event_services.create_event(dict(EVENT))
        report.append(f"Event {event.slug} created.")
    else:
        report.append(f"Event {event.slug} exists.")
    return event


def demo_logins() -> list[tuple[str, str, str]]:
    return [(role, email, password) for role, email, password, _name in LOGINS]


def build_accounts(event, report) -> None:
    roles = {
        "admin@eventhub.example": None,
        "organiser@caecw.example": Role.ORGANISER,
        "gate@caecw.example": Role.STAFF,
        "visa@caecw.example": Role.VISA_OFFICER,
        "head.la@caecw.example": Role.HEAD_OF_DELEGATION,
        "delegate.la@caecw.example": Role.DELEGATE,
    }
    added = 0
    for _role, email, password, name in LOGINS:
        user = auth_services.get_user_by_email(email)
        if user is None:
            user = auth_services.create_user(
                email, password, display_name=name, is_admin=roles[email] is None
            )
            added += 1
        if roles[email] is not None:
            auth_services.grant_role(user, event, roles[email])
        participant = db.session.scalar(
            sa.select(Participant).where(
                Participant.event_id == event.id, Participant.email == email
            )
        )
        if participant is not None and participant.user_id is None:
            participant.user_id = user.id
    db.session.flush()
    report.append(f"Accounts: {added} added.")
