"""The gates of the week and the opening morning's arrivals through the main entrance."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from eventhub.auth import services as auth_services
from eventhub.badges.issuing import badges_for
from eventhub.checkin.models import Admission, Checkpoint, CheckpointStaff, Scan, ScanResult
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Participant, Status


def build_checkpoints(event: Event, report: list[str]) -> None:
    """The gates of the week; the demo's staff account scans at the main entrance."""
    wanted = [
        # slug, English, Chinese, categories, re-entry
        ("main-entrance", "Main entrance", "主入口", "", False),
        ("vip-lounge", "VIP lounge", "贵宾休息室", "official,speaker", True),
        ("plenary-hall", "Plenary hall", "主会场", "", True),
        ("media-centre", "Media centre", "新闻中心", "media,staff", True),
    ]
    added = 0
    for slug, name_en, name_zh, categories, reentry in wanted:
        found = db.session.scalar(
            sa.select(Checkpoint).where(Checkpoint.event_id == event.id, Checkpoint.slug == slug)
        )
        if found is None:
            found = Checkpoint(
                event_id=event.id,
                slug=slug,
                name_en=name_en,
                name_zh=name_zh,
                categories=categories,
                reentry=reentry,
            )
            db.session.add(found)
            db.session.flush()
            added += 1
        if slug == "main-entrance":
            staff = auth_services.get_user_by_email("gate@caecw.example")
            if staff and db.session.get(CheckpointStaff, (found.id, staff.id)) is None:
                db.session.add(CheckpointStaff(checkpoint_id=found.id, user_id=staff.id))
    db.session.flush()
    report.append(f"Checkpoints: {added} added.")


def build_arrivals(event: Event, report: list[str]) -> None:
    """The opening morning as the dashboard shows it: most approved participants through
    the main entrance between 07:30 and 09:15, the peak before the 09:00 opening."""
    gate = db.session.scalar(
        sa.select(Checkpoint).where(
            Checkpoint.event_id == event.id, Checkpoint.slug == "main-entrance"
        )
    )
    if gate is None or db.session.scalar(sa.select(Scan.id).where(Scan.event_id == event.id)):
        return
    rng = random.Random(2025)  # noqa: S311 (demo data, not secrets)
    people = list(
        db.session.scalars(
            sa.select(Participant)
            .where(Participant.event_id == event.id, Participant.status == Status.APPROVED)
            .order_by(Participant.id)
        )
    )
    arriving = [p for p in people if rng.random() < 0.78]
    badges_for(arriving)
    zone = ZoneInfo(event.timezone)
    opening = datetime.combine(event.starts_on, time(7, 30), zone)
    devices = ["Gate A phone 1", "Gate A phone 2", "Gate B scanner 1", "Gate B scanner 2"]
    scans = []
    for person in arriving:
        minutes = min(105.0, max(0.0, rng.gauss(70, 18)))  # most just before 09:00
        scans.append(
            Scan(
                event_id=event.id,
                checkpoint_id=gate.id,
                client_scan_id=f"demo-{person.id}",
                code="",
                participant_id=person.id,
                result=ScanResult.ADMITTED,
                reason="admitted",
                scanned_at=opening + timedelta(minutes=minutes),
                device=rng.choice(devices),
            )
        )
    db.session.add_all(scans)
    db.session.flush()
    db.session.add_all(
        Admission(
            checkpoint_id=gate.id,
            participant_id=scan.participant_id,
            day=event.starts_on,
            scan_id=scan.id,
        )
        for scan in scans
    )
    db.session.flush()
    report.append(f"Arrivals at the main entrance on the opening morning: {len(scans)}.")
