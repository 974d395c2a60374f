"""What organisers mean by a printable timetable, as rules the scheduler keeps and scores.

Each kind of activity has its rooms (bilaterals in a small VIP room, signings in a hall
with flags, banquets in a banquet hall, tours off-site without a room), its hours (the
programme's day, banquets in the evening, no session over lunch) and its real duration.
Plenaries, ceremonies and banquets are for everyone expected there: nothing else is placed
beside them for those people. `score` reads any timetable with the same rules, so the
proposal page and the bench count what holds.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

from eventhub.scheduling.models import Activity, ActivityRole, ActivityType, Room

# The programme's day (venues may open earlier, for set-up: nothing is placed before it),
# the lunch break (no session; bilaterals over a working lunch may) and a VIP's rest
# between two duties (a speaker's are back to back) are each event's own: `event.day_hours`,
# `event.lunch`, `event.vip_rest_minutes`, set on its settings page.
EVENING_HOURS = (time(18, 0), time(22, 0))  # banquets
TOUR_MINUTES = 180

OFF_SITE = {ActivityType.STUDY_TOUR, ActivityType.CULTURAL_VISIT}
# Nobody expected there may be elsewhere at the same time.
ALL_HANDS = {ActivityType.OPENING_CEREMONY, ActivityType.PLENARY, ActivityType.BANQUET}
# Kinds kept out of the lunch break.
NOT_AT_LUNCH = {
    ActivityType.OPENING_CEREMONY,
    ActivityType.PLENARY,
    ActivityType.FORUM,
    ActivityType.WORKSHOP,
    ActivityType.SIGNING_CEREMONY,
}

# Where a hand-made programme puts each kind (preferred, not required): sessions at the
# printed slot starts, tours leaving in the morning or after lunch, bilaterals over a working
# lunch, signings late in the afternoon (or mid-morning). Local start times, (from, to).
_SESSION_STARTS = [(time(9, 0), time(9, 0)), (time(10, 45), time(10, 45))] + [
    (time(14, 0), time(14, 0)),
    (time(15, 45), time(15, 45)),
]
PREFERRED_STARTS = {
    ActivityType.FORUM: _SESSION_STARTS,
    ActivityType.WORKSHOP: _SESSION_STARTS,
    ActivityType.STUDY_TOUR: [(time(9, 0), time(9, 0)), (time(14, 0), time(14, 0))],
    ActivityType.CULTURAL_VISIT: [(time(9, 0), time(9, 0)), (time(14, 0), time(14, 0))],
    ActivityType.BILATERAL_MEETING: [(time(12, 20), time(13, 40))],
    ActivityType.SIGNING_CEREMONY: [(time(10, 0), time(10, 0)), (time(16, 0), time(16, 0))],
}

# The hard rules. Each has an enforcement literal in the model (solver.py), so an
# explanation can switch them one by one (solver_explain.py).
RULES = ("hours", "lunch", "all_hands", "own_day", "people")


def setting(name: str, default):
    """An app-wide override (SCHEDULER_EVENING_HOURS, ...) of a rule's default."""
    if has_app_context():
        return current_app.config.get(f"SCHEDULER_{name}", default)
    return default


def _words(text: str) -> set[str]:
    return {w.strip().lower() for w in (text or "").split(",") if w.strip()}


def seats_needed(activity: Activity, enrolled: int = 0) -> int:
    return max(activity.capacity or 0, enrolled, 1)


def needs_room(activity: Activity) -> bool:
    """Off-site visits leave by coach: no room is booked for them."""
    return activity.type not in OFF_SITE


def features_of(rooms: list[Room]) -> set[str]:
    """The equipment words any room of the event has."""
    return {word for room in rooms for word in _words(room.equipment)}


def room_suits(
    activity: Activity, room: Room, seats: int, features: set[str] | None = None
) -> bool:
    """The room is of the kind the activity's kind needs, large enough and not far too
    large, with the equipment asked for. A kind's feature (flags for signings, a stage for
    plenaries) is asked for only where some room of the event has it (`features`)."""
    features = {"flags", "stage"} if features is None else features
    if room.capacity < seats:
        return False
    if not _words(activity.required_equipment) <= _words(room.equipment):
        return False
    kind, layout, equipment = activity.type, room.layout, _words(room.equipment)
    if kind == ActivityType.BILATERAL_MEETING:
        # A VIP room: a boardroom, never a hall far too big for the two delegations.
        return layout == "boardroom" and room.capacity <= max(3 * seats, 40)
    if layout == "boardroom":
        return False
    if kind == ActivityType.BANQUET:
        return layout == "banquet"
    if layout == "banquet":
        return False
    if kind == ActivityType.SIGNING_CEREMONY:
        return "flags" in equipment or "flags" not in features
    if "flags" in equipment:  # the signing hall keeps to signings
        return False
    if kind in (ActivityType.OPENING_CEREMONY, ActivityType.PLENARY):
        return "stage" in equipment or "stage" not in features
    # Forums and workshops: not in the largest hall, kept for the plenaries.
    return room.capacity <= max(10 * seats, 600)


def hours_of(activity: Activity, event) -> tuple[time, time]:
    """When the activity may take place each day: a banquet in the evening, the rest within
    the event's programme day."""
    if activity.type == ActivityType.BANQUET:
        return setting("EVENING_HOURS", EVENING_HOURS)
    return event.day_hours


def is_vip(role: ActivityRole | None) -> bool:
    return role == ActivityRole.REQUIRED_VIP


@dataclass
class Score:
    rule: str
    label: str
    kept: int
    total: int

    @property
    def ok(self) -> bool:
        return self.kept == self.total


@dataclass
class Slot:
    """Where one activity is, in a timetable being read (proposed or saved)."""

    activity: Activity
    starts_at: datetime
    ends_at: datetime
    room: Room | None


def score(
    event, slots: list[Slot], placed_ids: set[int], needed, expected, features: set[str]
) -> list[Score]:
    """For each rule, how many of the placed activities keep it. `needed` maps an activity
    id to the people it needs, `expected` an all-hands activity's id to the people expected
    there (None: everyone)."""
    zone = ZoneInfo(event.timezone)
    placed = [s for s in slots if s.activity.id in placed_ids]
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])

    def tally(key: str, good: bool) -> None:
        counts[key][1] += 1
        counts[key][0] += int(good)

    lunch = event.lunch
    for slot in placed:
        a = slot.activity
        start, end = slot.starts_at.astimezone(zone), slot.ends_at.astimezone(zone)
        seats = seats_needed(a)
        if a.type == ActivityType.BILATERAL_MEETING:
            tally("bilateral", slot.room is not None and room_suits(a, slot.room, seats, features))
        elif a.type == ActivityType.SIGNING_CEREMONY:
            tally("signing", slot.room is not None and room_suits(a, slot.room, seats, features))
        elif a.type in OFF_SITE:
            tally("tours", slot.room is None)
        else:
            tally("rooms", slot.room is not None and room_suits(a, slot.room, seats, features))
        opens, closes = hours_of(a, event)
        tally(
            "hours", start.time() >= opens and end.time() <= closes and end.date() == start.date()
        )
        tally("duration", (end - start) == timedelta(minutes=a.duration_minutes))
        if a.type in NOT_AT_LUNCH:
            tally("lunch", end.time() <= lunch[0] or start.time() >= lunch[1])
        days = [d for d in a.allowed_days.split(",") if d]
        if days:
            tally("own_day", start.date().isoformat() in days)
        clash = False
        for other in slots:
            if other.activity.id == a.id or other.activity.type not in ALL_HANDS:
                continue
            if not (other.starts_at < slot.ends_at and slot.starts_at < other.ends_at):
                continue
            who = expected.get(other.activity.id)
            if who is None or who & needed.get(a.id, set()):
                clash = True
        tally("all_hands", not clash)
    labels = {
        "bilateral": _l("Bilateral meetings in a VIP room"),
        "signing": _l("Signing ceremonies in a signing hall"),
        "tours": _l("Tours and visits off-site, without a room"),
        "rooms": _l("Other activities in a room of their kind"),
        "hours": _l("Within the programme's hours"),
        "duration": _l("At their full length"),
        "lunch": _l("No session over lunch"),
        "all_hands": _l("Nothing beside a plenary, ceremony or banquet for those expected there"),
        "own_day": _l("On a day they may take place"),
    }
    return [Score(key, str(labels[key]), *counts[key]) for key in labels if key in counts]


def day_loads(event, slots: list[Slot]) -> list[int]:
    """Activities per day of the event, as the timetable stands."""
    zone = ZoneInfo(event.timezone)
    loads = [0] * event.days
    for slot in slots:
        index = (slot.starts_at.astimezone(zone).date() - event.starts_on).days
        if 0 <= index < event.days:
            loads[index] += 1
    return loads
