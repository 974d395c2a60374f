"""What certificates show on the participant pages of registration: a download for each of
the participant's valid certificates, on their own page."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.certificates.models import Certificate
from eventhub.extensions import db
from eventhub.registration.models import Status
from eventhub.registration.signals import own_page_panels
from eventhub.web import Panel


@own_page_panels.connect
def own_certificates(participant, *, event, key, **kwargs) -> Panel | None:
    """A download for each of the participant's valid certificates, once approved."""
    if participant.status != Status.APPROVED:
        return None
    certificates = db.session.scalars(
        sa.select(Certificate).where(
            Certificate.participant_id == participant.id, Certificate.revoked_at.is_(None)
        )
    ).all()
    if not certificates:
        return None
    return Panel.rendered(
        "certificates/_panel_own.html", order=20, event=event, key=key, certificates=certificates
    )
