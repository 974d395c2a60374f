"""What the committee prints: the back of the badges, the certificates' signatory."""

from __future__ import annotations

from eventhub.badges.models import BadgeSettings
from eventhub.certificates.models import CertificateSettings
from eventhub.events.models import Event
from eventhub.extensions import db


def build_print_settings(event: Event, report: list[str]) -> None:
    """What the committee prints on the back of badges and signs certificates with."""
    if db.session.get(BadgeSettings, event.id) is None:
        db.session.add(
            BadgeSettings(
                event_id=event.id,
                back_zh="无线网络：CAECW-2025（密码 asean2025）\n"
                "医疗急救：120 · 组委会热线：0851-8888 2025\n"
                "会场班车：酒店 07:30、08:00 发车",
                back_en="Wi-Fi: CAECW-2025 (password asean2025)\nMedical emergency: 120 · "
                "Committee hotline: +86 851 8888 2025\nShuttles from the hotels at 07:30 and 08:00",
            )
        )
    if db.session.get(CertificateSettings, event.id) is None:
        db.session.add(
            CertificateSettings(
                event_id=event.id,
                signatory_name="陈静 CHEN Jing",
                signatory_title_en="Secretary-General, Organising Committee",
                signatory_title_zh="组委会秘书长",
            )
        )
    report.append("Badge back and certificate signatory set.")
