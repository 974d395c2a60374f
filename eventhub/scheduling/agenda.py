"""A person's agenda: what they enrolled in (a seat or the waiting list) and their official
duties, each named (speaker, moderator, VIP guest; signatory or witness as the modules above
say through `people_needed_at`), in time order; and the language to write to them in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.extensions import db
from eventhub.registration.models import Participant
from eventhub.scheduling.enrolments import agenda as enrolled_in
from eventhub.scheduling.models import (
    Activity,
    ActivityPerson,
    ActivityRole,
    ActivityState,
    Enrolment,
    Room,
)
from eventhub.scheduling.signals import people_needed_at, places_of

# What the person does there, as their agenda, their calendar and their emails say it.
ROLE_DUTIES = {
    ActivityRole.SPEAKER: _l("Speaker"),
    ActivityRole.MODERATOR: _l("Moderator"),
    ActivityRole.REQUIRED_VIP: _l("VIP guest"),
}

_LATEST = datetime.max.replace(tzinfo=UTC)


@dataclass
class AgendaItem:
    activity: Activity
    enrolment: Enrolment | None = None  # None: a duty only, nothing to leave
    duties: list = field(default_factory=list)  # lazy texts, shown in the reader's language
    places: list = field(default_factory=list)  # where they sit ("Table 7 · seat 3"), lazy


def duties_of(participant: Participant) -> dict[int, AgendaItem]:
    """The activities (not drafts) where `participant` has a duty, by id, with the duties.
    Their listed roles are read by participant, not through every activity's people; the
    modules above are asked about the event's activities (without their people) and told
    whose duties are wanted (`participant_id`, for receivers that can narrow their query)."""
    found: dict[int, AgendaItem] = {}

    def add(activity: Activity, duty) -> None:
        item = found.setdefault(activity.id, AgendaItem(activity))
        if duty and str(duty) not in map(str, item.duties):
            item.duties.append(duty)

    listed = db.session.execute(
        sa.select(ActivityPerson.role, Activity)
        .join(Activity, Activity.id == ActivityPerson.activity_id)
        .where(
            ActivityPerson.participant_id == participant.id,
            Activity.event_id == participant.event_id,
            Activity.state != ActivityState.DRAFT,
        )
        .options(sa.orm.joinedload(Activity.room).joinedload(Room.venue))
        .order_by(Activity.id, ActivityPerson.role)
    )
    for role, activity in listed:
        add(activity, ROLE_DUTIES[role])
    activities = list(
        db.session.scalars(
            sa.select(Activity)
            .where(
                Activity.event_id == participant.event_id,
                Activity.state != ActivityState.DRAFT,
            )
            .options(sa.orm.joinedload(Activity.room).joinedload(Room.venue))
        ).unique()
    )
    for _receiver, pairs in people_needed_at.send(activities, participant_id=participant.id):
        for activity, needed in pairs or ():
            if needed.participant_id == participant.id:
                add(activity, needed.duty)
    return found


def places_at(event, participant_ids: list[int]) -> list[tuple[int, Activity, object]]:
    """(participant id, activity, place) for these people, as the modules above answer
    `places_of` (seating: a banquet's table and seat)."""
    return [
        found
        for _receiver, triples in places_of.send(event, participant_ids=participant_ids)
        for found in triples or ()
    ]


def agenda_of(participant: Participant) -> list[AgendaItem]:
    """Enrolments, duties and seats, one item per activity, by start (untimed ones last).
    A seat at a banquet puts the banquet on the agenda, enrolled or not."""
    items = duties_of(participant)
    for enrolment, activity in enrolled_in(participant):
        items.setdefault(activity.id, AgendaItem(activity)).enrolment = enrolment
    for _pid, activity, place in places_at(participant.event, [participant.id]):
        items.setdefault(activity.id, AgendaItem(activity)).places.append(place)
    return sorted(
        items.values(),
        key=lambda item: (item.activity.starts_at or _LATEST, item.activity.title_en),
    )


def language_of(participant: Participant) -> str:
    """The language to write to `participant` in: the one they registered in, else their
    account's, else English."""
    return participant.language
