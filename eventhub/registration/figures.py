"""An event's key figures: registrations by status, category and country; delegations; VIPs."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from eventhub.directory.models import Country
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration import precedence
from eventhub.registration.models import Category, Delegation, Participant, Status

HOST_COUNTRY = "CN"
ACTIVE_STATUSES = (Status.PENDING, Status.APPROVED, Status.WAITLISTED)


@dataclass
class CountryFigure:
    code: str
    name_en: str
    name_zh: str
    is_focus: bool
    registered: int
    approved: int


@dataclass
class EventFigures:
    registered: int = 0
    by_status: dict[Status, int] = field(default_factory=dict)
    by_category: dict[Category, int] = field(default_factory=dict)
    foreign: int = 0
    countries: int = 0
    delegations: int = 0
    organisations: int = 0
    vips: int = 0
    by_country: list[CountryFigure] = field(default_factory=list)


def event_figures(event: Event) -> EventFigures:
    """The key figures of an event's home page, in a handful of aggregate queries."""
    figures = EventFigures()
    active = sa.and_(Participant.event_id == event.id, Participant.status.in_(ACTIVE_STATUSES))

    for status, count in db.session.execute(
        sa.select(Participant.status, sa.func.count())
        .where(Participant.event_id == event.id)
        .group_by(Participant.status)
    ):
        figures.by_status[status] = count
    figures.registered = sum(figures.by_status.get(s, 0) for s in ACTIVE_STATUSES)

    for category, count in db.session.execute(
        sa.select(Participant.category, sa.func.count())
        .where(active)
        .group_by(Participant.category)
    ):
        figures.by_category[category] = count

    row = db.session.execute(
        sa.select(
            sa.func.count().filter(Participant.country_code != HOST_COUNTRY),
            sa.func.count(sa.distinct(Participant.country_code)),
            sa.func.count(sa.distinct(Participant.organisation_id)),
            sa.func.count().filter(Participant.protocol_rank.in_(precedence.vip_levels(event))),
        ).where(active)
    ).one()
    figures.foreign, figures.countries, figures.organisations, figures.vips = row
    figures.delegations = (
        db.session.scalar(sa.select(sa.func.count()).where(Delegation.event_id == event.id)) or 0
    )

    rows = db.session.execute(
        sa.select(
            Country.code,
            Country.name_en,
            Country.name_zh,
            Country.is_focus,
            sa.func.count(),
            sa.func.count().filter(Participant.status == Status.APPROVED),
        )
        .join(Participant, Participant.country_code == Country.code)
        .where(active)
        .group_by(Country.code, Country.name_en, Country.name_zh, Country.is_focus)
    )
    figures.by_country = sorted(
        (CountryFigure(*r) for r in rows), key=lambda c: (not c.is_focus, -c.registered, c.code)
    )
    return figures
