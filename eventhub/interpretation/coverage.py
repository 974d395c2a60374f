"""Which delegations in an activity's audience have no language to listen in, and the
scheduler told so through `activity_warnings` (it does not import this package).

The audience of an activity:
- an open, public activity (anyone with a badge walks in: the plenaries, the opening
  ceremony): every approved official, delegate and speaker of the event;
- any other: its confirmed enrolments (invited ones included) and its ActivityPerson people.
A member listens in their `interpretation_language`; when they gave none, in the language
LISTENING_LANGUAGES gives their delegation's country (the national language where officials
follow a meeting in it; English for Malaysia, the Philippines, Brunei and Singapore, whose
officials work in English), English for a country not in that map. A delegation is a gap
for each such language that is neither a floor language nor a channel. Only activities with
an interpretation set-up are checked: without one their floor languages are not known, and
the overview lists them as "not set up"."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from flask import url_for
from flask_babel import ngettext
from flask_babel.speaklater import LazyString

from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.i18n import localized
from eventhub.interpretation.models import InterpretationSetup
from eventhub.interpretation.setups import codes, language_name
from eventhub.registration.models import Category, Delegation, Participant, Status
from eventhub.scheduling.models import (
    Access,
    Activity,
    ActivityPerson,
    ActivityState,
    ActivityVisibility,
    Enrolment,
    EnrolmentStatus,
)
from eventhub.scheduling.signals import activity_warnings

LISTENERS = (Category.OFFICIAL, Category.DELEGATE, Category.SPEAKER)
# The language a delegation's members listen in when they did not say (see the module's doc).
LISTENING_LANGUAGES = {
    "CN": "zh",
    "HK": "zh",
    "MO": "zh",
    "TW": "zh",
    "LA": "lo",
    "KH": "km",
    "MM": "my",
    "VN": "vi",
    "TH": "th",
    "ID": "id",
    "MY": "en",
    "PH": "en",
    "BN": "en",
    "SG": "en",
}


@dataclass(frozen=True)
class Gap:
    """A delegation of the audience with no floor language or channel in `language`."""

    activity: Activity
    delegation: Delegation
    language: str
    people: int

    def message(self) -> str:
        return ngettext(
            "%(delegation)s: %(num)d person listens in %(language)s, and there is no "
            "%(language)s channel.",
            "%(delegation)s: %(num)d people listen in %(language)s, and there is no "
            "%(language)s channel.",
            self.people,
            delegation=localized(self.delegation, "name"),
            language=language_name(self.language),
        )


def is_open_to_all(activity: Activity) -> bool:
    return activity.access == Access.OPEN and activity.visibility == ActivityVisibility.PUBLIC


def _audience(activities: list[Activity]) -> dict[int, set[int]]:
    """Participant ids in each activity's audience (see the module's doc)."""
    ids = [a.id for a in activities]
    audience: dict[int, set[int]] = defaultdict(set)
    rows = db.session.execute(
        sa.select(Enrolment.activity_id, Enrolment.participant_id).where(
            Enrolment.activity_id.in_(ids), Enrolment.status == EnrolmentStatus.ENROLLED
        )
    )
    rows = [
        *rows,
        *db.session.execute(
            sa.select(ActivityPerson.activity_id, ActivityPerson.participant_id).where(
                ActivityPerson.activity_id.in_(ids)
            )
        ),
    ]
    for activity_id, participant_id in rows:
        audience[activity_id].add(participant_id)
    open_ones = [a for a in activities if is_open_to_all(a)]
    if open_ones:
        everyone = set(
            db.session.scalars(
                sa.select(Participant.id).where(
                    Participant.event_id == open_ones[0].event_id,
                    Participant.status == Status.APPROVED,
                    Participant.category.in_(LISTENERS),
                )
            )
        )
        for activity in open_ones:
            audience[activity.id] |= everyone
    return audience


def gaps_of(activities: list[Activity]) -> list[Gap]:
    """The gaps of the activities that have an interpretation set-up, in protocol order of
    the delegations."""
    activities = [a for a in activities if a is not None and a.id is not None]
    if not activities:
        return []
    setups = {
        s.activity_id: s
        for s in db.session.scalars(
            sa.select(InterpretationSetup).where(
                InterpretationSetup.activity_id.in_([a.id for a in activities])
            )
        )
    }
    checked = [a for a in activities if a.id in setups]
    if not checked:
        return []
    audience = _audience(checked)
    people = set().union(*audience.values()) if audience else set()
    members: dict[int, tuple[int, str]] = {}  # participant -> (delegation, language)
    delegations: dict[int, Delegation] = {}
    for chunk in _chunks(sorted(people)):
        for participant, delegation in db.session.execute(
            sa.select(Participant, Delegation)
            .join(Delegation, Delegation.id == Participant.delegation_id)
            .where(
                Participant.id.in_(chunk),
                # Withdrawn, refused, pending or erased people are not coming: they need no
                # channel, and must not hold back publishing.
                Participant.status == Status.APPROVED,
                Participant.erased_at.is_(None),
            )
        ):
            language = participant.interpretation_language or LISTENING_LANGUAGES.get(
                delegation.country_code, "en"
            )
            members[participant.id] = (delegation.id, language)
            delegations[delegation.id] = delegation
    found = []
    for activity in checked:
        setup = setups[activity.id]
        heard = set(codes(setup.floor_languages)) | set(codes(setup.channels))
        counts: dict[tuple[int, str], int] = defaultdict(int)
        for participant_id in audience.get(activity.id, ()):
            if participant_id in members:
                counts[members[participant_id]] += 1
        for (delegation_id, language), count in counts.items():
            if language not in heard:
                found.append(Gap(activity, delegations[delegation_id], language, count))
    found.sort(
        key=lambda g: (g.activity.id, g.delegation.protocol_order, g.delegation.name_en, g.language)
    )
    return found


def _chunks(ids: list[int], size: int = 500):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


@activity_warnings.connect
def interpretation_gaps(activities: list[Activity], **kwargs) -> list[tuple]:
    """For the scheduler's pages: each gap as (activity, message in the reader's language,
    the activity's interpretation set-up where it is put right). Cancelled activities are not
    checked."""
    live = [a for a in activities if a is not None and a.state != ActivityState.CANCELLED]
    return [
        (gap.activity, LazyString(gap.message), _setup_url(gap.activity)) for gap in gaps_of(live)
    ]


def _setup_url(activity: Activity) -> str:
    event = db.session.get(Event, activity.event_id)
    return url_for("interpretation.setup", slug=event.slug, activity_id=activity.id)
