"""The activities as read: with room, venue and people, by day, and the seats each has taken."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.scheduling.models import (
    Activity,
    ActivityPerson,
    ActivityState,
    Enrolment,
    EnrolmentStatus,
    Room,
)


def local_to_utc(event: Event, day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, ZoneInfo(event.timezone)).astimezone(ZoneInfo("UTC"))


def activity_query(event: Event, *, published_only: bool = False) -> sa.Select:
    """Activities with their room, venue and people, in a fixed number of queries."""
    query = (
        sa.select(Activity)
        .where(Activity.event_id == event.id)
        .options(
            sa.orm.joinedload(Activity.room).joinedload(Room.venue),
            sa.orm.selectinload(Activity.people).joinedload(ActivityPerson.participant),
        )
        .order_by(Activity.starts_at.nulls_last(), Activity.title_en)
    )
    if published_only:
        query = query.where(Activity.state == ActivityState.PUBLISHED)
    return query


def days_of(event: Event) -> list[date]:
    return [event.starts_on + timedelta(days=n) for n in range(event.days)]


def on_day(event: Event, activities: Iterable[Activity], day: date) -> list[Activity]:
    zone = ZoneInfo(event.timezone)
    return [a for a in activities if a.starts_at and a.starts_at.astimezone(zone).date() == day]


def enrolled_counts(activity_ids: list[int]) -> dict[int, int]:
    if not activity_ids:
        return {}
    return dict(
        db.session.execute(
            sa.select(Enrolment.activity_id, sa.func.count())
            .where(
                Enrolment.activity_id.in_(activity_ids),
                Enrolment.status == EnrolmentStatus.ENROLLED,
            )
            .group_by(Enrolment.activity_id)
        ).all()
    )
