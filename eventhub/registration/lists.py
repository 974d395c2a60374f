"""The organisers' list of participants, and the decisions taken on a selection of it."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l

from eventhub.audit import services as audit
from eventhub.auth.models import User
from eventhub.db import utcnow
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.i18n import localized
from eventhub.mail import send_mail
from eventhub.registration import precedence, quotas
from eventhub.registration.labels import STATUS_LABELS
from eventhub.registration.models import Category, Participant, Status
from eventhub.registration.own_link import access_key
from eventhub.text import clean, holds_every_word, search_text
from eventhub.web import external_url

SORTS = {
    # By the name people are addressed by (models.Participant.sort_name).
    "name": (Participant.sort_name,),
    "country": (Participant.country_code, Participant.sort_name),
    "status": (Participant.status, Participant.sort_name),
    "registered": (Participant.created_at,),
    "arrival": (Participant.arrival_date, Participant.arrival_at),
    "precedence": (Participant.protocol_rank, Participant.sort_name),
}


@dataclass
class ParticipantFilters:
    q: str = ""
    status: str = ""
    country: str = ""
    delegation: int | None = None
    category: str = ""
    organisation: int | None = None
    arrival: str = ""  # ISO date
    precedence: str = ""  # "vip", or "ranked": anyone holding a protocol rank
    sort: str = "name"
    descending: bool = False


def participant_query(event: Event, filters: ParticipantFilters) -> sa.Select:
    """The event's participants matching `filters`, sorted; organisation and delegation
    loaded with them (one query for a page, not one per row)."""
    query = (
        sa.select(Participant)
        .where(Participant.event_id == event.id)
        .options(
            sa.orm.joinedload(Participant.organisation), sa.orm.joinedload(Participant.delegation)
        )
    )
    query = query.where(*holds_every_word(Participant.search_text, search_text(filters.q).split()))
    if filters.status in Status.__members__.values():
        query = query.where(Participant.status == Status(filters.status))
    if filters.category in Category.__members__.values():
        query = query.where(Participant.category == Category(filters.category))
    if filters.country:
        query = query.where(Participant.country_code == filters.country.upper()[:2])
    if filters.delegation:
        query = query.where(Participant.delegation_id == filters.delegation)
    if filters.organisation:
        query = query.where(Participant.organisation_id == filters.organisation)
    if filters.arrival:
        with contextlib.suppress(ValueError):
            query = query.where(Participant.arrival_date == date.fromisoformat(filters.arrival))
    if filters.precedence == "vip":
        query = query.where(Participant.protocol_rank.in_(precedence.vip_levels(event)))
    elif filters.precedence == "ranked":
        query = query.where(Participant.protocol_rank.is_not(None))
    columns = SORTS.get(filters.sort, SORTS["name"])
    # Empty values last in both directions and on both databases.
    order = [(c.desc() if filters.descending else c.asc()).nulls_last() for c in columns]
    return query.order_by(*order, Participant.id)


def country_codes_in_event(event: Event) -> list[str]:
    """The countries the event's participants come from, for the list's filter."""
    return list(
        db.session.scalars(
            sa.select(Participant.country_code)
            .where(Participant.event_id == event.id)
            .distinct()
            .order_by(Participant.country_code)
        )
    )


def participants_in_event(event: Event, ids: list[int]) -> list[Participant]:
    """The participants with these ids that belong to `event` (others are ignored)."""
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Participant).where(Participant.event_id == event.id, Participant.id.in_(ids))
        )
    )


def change_status(
    participants: list[Participant],
    status: Status,
    *,
    actor: User,
    reason: str = "",
) -> list[Participant]:
    """Set the status of each; a rejection needs a reason. Returns those that changed."""
    reason = clean(reason)
    if len(reason) > 500:
        raise DomainError(_l("Use at most %(n)d characters.", n=500), field="reason")
    if status == Status.REJECTED and not reason:
        raise DomainError(
            _l("Give a reason for the rejection; the participant will see it."), field="reason"
        )
    changed = []
    if participants:
        # The places first, before any row they count: the same order as every other
        # change of places, so two at once wait for each other instead of deadlocking.
        quotas.lock_places(participants[0].event_id)
    before = {p.id: p.status for p in participants}
    for participant in participants:
        if participant.erased_at is not None:
            continue  # an erased person's status is the erasure's (erased_people)
        if participant.status == status and participant.status_reason == reason:
            continue
        was = participant.status
        if status in quotas.HOLDING and was not in quotas.HOLDING:
            # Someone without a place needs one: or they wait for it (quotas).
            quotas.admit(participant, status)
        else:
            participant.status = status
            quotas.leave_waiting_list(participant)
        audit.record(
            "participant.status",
            participant,
            actor=actor,
            event_id=participant.event_id,
            changes={
                "status": [was.value, participant.status.value],
                "reason": [participant.status_reason, reason],
            },
        )
        participant.status_reason = reason
        changed.append(participant)
    db.session.flush()
    if quotas.freed_places(changed, before):
        quotas.fill_places(changed[0].event_id, actor=actor)
    return changed


def send_status_notice(participant: Participant) -> bool:
    """Tell a participant the organisers' decision, with the link to their page."""
    key = access_key(participant)
    link = external_url("registration.own_page", slug=participant.event.slug, key=key)
    with force_locale(participant.language):
        return send_mail(
            participant.email,
            gettext(
                "Your registration for %(event)s: %(status)s",
                event=localized(participant.event, "name"),
                status=str(STATUS_LABELS[participant.status]),
            ),
            render_template(
                "email/status_notice.txt",
                participant=participant,
                link=link,
                status_labels=STATUS_LABELS,
            ),
        )


def change_category(participants: list[Participant], category: Category, *, actor: User) -> int:
    changed = 0
    for participant in participants:
        if participant.category != category:
            audit.record(
                "participant.category",
                participant,
                actor=actor,
                event_id=participant.event_id,
                changes={"category": [participant.category.value, category.value]},
            )
            participant.category = category
            changed += 1
    db.session.flush()
    if changed:  # a category's quota may have a free place now
        quotas.fill_places(participants[0].event_id, actor=actor)
    return changed


def set_locked(participants: list[Participant], locked: bool, *, actor: User) -> int:
    changed = 0
    for participant in participants:
        if (participant.locked_at is not None) != locked:
            participant.locked_at = utcnow() if locked else None
            audit.record(
                "participant.lock" if locked else "participant.unlock",
                participant,
                actor=actor,
                event_id=participant.event_id,
            )
            changed += 1
    db.session.flush()
    return changed
