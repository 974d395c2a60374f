"""A person's agenda: what they enrolled in (a seat or the waiting list) and their official
duties, each named (speaker, moderator, VIP guest; signatory or witness as the modules above
say through `people_needed_at`), in time order; and the language to write to them in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l

from eventhub.extensions import db
from eventhub.i18n import normalise_locale
from eventhub.registration.models import Participant
from eventhub.scheduling.activities import activity_query
from eventhub.scheduling.conflicts import extra_people
from eventhub.scheduling.enrolments import agenda as enrolled_in
from eventhub.scheduling.models import Activity, ActivityRole, ActivityState, Enrolment

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


def duties_of(participant: Participant) -> dict[int, AgendaItem]:
    """The activities (not drafts) where `participant` has a duty, by id, with the duties."""
    activities = [
        a
        for a in db.session.scalars(activity_query(participant.event)).unique()
        if a.state != ActivityState.DRAFT
    ]
    found: dict[int, AgendaItem] = {}

    def add(activity: Activity, duty) -> None:
        item = found.setdefault(activity.id, AgendaItem(activity))
        if duty and str(duty) not in map(str, item.duties):
            item.duties.append(duty)

    for activity in activities:
        for person in activity.people:
            if person.participant_id == participant.id:
                add(activity, ROLE_DUTIES[person.role])
    for activity, needed in extra_people(activities):
        if needed.participant_id == participant.id:
            add(activity, needed.duty)
    return found


def agenda_of(participant: Participant) -> list[AgendaItem]:
    """Enrolments and duties, one item per activity, by start (untimed ones last)."""
    items = duties_of(participant)
    for enrolment, activity in enrolled_in(participant):
        items.setdefault(activity.id, AgendaItem(activity)).enrolment = enrolment
    return sorted(
        items.values(),
        key=lambda item: (item.activity.starts_at or _LATEST, item.activity.title_en),
    )


def language_of(participant: Participant) -> str:
    """The language to write to `participant` in: the one they registered in, else their
    account's, else English."""
    user = participant.user
    return (
        normalise_locale(participant.locale)
        or normalise_locale(user.locale if user is not None else None)
        or "en"
    )
