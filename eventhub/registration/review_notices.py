"""Telling the organisers that an approved registration needs their approval again (a head
of delegation or the person changed who they are, or a withdrawal of someone approved was
undone): by email to each organiser of the event, in their own language."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_babel import force_locale, gettext

from eventhub.i18n import localized
from eventhub.mail import send_mail
from eventhub.registration.delegations import organisers
from eventhub.registration.forms import HISTORY_LABELS
from eventhub.registration.models import Participant
from eventhub.web import external_url


def tell_organisers(participant: Participant, what: str, changes: dict[str, Any], by: str) -> int:
    """`what` is "changed" (with the `changes` that sent it back to review) or "restored";
    `by` names who did it. Returns how many organisers were written to."""
    event = participant.event
    link = external_url(
        "registration.participant_detail", slug=event.slug, participant_id=participant.id
    )
    sent = 0
    for organiser in organisers(event):
        with force_locale(organiser.locale or "en"):
            fields = [str(HISTORY_LABELS.get(name, name)) for name in changes if name != "status"]
            sent += send_mail(
                organiser.email,
                gettext(
                    "%(name)s needs your approval again (%(event)s)",
                    name=participant.latin_name,
                    event=localized(event, "name"),
                ),
                render_template(
                    "email/review_again.txt",
                    participant=participant,
                    what=what,
                    by=by,
                    fields=fields,
                    link=link,
                ),
                event_id=event.id,
            )
    return sent
