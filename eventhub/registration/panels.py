"""What registration shows on the pages of other modules: on an event's home page, the
visitor's own registration, the delegations they head, and the organisers' key figures."""

from __future__ import annotations

from eventhub.auth.models import Role
from eventhub.events.signals import event_home_panels
from eventhub.registration import quotas
from eventhub.registration.delegations import delegations_headed_by
from eventhub.registration.figures import event_figures
from eventhub.registration.labels import CATEGORY_LABELS, STATUS_LABELS
from eventhub.registration.models import Status
from eventhub.registration.organisations import pending_count
from eventhub.registration.own_link import participants_of_user
from eventhub.web import Panel


@event_home_panels.connect
def own_registration(event, *, user, **kwargs) -> Panel | None:
    """The participant records the visitor's account holds in this event."""
    if not user.is_authenticated:
        return None
    participants = participants_of_user(event, user)
    if not participants:
        return None
    return Panel.rendered(
        "registration/_panel_own.html",
        order=10,
        event=event,
        participants=participants,
        status_labels=STATUS_LABELS,
        category_labels=CATEGORY_LABELS,
    )


@event_home_panels.connect
def headed_delegations(event, *, user, **kwargs) -> Panel | None:
    """The delegations the visitor heads, with their members counted by status."""
    if not user.is_authenticated:
        return None
    delegations = delegations_headed_by(event, user)
    if not delegations:
        return None
    return Panel.rendered(
        "registration/_panel_delegations.html",
        order=20,
        event=event,
        headed_delegations=delegations,
        status_labels=STATUS_LABELS,
    )


@event_home_panels.connect
def key_figures(event, *, roles, **kwargs) -> Panel | None:
    """Who has registered, from where, in which status: for the organisers."""
    if Role.ORGANISER not in roles:
        return None
    places = quotas.usage(event)
    return Panel.rendered(
        "registration/_panel_figures.html",
        order=30,
        figures=event_figures(event),
        places=places,
        place_names=quotas.limit_names(places),
        waiting=len(quotas.waiting_list(event.id)),
        new_organisations=pending_count(event),
        event=event,
        status_labels=STATUS_LABELS,
        category_labels=CATEGORY_LABELS,
        status_approved=Status.APPROVED,
    )
