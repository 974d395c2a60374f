"""What matchmaking adds to registration's pages: a representative's confirmed meetings on
their own page (and account page), and on the organisers' page of the person. Registration
does not import this package."""

from __future__ import annotations

from eventhub.events.signals import event_home_panels
from eventhub.extensions import db
from eventhub.matchmaking.access import ATTENDEES, acting_for, profiles_acted_for
from eventhub.matchmaking.meetings import (
    accepted,
    confirmed_of,
    meetings_query,
    sides_acted_for,
)
from eventhub.matchmaking.models import MeetingState
from eventhub.matchmaking.topics import TOPICS, keys_of
from eventhub.registration.signals import own_page_panels, participant_panels
from eventhub.transport.panels import on_clock_of
from eventhub.web import Panel


def _other(meeting, participant):
    """The profile across the table from the participant."""
    if meeting.first_profile.representative_id == participant.id:
        return meeting.second_profile
    return meeting.first_profile


@own_page_panels.connect
def own_meetings(participant, *, event, key, **kwargs) -> Panel | None:
    """The representative's confirmed meetings: when, where, with whom, on what."""
    if participant.erased_at is not None:
        return None
    found = confirmed_of(participant)
    if not found:
        return None
    return Panel.rendered(
        "matchmaking/_panel_own.html",
        order=40,
        event=event,
        rows=[(m, _other(m, participant)) for m in found],
        topics=TOPICS,
        keys_of=keys_of,
        links=False,
        **on_clock_of(event.timezone),
    )


@participant_panels.connect
def person_meetings(participant, *, event, roles, **kwargs) -> Panel | None:
    """The organisers see the person's confirmed meetings, with links."""
    if "organiser" not in {str(r) for r in roles} or participant.erased_at is not None:
        return None
    found = confirmed_of(participant)
    if not found:
        return None
    return Panel.rendered(
        "matchmaking/_panel_own.html",
        order=40,
        event=event,
        rows=[(m, _other(m, participant)) for m in found],
        topics=TOPICS,
        keys_of=keys_of,
        links=True,
        **on_clock_of(event.timezone),
    )


@event_home_panels.connect
def matchmaking_entry(event, *, user, roles, **kwargs) -> Panel | None:
    """The way into matchmaking from the event's home page, for those who may use it, with
    the meetings waiting for the visitor's answer."""
    if not set(roles).intersection(ATTENDEES):
        return None
    acting = acting_for(event, user, roles)
    waiting = 0
    if not acting.everyone:
        ids = [p.id for p in profiles_acted_for(event, acting)]
        if ids:
            for meeting in db.session.scalars(
                meetings_query(event, profile_ids=ids, state=MeetingState.PROPOSED.value)
            ):
                waiting += any(
                    not accepted(meeting, side) for side in sides_acted_for(meeting, acting)
                )
    return Panel.rendered(
        "matchmaking/_panel_home.html", order=60, event=event, acting=acting, waiting=waiting
    )
