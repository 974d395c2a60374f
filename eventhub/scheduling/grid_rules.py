"""The scheduler's rules for one activity where the grid puts it: a drop the scheduler would
never make (a bilateral in the big hall, a session over lunch or beside the banquet, a tour
in a meeting room, an activity off its day or outside the programme's hours) is refused
with the reason. The rules themselves are solver_rules'; here they are said in words."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.i18n import clock_time, localized
from eventhub.scheduling import solver_rules as rules
from eventhub.scheduling.activities import activity_query
from eventhub.scheduling.conflicts import people_needed
from eventhub.scheduling.models import (
    Access,
    Activity,
    ActivityState,
    ActivityType,
    Enrolment,
    EnrolmentStatus,
    Room,
    Venue,
)

# Where the scheduler puts each kind, said to an organiser whose drop went elsewhere.
ROOM_OF_KIND = {
    ActivityType.BILATERAL_MEETING: _l(
        "a bilateral meeting goes in a VIP room (a boardroom not far larger than the meeting)"
    ),
    ActivityType.BANQUET: _l("a banquet goes in a banquet hall"),
    ActivityType.SIGNING_CEREMONY: _l("a signing ceremony goes in the signing hall (with flags)"),
    ActivityType.OPENING_CEREMONY: _l("an opening ceremony goes in a hall with a stage"),
    ActivityType.PLENARY: _l("a plenary goes in a hall with a stage"),
}
OTHER_ROOMS = _l(
    "forums and workshops go in meeting rooms: not the VIP room, the banquet hall, the "
    "signing hall or the largest hall, kept for their own kinds"
)


def kind_problems(event: Event, activity: Activity) -> list[str]:
    """Each scheduler rule the activity breaks where it now is, in words (none when it has
    no time or is cancelled)."""
    if activity.starts_at is None or activity.state == ActivityState.CANCELLED:
        return []
    zone = ZoneInfo(event.timezone)
    start, end = activity.starts_at.astimezone(zone), activity.ends_at.astimezone(zone)
    name = localized(activity, "title")
    problems = []
    if room_problem := _room_problem(event, activity):
        problems.append(room_problem)
    days = [d for d in (activity.allowed_days or "").split(",") if d]
    if days and start.date().isoformat() not in days:
        problems.append(
            str(_l("%(a)s may only take place on %(days)s.", a=name, days=", ".join(days)))
        )
    opens, closes = rules.hours_of(activity, event)
    if start.time() < opens or end.time() > closes or end.date() != start.date():
        problems.append(
            str(
                _l(
                    "%(a)s would be outside the programme's hours for it (%(opens)s–%(closes)s).",
                    a=name,
                    opens=clock_time(opens),
                    closes=clock_time(closes),
                )
            )
        )
    lunch = event.lunch
    if activity.type in rules.NOT_AT_LUNCH and start.time() < lunch[1] and end.time() > lunch[0]:
        problems.append(
            str(
                _l(
                    "%(a)s would run over lunch (%(opens)s–%(closes)s): no session is held then.",
                    a=name,
                    opens=clock_time(lunch[0]),
                    closes=clock_time(lunch[1]),
                )
            )
        )
    problems.extend(_all_hands_problems(event, activity))
    return problems


def _room_problem(event: Event, activity: Activity) -> str | None:
    """An off-site visit in a room, or a room not of the activity's kind. Too few seats is
    the capacity rule's, said on its own."""
    name = localized(activity, "title")
    room = activity.room
    if not rules.needs_room(activity):
        if room is None:
            return None
        return str(
            _l(
                "%(a)s is an off-site visit: it leaves by coach and takes no room; give it "
                "its time in its form, with no room.",
                a=name,
            )
        )
    if room is None:
        return None
    seats = rules.seats_needed(activity, len(_enrolled(activity.id)))
    features = rules.features_of(list(_rooms_of(event)))
    if room.capacity < seats or rules.room_suits(activity, room, seats, features):
        return None
    missing = rules.missing_equipment(activity, room)
    if missing:
        return str(
            _l(
                "%(room)s lacks what %(a)s needs: %(missing)s.",
                room=localized(room, "name"),
                a=name,
                missing=", ".join(sorted(missing)),
            )
        )
    where = ROOM_OF_KIND.get(activity.type, OTHER_ROOMS)
    return str(
        _l(
            "%(a)s cannot be held in %(room)s: %(where)s.",
            a=name,
            room=localized(room, "name"),
            where=where,
        )
    )


def _all_hands_problems(event: Event, activity: Activity) -> list[str]:
    """A plenary, ceremony or banquet beside anything for the people expected there (all
    of them when it is open to all or nobody is invited yet), either way round."""
    others = [
        a
        for a in db.session.scalars(activity_query(event)).unique()
        if a.id != activity.id
        and a.state != ActivityState.CANCELLED
        and a.starts_at is not None
        and a.starts_at < activity.ends_at
        and activity.starts_at < a.ends_at
        and (a.type in rules.ALL_HANDS or activity.type in rules.ALL_HANDS)
    ]
    if not others:
        return []
    needed = people_needed([activity, *others])
    problems = []
    for other in others:
        pairs = [(other, activity)] if other.type in rules.ALL_HANDS else []
        if activity.type in rules.ALL_HANDS:
            pairs.append((activity, other))
        for blocker, beside in pairs:
            expected = _expected(blocker, needed[blocker.id])
            people = needed[beside.id] | _enrolled(beside.id)
            if expected is None or expected & people:
                problems.append(
                    str(
                        _l(
                            "%(a)s would be at the same time as %(b)s, which everyone "
                            "expected there attends.",
                            a=localized(beside, "title"),
                            b=localized(blocker, "title"),
                        )
                    )
                )
                break
    return problems


def _expected(activity: Activity, needed: set[int]) -> set[int] | None:
    """Who is expected at a plenary, ceremony or banquet: everyone (None) when it is open
    or nobody is invited yet, else those enrolled and needed there (as the scheduler)."""
    invited = _enrolled(activity.id)
    if activity.access == Access.OPEN or not invited:
        return None
    return invited | needed


def _enrolled(activity_id: int) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(Enrolment.participant_id).where(
                Enrolment.activity_id == activity_id,
                Enrolment.status == EnrolmentStatus.ENROLLED,
            )
        )
    )


def _rooms_of(event: Event):
    return db.session.scalars(sa.select(Room).join(Venue).where(Venue.event_id == event.id))
