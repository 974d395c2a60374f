"""What badges shows on the participant pages of registration: the badge's state and the
reprint form for the organisers, the badge downloads for the participant."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.badges import issuing
from eventhub.badges.models import Badge
from eventhub.extensions import db
from eventhub.registration.signals import own_page_panels, participant_panels
from eventhub.web import Panel


@participant_panels.connect
def participant_badge(participant, *, event, roles, **kwargs) -> Panel | None:
    """The badge's version and last print, the downloads, and the reprint form."""
    if not issuing.may_have_badge(participant):
        return None
    return Panel.rendered(
        "badges/_panel_participant.html",
        order=10,
        event=event,
        participant=participant,
        badge=db.session.scalar(sa.select(Badge).where(Badge.participant_id == participant.id)),
        roles=roles,
    )


@own_page_panels.connect
def own_badge(participant, *, event, key, **kwargs) -> Panel | None:
    """The badge as a PDF and its QR code for a phone, once the registration is approved."""
    if not issuing.may_have_badge(participant):
        return None
    return Panel.rendered("badges/_panel_own.html", order=10, event=event, key=key)
