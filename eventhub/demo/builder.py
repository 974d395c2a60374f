"""Builds the demo week, idempotently: every record is found by its natural key first.

The material is generated from a fixed seed, so a second run computes the same rows, finds
them all, and adds nothing.
"""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.demo.agreements import build_agreements
from eventhub.demo.arrivals import build_arrivals, build_checkpoints
from eventhub.demo.consents import build_consents
from eventhub.demo.delegations import build_delegations
from eventhub.demo.event import build_accounts, build_event
from eventhub.demo.interpretation import build_interpretation
from eventhub.demo.matchmaking import build_matchmaking
from eventhub.demo.next_edition import build_next_edition, build_past_certificates
from eventhub.demo.organisations import build_organisations
from eventhub.demo.participants import build_participants
from eventhub.demo.print_settings import build_print_settings
from eventhub.demo.programme import build_programme
from eventhub.demo.quotas import build_quotas
from eventhub.demo.rooms_and_rides import build_rooms_and_rides
from eventhub.demo.seating import build_seating
from eventhub.demo.translations import build_translations
from eventhub.demo.visas import build_visas
from eventhub.directory.services import seed_countries
from eventhub.events.models import Event
from eventhub.extensions import db


def build_demo_if_empty() -> list[str] | None:
    """The demo week in a database holding no event yet (committed); None when it has one."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(Event)):
        return None
    report = build_demo()
    db.session.commit()
    return report


def build_demo() -> list[str]:
    """Create or complete the demo week (2025, past) and its next edition (opening in a few
    days); returns what it did, a line a step."""
    report = [f"Countries: {seed_countries()} added."]
    event = build_event(report)
    organisations = build_organisations(report)
    delegations = build_delegations(event, organisations, report)
    build_participants(event, organisations, delegations, report)
    build_consents(event, report)
    build_quotas(event, delegations, report)
    build_accounts(event, report)
    build_programme(event, report)
    build_agreements(event, report)
    build_print_settings(event, report)
    build_checkpoints(event, report)
    build_arrivals(event, report)
    build_translations(event, report)
    build_visas(event, report)
    build_rooms_and_rides(event, report)
    build_past_certificates(event, report)
    live = build_next_edition(event, organisations, report)
    build_rooms_and_rides(live, report)
    build_seating(live, report)
    build_interpretation(live, report)
    build_matchmaking(live, report)
    return report
