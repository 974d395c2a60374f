"""Who acts for which organisation in matchmaking, and the records a URL names.

The rule (issue 23): organisers act for every organisation of the event. A signed-in person
acts for an organisation when one of their approved registrations in the event belongs to it,
when they are the representative named on its profile, or when they head a delegation whose
organisation it is or whose approved members belong to it. Nobody else sees an organisation's
requests and meetings, nor accepts them: a Lao delegate opening a Thai university's meeting
gets a 404, the same answer as for a meeting that does not exist.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.auth.models import Role
from eventhub.directory.models import Organisation
from eventhub.extensions import db
from eventhub.matchmaking.models import MatchProfile, Meeting, MeetingRequest
from eventhub.registration.models import Delegation, Participant, Status
from eventhub.web import in_event_or_404

# Who opens the matchmaking pages at all; what they may do there is decided per organisation.
ATTENDEES = (Role.ORGANISER, Role.DELEGATE, Role.HEAD_OF_DELEGATION)

NO_PROFILE = _l("There is no such matchmaking profile in this event.")
NO_MEETING = _l("There is no such meeting in this event.")
NO_REQUEST = _l("There is no such meeting request in this event.")


class Acting:
    """The organisations one visitor acts for in one event (`everyone` for organisers)."""

    def __init__(self, everyone: bool, organisation_ids: set[int]):
        self.everyone = everyone
        self.organisation_ids = organisation_ids

    def may(self, organisation_id: int | None) -> bool:
        return self.everyone or (
            organisation_id is not None and organisation_id in self.organisation_ids
        )

    def for_profile(self, profile: MatchProfile) -> bool:
        return self.may(profile.organisation_id)


def acting_for(event, user, roles) -> Acting:
    """What `user` (holding `roles` in `event`) acts for; see the module's rule."""
    if Role.ORGANISER in roles:
        return Acting(True, set())
    if not getattr(user, "is_authenticated", False):
        return Acting(False, set())
    mine = list(
        db.session.scalars(
            sa.select(Participant).where(
                Participant.event_id == event.id,
                Participant.user_id == user.id,
                Participant.status == Status.APPROVED,
                Participant.erased_at.is_(None),
            )
        )
    )
    ids = {p.id for p in mine}
    found = {p.organisation_id for p in mine if p.organisation_id}
    if ids:
        found |= set(
            db.session.scalars(
                sa.select(MatchProfile.organisation_id).where(
                    MatchProfile.event_id == event.id, MatchProfile.representative_id.in_(ids)
                )
            )
        )
        headed = list(
            db.session.scalars(
                sa.select(Delegation).where(
                    Delegation.event_id == event.id, Delegation.head_id.in_(ids)
                )
            )
        )
        for delegation in headed:
            if delegation.organisation_id:
                found.add(delegation.organisation_id)
            found |= set(
                db.session.scalars(
                    sa.select(Participant.organisation_id).where(
                        Participant.delegation_id == delegation.id,
                        Participant.status == Status.APPROVED,
                        Participant.organisation_id.is_not(None),
                    )
                )
            )
    return Acting(False, found)


def profile_or_404(event, profile_id: int) -> MatchProfile:
    return in_event_or_404(MatchProfile, profile_id, event, NO_PROFILE)


def own_profile_or_404(event, profile_id: int, acting: Acting) -> MatchProfile:
    """A profile the visitor acts for; another organisation's is "not found" to them."""
    profile = profile_or_404(event, profile_id)
    if not acting.for_profile(profile):
        in_event_or_404(MatchProfile, None, event, NO_PROFILE)
    return profile


def meeting_or_404(event, meeting_id: int, acting: Acting) -> Meeting:
    """A meeting of the event that the visitor acts for one side of (organisers: any)."""
    meeting = in_event_or_404(Meeting, meeting_id, event, NO_MEETING)
    if not (
        acting.for_profile(meeting.first_profile) or acting.for_profile(meeting.second_profile)
    ):
        in_event_or_404(Meeting, None, event, NO_MEETING)
    return meeting


def request_or_404(event, request_id: int, acting: Acting, *, side: str) -> MeetingRequest:
    """A request the visitor acts for the `side` of ("from": who asked, "to": who was asked)."""
    asked = in_event_or_404(MeetingRequest, request_id, event, NO_REQUEST)
    profile = asked.from_profile if side == "from" else asked.to_profile
    if not acting.for_profile(profile):
        in_event_or_404(MeetingRequest, None, event, NO_REQUEST)
    return asked


def profiles_acted_for(event, acting: Acting) -> list[MatchProfile]:
    """The event's profiles the visitor acts for, by organisation name."""
    query = (
        sa.select(MatchProfile)
        .join(Organisation, Organisation.id == MatchProfile.organisation_id)
        .where(MatchProfile.event_id == event.id)
        .order_by(Organisation.name_en)
    )
    if not acting.everyone:
        query = query.where(MatchProfile.organisation_id.in_(acting.organisation_ids or {-1}))
    return list(db.session.scalars(query))
