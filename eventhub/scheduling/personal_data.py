"""Scheduling's answers about one person (privacy.signals): their enrolments and roles in
the programme, in the export. On erasure the calendar feed's secret address goes (its
token would still open a nameless agenda), enrolments stay as counts of places taken, and
the person leaves the programme's speakers, moderators and required guests (a nameless
speaker tells a reader nothing)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.extensions import db
from eventhub.privacy.readable import Reading
from eventhub.privacy.signals import person_data, person_erase, person_reading
from eventhub.scheduling.labels import ENROLMENT_LABELS, ROLE_LABELS
from eventhub.scheduling.models import Activity, ActivityPerson, AgendaFeed, Enrolment


def _when(activity: Activity) -> str | None:
    return activity.starts_at.isoformat() if activity.starts_at else None


@person_data.connect
def programme_export(event, *, participant_id: int, **kwargs):
    enrolments = db.session.execute(
        sa.select(Enrolment, Activity)
        .join(Activity, Activity.id == Enrolment.activity_id)
        .where(Activity.event_id == event.id, Enrolment.participant_id == participant_id)
        .order_by(Activity.starts_at, Activity.id)
    ).all()
    roles = db.session.execute(
        sa.select(ActivityPerson, Activity)
        .join(Activity, Activity.id == ActivityPerson.activity_id)
        .where(Activity.event_id == event.id, ActivityPerson.participant_id == participant_id)
        .order_by(Activity.starts_at, Activity.id)
    ).all()
    feed = db.session.get(AgendaFeed, participant_id)
    if not (enrolments or roles or feed):
        return None
    return (
        "programme",
        {
            "enrolments": [
                {
                    "activity": a.title_en,
                    "starts_at": _when(a),
                    "status": e.status.value,
                    "invited": e.invited,
                    "since": e.created_at.isoformat(),
                }
                for e, a in enrolments
            ],
            "roles": [
                {"activity": a.title_en, "starts_at": _when(a), "role": p.role.value}
                for p, a in roles
            ],
            "calendar_feed": feed.created_at.isoformat() if feed else None,
        },
    )


@person_erase.connect
def programme_erase(event, *, participant_id: int, **kwargs) -> dict[str, int]:
    in_event = sa.select(Activity.id).where(Activity.event_id == event.id)
    feeds = db.session.execute(
        sa.delete(AgendaFeed).where(AgendaFeed.participant_id == participant_id)
    ).rowcount
    roles = db.session.execute(
        sa.delete(ActivityPerson).where(
            ActivityPerson.participant_id == participant_id,
            ActivityPerson.activity_id.in_(in_event),
        )
    ).rowcount
    kept = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Enrolment)
        .where(Enrolment.participant_id == participant_id, Enrolment.activity_id.in_(in_event))
    )
    counts = {"calendar_feeds": feeds, "activity_roles": roles, "enrolments_kept": kept}
    return {what: n for what, n in counts.items() if n}


PROGRAMME = Reading(
    title=_l("Programme"),
    order=60,
    labels={
        "enrolments": _l("Enrolments"),
        "roles": _l("Roles"),
        "activity": _l("Activity"),
        "starts_at": _l("Starts at"),
        "status": _l("Status"),
        "invited": _l("Invited"),
        "since": _l("Since"),
        "role": _l("Role"),
        "calendar_feed": _l("Calendar feed made at"),
    },
    values={"status": ENROLMENT_LABELS, "role": ROLE_LABELS},
)


@person_reading.connect
def programme_reading(event, **kwargs):
    return ("programme", PROGRAMME)
