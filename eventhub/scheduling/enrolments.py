"""Enrolment within capacity: a seat or the waiting list, which moves up; a participant's agenda."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.registration.models import Participant, Status
from eventhub.scheduling.models import (
    Access,
    Activity,
    ActivityState,
    Enrolment,
    EnrolmentStatus,
    Room,
)


def enrol(activity: Activity, participant: Participant, *, invited: bool = False) -> Enrolment:
    """A seat when there is one, else a place on the waiting list.

    The activity row is locked first, so the seats are counted by one transaction at a time
    on PostgreSQL however many workers take enrolments at once (SQLite's BEGIN IMMEDIATE
    serialises them already).
    """
    if activity.state != ActivityState.PUBLISHED:
        raise DomainError(_l("This activity is not open for enrolment."))
    earlier = db.session.scalar(
        sa.select(Enrolment).where(
            Enrolment.activity_id == activity.id, Enrolment.participant_id == participant.id
        )
    )
    if (
        activity.access == Access.INVITATION
        and not invited
        and not (earlier is not None and earlier.invited)
    ):
        raise DomainError(_l("This activity is by invitation only."))
    if participant.event_id != activity.event_id:
        raise DomainError(_l("There is no such participant in this event."))
    if participant.status != Status.APPROVED:
        raise DomainError(_l("Only approved participants can enrol."))
    lock_seats(activity.id)
    existing = db.session.scalar(
        sa.select(Enrolment).where(
            Enrolment.activity_id == activity.id, Enrolment.participant_id == participant.id
        )
    )
    if existing is not None and existing.status != EnrolmentStatus.CANCELLED:
        return existing
    taken = db.session.scalar(
        sa.select(sa.func.count()).where(
            Enrolment.activity_id == activity.id, Enrolment.status == EnrolmentStatus.ENROLLED
        )
    )
    seats = activity.seats
    status = (
        EnrolmentStatus.ENROLLED if seats is None or taken < seats else EnrolmentStatus.WAITLISTED
    )
    if existing is None:
        existing = Enrolment(
            activity_id=activity.id, participant_id=participant.id, status=status, invited=invited
        )
        db.session.add(existing)
    else:
        existing.status, existing.invited = status, invited or existing.invited
    db.session.flush()
    return existing


def cancel_enrolment(enrolment: Enrolment) -> list[Enrolment]:
    """Free the seat; people on the waiting list take the free seats. Returns who moved up.

    The enrolment is read again under the activity's lock: two "leave" clicks at once must
    not each promote someone.
    """
    lock_seats(enrolment.activity_id)
    db.session.refresh(enrolment)
    if enrolment.status == EnrolmentStatus.CANCELLED:
        return []
    enrolment.status = EnrolmentStatus.CANCELLED
    db.session.flush()
    return fill_seats(enrolment.activity)


def lock_seats(activity_id: int) -> None:
    db.session.execute(sa.select(Activity.id).where(Activity.id == activity_id).with_for_update())


def fill_seats(activity: Activity) -> list[Enrolment]:
    """Move people up from the waiting list while seats are free (after a cancellation, a
    larger room or more seats). The caller holds the activity's lock."""
    seats = activity.seats
    taken = db.session.scalar(
        sa.select(sa.func.count()).where(
            Enrolment.activity_id == activity.id, Enrolment.status == EnrolmentStatus.ENROLLED
        )
    )
    free = None if seats is None else max(seats - taken, 0)
    if free == 0 or activity.state != ActivityState.PUBLISHED:
        return []
    query = (
        sa.select(Enrolment)
        .where(Enrolment.activity_id == activity.id, Enrolment.status == EnrolmentStatus.WAITLISTED)
        .order_by(Enrolment.created_at, Enrolment.id)
    )
    if free is not None:
        query = query.limit(free)
    promoted = list(db.session.scalars(query))
    for enrolment in promoted:
        enrolment.status = EnrolmentStatus.ENROLLED
    db.session.flush()
    return promoted


def enrolments_of(activity: Activity) -> list[Enrolment]:
    """Who holds a seat or waits for one, in the order they came."""
    return list(
        db.session.scalars(
            sa.select(Enrolment)
            .where(
                Enrolment.activity_id == activity.id, Enrolment.status != EnrolmentStatus.CANCELLED
            )
            .options(sa.orm.joinedload(Enrolment.participant))
            .order_by(Enrolment.status, Enrolment.created_at)
        )
    )


def agenda(participant: Participant) -> list[tuple[Enrolment, Activity]]:
    rows = db.session.execute(
        sa.select(Enrolment, Activity)
        .join(Activity, Activity.id == Enrolment.activity_id)
        .where(
            Enrolment.participant_id == participant.id,
            Enrolment.status != EnrolmentStatus.CANCELLED,
        )
        .options(sa.orm.joinedload(Activity.room).joinedload(Room.venue))
        .order_by(Activity.starts_at)
    )
    return [(e, a) for e, a in rows]


def overlaps_in(items: list[Activity]) -> set[int]:
    """The ids of activities in a personal agenda that overlap another."""
    timed = sorted(
        (a for a in items if a.starts_at and a.state != ActivityState.CANCELLED),
        key=lambda a: a.starts_at,
    )
    clashing: set[int] = set()
    for index, first in enumerate(timed):
        for second in timed[index + 1 :]:
            if second.starts_at >= first.ends_at:
                break
            clashing.update({first.id, second.id})
    return clashing
