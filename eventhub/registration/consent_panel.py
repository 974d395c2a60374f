"""The consents panel on the organisers' page of a participant: each purpose's latest answer
(with the notice's version and language, when and how it was given) and the history."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.auth.models import User
from eventhub.extensions import db
from eventhub.i18n import LOCALE_LABELS
from eventhub.privacy import consents
from eventhub.privacy.kinds import PURPOSE_LABELS, Purpose
from eventhub.privacy.models import ConsentSource
from eventhub.registration.models import Source
from eventhub.registration.signals import participant_panels
from eventhub.web import Panel

SOURCE_LABELS = {
    ConsentSource.FORM: _l("on the registration form"),
    ConsentSource.OWN_PAGE: _l("on their own page"),
    ConsentSource.HEAD: _l("collected by the head of delegation"),
    ConsentSource.ORGANISER: _l("recorded by an organiser"),
    ConsentSource.IMPORT: _l("vouched for by the sender of an import"),
    ConsentSource.API: _l("sent through the partner API"),
}


@participant_panels.connect
def consent_panel(participant, *, event, roles, **kwargs) -> Panel:
    """Shown to everyone who may open the page (organisers and the visa desk)."""
    history = consents.history(participant.id)
    latest = {}
    for row in history:  # newest first
        latest.setdefault(row.purpose, row)
    recorders = {
        user.id: user.email
        for user in db.session.scalars(
            sa.select(User).where(User.id.in_({r.recorded_by_id for r in history} - {None}))
        )
    }
    return Panel.rendered(
        "registration/_panel_consents.html",
        order=3,
        purposes=list(Purpose),
        purpose_labels=PURPOSE_LABELS,
        latest=latest,
        history=history,
        recorders=recorders,
        source_labels=SOURCE_LABELS,
        language_labels=LOCALE_LABELS,
        imported=participant.source == Source.IMPORT,
        transfer=Purpose.TRANSFER_ABROAD,
    )
