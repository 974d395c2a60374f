"""The organisations waiting for an event's organisers: new ones its people named on the
public form, through a head of delegation or the partner API."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.directory.models import Organisation, OrganisationStatus
from eventhub.directory.services import accepted_organisations
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Delegation, Participant


def _named_in(event: Event) -> sa.Select:
    return sa.union(
        sa.select(Participant.organisation_id).where(
            Participant.event_id == event.id, Participant.organisation_id.is_not(None)
        ),
        sa.select(Delegation.organisation_id).where(
            Delegation.event_id == event.id, Delegation.organisation_id.is_not(None)
        ),
    )


def pending_query(event: Event) -> sa.Select:
    """Pending organisations named in `event`, the oldest first."""
    return (
        sa.select(Organisation)
        .where(
            Organisation.status == OrganisationStatus.PENDING,
            Organisation.id.in_(_named_in(event)),
        )
        .options(sa.orm.joinedload(Organisation.country))
        .order_by(Organisation.created_at, Organisation.id)
    )


def pending_count(event: Event) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(pending_query(event).subquery())
    )


def named_in_or_none(event: Event, organisation_id: int) -> Organisation | None:
    """An organisation the event's people or delegations name (another event's: None)."""
    return db.session.scalar(
        sa.select(Organisation).where(
            Organisation.id == organisation_id, Organisation.id.in_(_named_in(event))
        )
    )


def people_naming(event: Event, organisation_ids: list[int]) -> dict[int, list[Participant]]:
    """The event's participants who named each organisation: the reviewer sees who typed it."""
    found: dict[int, list[Participant]] = {i: [] for i in organisation_ids}
    if organisation_ids:
        for person in db.session.scalars(
            sa.select(Participant)
            .where(
                Participant.event_id == event.id,
                Participant.organisation_id.in_(organisation_ids),
            )
            .order_by(Participant.sort_name)
        ):
            found[person.organisation_id].append(person)
    return found


def merge_targets(country_codes: set[str]) -> dict[str, list[Organisation]]:
    """The accepted organisations of each country, by name: what a pending one may join."""
    found: dict[str, list[Organisation]] = {code: [] for code in country_codes}
    if country_codes:
        for organisation in db.session.scalars(
            accepted_organisations()
            .where(Organisation.country_code.in_(country_codes))
            .order_by(Organisation.name_en)
        ):
            found[organisation.country_code].append(organisation)
    return found
