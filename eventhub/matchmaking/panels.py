"""What matchmaking adds to registration's pages: a representative's confirmed meetings on
their own page (and account page), and on the organisers' page of the person. Registration
does not import this package."""

from __future__ import annotations

from eventhub.matchmaking.meetings import confirmed_of
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
