"""Seating plans: which activities have one, who is invited, the plan as the planner sees
it, and the hard rules a stored plan breaks (with names, for the page).

Who is invited: when anyone has enrolled in the activity or been invited to it (an
Enrolment row), the approved, non-erased participants whose enrolment is confirmed
("enrolled"; waiting or cancelled ones are not seated); otherwise (an open banquet nobody
enrols in, or one whose invitations are not entered yet) every approved, non-erased
participant of the event. The people listed on the activity (speakers,
moderators, required VIPs) are always invited. Staff, volunteers and media are not seated
unless enrolled or listed.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from eventhub.audit import services as audit
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Category, Participant, Status
from eventhub.registration.precedence import precedence_key
from eventhub.scheduling.models import (
    Activity,
    ActivityPerson,
    ActivityState,
    ActivityType,
    Enrolment,
    EnrolmentStatus,
)
from eventhub.seating import cards, planner
from eventhub.seating.models import (
    SeatAssignment,
    SeatingPlan,
    SeatingTable,
    SeatRole,
    TableShape,
)

for _code, _label in (
    ("seating.plan_create", _l("Seating plan created")),
    ("seating.propose", _l("Seating plan proposed by precedence")),
    ("seating.reflow", _l("Seating plan re-flowed after a cancellation")),
    ("seating.move", _l("Guest moved in a seating plan")),
    ("seating.tables_add", _l("Tables added to a seating plan")),
    ("seating.table_edit", _l("Seating table changed")),
    ("seating.table_remove", _l("Seating table removed")),
    ("seating.settings", _l("Seating plan settings changed")),
    ("seating.publish", _l("Seating plan published to the guests")),
    ("seating.unpublish", _l("Seating plan back to a draft")),
):
    audit.ACTION_LABELS.setdefault(_code, _label)

SEATED_TYPES = (
    ActivityType.BANQUET,
    ActivityType.OPENING_CEREMONY,
    ActivityType.SIGNING_CEREMONY,
)
NOT_SEATED_UNLESS_INVITED = (Category.STAFF, Category.VOLUNTEER, Category.MEDIA)


def seated_activities(event: Event) -> list[Activity]:
    """The event's banquets and ceremonies (not cancelled), in programme order."""
    return list(
        db.session.scalars(
            sa.select(Activity)
            .where(
                Activity.event_id == event.id,
                Activity.type.in_(SEATED_TYPES),
                Activity.state != ActivityState.CANCELLED,
            )
            .order_by(Activity.starts_at.is_(None), Activity.starts_at, Activity.id)
        )
    )


def plans_by_activity(event: Event) -> dict[int, SeatingPlan]:
    rows = db.session.scalars(sa.select(SeatingPlan).where(SeatingPlan.event_id == event.id))
    return {plan.activity_id: plan for plan in rows}


def create_plan(event: Event, activity: Activity, *, actor) -> SeatingPlan:
    """A plan for `activity` (a banquet or ceremony of `event`), with no tables yet."""
    if activity.type not in SEATED_TYPES:
        raise DomainError(_l("Only banquets and ceremonies have seating plans."))
    # The activity's row held until the commit: a second click waits, then finds the plan.
    db.session.execute(sa.select(Activity.id).where(Activity.id == activity.id).with_for_update())
    if db.session.scalar(sa.select(SeatingPlan.id).filter_by(activity_id=activity.id)):
        raise DomainError(_l("This activity already has a seating plan."))
    plan = SeatingPlan(event_id=event.id, activity_id=activity.id, host_country_code="CN")
    db.session.add(plan)
    db.session.flush()
    audit.record("seating.plan_create", plan, actor=actor, event_id=event.id)
    return plan


def lock(plan: SeatingPlan) -> SeatingPlan:
    """Hold the plan's row until the commit (SELECT ... FOR UPDATE; SQLite's one writer does
    the same) and read it afresh: a second Propose, another organiser's move or the re-flow
    job waits for this one, then works on the plan as it left it."""
    return db.session.scalars(
        sa.select(SeatingPlan)
        .where(SeatingPlan.id == plan.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


class PlanChanged(DomainError):
    """The plan changed since the page was opened (another organiser, a re-flow)."""


def _takes_enrolments(activity: Activity) -> bool:
    return bool(
        db.session.scalar(sa.select(Enrolment.id).filter_by(activity_id=activity.id).limit(1))
    )


def audience(plan: SeatingPlan) -> list[Participant]:
    """Who is invited (see the module's docstring), by precedence."""
    activity = plan.activity
    approved = (Participant.status == Status.APPROVED, Participant.erased_at.is_(None))
    listed = sa.select(ActivityPerson.participant_id).where(
        ActivityPerson.activity_id == activity.id
    )
    if _takes_enrolments(activity):
        invited = Participant.id.in_(
            sa.select(Enrolment.participant_id).where(
                Enrolment.activity_id == activity.id,
                Enrolment.status == EnrolmentStatus.ENROLLED,
            )
        )
    else:
        invited = Participant.category.not_in(NOT_SEATED_UNLESS_INVITED)
    people = db.session.scalars(
        sa.select(Participant).where(
            Participant.event_id == plan.event_id,
            *approved,
            sa.or_(invited, Participant.id.in_(listed)),
        )
    )
    return sorted(people, key=precedence_key)


def host_and_guest(plan: SeatingPlan, people: list[Participant]) -> tuple[int | None, ...]:
    """The host (chosen, else the most senior of the host country) and the guest of honour
    (chosen, else the most senior guest), among the invited."""
    ids = {p.id for p in people}
    principals = [p for p in people if p.category != Category.INTERPRETER]
    host = plan.host_id if plan.host_id in ids else None
    if host is None:
        host = next((p.id for p in principals if _host_side(plan, p)), None)
    goh = plan.guest_of_honour_id if plan.guest_of_honour_id in ids else None
    if goh is None:
        goh = next((p.id for p in principals if not _host_side(plan, p) and p.id != host), None)
    return host, goh


def _host_side(plan: SeatingPlan, person: Participant) -> bool:
    return person.country_code == plan.host_country_code


def principals(people: list[Participant]) -> dict[int, int]:
    """delegation id -> its principal among `people`: the head, else the most senior."""
    found: dict[int, int] = {}
    heads = {p.delegation.head_id for p in people if p.delegation is not None}
    for person in people:  # by precedence
        if person.delegation_id is None or person.category == Category.INTERPRETER:
            continue
        if person.id in heads or person.delegation_id not in found:
            if person.delegation_id in found and found[person.delegation_id] in heads:
                continue
            found[person.delegation_id] = person.id
    return found


def problem_of(plan: SeatingPlan, people: list[Participant] | None = None) -> planner.Problem:
    people = audience(plan) if people is None else people
    heads = principals(people)
    host, goh = host_and_guest(plan, people)
    persons = [
        planner.Person(
            id=p.id,
            key=precedence_key(p),
            host_side=_host_side(plan, p),
            group=p.delegation_id,
            principal=heads.get(p.delegation_id)
            if p.category == Category.INTERPRETER and p.delegation_id
            else None,
        )
        for p in people
    ]
    fixed = {a.participant_id: (a.table_id, a.seat, a.behind) for a in places_of(plan) if a.by_hand}
    return planner.Problem(
        people=persons,
        tables=[
            planner.Table(t.id, t.number, t.seats, t.shape == TableShape.HEAD) for t in plan.tables
        ],
        fixed=fixed,
        host_id=host,
        guest_of_honour_id=goh,
        interpreters_behind=plan.interpreters_behind,
    )


def places_of(plan: SeatingPlan) -> list[SeatAssignment]:
    return list(db.session.scalars(sa.select(SeatAssignment).filter_by(plan_id=plan.id)))


def table_of(plan: SeatingPlan, number: int) -> SeatingTable | None:
    return next((t for t in plan.tables if t.number == number), None)


MESSAGES = {
    "seat_taken": _l("%(names)s share seat %(seat)s at table %(table)s."),
    "capacity": _l(
        "%(names)s have no seat of table %(table)s: it is full or the seat does not exist."
    ),
    "hand_moved": _l("%(names)s, placed by hand, was moved."),
    "host": _l("The host, %(names)s, is not in the centre seat of the head table."),
    "guest_of_honour": _l(
        "The guest of honour, %(names)s, is not on the host's right at the head table."
    ),
    "interpreter": _l(
        "The interpreter and the principal %(names)s would not sit together (behind the"
        " principal, or in a free seat next to them)."
    ),
}


def violations(plan: SeatingPlan) -> list[str]:
    """The hard rules the stored plan breaks, in words (the tests and the page use it)."""
    rows = places_of(plan)
    people = audience(plan)
    names = {p.id: p.titled_name for p in people}
    problem = problem_of(plan, people)
    places = {}
    found = []
    by_id = {t.id: t for t in plan.tables}
    for row in rows:
        if row.participant_id in places:
            found.append(planner.Violation("seat_taken", (row.participant_id,)))
        places[row.participant_id] = (row.table_id, row.seat, row.behind)
    found += planner.check(problem, places)
    out = []
    for v in found:
        seat = next((places[p][1] for p in v.people if p in places), "")
        out.append(
            str(
                MESSAGES[v.code]
                % {
                    "names": ", ".join(names.get(p, f"#{p}") for p in v.people),
                    "table": v.table
                    or (
                        by_id[places[v.people[0]][0]].number
                        if v.people and v.people[0] in places
                        else ""
                    ),
                    "seat": seat,
                }
            )
        )
    return out


def current(plan: SeatingPlan) -> dict[int, planner.Place]:
    return {a.participant_id: (a.table_id, a.seat, a.behind) for a in places_of(plan)}


def write_places(
    plan: SeatingPlan, places: dict[int, planner.Place], *, by_hand: set[int] = frozenset()
) -> set[int]:
    """Store `places` as the plan's: a place that changes gets `changed_at` (its card is
    re-issued); people without a place lose theirs. Returns who moved (or came, or left)."""
    from eventhub.db import utcnow

    rows = {a.participant_id: a for a in places_of(plan)}
    moved: set[int] = set()
    now = utcnow()
    interpreters = _interpreters(plan)
    for pid, row in rows.items():
        if pid not in places:
            cards.withdraw(row)
            db.session.delete(row)
            moved.add(pid)
        elif (row.table_id, row.seat, row.behind) != places[pid]:
            row.seat = -row.id  # out of the way of the unique seat while others move
            moved.add(pid)
    db.session.flush()
    for pid, (table_id, seat, behind) in places.items():
        row = rows.get(pid)
        if row is None:
            row = SeatAssignment(plan_id=plan.id, participant_id=pid)
            db.session.add(row)
            moved.add(pid)
        elif pid not in moved:
            if pid in by_hand:
                row.by_hand = True
            continue
        row.table_id, row.seat, row.behind = table_id, seat, behind
        row.role = SeatRole.INTERPRETER if pid in interpreters else SeatRole.GUEST
        row.changed_at = now
        row.by_hand = bool(row.by_hand) or pid in by_hand
    db.session.flush()
    return moved


def _interpreters(plan: SeatingPlan) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(Participant.id).where(
                Participant.event_id == plan.event_id, Participant.category == Category.INTERPRETER
            )
        )
    )


class MoveRefused(DomainError):
    pass


def move(
    plan: SeatingPlan,
    person: Participant,
    table: SeatingTable,
    seat: int,
    *,
    actor,
    seen_version: int | None = None,
) -> str:
    """Put `person` at `table`'s `seat` by hand; whoever sat there takes `person`'s old place
    (a swap). An interpreter following them comes along. Refused, with the reason, when the
    move breaks a hard rule, or when the plan is no longer at `seen_version` (the version the
    organiser's page showed). Returns who was swapped (a name) or ""."""
    plan = lock(plan)
    if seen_version is not None and seen_version != plan.version:
        raise PlanChanged(
            _(
                "The plan has changed since you opened this page (it is now version %(v)d):"
                " nothing was moved. Look at the plan below and move the guest again.",
                v=plan.version,
            )
        )
    people = audience(plan)
    if person.id not in {p.id for p in people}:
        raise MoveRefused(_("%(name)s is not invited to this activity.", name=person.titled_name))
    if not 1 <= seat <= table.seats:
        raise MoveRefused(
            _(
                "Table %(table)s has %(seats)d seats; there is no seat %(seat)d.",
                table=table.number,
                seats=table.seats,
                seat=seat,
            )
        )
    before = current(plan)
    after = dict(before)
    old = before.get(person.id)
    occupant = next(
        (pid for pid, place in before.items() if place == (table.id, seat, False)), None
    )
    if occupant == person.id:  # put where they sit: kept there from now on
        for row in places_of(plan):
            if row.participant_id == person.id:
                row.by_hand = True
        return ""
    if occupant is not None and old is None:
        free = table.seats - sum(1 for t, _s, b in before.values() if t == table.id and not b)
        if free == 0:
            raise MoveRefused(
                _(
                    "Table %(table)s has %(seats)d seats; all are taken.",
                    table=table.number,
                    seats=table.seats,
                )
            )
        raise MoveRefused(
            _(
                "Seat %(seat)d of table %(table)s is taken; choose a free seat.",
                seat=seat,
                table=table.number,
            )
        )
    problem = problem_of(plan, people)
    problem.fixed = {}
    after[person.id] = (table.id, seat, False)
    if occupant is not None:
        after[occupant] = old
    hand = {person.id} | ({occupant} if occupant else set())
    followers = planner._followers(problem)
    shapes = {
        t.id: planner.Table(t.id, t.number, t.seats, t.shape == TableShape.HEAD)
        for t in plan.tables
    }
    # The interpreters of whoever moved come along: behind them, else in a free seat beside.
    movers = [pid for pid in (person.id, occupant) if pid is not None and after.get(pid)]
    coming = [followers[pid] for pid in movers if followers.get(pid) in after]
    for follower in coming:
        del after[follower]
    for pid in movers:
        follower = followers.get(pid)
        if follower not in coming or pid not in after:
            continue
        t, s, _b = after[pid]
        taken = set(after.values())
        if plan.interpreters_behind and (t, s, True) not in taken:
            after[follower] = (t, s, True)
        else:
            spot = shapes[t]
            for nxt in (spot.left_of(s), spot.right_of(s)):
                if nxt is not None and (t, nxt, False) not in taken:
                    after[follower] = (t, nxt, False)
                    break
        hand.add(follower)
    known = {(v.code, v.people) for v in planner.check(problem, before)}
    new = [v for v in planner.check(problem, after) if (v.code, v.people) not in known]
    if new:
        names = {p.id: p.titled_name for p in people}
        v = new[0]
        raise MoveRefused(
            _(
                "This move is refused: %(reason)s",
                reason=MESSAGES[v.code]
                % {
                    "names": ", ".join(names.get(p, "") for p in v.people),
                    "table": v.table or table.number,
                    "seat": seat,
                },
            )
        )
    write_places(plan, after, by_hand=hand)
    plan.version += 1
    audit.record(
        "seating.move",
        plan,
        actor=actor,
        event_id=plan.event_id,
        changes={"participant": [old, [table.number, seat]], "swapped_with": occupant},
    )
    names = {p.id: p.titled_name for p in people}
    return names.get(occupant, "") if occupant else ""
