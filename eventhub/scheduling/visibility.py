"""Who sees a private activity: the event's organisers and the people concerned.

Concerned: a participant enrolled, invited or waiting for a seat; one listed on the activity
(speaker, moderator, required VIP); one the modules above need there (a signing ceremony's
signatories and witnesses, through `people_needed_at`); and the head of any of these people's
delegation, who arranges their week. Public feeds and the printed programme show no private
activity to anyone: they are read away from the page, by whoever has the address or the paper.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from eventhub.auth.models import Role
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Delegation, Participant
from eventhub.scheduling.models import (
    Activity,
    ActivityPerson,
    ActivityVisibility,
    Enrolment,
    EnrolmentStatus,
)
from eventhub.scheduling.signals import people_needed_at


def public_only(activities: Iterable[Activity]) -> list[Activity]:
    """What anyone may read: the public feeds, the printed programme, device tokens."""
    return [a for a in activities if a.visibility == ActivityVisibility.PUBLIC]


def viewer_participant_ids(event: Event, user) -> set[int]:
    """The registrations through which `user` may be concerned: their own, and the members
    of the delegations they head."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    own = set(
        db.session.scalars(
            sa.select(Participant.id).where(
                Participant.event_id == event.id, Participant.user_id == user.id
            )
        )
    )
    if not own:
        return own
    members = db.session.scalars(
        sa.select(Participant.id)
        .join(Delegation, Delegation.id == Participant.delegation_id)
        .where(Delegation.event_id == event.id, Delegation.head_id.in_(own))
    )
    return own | set(members)


def concerned_activity_ids(private: list[Activity], participant_ids: set[int]) -> set[int]:
    """Which of the `private` activities concern one of `participant_ids`."""
    if not private or not participant_ids:
        return set()
    ids = [a.id for a in private]
    found = set(
        db.session.scalars(
            sa.select(Enrolment.activity_id).where(
                Enrolment.activity_id.in_(ids),
                Enrolment.participant_id.in_(participant_ids),
                Enrolment.status != EnrolmentStatus.CANCELLED,
            )
        )
    )
    found |= set(
        db.session.scalars(
            sa.select(ActivityPerson.activity_id).where(
                ActivityPerson.activity_id.in_(ids),
                ActivityPerson.participant_id.in_(participant_ids),
            )
        )
    )
    for _receiver, pairs in people_needed_at.send(private):
        found |= {a.id for a, needed in pairs or () if needed.participant_id in participant_ids}
    return found


def visible_to(event: Event, user, roles: set[Role], activities: Iterable[Activity]) -> list:
    """`activities` less the private ones `user` is neither organiser of nor concerned by."""
    activities = list(activities)
    if Role.ORGANISER in roles:
        return activities
    private = [a for a in activities if a.visibility == ActivityVisibility.PRIVATE]
    if not private:
        return activities
    allowed = concerned_activity_ids(private, viewer_participant_ids(event, user))
    return [a for a in activities if a.visibility == ActivityVisibility.PUBLIC or a.id in allowed]


def may_see(event: Event, user, roles: set[Role], activity: Activity) -> bool:
    return bool(visible_to(event, user, roles, [activity]))
