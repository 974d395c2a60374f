"""Matchmaking profiles: an organisation joins (topics, what it offers and seeks, who meets
for it), and the directory of every profile of the event."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.audit import services as audit
from eventhub.directory.models import Organisation, OrganisationStatus
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.matchmaking.models import MatchProfile
from eventhub.matchmaking.topics import TOPICS, joined
from eventhub.registration.models import Participant, Status
from eventhub.text import clean


class ProfileInvalid(DomainError):
    """The profile's mistakes, by form field: `errors` {field: [message]}."""

    def __init__(self, errors: dict[str, list]) -> None:
        first = next(iter(errors.values()))[0]
        super().__init__(first, field=next(iter(errors)))
        self.errors = {name: [str(m) for m in messages] for name, messages in errors.items()}


def candidate_organisations(event, acting) -> list[Organisation]:
    """Organisations that may join: accepted ones with an approved participant in the event
    (the visitor's own only, unless an organiser), without a profile yet."""
    query = (
        sa.select(Organisation)
        .where(
            Organisation.status == OrganisationStatus.ACCEPTED,
            Organisation.id.in_(
                sa.select(Participant.organisation_id).where(
                    Participant.event_id == event.id,
                    Participant.status == Status.APPROVED,
                    Participant.erased_at.is_(None),
                )
            ),
            Organisation.id.not_in(
                sa.select(MatchProfile.organisation_id).where(MatchProfile.event_id == event.id)
            ),
        )
        .order_by(Organisation.country_code, Organisation.name_en)
    )
    if not acting.everyone:
        query = query.where(Organisation.id.in_(acting.organisation_ids or {-1}))
    return list(db.session.scalars(query))


def representatives(event, organisation_ids) -> list[Participant]:
    """The approved participants of these organisations, who may meet for them."""
    ids = list(organisation_ids)
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Participant)
            .where(
                Participant.event_id == event.id,
                Participant.organisation_id.in_(ids),
                Participant.status == Status.APPROVED,
                Participant.erased_at.is_(None),
            )
            .order_by(Participant.sort_name)
        )
    )


def save_profile(
    event, profile: MatchProfile | None, values: Mapping[str, Any], *, acting, actor
) -> MatchProfile:
    """Create (`profile` None) or change a profile; the organisation of an existing one stays.
    Every mistake is found before refusing, so the form says them all at once."""
    errors: dict[str, list] = {}
    organisation_id = profile.organisation_id if profile is not None else None
    if profile is None:
        organisation_id = values.get("organisation_id")
        if organisation_id not in {o.id for o in candidate_organisations(event, acting)}:
            errors["organisation_id"] = [
                _l("Choose an organisation from the list (one that has not joined yet).")
            ]
            organisation_id = None
    topics = [key for key in values.get("topics") or [] if key in TOPICS]
    if not topics:
        errors["topics"] = [_l("Tick at least one topic.")]
    representative_id = values.get("representative_id") or None
    if (
        representative_id is not None
        and organisation_id is not None  # without an organisation, choosing it comes first
        and representative_id not in {p.id for p in representatives(event, [organisation_id])}
    ):
        errors["representative_id"] = [
            _l("The representative must be an approved participant of the organisation.")
        ]
    if errors:
        raise ProfileInvalid(errors)
    if profile is None:
        profile = MatchProfile(event_id=event.id, organisation_id=organisation_id)
        db.session.add(profile)
        action = "match_profile.create"
    else:
        action = "match_profile.update"
    before = {"topics": profile.topics, "representative_id": profile.representative_id}
    profile.topics = joined(topics)
    profile.offers = (values.get("offers") or "").strip()[:2000]
    profile.seeks = (values.get("seeks") or "").strip()[:2000]
    profile.representative_id = representative_id
    db.session.flush()
    audit.record(
        action,
        profile,
        actor=actor,
        event_id=event.id,
        changes={
            name: [before[name], getattr(profile, name)]
            for name in before
            if before[name] != getattr(profile, name)
        },
    )
    return profile


def directory_query(event, *, topic: str = "", country: str = "", search: str = "") -> sa.Select:
    """The event's profiles, filtered by a topic key, a country code and words in the
    organisation's names or in what it offers and seeks."""
    query = (
        sa.select(MatchProfile)
        .join(Organisation, Organisation.id == MatchProfile.organisation_id)
        .where(MatchProfile.event_id == event.id)
        .order_by(Organisation.country_code, Organisation.name_en)
    )
    if topic in TOPICS:
        query = query.where(("," + MatchProfile.topics + ",").contains(f",{topic},"))
    if country:
        query = query.where(Organisation.country_code == country.upper()[:2])
    words = clean(search)[:100]
    if words:
        like = f"%{words.lower()}%"
        query = query.where(
            sa.or_(
                sa.func.lower(Organisation.name_en).like(like),
                Organisation.name_zh.like(f"%{words}%"),
                Organisation.name_native.like(f"%{words}%"),
                sa.func.lower(MatchProfile.offers).like(like),
                sa.func.lower(MatchProfile.seeks).like(like),
            )
        )
    return query


def countries(event) -> list[str]:
    """The country codes of the event's profiles, for the filter."""
    return list(
        db.session.scalars(
            sa.select(Organisation.country_code)
            .join(MatchProfile, MatchProfile.organisation_id == Organisation.id)
            .where(MatchProfile.event_id == event.id)
            .distinct()
            .order_by(Organisation.country_code)
        )
    )
