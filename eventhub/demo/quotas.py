"""Places in the demo week: a capacity, and the Lao national delegation's quota, full, with
two people on the waiting list."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.registration import quotas
from eventhub.registration.models import (
    Category,
    LimitKind,
    Participant,
    RegistrationLimit,
    Status,
    WaitingPlace,
)
from eventhub.text import search_text

CAPACITY = 5000
# (family, given, native, email, when they registered: after the quota was full)
WAITING = [
    ("PHOMMASENG", "Vilayvanh", "ວິໄລວັນ ພົມມະເສັງ", "vilayvanh.p@moes.gov.la", 14, 5),
    ("SOUVANNAVONG", "Khamphet", "ຄຳເພັດ ສຸວັນນະວົງ", "khamphet.s@moes.gov.la", 15, 40),
]


def _limit(event, kind: LimitKind, value: str, places: int) -> bool:
    exists = db.session.scalar(
        sa.select(RegistrationLimit.id).where(
            RegistrationLimit.event_id == event.id,
            RegistrationLimit.kind == kind,
            RegistrationLimit.value == value,
        )
    )
    if exists is None:
        db.session.add(RegistrationLimit(event_id=event.id, kind=kind, value=value, places=places))
    return exists is None


def build_quotas(event, delegations, report) -> None:
    delegation = delegations[("LA", None)]
    members = sa.select(sa.func.count()).where(
        Participant.delegation_id == delegation.id, Participant.status.in_(quotas.HOLDING)
    )
    added = _limit(event, LimitKind.EVENT, "", CAPACITY)
    # The quota is the places its members hold: full, so the latecomers wait.
    added += _limit(event, LimitKind.DELEGATION, str(delegation.id), db.session.scalar(members))
    organisation_id = db.session.scalar(
        sa.select(Participant.organisation_id)
        .where(Participant.delegation_id == delegation.id)
        .order_by(Participant.id)
        .limit(1)
    )
    waiting = 0
    for family, given, native, email, hour, minute in WAITING:
        if db.session.scalar(
            sa.select(Participant.id).where(
                Participant.event_id == event.id, Participant.email == email
            )
        ):
            continue
        person = Participant(
            event_id=event.id,
            delegation_id=delegation.id,
            organisation_id=organisation_id,
            family_name=family,
            given_name=given,
            native_name=native,
            email=email,
            country_code="LA",
            nationality_code="LA",
            category=Category.DELEGATE,
            status=Status.WAITLISTED,
            locale="en",
            search_text=search_text(family, given, native, email),
        )
        db.session.add(person)
        db.session.flush()
        db.session.add(
            WaitingPlace(
                participant_id=person.id,
                event_id=event.id,
                wanted=Status.PENDING,
                since=datetime(2025, 6, 20, hour, minute, tzinfo=UTC),
            )
        )
        waiting += 1
    db.session.flush()
    report.append(
        f"Places: {added} limits added; {waiting} added to the waiting list of "
        f"{delegation.name_en}."
    )
